//! Embedded `.msg` attachments: parsing, code page inheritance and the
//! nesting limit.

use super::*;
use crate::{Limits, MAX_EMBED_DEPTH, parse_msg};

#[test]
fn embedded_message_is_parsed_recursively() {
    let message = parse(&forwarded_invoice().build());
    assert_eq!(message.subject.as_deref(), Some(format!("FW: {SUBJECT}").as_str()));
    assert_eq!(message.attachments.len(), 1);
    let attachment = &message.attachments[0];
    assert_eq!(attachment.method, 5);
    assert_eq!(attachment.name.as_deref(), Some(SUBJECT));
    assert!(attachment.data.is_empty());
    let Some(inner) = attachment.embedded.as_deref() else {
        panic!("embedded message missing: {:?}", message.warnings);
    };
    assert_eq!(inner.code_page, Some(932));
    assert_eq!(inner.subject.as_deref(), Some(SUBJECT));
    assert_eq!(inner.sender_name.as_deref(), Some(SENDER_NAME));
    assert_eq!(inner.transport_headers.as_deref(), Some(transport_headers().as_str()));
    assert_eq!(inner.recipients.len(), 3);
    assert_eq!(inner.attachments[0].name.as_deref(), Some(ZIP_NAME));
    assert_eq!(inner.attachments[1].name.as_deref(), Some(DOCM_NAME));
    assert_eq!(message.embed_depth(), 1);
    assert_eq!(message.all_warnings(), Vec::<String>::new());
}

#[test]
fn embedded_ansi_message_inherits_the_parent_code_page() {
    let with_own_code_page = MsgBuilder::new().unicode(false).code_page(932).subject("ｶﾀｶﾅ件名");
    // 8-bit strings and no code page property of its own.
    let without_code_page = MsgBuilder::new().unicode(false).raw_stream(
        "__substg1.0_0037001E",
        encoding_rs::SHIFT_JIS.encode("ｶﾀｶﾅ件名").0.into_owned(),
    );
    let outer = MsgBuilder::new()
        .code_page(932)
        .embed_named("a", with_own_code_page)
        .embed_named("b", without_code_page)
        .build();
    let message = parse(&outer);
    for attachment in &message.attachments {
        let Some(inner) = attachment.embedded.as_deref() else {
            panic!("embedded message missing");
        };
        assert_eq!(inner.code_page, Some(932));
        assert_eq!(inner.subject.as_deref(), Some("ｶﾀｶﾅ件名"));
        assert!(inner.warnings.is_empty(), "{:?}", inner.warnings);
    }
}

/// A chain of `levels` messages, each embedding the next.
pub(super) fn chain(levels: usize) -> Vec<u8> {
    let mut builder = MsgBuilder::new().subject(format!("level {levels}"));
    for level in (0..levels).rev() {
        builder = MsgBuilder::new().subject(format!("level {level}")).embed(builder);
    }
    builder.build()
}

#[test]
fn deep_chain_stops_at_the_depth_limit_with_a_warning() {
    let message = parse(&chain(20));
    assert_eq!(message.embed_depth(), MAX_EMBED_DEPTH);
    let mut current = &message;
    let mut levels_seen = 0;
    while let Some(next) = current.attachments.first().and_then(|a| a.embedded.as_deref()) {
        levels_seen += 1;
        assert_eq!(next.subject, Some(format!("level {levels_seen}")));
        current = next;
    }
    assert_eq!(levels_seen, MAX_EMBED_DEPTH);
    // The deepest parsed message still lists the attachment, unparsed.
    let stub = &current.attachments[0];
    assert_eq!(stub.method, 5);
    assert_eq!(stub.embedded, None);
    assert_eq!(stub.name.as_deref(), Some("level 9"));
    assert!(current.warnings.iter().any(|w| w.contains("exceeds the limit")));
    let all = message.all_warnings();
    let (copies, parse): (Vec<&String>, Vec<&String>) = all.iter().partition(|w| w.contains("standalone"));
    assert_eq!(parse.len(), 1, "{all:?}");
    assert!(parse[0].starts_with("attachment 0 > attachment 0 > "));
    // Every parsed level holds more than MAX_EMBED_DEPTH levels below it,
    // so none is re-written, and each says so.
    assert_eq!(copies.len(), MAX_EMBED_DEPTH, "{all:?}");
    assert!(copies.iter().all(|w| w.contains("more than 8 levels deep")));
}

#[test]
fn custom_depth_limit_and_zero_depth() {
    let bytes = chain(5);
    for max_embed_depth in [0, 1, 3] {
        let limits = Limits {
            max_embed_depth,
            ..Limits::default()
        };
        let message = parse_msg(&bytes, &limits).unwrap_or_default();
        assert_eq!(message.embed_depth(), max_embed_depth);
        let all = message.all_warnings();
        let not_parsed = all.iter().filter(|w| w.contains("not parsed")).count();
        assert_eq!(not_parsed, 1, "{all:?}");
        // Only the first level holds more levels (4) than the limit allows;
        // the levels below it are re-written.
        let not_copied = all.iter().filter(|w| w.contains("standalone")).count();
        assert_eq!(not_copied, usize::from(max_embed_depth > 0), "{all:?}");
        assert_eq!(all.len(), not_parsed + not_copied);
    }
}

#[test]
fn many_siblings_each_embedding_messages() {
    let mut outer = MsgBuilder::new().subject("fan-out");
    for index in 0..12 {
        outer = outer.embed(
            MsgBuilder::new()
                .subject(format!("child {index}"))
                .embed(MsgBuilder::new().subject(format!("grandchild {index}"))),
        );
    }
    let message = parse(&outer.build());
    assert_eq!(message.attachments.len(), 12);
    for (index, attachment) in message.attachments.iter().enumerate() {
        let child = attachment.embedded.as_deref().map(|m| m.subject.clone());
        assert_eq!(child, Some(Some(format!("child {index}"))));
        let grandchild = attachment
            .embedded
            .as_deref()
            .and_then(|m| m.attachments[0].embedded.as_deref())
            .and_then(|m| m.subject.clone());
        assert_eq!(grandchild, Some(format!("grandchild {index}")));
    }
}
