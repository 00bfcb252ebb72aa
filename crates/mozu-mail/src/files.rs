//! Reading inputs from disk: one file becomes records, or an mbox to
//! stream. Shared by the CLI and the corpus tests so both take one path.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use mozu_model::{ErrorKind, ErrorRecord, MessageRecord, Record, SourceFormat, SourceRef, Warning, WarningCode};

use crate::input::{InputKind, MboxMessage, MboxReader, SNIFF_BYTES, sniff};
use crate::{Limits, Parsed, parse_eml_parts, parse_message_parts, source};

/// What turns a parsed message (with its attachment bytes) into the record
/// that is printed: the identity for plain parsing, the artifact analyser
/// for a full scan. The second argument is the message as received, when it
/// is whole (not an Outlook .msg, not cut at the size limit): live
/// authentication checks need its exact bytes.
pub type Finish<'a> = &'a (dyn Fn(Parsed, Option<&[u8]>) -> MessageRecord + Sync);

/// The [`Finish`] that keeps the parser's record as it is.
pub fn plain_record(parsed: Parsed, _raw: Option<&[u8]>) -> MessageRecord {
    parsed.record
}

/// What reading one file gave.
#[derive(Debug)]
pub enum FileScan {
    /// Records of a single-message file (or of an mbox read from memory).
    Records(Vec<Record>),
    /// An mbox file, to be streamed with [`MboxReader`] by the caller.
    Mbox(PathBuf),
    /// Not mail (only for files found by a directory walk).
    Skipped,
}

/// An error record for `path`.
pub fn error_record(path: String, format: SourceFormat, kind: ErrorKind, message: String) -> Record {
    Record::Error(ErrorRecord {
        source: SourceRef {
            path,
            index: None,
            format,
        },
        kind,
        message,
    })
}

/// Reads at most `cap + 1` bytes, so that the caller can tell a cut.
pub fn read_capped(reader: impl Read, cap: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader.take(cap as u64 + 1).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Reads one file. `explicit` files (named by the user) are parsed as a
/// message even when they do not look like mail; files found by a walk are
/// skipped then. `-` is standard input.
pub fn scan_file(path: &Path, explicit: bool, limits: &Limits, finish: Finish<'_>) -> FileScan {
    let display = path.display().to_string();
    let io_err = |e: io::Error| {
        FileScan::Records(vec![error_record(
            display.clone(),
            SourceFormat::Eml,
            ErrorKind::Io,
            e.to_string(),
        )])
    };
    let data = if display == "-" {
        match read_capped(io::stdin().lock(), limits.max_message_bytes) {
            Ok(d) => d,
            Err(e) => return io_err(e),
        }
    } else {
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        match File::open(path).and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head)) {
            Ok(_) => {}
            Err(e) => return io_err(e),
        }
        match sniff(&head) {
            InputKind::NotMail if !explicit => return FileScan::Skipped,
            InputKind::Mbox => return FileScan::Mbox(path.to_path_buf()),
            _ => {}
        }
        match File::open(path).and_then(|f| read_capped(f, limits.max_message_bytes)) {
            Ok(d) => d,
            Err(e) => return io_err(e),
        }
    };
    FileScan::Records(parse_bytes(&data, &display, limits, finish))
}

/// Parses a whole input already in memory (a file or stdin).
pub fn parse_bytes(data: &[u8], display: &str, limits: &Limits, finish: Finish<'_>) -> Vec<Record> {
    match sniff(data) {
        InputKind::Mbox => MboxReader::new(data, limits.max_message_bytes)
            .map(|m| mbox_record(m, display, limits, finish))
            .collect(),
        InputKind::Msg => vec![match parse_message_parts(data, InputKind::Msg, display, limits) {
            Ok(parsed) => Record::Message(finish(parsed, None)),
            Err(e) => error_record(display.to_string(), SourceFormat::Msg, ErrorKind::Parse, e.to_string()),
        }],
        _ => {
            let whole = (data.len() <= limits.max_message_bytes).then_some(data);
            let parsed = parse_eml_parts(data, source(display, SourceFormat::Eml, None), limits);
            vec![Record::Message(finish(parsed, whole))]
        }
    }
}

/// The record of one message out of an mbox.
pub fn mbox_record(m: io::Result<MboxMessage>, display: &str, limits: &Limits, finish: Finish<'_>) -> Record {
    match m {
        Ok(m) => {
            let parsed = parse_eml_parts(&m.bytes, source(display, SourceFormat::Mbox, Some(m.index)), limits);
            let mut rec = finish(parsed, (!m.truncated).then_some(&m.bytes[..]));
            if m.truncated {
                rec.warn(Warning::new(
                    WarningCode::LimitMessageSize,
                    format!("mbox message cut at {} bytes", limits.max_message_bytes),
                ));
            }
            Record::Message(rec)
        }
        Err(e) => error_record(display.to_string(), SourceFormat::Mbox, ErrorKind::Io, e.to_string()),
    }
}

/// Every record of a file or directory, sequentially: for tests and small
/// jobs. Also returns the number of files skipped as not mail.
pub fn scan_path_all(path: &Path, limits: &Limits) -> (Vec<Record>, usize) {
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    if path.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            entries.sort();
            for p in entries {
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push((p, false));
                }
            }
        }
    } else {
        files.push((path.to_path_buf(), true));
    }
    files.sort();
    let mut records = Vec::new();
    let mut skipped = 0;
    for (file, explicit) in files {
        match scan_file(&file, explicit, limits, &plain_record) {
            FileScan::Records(r) => records.extend(r),
            FileScan::Skipped => skipped += 1,
            FileScan::Mbox(p) => {
                let display = p.display().to_string();
                match File::open(&p) {
                    Ok(f) => records.extend(
                        MboxReader::new(io::BufReader::new(f), limits.max_message_bytes)
                            .map(|m| mbox_record(m, &display, limits, &plain_record)),
                    ),
                    Err(e) => records.push(error_record(display, SourceFormat::Mbox, ErrorKind::Io, e.to_string())),
                }
            }
        }
    }
    (records, skipped)
}
