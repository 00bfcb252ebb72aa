//! `mozu file scan`: loose files through the artifact analyser.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::Result;
use mozu_mail::files::error_record;
use mozu_model::{ErrorKind, Record, SourceFormat, SourceRef};
use rayon::prelude::*;

use crate::args::{FailOn, FileScanArgs};
use crate::scan::{Summary, collect_inputs, emit, progress_bar};

/// Largest file read; bigger files are reported, not analysed.
pub const MAX_FILE_BYTES: u64 = 512 << 20;
const CHUNK_FILES: usize = 64;

/// Runs the scan.
pub fn run(args: &FileScanArgs) -> Result<Summary> {
    let pool = args.common.pool()?;
    let opts = args.artifacts.options()?;
    let extractor = args.artifacts.extractor()?;
    let detection = args.detect.detection()?;
    let mut writer = args.common.writer();
    let mut summary = Summary {
        fail_on: args.detect.fail_on.map(FailOn::level),
        ..Summary::default()
    };
    let (files, walk_errors) = collect_inputs(&args.common.paths);
    for err in walk_errors {
        emit(&mut writer, &mut summary, err)?;
    }
    let progress = progress_bar(files.len() as u64, args.common.no_progress);
    for chunk in files.chunks(CHUNK_FILES) {
        let records: Vec<Record> = pool.install(|| {
            chunk
                .par_iter()
                .map(|(path, _)| analyse_one(path, &opts, extractor.as_ref(), &detection))
                .collect()
        });
        for r in records {
            summary.files += 1;
            progress.inc(1);
            emit(&mut writer, &mut summary, r)?;
        }
    }
    progress.finish_and_clear();
    writer.flush()?;
    eprintln!(
        "mozu: {} files analysed, {} failed; {}",
        summary.files,
        summary.failed,
        summary.verdicts()
    );
    Ok(summary)
}

fn analyse_one(
    path: &Path,
    opts: &mozu_artifact::Options,
    extractor: Option<&mozu_artifact::Extractor>,
    detection: &crate::args::Detection,
) -> Record {
    let display = path.display().to_string();
    let data = File::open(path).and_then(|f| {
        let mut buf = Vec::new();
        f.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)?;
        Ok(buf)
    });
    match data {
        Ok(d) if d.len() as u64 > MAX_FILE_BYTES => error_record(
            display,
            SourceFormat::File,
            ErrorKind::Limit,
            format!("larger than {MAX_FILE_BYTES} bytes"),
        ),
        Ok(d) => {
            let source = SourceRef {
                path: display,
                index: None,
                format: SourceFormat::File,
            };
            let mut record = mozu_artifact::analyse_file(d, source, opts, extractor);
            detection.apply_file(&mut record);
            Record::File(record)
        }
        Err(e) => error_record(display, SourceFormat::File, ErrorKind::Io, e.to_string()),
    }
}
