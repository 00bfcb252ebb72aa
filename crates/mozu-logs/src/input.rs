//! Walking inputs, detecting formats by content, capped decompression and the per-format loops.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::firewall::{FirewallReader, looks_like_header};
use crate::proxy::{MAX_LINE_BYTES, W3cReader, parse_combined, parse_squid_native, tokens};
use crate::time::parse_epoch;
use crate::windows::{flatten_evtx_json, flatten_winlogbeat, is_evtx_json, is_winlogbeat};
use crate::{LogError, LogEvent, LogFormat, LogKind};

/// Most problems kept per file (the rest are only counted).
pub const MAX_ERRORS_KEPT: usize = 20;
/// Deepest folder level walked.
pub const MAX_WALK_DEPTH: usize = 64;

/// Limits on one file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file read into memory (JSON arrays, compressed inputs).
    pub max_file_bytes: u64,
    /// Largest decompressed `.gz` content.
    pub max_decompressed_bytes: u64,
    /// Most events read from one file.
    pub max_events: u64,
    /// Time budget for one file.
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 1 << 30,
            max_decompressed_bytes: 2 << 30,
            max_events: 50_000_000,
            deadline: Duration::from_secs(3600),
        }
    }
}

/// What reading one file gave.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// Detected format.
    pub format: Option<LogFormat>,
    /// Whether the file was gzip-compressed.
    pub gzip: bool,
    /// Events produced.
    pub events: u64,
    /// Records or lines that could not be parsed (counted, first ones kept in `problems`).
    pub skipped: u64,
    /// First problems met.
    pub problems: Vec<String>,
    /// Whether a limit stopped the reading early.
    pub truncated: bool,
}

impl FileReport {
    fn problem(&mut self, message: String) {
        self.skipped += 1;
        if self.problems.len() < MAX_ERRORS_KEPT {
            self.problems.push(message);
        }
    }
}

