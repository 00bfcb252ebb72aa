//! Attached and nested mail (.eml, message/rfc822, .msg): parsed with
//! mozu-mail; its attachments become children.

use mozu_mail::{InputKind, Limits, parse_message_parts};
use mozu_model::{ArtifactDetails, MailInfo};

use super::{Outcome, child};
use crate::sniff::FileType;
use crate::tree::Item;

/// Parses a nested message.
pub fn analyse(ftype: FileType, item: &Item) -> Outcome {
    let kind = if ftype == FileType::Msg {
        InputKind::Msg
    } else {
        InputKind::Eml
    };
    let path = item.name.as_deref().unwrap_or("message");
    let parsed = match parse_message_parts(&item.data, kind, path, &Limits::default()) {
        Ok(p) => p,
        Err(e) => {
            return Outcome {
                warnings: vec![format!("nested message could not be parsed: {e}")],
                ..Outcome::default()
            };
        }
    };
    let rec = parsed.record;
    let mut out = Outcome {
        details: Some(ArtifactDetails::Mail(MailInfo {
            message_id: rec.message_id.clone(),
            subject: rec.subject.clone(),
            from: rec.from.as_ref().and_then(|a| a.address.clone()),
        })),
        ..Outcome::default()
    };
    out.texts.extend(rec.subject.clone());
    out.texts.extend(rec.text.clone());
    out.texts.extend(rec.html_text.clone());
    out.texts.extend(rec.links.iter().map(|l| l.href.clone()));
    out.warnings.extend(rec.warnings.iter().map(|w| w.message.clone()));
    for (att, data) in rec.attachments.iter().zip(parsed.attachment_data) {
        let name = att.name.clone().unwrap_or_else(|| format!("part-{}", att.part));
        let mut c = child(data, name, None);
        c.declared_type = att.content_type.clone();
        out.children.push(c);
    }
    out
}
