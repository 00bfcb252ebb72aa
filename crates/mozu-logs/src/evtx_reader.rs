//! EVTX: chunks read by mozu's direct BinXML reader, the evtx crate where it gives up.
//!
//! The direct reader ([`crate::binxml`]) flattens records without rendering
//! text; a chunk it does not take is read by the evtx crate (rendered to JSON
//! and flattened), and a file whose layout it does not take goes wholly to
//! the crate, so no record is lost to the faster path.

use std::sync::Arc;
use std::time::Instant;

use evtx::{EvtxChunkData, EvtxParser, ParserSettings};

use crate::binxml::{self, Decoded};
use crate::input::{DecodeCache, FileReport, Limits};
use crate::windows::flatten_evtx_json;
use crate::{LogError, LogEvent, LogFormat, LogKind};

/// Reads an in-memory EVTX file; broken records are counted and the rest still read.
pub(crate) fn read_evtx(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    cache: &mut DecodeCache,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    let Ok(chunks) = binxml::chunks(bytes) else {
        return read_with_crate(name, bytes.to_vec(), limits, sink);
    };
    let started = Instant::now();
    let mut report = FileReport {
        format: Some(LogFormat::Evtx),
        ..FileReport::default()
    };
    let settings = Arc::new(ParserSettings::new().num_threads(1));
    let mut decoded = Vec::new();
    for chunk in chunks {
        let mut seen = report.events;
        let mut keep_going = || {
            seen += 1;
            seen <= limits.max_events && started.elapsed() <= limits.deadline
        };
        decoded.clear();
        let complete = match binxml::decode_chunk(chunk, &mut cache.names, &mut keep_going, &mut decoded) {
            Ok(complete) => complete,
            Err(_) => {
                decoded.clear();
                crate_chunk(chunk, &settings, &mut keep_going, &mut decoded, &mut report)
            }
        };
        for d in decoded.drain(..) {
            report.events += 1;
            sink(LogEvent {
                kind: LogKind::Windows,
                ts_ms: d.ts_ms,
                fields: d.fields,
            });
        }
        if !complete {
            report.truncated = true;
            break;
        }
    }
    Ok(report)
}

/// One chunk through the evtx crate: rendered to JSON, then flattened.
fn crate_chunk(
    chunk: &[u8],
    settings: &Arc<ParserSettings>,
    keep_going: &mut dyn FnMut() -> bool,
    out: &mut Vec<Decoded>,
    report: &mut FileReport,
) -> bool {
    let parsed = EvtxChunkData::new(chunk.to_vec(), false).and_then(|mut data| {
        let mut parsed = data.parse(settings.clone())?;
        let mut records = Vec::new();
        for record in parsed.iter() {
            records.push(record.and_then(|r| r.into_json_value()));
        }
        Ok(records)
    });
    let records = match parsed {
        Ok(r) => r,
        Err(e) => {
            problem(report, format!("chunk: {e}"));
            return true;
        }
    };
    for record in records {
        if !keep_going() {
            return false;
        }
        match record {
            Ok(r) => {
                let (fields, ts_ms) = flatten_evtx_json(&r.data);
                out.push(Decoded { fields, ts_ms });
            }
            Err(e) => problem(report, format!("record: {e}")),
        }
    }
    true
}

fn problem(report: &mut FileReport, msg: String) {
    report.skipped += 1;
    if report.problems.len() < crate::input::MAX_ERRORS_KEPT {
        report.problems.push(msg);
    }
}

/// The whole file through the evtx crate (layouts the direct reader does not take).
fn read_with_crate(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    let started = Instant::now();
    let settings = ParserSettings::new().num_threads(1);
    let mut parser = EvtxParser::from_buffer(bytes)
        .map_err(|e| LogError::Evtx {
            path: name.to_owned(),
            message: e.to_string(),
        })?
        .with_configuration(settings);
    let mut report = FileReport {
        format: Some(LogFormat::Evtx),
        ..FileReport::default()
    };
    for record in parser.records_json_value() {
        if report.events >= limits.max_events || started.elapsed() > limits.deadline {
            report.truncated = true;
            break;
        }
        match record {
            Ok(r) => {
                let (fields, ts_ms) = flatten_evtx_json(&r.data);
                report.events += 1;
                sink(LogEvent {
                    kind: LogKind::Windows,
                    ts_ms,
                    fields,
                });
            }
            Err(e) => problem(&mut report, format!("record: {e}")),
        }
    }
    Ok(report)
}
