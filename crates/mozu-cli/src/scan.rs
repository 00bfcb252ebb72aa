//! `mozu mail scan`: walk inputs, recognise mail by content, parse on all
//! cores, print records in input order.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mozu_artifact::PasswordBook;
use mozu_mail::files::{self, FileScan, error_record, mbox_record};
use mozu_mail::{Limits, MboxReader};
use mozu_model::{ErrorKind, Record, SourceFormat, Verdict, VerdictLevel};
use rayon::prelude::*;

use crate::args::{FailOn, MessagePipeline, ScanArgs};
use crate::output::Writer;

/// Files handed to the thread pool at once; output stays in input order.
const CHUNK_FILES: usize = 256;
/// Mbox messages parsed in parallel at once.
const CHUNK_MESSAGES: usize = 256;
/// Files larger than this are not read by the password pre-pass.
const MAX_PREPASS_BYTES: u64 = 1 << 20;

/// Counts for the closing summary and the exit status.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files looked at.
    pub files: u64,
    /// Message records written.
    pub messages: u64,
    /// Files skipped because they are not mail.
    pub skipped: u64,
    /// Inputs that could not be read or parsed (error records).
    pub failed: u64,
    /// Records rated suspicious.
    pub suspicious: u64,
    /// Records rated malicious.
    pub malicious: u64,
    /// `--fail-on`: the level that makes the exit status 3.
    pub fail_on: Option<VerdictLevel>,
}

impl Summary {
    /// 3 when a record reached the `--fail-on` level, else 1 when some
    /// input could not be read, else 0.
    pub fn exit_code(&self) -> std::process::ExitCode {
        let reached = match self.fail_on {
            Some(VerdictLevel::Malicious) => self.malicious > 0,
            Some(_) => self.malicious + self.suspicious > 0,
            None => false,
        };
        if reached {
            std::process::ExitCode::from(3)
        } else {
            std::process::ExitCode::from(u8::from(self.failed > 0))
        }
    }

    /// The closing line's verdict counts.
    pub fn verdicts(&self) -> String {
        format!("{} malicious, {} suspicious", self.malicious, self.suspicious)
    }

    fn count(&mut self, verdict: Option<&Verdict>) {
        match verdict.map(|v| v.level) {
            Some(VerdictLevel::Malicious) => self.malicious += 1,
            Some(VerdictLevel::Suspicious) => self.suspicious += 1,
            _ => {}
        }
    }
}

/// Runs the scan.
pub fn run(args: &ScanArgs) -> Result<Summary> {
    let pool = args.common.pool()?;
    let limits = Limits::default();
    let store = if args.store {
        Some(crate::campaigns::StoreSink::open(&args.db)?)
    } else {
        None
    };
    let mut writer = args.common.writer().with_store(store);
    let mut summary = Summary {
        fail_on: args.detect.fail_on.map(FailOn::level),
        ..Summary::default()
    };
    let pipeline = MessagePipeline::new(args.no_attachments, &args.artifacts, &args.detect)?;
    let (files, walk_errors) = collect_inputs(&args.common.paths);
    let book = if args.no_attachments || args.no_cross_message_passwords {
        PasswordBook::default()
    } else {
        password_prepass(&files, &limits, &pool)
    };
    let analyse = |parsed: mozu_mail::Parsed, raw: Option<&[u8]>| {
        let offered = book.offered_to(&parsed.record);
        pipeline.record(parsed, &offered, raw)
    };
    for err in walk_errors {
        emit(&mut writer, &mut summary, err)?;
    }
    let progress = progress_bar(files.len() as u64, args.common.no_progress);
    for chunk in files.chunks(CHUNK_FILES) {
        let results: Vec<FileScan> = pool.install(|| {
            chunk
                .par_iter()
                .map(|(p, explicit)| files::scan_file(p, *explicit, &limits, &analyse))
                .collect()
        });
        for result in results {
            summary.files += 1;
            progress.inc(1);
            match result {
                FileScan::Records(records) => {
                    for r in records {
                        emit(&mut writer, &mut summary, r)?;
                    }
                }
                FileScan::Mbox(path) => scan_mbox(&path, &limits, &pool, &analyse, &mut writer, &mut summary)?,
                FileScan::Skipped => summary.skipped += 1,
            }
        }
    }
    progress.finish_and_clear();
    writer.flush()?;
    eprintln!(
        "mozu: {} files, {} messages, {} skipped (not mail), {} failed; {}",
        summary.files,
        summary.messages,
        summary.skipped,
        summary.failed,
        summary.verdicts()
    );
    Ok(summary)
}

