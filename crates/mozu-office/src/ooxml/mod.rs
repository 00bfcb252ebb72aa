//! OOXML packages (`.docx`/`.docm`/`.xlsx`/`.xlsm`/`.pptx` …) given as
//! their unzipped parts.

mod excel;
mod fields;
mod rels;
mod xml;

use mozu_model::Severity;

use crate::findings::Kind;
use crate::report::Report;
use crate::{MAX_OBJECTS, MAX_PARTS, MAX_STREAM_BYTES};

/// Main-part content types and the document type they make.
const MAIN_CONTENT_TYPES: &[(&str, &str)] = &[
    ("application/vnd.ms-word.document.macroenabled.main+xml", "docm"),
    ("application/vnd.ms-word.template.macroenabledtemplate.main+xml", "dotm"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "dotx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "docx",
    ),
    ("application/vnd.ms-excel.sheet.macroenabled.main+xml", "xlsm"),
    ("application/vnd.ms-excel.template.macroenabled.main+xml", "xltm"),
    ("application/vnd.ms-excel.addin.macroenabled.main+xml", "xlam"),
    ("application/vnd.ms-excel.sheet.binary.macroenabled.main", "xlsb"),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        "xltx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xlsx",
    ),
    (
        "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
        "pptm",
    ),
    ("application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml", "ppsm"),
    ("application/vnd.ms-powerpoint.template.macroenabled.main+xml", "potm"),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
        "ppsx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
        "potx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "pptx",
    ),
];

/// One part, with its name normalised for matching.
pub(crate) struct Part<'a> {
    /// Name as given, without a leading `/`.
    pub(crate) name: &'a str,
    /// Lower-cased name.
    pub(crate) lower: String,
    pub(crate) data: &'a [u8],
}

/// Analyses the parts into `report`.
pub(crate) fn analyse(parts: &[(String, Vec<u8>)], report: &mut Report) {
    if parts.len() > MAX_PARTS {
        report.warn(format!("{} parts, only the first {MAX_PARTS} analysed", parts.len()));
    }
    let mut usable = Vec::new();
    for (name, data) in parts.iter().take(MAX_PARTS) {
        let name = name.trim_start_matches('/');
        if data.len() > MAX_STREAM_BYTES || !report.budget.take(data.len()) {
            report.warn(format!(
                "part {name}: {} bytes over the per-part limit or the remaining budget, skipped",
                data.len()
            ));
            continue;
        }
        usable.push(Part {
            name,
            lower: name.to_ascii_lowercase(),
            data,
        });
    }
    report.info.format = format(&usable).to_owned();
    let relationships = rels::collect(&usable, report);
    excel::analyse(&usable, &relationships, report);
    for part in &usable {
        analyse_part(part, report);
    }
}

fn analyse_part(part: &Part<'_>, report: &mut Report) {
    let lower = part.lower.as_str();
    if lower.ends_with("vbaproject.bin") {
        nested_vba_project(part, report);
    } else if lower.contains("/embeddings/") {
        embedding(part, report);
    } else if lower.starts_with("word/") && lower.ends_with(".xml") {
        fields::analyse(part, report);
    }
}

/// The document type from `[Content_Types].xml`, else from the part names.
fn format(parts: &[Part<'_>]) -> &'static str {
    if let Some(types) = parts.iter().find(|part| part.lower == "[content_types].xml") {
        let text = xml::as_utf8(types.data);
        for event in xml::Reader::new(&text) {
            let xml::Event::Start { name, attrs, .. } = event else {
                continue;
            };
            if !xml::is(name, "Override") && !xml::is(name, "Default") {
                continue;
            }
            let Some(content_type) = xml::attr(attrs, "ContentType") else {
                continue;
            };
            let content_type = content_type.trim().to_ascii_lowercase();
            if let Some((_, format)) = MAIN_CONTENT_TYPES.iter().find(|(known, _)| *known == content_type) {
                return format;
            }
        }
    }
    for (prefix, format) in [("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")] {
        if parts.iter().any(|part| part.lower.starts_with(prefix)) {
            return format;
        }
    }
    "ooxml"
}

/// A `vbaProject.bin` part: analysed as a CFB file into the same report.
fn nested_vba_project(part: &Part<'_>, report: &mut Report) {
    let format = std::mem::take(&mut report.info.format);
    if let Err(err) = crate::ole::analyse(part.data, report) {
        report.warn(format!("part {}: {err}", part.name));
        report.signal(Kind::VbaMacros, Severity::Medium, 20, "parts", part.name);
    }
    report.info.format = format;
}

/// An embedded object or package: a payload to analyse again, and its class.
fn embedding(part: &Part<'_>, report: &mut Report) {
    if report.child_count() >= MAX_OBJECTS || part.data.is_empty() {
        return;
    }
    let field = format!("parts[{}]", part.name);
    if part.data.starts_with(&crate::ole::CFB_MAGIC) {
        let class = crate::ole::object_class(part.data, report).unwrap_or_else(|| "OLE object".to_owned());
        report.embedded_object(Kind::EmbeddedObject, &field, &class, "");
    } else {
        let extension = part.name.rsplit_once('.').map_or("bin", |(_, extension)| extension);
        Report::list(&mut report.info.embedded_objects, &format!("embedded {extension}"));
    }
    report.child(part.name, part.data.to_vec());
}
