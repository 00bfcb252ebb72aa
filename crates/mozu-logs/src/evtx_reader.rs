//! EVTX through the evtx crate, each record flattened once from its JSON value.

use std::time::Instant;

use evtx::{EvtxParser, ParserSettings};

use crate::input::{FileReport, Limits};
use crate::windows::flatten_evtx_json;
use crate::{LogError, LogEvent, LogFormat, LogKind};

/// Reads an in-memory EVTX file; broken records are counted and the rest still read.
pub(crate) fn read_evtx(
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
            Err(e) => {
                let msg = format!("record: {e}");
                report.skipped += 1;
                if report.problems.len() < crate::input::MAX_ERRORS_KEPT {
                    report.problems.push(msg);
                }
            }
        }
    }
    Ok(report)
}
