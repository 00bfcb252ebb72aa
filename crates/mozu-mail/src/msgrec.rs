//! Outlook .msg files to records.
//!
//! The transport headers (when Outlook kept them) give the transport and
//! authentication picture exactly as for an .eml; MAPI properties then give
//! what the user saw: subject, sender, recipients, bodies and attachments,
//! decoded with the message's code page by mozu-msg.

use md5::Digest as _;
use mozu_model::{Address, Attachment, MessageRecord, SourceRef, Warning, WarningCode};
use mozu_msg::{OutlookMessage, RecipientKind};

use crate::headers::{HeaderPass, msg_ids};
use crate::indicators::IndicatorInput;
use crate::limits::Limits;
use crate::{MailError, Parsed};

/// Parses an Outlook .msg file.
pub fn parse_msg(raw: &[u8], source: SourceRef, limits: &Limits) -> Result<MessageRecord, MailError> {
    parse_msg_parts(raw, source, limits).map(|p| p.record)
}

/// Parses an Outlook .msg file and keeps its attachments' bytes (embedded
/// messages as standalone .msg files).
pub fn parse_msg_parts(raw: &[u8], source: SourceRef, limits: &Limits) -> Result<Parsed, MailError> {
    let msg = mozu_msg::parse_msg(raw, &mozu_msg::Limits::default())?;
    let mut rec = MessageRecord::new(source);
    rec.size = raw.len() as u64;
    rec.sha256 = hex::encode(sha2::Sha256::digest(raw));
    let mut input = IndicatorInput::default();
    fill(&msg, &mut rec, limits, &mut input);
    input.apply(&mut rec);
    let attachment_data = msg
        .attachments
        .iter()
        .take(rec.attachments.len())
        .map(|a| a.embedded_raw.clone().unwrap_or_else(|| a.data.clone()))
        .collect();
    Ok(Parsed {
        record: rec,
        attachment_data,
    })
}

fn fill(msg: &OutlookMessage, rec: &mut MessageRecord, limits: &Limits, input: &mut IndicatorInput) {
    for w in &msg.warnings {
        rec.warn(Warning::new(WarningCode::MsgProperty, w.clone()));
    }
    if let Some(headers) = &msg.transport_headers {
        transport_headers(headers, rec, limits, input);
    }
    if let Some(subject) = &msg.subject {
        rec.subject = Some(subject.clone());
    }
    let name = msg.sender_name.clone().or_else(|| msg.sent_representing_name.clone());
    let email = msg.sender_email.clone().or_else(|| msg.sent_representing_email.clone());
    if name.is_some() || email.is_some() {
        rec.from = Some(address(name, email));
    }
    let recipients = |kind: RecipientKind| -> Vec<Address> {
        msg.recipients
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| address(r.name.clone(), r.email.clone()))
            .collect()
    };
    if !msg.recipients.is_empty() {
        rec.to = recipients(RecipientKind::To);
        rec.cc = recipients(RecipientKind::Cc);
    }
    if rec.message_id.is_none() {
        rec.message_id = msg
            .internet_message_id
            .as_deref()
            .and_then(|v| msg_ids(v.as_bytes()).into_iter().next());
    }
    if rec.in_reply_to.is_empty() {
        rec.in_reply_to = msg
            .in_reply_to
            .as_deref()
            .map(|v| msg_ids(v.as_bytes()))
            .unwrap_or_default();
    }
    if rec.references.is_empty() {
        rec.references = msg
            .references
            .as_deref()
            .map(|v| msg_ids(v.as_bytes()))
            .unwrap_or_default();
    }
    if rec.date.is_none() {
        rec.date = msg.client_submit_time.or(msg.delivery_time).and_then(unix_to_rfc3339);
    }
    rec.text = msg
        .body_text
        .clone()
        .or_else(|| msg.rtf_text.clone())
        .filter(|t| !t.trim().is_empty());
    if let Some(html) = msg.body_html.as_ref().or(msg.rtf_html.as_ref()) {
        let rendered = crate::html::render(html);
        input.hrefs.extend(rendered.links.iter().map(|l| l.href.clone()));
        input.hrefs.extend(rendered.resources);
        rec.links = rendered.links;
        rec.html = Some(rendered.summary);
        rec.html_text = Some(rendered.text).filter(|t| !t.is_empty());
    }
    attachments(msg, rec, limits, input);
}

fn transport_headers(headers: &str, rec: &mut MessageRecord, limits: &Limits, input: &mut IndicatorInput) {
    let mut block = headers.trim_end().to_string();
    block.push_str("\r\n\r\n");
    let parser = mail_parser::MessageParser::new()
        .with_date_headers()
        .header_received(mail_parser::HeaderName::Received);
    let Some(parsed) = parser.parse_headers(block.as_bytes()) else {
        return;
    };
    let mut pass = HeaderPass::new(rec, None);
    pass.run(&parsed.root_part().headers, block.as_bytes(), limits.max_headers);
    input.header_texts.extend(std::mem::take(&mut pass.indicator_texts));
    input.ips.extend(std::mem::take(&mut pass.header_ips));
}

fn attachments(msg: &OutlookMessage, rec: &mut MessageRecord, limits: &Limits, input: &mut IndicatorInput) {
    for (n, att) in msg.attachments.iter().enumerate() {
        if rec.attachments.len() >= limits.max_attachments {
            rec.warn(Warning::new(WarningCode::LimitParts, "attachment limit reached"));
            break;
        }
        let label = att.name.clone().unwrap_or_else(|| format!("attachment-{}", n + 1));
        if let Some(inner) = &att.embedded {
            let mut inner_rec = MessageRecord::new(rec.source.clone());
            let mut inner_input = IndicatorInput::default();
            fill(inner, &mut inner_rec, limits, &mut inner_input);
            input.absorb_nested(&label, &inner_rec, inner_input);
        } else if att.mime_type.as_deref().is_some_and(|m| m.starts_with("text/")) {
            let text = crate::charset::decode(&att.data, None, None).text;
            crate::html::summarise_attachment(rec, &label, &text);
            input.attachment_texts.push((label.clone(), text));
        }
        let bytes: &[u8] = att.embedded_raw.as_deref().unwrap_or(&att.data);
        rec.attachments.push(Attachment {
            name: att.name.clone(),
            content_type: att.mime_type.clone().map(|m| m.to_ascii_lowercase()),
            disposition: Some("attachment".into()),
            part: format!("msg:{}", n + 1),
            size: bytes.len() as u64,
            md5: hex::encode(md5::Md5::digest(bytes)),
            sha1: hex::encode(sha1::Sha1::digest(bytes)),
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
            is_message: att.embedded.is_some(),
        });
    }
}

fn address(name: Option<String>, email: Option<String>) -> Address {
    let email = email.filter(|e| !e.trim().is_empty()).map(|e| e.trim().to_string());
    let domain = email.as_deref().and_then(Address::domain_of);
    let registrable_domain = domain.as_deref().and_then(mozu_indicators::registrable_domain);
    Address {
        name: name.filter(|n| !n.trim().is_empty()),
        address: email,
        domain,
        registrable_domain,
    }
}

/// Formats unix seconds as RFC 3339 UTC (a .msg stores times in UTC).
pub fn unix_to_rfc3339(secs: i64) -> Option<String> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = mozu_model::civil::civil_from_days(days);
    if !(1601..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}
