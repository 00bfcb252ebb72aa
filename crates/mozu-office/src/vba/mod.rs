//! VBA projects inside a CFB file: find every `VBA` storage with a `dir`
//! stream (`Macros/VBA` in Word, `_VBA_PROJECT_CUR/VBA` in Excel, `VBA` at
//! the root of a bare `vbaProject.bin`), read the module list from `dir`,
//! decompress each module's source and decode it with the project code page.

pub(crate) mod dir;
pub(crate) mod keywords;
pub(crate) mod scan;

use std::path::PathBuf;

use mozu_model::{Severity, VbaModule};

use crate::findings::Kind;
use crate::ole::container::{Container, Entry};
use crate::ovba::decompress_lenient;
use crate::report::Report;
use crate::{MAX_MODULES, MAX_PROJECTS, MAX_SOURCE_BYTES, MAX_STREAM_BYTES, codepage};

/// Streams of a VBA storage that never hold module source.
const NOT_MODULES: &[&str] = &["dir", "_VBA_PROJECT", "PROJECT", "PROJECTwm", "PROJECTlk"];
/// How a compressed module source container usually starts: the literal
/// `Attribut` of `Attribute VB_Name` right after the first flag byte.
const ATTRIBUTE_MARKER: &[u8] = b"\x00Attribut";

/// Reads every VBA project in the container into `report`.
pub(crate) fn extract(container: &mut Container<'_>, report: &mut Report) {
    let storages: Vec<PathBuf> = container
        .entries
        .iter()
        .filter(|entry| !entry.is_stream && entry.name.eq_ignore_ascii_case("VBA"))
        .filter(|entry| container.child(&entry.path, "dir").is_some())
        .map(|entry| entry.path.clone())
        .collect();
    if storages.len() > MAX_PROJECTS {
        report.warn(format!(
            "{} VBA storages, only the first {MAX_PROJECTS} read",
            storages.len()
        ));
    }
    for storage in storages.into_iter().take(MAX_PROJECTS) {
        extract_project(container, &storage, report);
    }
}

fn extract_project(container: &mut Container<'_>, storage: &std::path::Path, report: &mut Report) {
    let where_ = storage.display().to_string();
    let Some(dir_entry) = container.child(storage, "dir").cloned() else {
        return;
    };
    let raw_dir = container.read(&dir_entry, report).unwrap_or_default();
    let (dir_bytes, error) = decompress_lenient(&raw_dir, MAX_STREAM_BYTES.min(report.budget.remaining()));
    report.budget.spend(dir_bytes.len());
    if let Some(error) = error {
        report.warn(format!("{where_}/dir: {error}"));
    }
    let dir = dir::parse(&dir_bytes, MAX_MODULES);
    for problem in &dir.problems {
        report.warn(format!("{where_}: {problem}"));
    }
    if dir.skipped_modules > 0 {
        report.warn(format!(
            "{where_}: {} module records beyond the limit of {MAX_MODULES} skipped",
            dir.skipped_modules
        ));
    }
    if report.info.vba_code_page.is_none() {
        report.info.vba_code_page = dir.code_page;
    }
    for record in &dir.modules {
        let Some(entry) = record
            .stream_names
            .iter()
            .find_map(|name| container.child(storage, name))
            .cloned()
        else {
            report.warn(format!(
                "{where_}: stream of module {} ({}) not found",
                record.name,
                record.stream_names.join(" / ")
            ));
            continue;
        };
        let offset = usize::try_from(record.offset).unwrap_or(usize::MAX);
        if let Some(module) = read_module(container, &entry, &record.name, Some(offset), dir.code_page, report) {
            report.module(module);
        }
    }
    if dir.modules.is_empty() {
        recover_without_dir(container, storage, dir.code_page, report);
    }
}

/// When `dir` names no module (damaged or stomped), looks for compressed
/// source in every other stream of the storage by its usual opening.
fn recover_without_dir(
    container: &mut Container<'_>,
    storage: &std::path::Path,
    code_page: Option<u16>,
    report: &mut Report,
) {
    let candidates: Vec<Entry> = container
        .children_of(storage)
        .filter(|entry| entry.is_stream)
        .filter(|entry| {
            !NOT_MODULES.iter().any(|name| entry.name.eq_ignore_ascii_case(name)) && !entry.name.starts_with("__SRP_")
        })
        .take(MAX_MODULES)
        .cloned()
        .collect();
    let mut recovered = 0;
    for entry in candidates {
        if let Some(module) = read_module(container, &entry, &entry.name, None, code_page, report) {
            recovered += 1;
            report.module(module);
        }
    }
    if recovered > 0 {
        report.warn(format!(
            "{}: dir stream lists no modules; {recovered} recovered by scanning for compressed source",
            storage.display()
        ));
    }
}

/// Reads one module stream: decompresses the source at `offset` (or, when
/// that fails or no offset is known, at the usual opening of compressed
/// source), decodes and scans it.
fn read_module(
    container: &mut Container<'_>,
    entry: &Entry,
    name: &str,
    offset: Option<usize>,
    code_page: Option<u16>,
    report: &mut Report,
) -> Option<VbaModule> {
    let stream = container.read(entry, report)?;
    let max_out = MAX_SOURCE_BYTES.min(report.budget.remaining());
    let mut source = Vec::new();
    let mut problem = None;
    if let Some(compressed) = offset.and_then(|offset| stream.get(offset..)) {
        let (out, error) = decompress_lenient(compressed, max_out);
        source = out;
        problem = error;
    }
    if source.is_empty() {
        let found = memfind(&stream, ATTRIBUTE_MARKER).and_then(|at| at.checked_sub(3));
        if let Some(compressed) = found.and_then(|at| stream.get(at..)) {
            let (out, error) = decompress_lenient(compressed, max_out);
            if !out.is_empty() && offset.is_some() {
                report.warn(format!(
                    "module {name}: source not at MODULEOFFSET, found by signature scan"
                ));
            }
            source = out;
            problem = error;
        }
    }
    report.budget.spend(source.len());
    if let Some(problem) = problem {
        report.warn(format!("module {name}: {problem}; source may be incomplete"));
    }
    if source.is_empty() {
        if offset.is_some() {
            report.warn(format!("module {name}: no source could be decompressed"));
        }
        return None;
    }
    let code = match code_page {
        Some(_) => codepage::decode(&source, code_page),
        None => codepage::decode_ansi_guess(&source),
    };
    let scanned = scan::Scanned::new(&code);
    let obfuscation = scanned.obfuscation();
    if !obfuscation.is_empty() {
        let field = format!("vba_modules[{name}]");
        report.signal(
            Kind::VbaObfuscation,
            Severity::Medium,
            25,
            &field,
            &obfuscation.join(", "),
        );
    }
    Some(VbaModule {
        name: name.to_owned(),
        auto_exec: scanned.auto_exec(&code),
        suspicious: scanned.suspicious(),
        code,
    })
}

/// The first position of `needle` in `haystack`.
pub(crate) fn memfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|window| window == needle)
}