/// Expands files and folders (walked recursively, sorted) into files; unreadable entries are errors.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<LogError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path)
                .max_depth(MAX_WALK_DEPTH)
                .sort_by_file_name()
            {
                match entry {
                    Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                    Ok(_) => {}
                    Err(err) => errors.push(LogError::Io {
                        path: path.display().to_string(),
                        source: std::io::Error::other(err.to_string()),
                    }),
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    (files, errors)
}

/// Detects the format from the first bytes of (decompressed) content.
pub fn detect(head: &[u8]) -> Option<LogFormat> {
    if head.starts_with(b"ElfFile\0") {
        return Some(LogFormat::Evtx);
    }
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') || text.starts_with('[') {
        return Some(LogFormat::Json);
    }
    let first = text.lines().next().unwrap_or("");
    if ["#Software:", "#Version:", "#Fields:", "#Date:", "#Remark:"]
        .iter()
        .any(|p| first.starts_with(p))
    {
        return Some(LogFormat::W3c);
    }
    let t = tokens(first);
    if t.first().and_then(|s| parse_epoch(s)).is_some() && t.len() >= 7 {
        return Some(LogFormat::SquidNative);
    }
    if t.len() >= 7 && first.contains(" [") && first.contains('"') {
        return Some(LogFormat::Combined);
    }
    if looks_like_header(first) {
        return Some(LogFormat::FirewallCsv);
    }
    None
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Decoding state one thread reuses from file to file (EVTX names decoded
/// once); [`read_file`] and the other readers without it start afresh.
#[derive(Default)]
pub struct DecodeCache {
    pub(crate) names: crate::binxml::NameInterner,
}

/// Reads one file, calling `sink` for every event.
pub fn read_file(path: &Path, limits: &Limits, sink: &mut dyn FnMut(LogEvent)) -> Result<FileReport, LogError> {
    read_file_cached(path, limits, &mut DecodeCache::default(), sink)
}

/// [`read_file`] reusing `cache` from earlier files.
pub fn read_file_cached(
    path: &Path,
    limits: &Limits,
    cache: &mut DecodeCache,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    let name = path.display().to_string();
    let io = |source| LogError::Io {
        path: name.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut head = [0u8; 8];
    let n = read_head(&mut file, &mut head).map_err(io)?;
    let head = head.get(..n).unwrap_or(&[]);
    if head.starts_with(&GZIP_MAGIC) || head.starts_with(b"ElfFile\0") {
        let len = file.metadata().map_err(io)?.len();
        if len > limits.max_file_bytes {
            return Err(LogError::TooLarge {
                path: name,
                what: "file",
                limit: limits.max_file_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        return read_bytes_cached(&name, bytes, limits, cache, sink);
    }
    let reader = BufReader::with_capacity(1 << 16, File::open(path).map_err(io)?);
    read_stream(&name, reader, limits, false, sink)
}

fn read_head(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(buf.get_mut(n..).unwrap_or(&mut [])) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads one in-memory input (used for `.gz` content, EVTX and the fuzz target).
pub fn read_bytes(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    read_bytes_cached(name, bytes, limits, &mut DecodeCache::default(), sink)
}

fn read_bytes_cached(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
    cache: &mut DecodeCache,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    if bytes.starts_with(&GZIP_MAGIC) {
        // One level only: a gzip inside a gzip is not a log mozu reads.
        let decoder = flate2::read::MultiGzDecoder::new(Cursor::new(bytes));
        let mut capped = decoder.take(limits.max_decompressed_bytes.saturating_add(1));
        let mut out = Vec::new();
        capped.read_to_end(&mut out).map_err(|source| LogError::Io {
            path: name.to_owned(),
            source,
        })?;
        if out.len() as u64 > limits.max_decompressed_bytes {
            return Err(LogError::TooLarge {
                path: name.to_owned(),
                what: "decompressed content",
                limit: limits.max_decompressed_bytes,
            });
        }
        if out.starts_with(&GZIP_MAGIC) {
            return Err(LogError::UnknownFormat { path: name.to_owned() });
        }
        let mut report = if out.starts_with(b"ElfFile\0") {
            crate::evtx_reader::read_evtx(name, &out, limits, cache, sink)?
        } else {
            read_stream(name, Cursor::new(out), limits, true, sink)?
        };
        report.gzip = true;
        return Ok(report);
    }
    if bytes.starts_with(b"ElfFile\0") {
        return crate::evtx_reader::read_evtx(name, &bytes, limits, cache, sink);
    }
    read_stream(name, Cursor::new(bytes), limits, false, sink)
}

/// Like [`read_bytes`] for borrowed input: EVTX is read in place, other
/// formats from a copy.
pub fn read_slice(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    read_slice_cached(name, bytes, limits, &mut DecodeCache::default(), sink)
}

/// [`read_slice`] reusing `cache` from earlier inputs.
pub fn read_slice_cached(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    cache: &mut DecodeCache,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    if bytes.starts_with(b"ElfFile\0") {
        return crate::evtx_reader::read_evtx(name, bytes, limits, cache, sink);
    }
    read_bytes_cached(name, bytes.to_vec(), limits, cache, sink)
}

fn read_stream<R: BufRead>(
    name: &str,
    mut reader: R,
    limits: &Limits,
    gzip: bool,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<FileReport, LogError> {
    let head = reader.fill_buf().map_err(|source| LogError::Io {
        path: name.to_owned(),
        source,
    })?;
    let format = detect(head.get(..head.len().min(4096)).unwrap_or(&[]))
        .ok_or_else(|| LogError::UnknownFormat { path: name.to_owned() })?;
    let mut report = FileReport {
        format: Some(format),
        gzip,
        ..FileReport::default()
    };
    if format == LogFormat::Json {
        read_json(name, reader, limits, &mut report, sink)?;
    } else {
        read_lines(reader, format, limits, &mut report, sink);
    }
    Ok(report)
}

fn read_json<R: BufRead>(
    name: &str,
    mut reader: R,
    limits: &Limits,
    report: &mut FileReport,
    sink: &mut dyn FnMut(LogEvent),
) -> Result<(), LogError> {
    let started = Instant::now();
    let mut emit = |v: &Value, report: &mut FileReport| {
        if report.events >= limits.max_events || started.elapsed() > limits.deadline {
            report.truncated = true;
            return;
        }
        report.events += 1;
        sink(json_event(v));
    };
    let is_array = reader
        .fill_buf()
        .map(|b| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'['))
        .unwrap_or(false);
    if is_array {
        let mut text = Vec::new();
        reader
            .take(limits.max_file_bytes)
            .read_to_end(&mut text)
            .map_err(|source| LogError::Io {
                path: name.to_owned(),
                source,
            })?;
        let v: Value = serde_json::from_slice(&text).map_err(|e| LogError::Json {
            path: name.to_owned(),
            message: e.to_string(),
        })?;
        for item in v.as_array().into_iter().flatten() {
            emit(item, report);
        }
        return Ok(());
    }
    // JSON Lines and concatenated pretty-printed objects alike.
    for item in serde_json::Deserializer::from_reader(reader).into_iter::<Value>() {
        match item {
            Ok(v) => emit(&v, report),
            Err(e) => {
                // A syntax error leaves the stream position undefined: stop here.
                report.problem(format!("json: {e}"));
                break;
            }
        }
        if report.truncated {
            break;
        }
    }
    Ok(())
}

/// One JSON object to an event of the right kind.
pub(crate) fn json_event(v: &Value) -> LogEvent {
    let (kind, (fields, ts_ms)) = if is_evtx_json(v) {
        (LogKind::Windows, flatten_evtx_json(v))
    } else if is_winlogbeat(v) {
        (LogKind::Windows, flatten_winlogbeat(v))
    } else {
        let fields = mozu_sigma::FlatEvent::from_json(v);
        let ts = ["@timestamp", "timestamp", "TimeCreated", "time", "UtcTime"]
            .iter()
            .find_map(|k| fields.get(k).and_then(crate::time::parse_timestamp));
        // Flat Windows exports (`EventID` + `Channel` at the top) route like EVTX.
        let kind = if fields.contains_key("EventID") && fields.contains_key("Channel") {
            LogKind::Windows
        } else {
            LogKind::Json
        };
        (kind, (fields, ts))
    };
    LogEvent { kind, ts_ms, fields }
}

fn read_lines<R: BufRead>(
    mut reader: R,
    format: LogFormat,
    limits: &Limits,
    report: &mut FileReport,
    sink: &mut dyn FnMut(LogEvent),
) {
    let started = Instant::now();
    let mut w3c = W3cReader::default();
    let mut firewall: Option<FirewallReader> = None;
    let mut buf = Vec::new();
    let mut lineno: u64 = 0;
    loop {
        buf.clear();
        match (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
        {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                report.problem(format!("read: {e}"));
                break;
            }
        }
        lineno += 1;
        if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            report.problem(format!("line {lineno}: longer than {MAX_LINE_BYTES} bytes"));
            // Skip the rest of the over-long line.
            let _ = reader.read_until(b'\n', &mut Vec::new());
            continue;
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            continue;
        }
        let (parsed, kind) = match format {
            LogFormat::SquidNative => (parse_squid_native(line), LogKind::Proxy),
            LogFormat::Combined => (parse_combined(line), LogKind::Proxy),
            LogFormat::W3c => {
                if line.starts_with('#') {
                    w3c.line(line);
                    continue;
                }
                (w3c.line(line), LogKind::Proxy)
            }
            _ => match &firewall {
                None => {
                    firewall = Some(FirewallReader::new(line));
                    continue;
                }
                Some(r) => (r.line(line), LogKind::Firewall),
            },
        };
        match parsed {
            Some((fields, ts_ms)) => {
                if report.events >= limits.max_events || started.elapsed() > limits.deadline {
                    report.truncated = true;
                    break;
                }
                report.events += 1;
                sink(LogEvent { kind, ts_ms, fields });
            }
            None => report.problem(format!("line {lineno}: not a {} record", format.name())),
        }
    }
}