/// Reads the batch once without attachments to learn the passwords that
/// messages write for other messages' archives (the PPAP habit). Standard
/// input cannot be read twice, and password mails are short, so stdin and
/// large files are left out.
fn password_prepass(files: &[(PathBuf, bool)], limits: &Limits, pool: &rayon::ThreadPool) -> PasswordBook {
    let collect: files::Finish<'_> = &files::plain_record;
    let mut book = PasswordBook::default();
    let mut add = |record: Record| {
        if let Record::Message(m) = record {
            book.add_message(&m);
        }
    };
    for chunk in files.chunks(CHUNK_FILES) {
        let results: Vec<FileScan> = pool.install(|| {
            chunk
                .par_iter()
                .filter(|(p, _)| prepass_wanted(p))
                .map(|(p, explicit)| files::scan_file(p, *explicit, limits, collect))
                .collect()
        });
        for result in results {
            match result {
                FileScan::Records(records) => records.into_iter().for_each(&mut add),
                FileScan::Mbox(path) => {
                    let Ok(file) = File::open(&path) else { continue };
                    let display = path.display().to_string();
                    let reader = MboxReader::new(BufReader::new(file), limits.max_message_bytes);
                    for m in reader {
                        add(mbox_record(m, &display, limits, collect));
                    }
                }
                FileScan::Skipped => {}
            }
        }
    }
    book
}

/// Small files, and mboxes of any size (their messages are read one by
/// one); never standard input.
fn prepass_wanted(path: &Path) -> bool {
    if path.as_os_str() == "-" {
        return false;
    }
    match path.metadata() {
        Ok(m) if m.len() <= MAX_PREPASS_BYTES => true,
        Ok(_) => {
            let mut head = Vec::new();
            let read = File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
            read.is_ok() && mozu_mail::sniff(&head) == mozu_mail::InputKind::Mbox
        }
        Err(_) => false,
    }
}

pub(crate) fn progress_bar(len: u64, disabled: bool) -> ProgressBar {
    if disabled || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} eta {eta}") {
        bar.set_style(style);
    }
    bar
}

pub(crate) fn emit<W: Write>(writer: &mut Writer<W>, summary: &mut Summary, record: Record) -> Result<()> {
    match &record {
        Record::Message(m) => {
            summary.messages += 1;
            summary.count(m.verdict.as_ref());
        }
        Record::File(f) => {
            summary.messages += 1;
            summary.count(f.verdict.as_ref());
        }
        Record::Error(_) => summary.failed += 1,
    }
    match writer.write(&record) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.context("writing output"),
    }
}

/// Expands directories (recursively, sorted) and keeps `-` and files.
pub(crate) fn collect_inputs(paths: &[String]) -> (Vec<(PathBuf, bool)>, Vec<Record>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if p == "-" || !path.is_dir() {
            files.push((path.to_path_buf(), true));
            continue;
        }
        for entry in walkdir::WalkDir::new(path).follow_links(false).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push((e.into_path(), false)),
                Ok(_) => {}
                Err(err) => errors.push(error_record(
                    err.path().map_or_else(|| p.clone(), |q| q.display().to_string()),
                    SourceFormat::Eml,
                    ErrorKind::Io,
                    err.to_string(),
                )),
            }
        }
    }
    (files, errors)
}

/// Streams an mbox: batches of messages parsed in parallel, written in order.
fn scan_mbox<W: Write>(
    path: &Path,
    limits: &Limits,
    pool: &rayon::ThreadPool,
    finish: files::Finish<'_>,
    writer: &mut Writer<W>,
    summary: &mut Summary,
) -> Result<()> {
    let display = path.display().to_string();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return emit(
                writer,
                summary,
                error_record(display, SourceFormat::Mbox, ErrorKind::Io, e.to_string()),
            );
        }
    };
    let mut reader = MboxReader::new(BufReader::new(file), limits.max_message_bytes);
    loop {
        let batch: Vec<_> = reader.by_ref().take(CHUNK_MESSAGES).collect();
        if batch.is_empty() {
            return Ok(());
        }
        let records: Vec<Record> = pool.install(|| {
            batch
                .into_par_iter()
                .map(|m| mbox_record(m, &display, limits, finish))
                .collect()
        });
        for r in records {
            emit(writer, summary, r)?;
        }
    }
}
