//! RFC 5322 / MIME messages to records.

use std::borrow::Cow;

use encoding_rs::Encoding;
use mail_parser::{HeaderName, Message, MessageParser, PartType};
use mozu_model::{MessageRecord, SourceRef, Warning, WarningCode};
use sha2::Digest as _;

use crate::Parsed;
use crate::body::{self, BodyOutput};
use crate::charset;
use crate::headers::HeaderPass;
use crate::indicators::IndicatorInput;
use crate::limits::{Budget, Limits};

/// Nesting of message/rfc822 attachments followed for indicators.
pub const MAX_NESTED_MESSAGES: usize = 3;

fn parser() -> MessageParser {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .header_received(HeaderName::Received)
}

/// Parses one message. Never fails: a message that cannot be parsed at all
/// yields a record that says so in `warnings`.
pub fn parse_eml(raw: &[u8], source: SourceRef, limits: &Limits) -> MessageRecord {
    parse(raw, source, limits, false).record
}

/// Parses one message and keeps the decoded bytes of its attachments, for
/// the artifact analyser.
pub fn parse_eml_parts(raw: &[u8], source: SourceRef, limits: &Limits) -> Parsed {
    parse(raw, source, limits, true)
}

fn parse(raw: &[u8], source: SourceRef, limits: &Limits, keep_bytes: bool) -> Parsed {
    let mut rec = MessageRecord::new(source);
    rec.size = raw.len() as u64;
    rec.sha256 = hex::encode(sha2::Sha256::digest(raw));
    let budget = Budget::new(limits);
    let mut input = IndicatorInput::default();
    let attachment_data = fill(
        raw,
        &mut rec,
        &budget,
        &mut input,
        if keep_bytes { 0 } else { usize::MAX },
    );
    input.apply(&mut rec);
    Parsed {
        record: rec,
        attachment_data,
    }
}

/// Parses `raw` into `rec`, collecting indicator sources into `input`.
/// `depth` counts message/rfc822 nesting (`usize::MAX` marks a top level
/// whose attachment bytes are not wanted); attachment bytes are returned
/// for depth 0 only.
fn fill(
    raw: &[u8],
    rec: &mut MessageRecord,
    budget: &Budget<'_>,
    input: &mut IndicatorInput,
    depth: usize,
) -> Vec<Vec<u8>> {
    let (keep, depth) = if depth == usize::MAX {
        (false, 0)
    } else {
        (depth == 0, depth)
    };
    let data = prepare(raw, rec, budget.limits);
    let Some(msg) = parser().parse(data.as_ref()) else {
        rec.warn(Warning::new(
            WarningCode::MimeMalformed,
            "no header or body could be parsed",
        ));
        return Vec::new();
    };
    let hint = body_hint(&msg, data.as_ref());
    let mut pass = HeaderPass::new(rec, hint);
    pass.run(&msg.root_part().headers, data.as_ref(), budget.limits.max_headers);
    let header_texts = std::mem::take(&mut pass.indicator_texts);
    let header_ips = std::mem::take(&mut pass.header_ips);
    input.header_texts.extend(header_texts);
    input.ips.extend(header_ips);
    let mut out = body::run(&msg, data.as_ref(), rec, hint, budget, keep);
    let bytes = std::mem::take(&mut out.attachment_bytes);
    finish_bodies(out, rec, budget, input, depth);
    bytes
}

fn finish_bodies(
    out: BodyOutput,
    rec: &mut MessageRecord,
    budget: &Budget<'_>,
    input: &mut IndicatorInput,
    depth: usize,
) {
    if !out.html.is_empty() {
        let mut texts = Vec::new();
        let mut summary = mozu_model::HtmlSummary::default();
        for html in &out.html {
            let mut rendered = crate::html::render(html);
            summary.merge(std::mem::take(&mut rendered.summary));
            if rendered.truncated {
                rec.warn(Warning::new(
                    WarningCode::LimitBodySize,
                    "HTML body rendering stopped at a limit",
                ));
            }
            texts.push(rendered.text);
            input.hrefs.extend(rendered.links.iter().map(|l| l.href.clone()));
            input.hrefs.extend(rendered.resources);
            rec.links.extend(rendered.links);
        }
        rec.html_text = Some(texts.join("\n")).filter(|t| !t.is_empty());
        rec.html = Some(summary);
    }
    for (name, text) in out.text_attachments {
        crate::html::summarise_attachment(rec, &name, &text);
        input.attachment_texts.push((name, text));
    }
    for nested in out.nested {
        if depth >= MAX_NESTED_MESSAGES || budget.expired() {
            rec.warn(Warning::new(
                WarningCode::EmbeddedMessage,
                format!("nested message {:?} not followed: nesting limit", nested.name),
            ));
            continue;
        }
        // The nested message's own indicators count as found in the
        // attachment; its other fields stay out of the outer record.
        let mut inner = MessageRecord::new(rec.source.clone());
        let mut inner_input = IndicatorInput::default();
        let _ = fill(&nested.bytes, &mut inner, budget, &mut inner_input, depth + 1);
        input.absorb_nested(&nested.name, &inner, inner_input);
    }
}

/// Cuts oversize input and normalises bare-CR line endings.
fn prepare<'a>(raw: &'a [u8], rec: &mut MessageRecord, limits: &Limits) -> Cow<'a, [u8]> {
    let mut data = Cow::Borrowed(raw);
    if data.len() > limits.max_message_bytes {
        rec.warn(Warning::new(
            WarningCode::LimitMessageSize,
            format!("message of {} bytes cut to {}", raw.len(), limits.max_message_bytes),
        ));
        data = Cow::Borrowed(&raw[..limits.max_message_bytes]);
    }
    let head = &data[..data.len().min(8192)];
    if memchr::memchr(b'\n', head).is_none() && memchr::memchr(b'\r', head).is_some() {
        rec.warn(Warning::new(
            WarningCode::BareCrLineEndings,
            "bare CR line endings normalised",
        ));
        data = Cow::Owned(data.iter().map(|&b| if b == b'\r' { b'\n' } else { b }).collect());
    }
    data
}

/// The first text part's declared charset, when it resolves: raw 8-bit
/// header bytes were most likely written by the same mailer.
fn body_hint(msg: &Message<'_>, raw: &[u8]) -> Option<&'static Encoding> {
    msg.parts
        .iter()
        .take(16)
        .filter(|p| matches!(p.body, PartType::Text(_) | PartType::Html(_)))
        .filter_map(|p| body::part_charset(p, raw))
        .find_map(|label| match charset::resolve(&label) {
            Some(charset::Resolved::Encoding(enc)) if enc != encoding_rs::UTF_8 => Some(enc),
            _ => None,
        })
}
