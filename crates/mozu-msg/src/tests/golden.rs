//! Golden files in `testdata/msg/`: `.msg` fixtures built by the writer and
//! a text summary of what the parser reads from each. `UPDATE_GOLDEN=1`
//! rewrites both; otherwise the committed files must still parse to the
//! committed summaries.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::*;
use crate::MsgAttachment;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/msg/");

fn cases() -> Vec<(&'static str, MsgBuilder, String)> {
    vec![
        ("ansi-cp932", invoice(false), SUBJECT.to_owned()),
        (
            "unicode",
            invoice(true).rtf_body(super::rtf::encapsulated_html_rtf()),
            SUBJECT.to_owned(),
        ),
        ("embedded", forwarded_invoice(), format!("FW: {SUBJECT}")),
    ]
}

/// A stable, human-readable dump of everything the parser extracted.
fn summary(message: &OutlookMessage) -> String {
    let mut out = String::new();
    let mut stack: Vec<(usize, &OutlookMessage)> = vec![(0, message)];
    while let Some((depth, message)) = stack.pop() {
        let pad = "    ".repeat(depth);
        let mut line = |label: &str, value: &dyn std::fmt::Debug| {
            let _ = writeln!(out, "{pad}{label}: {value:?}");
        };
        line("code_page", &message.code_page);
        line("message_class", &message.message_class);
        line("subject", &message.subject);
        line("sender", &(&message.sender_name, &message.sender_email));
        line(
            "sent_representing",
            &(&message.sent_representing_name, &message.sent_representing_email),
        );
        line("transport_headers", &message.transport_headers);
        line("internet_message_id", &message.internet_message_id);
        line("in_reply_to", &message.in_reply_to);
        line("references", &message.references);
        line("client_submit_time", &message.client_submit_time);
        line("delivery_time", &message.delivery_time);
        for recipient in &message.recipients {
            line("recipient", &(recipient.kind, &recipient.name, &recipient.email));
        }
        line("body_text", &message.body_text);
        line("body_html", &message.body_html);
        line("body_rtf_len", &message.body_rtf.as_ref().map(Vec::len));
        line("rtf_text", &message.rtf_text);
        line("rtf_html", &message.rtf_html);
        line("warnings", &message.warnings);
        for attachment in message.attachments.iter().rev() {
            if let Some(embedded) = &attachment.embedded {
                stack.push((depth + 1, embedded));
            }
        }
        for attachment in &message.attachments {
            let _ = writeln!(out, "{pad}attachment: {}", attachment_line(attachment));
        }
    }
    out
}

fn attachment_line(attachment: &MsgAttachment) -> String {
    format!(
        "{:?} {:?} cid={:?} method={} {} bytes{}",
        attachment.name,
        attachment.mime_type,
        attachment.content_id,
        attachment.method,
        attachment.data.len(),
        if attachment.embedded.is_some() {
            " (embedded message follows)"
        } else {
            ""
        }
    )
}

fn read(path: &PathBuf) -> Vec<u8> {
    match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => panic!(
            "{}: {err}; regenerate with UPDATE_GOLDEN=1 cargo test -p mozu-msg",
            path.display()
        ),
    }
}

#[test]
fn golden_files_parse_to_the_committed_summaries() {
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let dir = PathBuf::from(DIR);
    let mut checked = 0;
    for (name, builder, subject) in cases() {
        let msg_path = dir.join(format!("{name}.msg"));
        let expected_path = dir.join(format!("{name}.expected.txt"));
        let fresh = builder.build();
        if update {
            let written = std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::write(&msg_path, &fresh))
                .and_then(|()| std::fs::write(&expected_path, summary(&parse(&fresh))));
            if let Err(err) = written {
                panic!("writing golden files to {}: {err}", dir.display());
            }
        }
        let committed = parse(&read(&msg_path));
        assert_eq!(committed.subject.as_deref(), Some(subject.as_str()), "{name}");
        let expected = String::from_utf8(read(&expected_path)).unwrap_or_default();
        assert_eq!(summary(&committed), expected, "{name}: committed .msg");
        // The writer and parser of today still agree with the summary.
        assert_eq!(summary(&parse(&fresh)), expected, "{name}: freshly built");
        checked += 1;
    }
    assert_eq!(checked, 3);
}
