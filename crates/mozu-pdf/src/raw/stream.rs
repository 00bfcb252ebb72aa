//! Stream bodies in the raw scan: where one ends, and inflating object
//! streams so their objects are scanned too (queued, not recursed into).

use super::RawScan;
use crate::{Budget, MAX_STREAM_LEVELS};

/// The dictionary of a stream about to start.
#[derive(Debug, Default)]
pub(super) struct StreamDict {
    pub(super) type_name: Option<Vec<u8>>,
    pub(super) filters: Vec<Vec<u8>>,
    pub(super) length: Option<usize>,
}

/// Locates a stream body starting after the `stream` keyword at `after`.
/// Returns the body range and where scanning resumes.
pub(super) fn stream_body(data: &[u8], after: usize, length: Option<usize>) -> ((usize, usize), usize) {
    let mut start = after;
    if data.get(start) == Some(&b'\r') {
        start += 1;
    }
    if data.get(start) == Some(&b'\n') {
        start += 1;
    }
    let start = start.min(data.len());
    if let Some(end) = length
        .and_then(|length| start.checked_add(length))
        .filter(|&end| end <= data.len())
    {
        let mut after_body = end;
        while after_body < data.len() && crate::lexer::is_space(data[after_body]) {
            after_body += 1;
        }
        if data[after_body..].starts_with(b"endstream") {
            return ((start, end), after_body + b"endstream".len());
        }
    }
    match memchr::memmem::find(&data[start..], b"endstream") {
        Some(at) => {
            let keyword = start + at;
            let mut end = keyword;
            if end > start && data[end - 1] == b'\n' {
                end -= 1;
            }
            if end > start && data[end - 1] == b'\r' {
                end -= 1;
            }
            ((start, end), keyword + b"endstream".len())
        }
        None => ((start, data.len()), data.len()),
    }
}

pub(super) fn on_stream(
    body: &[u8],
    dict: &StreamDict,
    level: usize,
    budget: &mut Budget,
    found: &mut RawScan,
    queue: &mut Vec<(Vec<u8>, usize)>,
) {
    if dict.type_name.as_deref() != Some(b"ObjStm") {
        return;
    }
    if level + 1 > MAX_STREAM_LEVELS {
        found.warnings.push(format!(
            "object stream nested deeper than {MAX_STREAM_LEVELS} levels not scanned"
        ));
        return;
    }
    let decoded = match dict.filters.as_slice() {
        [] => body.to_vec(),
        [filter] if filter == b"FlateDecode" || filter == b"Fl" => {
            let inflated = budget.inflate(body);
            if inflated.capped {
                found
                    .warnings
                    .push("object stream inflation capped; its tail not scanned".to_string());
            }
            if inflated.damaged {
                found
                    .warnings
                    .push("damaged FlateDecode object stream; readable prefix scanned".to_string());
            }
            inflated.data
        }
        other => {
            let names: Vec<String> = other
                .iter()
                .map(|name| String::from_utf8_lossy(name).into_owned())
                .collect();
            found.warnings.push(format!(
                "object stream with filters {names:?} not decoded by the raw scan"
            ));
            return;
        }
    };
    found.object_streams += 1;
    queue.push((decoded, level + 1));
}
