//! The body pass: text and HTML bodies re-decoded from raw part bytes,
//! attachments hashed, MIME depth and part limits enforced.

use encoding_rs::Encoding;
use mail_parser::{Message, MessagePart, PartType};
use md5::Digest as _;
use mozu_model::{Attachment, MessageRecord, Warning, WarningCode};

use crate::charset;
use crate::headers::is_named;
use crate::limits::Budget;
use crate::params::MimeHeader;

/// A nested message found among the attachments, to be parsed in turn.
pub struct NestedMessage {
    /// Attachment name (or a generated one).
    pub name: String,
    /// Transfer-decoded bytes of the nested message.
    pub bytes: Vec<u8>,
}

/// What the body pass produced besides the record fields.
#[derive(Default)]
pub struct BodyOutput {
    /// Raw HTML bodies, decoded to text, to be rendered.
    pub html: Vec<String>,
    /// Text attachments (name, text) to scan for indicators.
    pub text_attachments: Vec<(String, String)>,
    /// Nested messages.
    pub nested: Vec<NestedMessage>,
    /// Decoded bytes of each attachment, aligned with `rec.attachments`
    /// (only when asked for).
    pub attachment_bytes: Vec<Vec<u8>>,
}

/// Position path (`1.2.1`) and depth of every part, from the multipart tree.
fn part_paths(msg: &Message<'_>, limit: usize) -> Vec<Option<(String, usize)>> {
    let mut paths = vec![None; msg.parts.len().min(limit)];
    let mut stack: Vec<(u32, String, usize)> = vec![(0, "1".to_string(), 0)];
    while let Some((id, path, depth)) = stack.pop() {
        let Some(slot) = paths.get_mut(id as usize) else {
            continue;
        };
        if slot.is_some() {
            continue; // a malformed tree can reference a part twice
        }
        *slot = Some((path.clone(), depth));
        if let Some(MessagePart {
            body: PartType::Multipart(children),
            ..
        }) = msg.parts.get(id as usize)
        {
            for (n, child) in children.iter().enumerate().rev() {
                stack.push((*child, format!("{path}.{}", n + 1), depth + 1));
            }
        }
    }
    paths
}

/// Fills text, HTML and attachments of `rec` from `msg` (raw bytes `raw`).
pub fn run(
    msg: &Message<'_>,
    raw: &[u8],
    rec: &mut MessageRecord,
    hint: Option<&'static Encoding>,
    budget: &Budget<'_>,
    keep_bytes: bool,
) -> BodyOutput {
    let limits = budget.limits;
    let mut out = BodyOutput::default();
    if msg.parts.len() > limits.max_parts {
        rec.warn(Warning::new(
            WarningCode::LimitParts,
            format!(
                "{} MIME parts, only the first {} read",
                msg.parts.len(),
                limits.max_parts
            ),
        ));
    }
    let paths = part_paths(msg, limits.max_parts);
    let mut too_deep = 0usize;
    let usable = |id: u32, too_deep: &mut usize| -> Option<&(String, usize)> {
        let entry = paths.get(id as usize)?.as_ref()?;
        if entry.1 > limits.max_mime_depth {
            *too_deep += 1;
            return None;
        }
        Some(entry)
    };
    let mut texts: Vec<String> = Vec::new();
    let mut seen_html: Vec<u32> = Vec::new();
    let candidates = msg
        .text_body
        .iter()
        .map(|&id| (id, true))
        .chain(msg.html_body.iter().map(|&id| (id, false)));
    for (id, from_text_list) in candidates {
        if usable(id, &mut too_deep).is_none() || budget.expired() {
            continue;
        }
        let part = &msg.parts[id as usize];
        match &part.body {
            // mail-parser lists a text part under html_body too when there is
            // no HTML alternative; it is read once, from text_body.
            PartType::Text(_) if from_text_list => texts.push(decode_text_part(part, raw, rec, hint)),
            PartType::Html(_) if !seen_html.contains(&id) => {
                seen_html.push(id);
                out.html.push(decode_text_part(part, raw, rec, hint));
            }
            _ => {}
        }
    }
    texts.dedup();
    if !texts.is_empty() {
        rec.text = Some(cap(texts.join("\n"), limits.max_body_text_bytes, rec));
    }
    for &id in &msg.attachments {
        if budget.expired() {
            rec.warn(Warning::new(
                WarningCode::LimitParts,
                "deadline reached; remaining attachments skipped",
            ));
            break;
        }
        let Some((path, _)) = usable(id, &mut too_deep).cloned() else {
            continue;
        };
        if rec.attachments.len() >= limits.max_attachments {
            rec.warn(Warning::new(WarningCode::LimitParts, "attachment limit reached"));
            break;
        }
        attachment(&msg.parts[id as usize], path, raw, rec, hint, &mut out, keep_bytes);
    }
    if too_deep > 0 {
        rec.warn(Warning::new(
            WarningCode::LimitMimeDepth,
            format!("{too_deep} parts deeper than {} ignored", limits.max_mime_depth),
        ));
    }
    out
}

fn cap(mut text: String, max: usize, rec: &mut MessageRecord) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        rec.warn(Warning::new(
            WarningCode::LimitBodySize,
            format!("body text cut at {max} bytes"),
        ));
    }
    text
}

fn raw_body<'a>(part: &MessagePart<'_>, raw: &'a [u8]) -> &'a [u8] {
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    &raw[start..end]
}

