//! Japanese fixtures, ANSI cp932 and Unicode, decoded exactly.

use super::*;
use crate::{Limits, MsgAttachment, RecipientKind, parse_msg};

fn assert_invoice(message: &OutlookMessage) {
    assert_eq!(message.message_class.as_deref(), Some("IPM.Note"));
    assert_eq!(message.subject.as_deref(), Some(SUBJECT));
    assert_eq!(message.sender_name.as_deref(), Some(SENDER_NAME));
    assert_eq!(message.sender_email.as_deref(), Some(SENDER_EMAIL));
    assert_eq!(
        message.sent_representing_name.as_deref(),
        Some("株式会社サンプル 経理部")
    );
    assert_eq!(message.sent_representing_email.as_deref(), Some("keiri@example.co.jp"));
    assert_eq!(message.transport_headers.as_deref(), Some(transport_headers().as_str()));
    assert_eq!(
        message.internet_message_id.as_deref(),
        Some("<20240402101530.4711@example.co.jp>")
    );
    assert_eq!(message.in_reply_to.as_deref(), Some("<20240401090000.1111@example.jp>"));
    assert_eq!(
        message.references.as_deref(),
        Some("<20240401090000.1111@example.jp> <20240401091500.2222@example.co.jp>")
    );
    assert_eq!(message.client_submit_time, Some(SUBMIT_TIME));
    assert_eq!(message.delivery_time, Some(DELIVERY_TIME));
    assert_eq!(message.body_text.as_deref(), Some(BODY_TEXT));
    assert_eq!(message.body_html.as_deref(), Some(BODY_HTML));

    let recipients: Vec<(RecipientKind, &str, &str)> = message
        .recipients
        .iter()
        .map(|r| {
            (
                r.kind,
                r.name.as_deref().unwrap_or_default(),
                r.email.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        recipients,
        vec![
            (RecipientKind::To, "佐藤 花子", "hanako.sato@example.jp"),
            (RecipientKind::Cc, "総務部（共有）", "soumu@example.jp"),
            (RecipientKind::Bcc, "監査㈱", "audit@example.jp"),
        ]
    );

    let names: Vec<Option<&str>> = message.attachments.iter().map(|a| a.name.as_deref()).collect();
    assert_eq!(names, vec![Some(ZIP_NAME), Some(DOCM_NAME), Some("image001.png")]);
    let zip: &MsgAttachment = &message.attachments[0];
    assert_eq!(zip.method, 1);
    assert_eq!(zip.mime_type.as_deref(), Some("application/zip"));
    assert_eq!(zip.data, b"PK\x03\x04 not really a zip");
    assert_eq!(zip.embedded, None);
    let image = &message.attachments[2];
    assert_eq!(image.content_id.as_deref(), Some(IMAGE_CID));
    assert_eq!(image.data, PNG);
    assert_eq!(message.warnings, Vec::<String>::new());
}

#[test]
fn ansi_cp932_message_decodes_exactly() {
    let bytes = invoice(false).build();
    assert!(crate::is_msg(&bytes));
    let message = parse(&bytes);
    assert_eq!(message.code_page, Some(932));
    assert_invoice(&message);
}

#[test]
fn unicode_message_decodes_exactly() {
    let message = parse(&invoice(true).build());
    // No PR_MESSAGE_CODEPAGE: the internet code page is reported.
    assert_eq!(message.code_page, Some(50220));
    assert_invoice(&message);
}

#[test]
fn unicode_keeps_characters_outside_cp932() {
    let bytes = MsgBuilder::new()
        .subject("𠮷野家のご案内 🚨 ①")
        .to("髙橋 𠮷男", "takahashi@example.jp")
        .build();
    let message = parse(&bytes);
    assert_eq!(message.subject.as_deref(), Some("𠮷野家のご案内 🚨 ①"));
    assert_eq!(message.recipients[0].name.as_deref(), Some("髙橋 𠮷男"));
}

#[test]
fn ansi_without_code_page_is_guessed_with_a_warning() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(SUBJECT);
    let bytes = MsgBuilder::new()
        .unicode(false)
        .raw_stream("__substg1.0_0037001E", sjis.into_owned())
        .build();
    let message = parse(&bytes);
    assert_eq!(message.code_page, None);
    assert_eq!(message.subject.as_deref(), Some(SUBJECT));
    assert!(
        message.warnings.iter().any(|w| w.contains("guessing")),
        "{:?}",
        message.warnings
    );
}

#[test]
fn trailing_nuls_are_stripped_and_bad_strings_kept_lossily() {
    let mut subject: Vec<u8> = "件名".encode_utf16().flat_map(u16::to_le_bytes).collect();
    subject.extend_from_slice(&[0, 0, 0, 0]);
    let mut body: Vec<u8> = "本文".encode_utf16().flat_map(u16::to_le_bytes).collect();
    body.push(0x41); // odd length
    let bytes = MsgBuilder::new()
        .raw_stream("__substg1.0_0037001F", subject)
        .raw_stream("__substg1.0_1000001F", body)
        .build();
    let message = parse(&bytes);
    assert_eq!(message.subject.as_deref(), Some("件名"));
    assert_eq!(message.body_text.as_deref(), Some("本文\u{FFFD}"));
    assert!(message.warnings.iter().any(|w| w.contains("0x1000")));
}

#[test]
fn sender_address_preference() {
    let exchange_dn = "/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=TARO";
    let message = parse(&MsgBuilder::new().sender_exchange("山田 太郎", exchange_dn).build());
    assert_eq!(message.sender_email.as_deref(), Some(exchange_dn));
    assert!(message.warnings.iter().any(|w| w.contains("no SMTP address")));

    let smtp = MsgBuilder::new()
        .sender_exchange("山田 太郎", exchange_dn)
        .raw_stream(
            "__substg1.0_5D01001F",
            "taro@example.jp"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
        )
        .build();
    let message = parse(&smtp);
    assert_eq!(message.sender_email.as_deref(), Some("taro@example.jp"));
    assert!(message.warnings.is_empty());
}

#[test]
fn attachment_and_recipient_limits_are_reported() {
    let bytes = invoice(true).build();
    let limits = Limits {
        max_attachments: 2,
        max_recipients: 1,
        ..Limits::default()
    };
    let message = match parse_msg(&bytes, &limits) {
        Ok(message) => message,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(message.attachments.len(), 2);
    assert_eq!(message.recipients.len(), 1);
    assert!(message.warnings.iter().any(|w| w.contains("3 attachments")));
    assert!(message.warnings.iter().any(|w| w.contains("3 recipients")));
}

#[test]
fn byte_limits_truncate_with_warnings() {
    let bytes = invoice(false).build();
    let small_streams = Limits {
        max_property_bytes: 10,
        ..Limits::default()
    };
    let message = parse_msg(&bytes, &small_streams).unwrap_or_default();
    assert!(message.warnings.iter().any(|w| w.contains("truncated")));

    let small_total = Limits {
        max_total_bytes: 4096,
        ..Limits::default()
    };
    let message = parse_msg(&bytes, &small_total).unwrap_or_default();
    assert!(
        message.warnings.iter().any(|w| w.contains("budget")),
        "{:?}",
        message.warnings
    );

    let too_big = Limits {
        max_msg_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        parse_msg(&bytes, &too_big),
        Err(crate::MsgError::TooLarge { .. })
    ));
}
