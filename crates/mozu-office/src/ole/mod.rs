//! CFB (OLE2) documents: `.doc`, `.xls`, `.ppt`, encrypted OOXML packages
//! and bare `vbaProject.bin` files, and the embedded objects in them
//! (`\x01CompObj` class names, `\x01Ole10Native` Package payloads,
//! Equation Editor streams).

mod biff;
pub(crate) mod container;
mod word;

use mozu_model::Severity;

use crate::findings::Kind;
use crate::oleobj::{compobj_class, parse_package};
use crate::report::Report;
use crate::{MAX_OBJECTS, MAX_TOTAL_BYTES, OfficeError};
use container::{Container, Entry};
pub(crate) use word::is_dde;

/// Analyses one CFB file into `report`, setting `report.info.format`.
pub(crate) fn analyse(bytes: &[u8], report: &mut Report) -> Result<(), OfficeError> {
    if bytes.len() > MAX_TOTAL_BYTES {
        return Err(OfficeError::TooLarge {
            what: "OLE input",
            limit: MAX_TOTAL_BYTES,
        });
    }
    let mut container = Container::open(bytes, report)?;
    let base = base_format(&container);
    report.info.format = base.to_owned();
    crate::vba::extract(&mut container, report);
    let mut encrypted = encryption_marker(&container);
    match base {
        "doc" => encrypted = encrypted.or(word::analyse(&mut container, report)),
        "xls" => encrypted = encrypted.or(biff::analyse(&mut container, report)),
        _ => {}
    }
    analyse_objects(&mut container, base, report);
    if let Some(marker) = encrypted {
        report.info.format = format!("{base}-encrypted");
        report.signal(Kind::Encrypted, Severity::Medium, 20, "format", marker);
    }
    Ok(())
}

/// The signature every CFB file starts with.
pub(crate) const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The class of a standalone embedded-object file (`oleObject1.bin`): the
/// root `CompObj` ProgID or user type, `Package` for an `Ole10Native`
/// stream, `Equation.3` for an `Equation Native` stream.
pub(crate) fn object_class(bytes: &[u8], report: &mut Report) -> Option<String> {
    let mut container = Container::open(bytes, report).ok()?;
    if container.root_has("\u{1}Ole10Native") {
        return Some("Package".to_owned());
    }
    if container.root_has("Equation Native") {
        return Some("Equation.3".to_owned());
    }
    let entry = container.child(std::path::Path::new("/"), "\u{1}CompObj").cloned()?;
    let data = container.read(&entry, report)?;
    compobj_class(&data)
}

/// The document type the root storage's streams reveal.
fn base_format(container: &Container<'_>) -> &'static str {
    if container.root_has("EncryptedPackage") {
        "ooxml"
    } else if container.root_has("WordDocument") {
        "doc"
    } else if container.root_has("Workbook") || container.root_has("Book") {
        "xls"
    } else if container.root_has("PowerPoint Document") {
        "ppt"
    } else if container.root_has("VBA") && container.root_has("PROJECT") {
        "vbaproject"
    } else {
        "ole"
    }
}

/// Streams that only exist in encrypted documents.
fn encryption_marker(container: &Container<'_>) -> Option<&'static str> {
    if container.root_has("EncryptedPackage") {
        Some("EncryptedPackage stream (password-protected OOXML)")
    } else if container.root_has("EncryptionInfo") {
        Some("EncryptionInfo stream")
    } else if container.root_has("EncryptedSummary") {
        Some("EncryptedSummary stream")
    } else {
        None
    }
}

const COMPOBJ: &str = "\u{1}CompObj";
const OLE10NATIVE: &str = "\u{1}Ole10Native";
const EQUATION_NATIVE: &str = "Equation Native";

/// Reports the embedded objects of the container. `base` is its document
/// type: a `.doc`/`.xls`/`.ppt` root `CompObj` names the document itself,
/// while in a standalone object file (`oleObject1.bin`) it names the object.
fn analyse_objects(container: &mut Container<'_>, base: &str, report: &mut Report) {
    let root_is_document = matches!(base, "doc" | "xls" | "ppt" | "vbaproject");
    let streams: Vec<Entry> = container
        .entries
        .iter()
        .filter(|entry| entry.is_stream)
        .filter(|entry| [COMPOBJ, OLE10NATIVE, EQUATION_NATIVE].contains(&entry.name.as_str()))
        .take(MAX_OBJECTS * 2)
        .cloned()
        .collect();
    for entry in streams {
        let at_root = entry
            .path
            .parent()
            .is_none_or(|parent| parent == std::path::Path::new("/"));
        let field = format!("stream {}", entry.path.display());
        match entry.name.as_str() {
            COMPOBJ if !(at_root && root_is_document) => {
                let Some(data) = container.read(&entry, report) else {
                    continue;
                };
                if let Some(class) = compobj_class(&data) {
                    report.embedded_object(Kind::EmbeddedObject, &field, &class, "");
                }
            }
            EQUATION_NATIVE => {
                report.embedded_object(Kind::EmbeddedObject, &field, "Equation.3", "Equation Native stream");
            }
            OLE10NATIVE => native(container, &entry, &field, report),
            _ => {}
        }
    }
}

/// An `\x01Ole10Native` stream: a Package carrying a file, or the native
/// data of another OLE1 class, which becomes a payload as it is.
fn native(container: &mut Container<'_>, entry: &Entry, field: &str, report: &mut Report) {
    let Some(data) = container.read(entry, report) else {
        return;
    };
    match parse_package(&data, true) {
        Some(package) => {
            Report::list(&mut report.info.embedded_objects, "Package");
            report.package(field, &package);
        }
        None => {
            report.signal(
                Kind::EmbeddedObject,
                Severity::Medium,
                20,
                field,
                "Ole10Native data (not a Package)",
            );
            let payload = data.get(4..).unwrap_or_default().to_vec();
            if !payload.is_empty() {
                report.child("Ole10Native.bin", payload);
            }
        }
    }
}
