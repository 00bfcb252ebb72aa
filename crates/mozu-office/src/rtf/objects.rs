//! What an RTF object's decoded `\objdata` holds: an OLE1 object (class,
//! native data), a `Package` carrying a file, or a bare CFB.

use crate::findings::Kind;
use crate::oleobj::{is_risky_class, parse_ole1, parse_package};
use crate::report::Report;

use super::RtfObject;

/// Longest URL read from OLE2Link native data.
const MAX_URL_CHARS: usize = 2048;

/// Reports one object: its class, the finding, and its payload as a child.
pub(super) fn report_object(index: usize, object: &RtfObject, report: &mut Report) {
    let field = format!("objects[{index}]");
    if object.truncated {
        report.warn(format!(
            "{field}: object data over {} bytes truncated",
            crate::MAX_STREAM_BYTES
        ));
    }
    let declared_class = crate::codepage::decode_latin1(&object.class).trim().to_owned();
    let ole1 = parse_ole1(&object.data);
    let class = match (&ole1, declared_class.is_empty()) {
        (Some(ole1), _) if !ole1.class.is_empty() => ole1.class.clone(),
        (_, false) => declared_class.clone(),
        _ if object.data.starts_with(&crate::ole::CFB_MAGIC) => "OLE2 storage".to_owned(),
        _ => "unknown".to_owned(),
    };
    let mut notes = Vec::new();
    if object.objupdate {
        notes.push("objupdate: activated on open".to_owned());
    }
    if !declared_class.is_empty() && !declared_class.eq_ignore_ascii_case(&class) {
        notes.push(format!("\\objclass says {declared_class}"));
    }
    if let Some(ole1) = &ole1
        && ole1.format_id == 1
    {
        notes.push(format!("linked to {}", ole1.topic));
        report.text(&ole1.topic);
    }
    if is_risky_class(&declared_class) && !is_risky_class(&class) {
        notes.push("declared class is an exploit carrier".to_owned());
    }
    let extra = notes.join("; ");
    report.embedded_object(Kind::RtfObject, &field, &class, &extra);
    if !declared_class.is_empty() {
        Report::list(&mut report.info.embedded_objects, &declared_class);
    }
    payload(index, &class, object, ole1.as_ref(), &field, report);
}

/// The object's payload: the file of a Package, the native data of another
/// class, or the raw decoded data when it is not an OLE1 object.
fn payload(
    index: usize,
    class: &str,
    object: &RtfObject,
    ole1: Option<&crate::oleobj::Ole1Object<'_>>,
    field: &str,
    report: &mut Report,
) {
    let Some(ole1) = ole1 else {
        if !object.data.is_empty() {
            report.child(&format!("rtf_object_{index}.bin"), object.data.clone());
        }
        return;
    };
    if class.eq_ignore_ascii_case("Package")
        && let Some(package) = parse_package(ole1.native, false)
    {
        report.package(field, &package);
        return;
    }
    if class.eq_ignore_ascii_case("OLE2Link") {
        for url in utf16_urls(ole1.native) {
            report.text(&url);
            Report::list(&mut report.info.external_relationships, &format!("OLE2Link: {url}"));
        }
    }
    if !ole1.native.is_empty() {
        let safe_class: String = class
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' })
            .take(64)
            .collect();
        report.child(&format!("rtf_object_{index}_{safe_class}.bin"), ole1.native.to_vec());
    }
}

/// `http(s)://` and UNC strings stored as UTF-16LE (URL monikers).
fn utf16_urls(data: &[u8]) -> Vec<String> {
    let mut urls = Vec::new();
    for alignment in 0..2 {
        let units: Vec<u16> = data
            .get(alignment..)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        let text: String = char::decode_utf16(units).map(|unit| unit.unwrap_or('\0')).collect();
        for piece in text.split(|c: char| c == '\0' || c.is_control()) {
            let lower = piece.to_ascii_lowercase();
            if (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("\\\\"))
                && urls.len() < 16
            {
                urls.push(piece.chars().take(MAX_URL_CHARS).collect());
            }
        }
    }
    urls
}