fn mime_header(part: &MessagePart<'_>, raw: &[u8], name: &str) -> Option<MimeHeader> {
    let h = part.headers.iter().find(|h| is_named(&h.name, name))?;
    let start = (h.offset_start as usize).min(raw.len());
    let end = (h.offset_end as usize).clamp(start, raw.len());
    Some(MimeHeader::parse(&raw[start..end]))
}

/// The charset label declared by a part, if any.
pub fn part_charset(part: &MessagePart<'_>, raw: &[u8]) -> Option<String> {
    mime_header(part, raw, "Content-Type")?
        .param("charset", None)
        .map(|d| d.text)
}

/// mail-parser's own decoding of a text part, when it is byte-exact: the
/// part is UTF-8 (or unlabelled and valid UTF-8) and nothing was replaced.
/// Saves a second transfer and charset decode of the most common bodies.
fn exact_text<'p>(part: &'p MessagePart<'_>, label: Option<&str>) -> Option<&'p str> {
    let text = match &part.body {
        PartType::Text(t) | PartType::Html(t) => t.as_ref(),
        _ => return None,
    };
    let utf8 = match label {
        None => true,
        Some(l) => matches!(charset::resolve(l), Some(charset::Resolved::Encoding(e)) if e == encoding_rs::UTF_8),
    };
    (utf8 && !part.is_encoding_problem && !text.contains('\u{fffd}') && !text.contains('\u{1b}')).then_some(text)
}

fn decode_text_part(
    part: &MessagePart<'_>,
    raw: &[u8],
    rec: &mut MessageRecord,
    hint: Option<&'static Encoding>,
) -> String {
    let label = part_charset(part, raw);
    let is_html = matches!(part.body, PartType::Html(_));
    if let Some(text) = exact_text(part, label.as_deref()) {
        // The HTML tokenizer treats CR LF as a line break anyway.
        return if is_html || !text.contains('\r') {
            text.to_string()
        } else {
            text.replace("\r\n", "\n")
        };
    }
    let (bytes, broken) = crate::transfer::decode(raw_body(part, raw), part.encoding);
    if broken {
        rec.warn(Warning::new(
            WarningCode::TransferEncodingError,
            "broken quoted-printable body",
        ));
    }
    let decoded = charset::decode(&bytes, label.as_deref(), hint);
    if let Some((code, msg)) = decoded.warning {
        rec.warn(Warning::new(code, format!("body: {msg}")));
    }
    if !is_html && decoded.text.contains('\r') {
        decoded.text.replace("\r\n", "\n")
    } else {
        decoded.text
    }
}

/// Attachment names and types a browser opens as a page, whatever type
/// mail-parser gives their bytes: an SVG is an image to it but a document
/// with scripts and forms to a browser (a common fake-login carrier), and
/// HTML also arrives as `application/octet-stream`.
fn is_markup(name: Option<&str>, content_type: Option<&str>) -> bool {
    const TYPES: [&str; 3] = ["image/svg+xml", "text/html", "application/xhtml+xml"];
    name.is_some_and(|n| crate::html::is_page_name(n.trim_end()))
        || content_type.is_some_and(|t| TYPES.iter().any(|m| t.eq_ignore_ascii_case(m)))
}

fn attachment(
    part: &MessagePart<'_>,
    path: String,
    raw: &[u8],
    rec: &mut MessageRecord,
    hint: Option<&'static Encoding>,
    out: &mut BodyOutput,
    keep_bytes: bool,
) {
    let ctype = mime_header(part, raw, "Content-Type");
    let disp = mime_header(part, raw, "Content-Disposition");
    let name = disp
        .as_ref()
        .and_then(|d| d.param("filename", hint))
        .or_else(|| ctype.as_ref().and_then(|c| c.param("name", hint)));
    let name = name.map(|d| {
        if let Some((code, msg)) = d.warning {
            rec.warn(Warning::new(code, format!("attachment name: {msg}")));
        }
        d.text
    });
    // mail-parser already transfer-decoded binary parts: reuse its bytes.
    let bytes: std::borrow::Cow<'_, [u8]> = match &part.body {
        PartType::Binary(b) | PartType::InlineBinary(b) => std::borrow::Cow::Borrowed(b.as_ref()),
        _ => crate::transfer::decode(raw_body(part, raw), part.encoding).0,
    };
    let content_type = ctype.as_ref().map(|c| c.value.clone()).filter(|v| !v.is_empty());
    let is_message = matches!(part.body, PartType::Message(_)) || content_type.as_deref() == Some("message/rfc822");
    let label = name.clone().unwrap_or_else(|| format!("part-{path}"));
    if is_message {
        out.nested.push(NestedMessage {
            name: label.clone(),
            bytes: bytes.to_vec(),
        });
    } else if matches!(part.body, PartType::Text(_) | PartType::Html(_))
        || is_markup(name.as_deref(), content_type.as_deref())
    {
        let cs = ctype.as_ref().and_then(|c| c.param("charset", None)).map(|d| d.text);
        let text = charset::decode(&bytes, cs.as_deref(), hint).text;
        out.text_attachments.push((label, text));
    }
    if keep_bytes {
        out.attachment_bytes.push(bytes.to_vec());
    }
    rec.attachments.push(Attachment {
        name,
        content_type,
        disposition: disp.map(|d| d.value).filter(|v| !v.is_empty()),
        part: path,
        size: bytes.len() as u64,
        md5: hex::encode(md5::Md5::digest(&bytes)),
        sha1: hex::encode(sha1::Sha1::digest(&bytes)),
        sha256: hex::encode(sha2::Sha256::digest(&bytes)),
        is_message,
    });
}
