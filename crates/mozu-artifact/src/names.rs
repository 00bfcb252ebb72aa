//! What an attachment or entry name claims, and how it lies.
//!
//! Lures hide executables behind names: `請求書.pdf.exe` (Windows hides the
//! last extension), `invoice\u{202e}fdp.exe` (right-to-left override shows
//! it as `invoiceexe.pdf`), `scan.pdf<spaces>.exe` (padding pushes the real
//! extension out of view), or a `.pdf` that is a PE.

use mozu_model::{Finding, Severity};

use crate::sniff::FileType;

/// Extensions Windows runs or opens with a script host (the Outlook and
/// Gmail block lists, reduced to what matters for name tricks).
pub const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe",
    "scr",
    "com",
    "pif",
    "bat",
    "cmd",
    "vbs",
    "vbe",
    "js",
    "jse",
    "wsf",
    "wsh",
    "wsc",
    "hta",
    "ps1",
    "psm1",
    "lnk",
    "msi",
    "msp",
    "cpl",
    "dll",
    "jar",
    "reg",
    "sct",
    "iso",
    "img",
    "vhd",
    "vhdx",
    "chm",
    "inf",
    "application",
    "gadget",
    "msc",
    "appx",
    "appref-ms",
    "url",
    "iqy",
    "slk",
    "library-ms",
    "settingcontent-ms",
    "one",
];

/// Extensions a lure pretends to be.
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "jpg", "jpeg", "png", "gif", "rtf", "csv", "html", "zip",
];

/// Bidirectional control characters that reorder how a name displays.
const BIDI_CONTROLS: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    '\u{200e}', '\u{200f}',
];

/// The lower-cased extension of a name (`a.tar.gz` → `gz`).
pub fn extension(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    let ext = ext.trim().to_lowercase();
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 16).then_some(ext)
}

/// Findings about `name` given the detected `ftype`.
pub fn name_findings(name: &str, ftype: FileType, field: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if name.chars().any(|c| BIDI_CONTROLS.contains(&c)) {
        let shown: String = name
            .chars()
            .map(|c| if BIDI_CONTROLS.contains(&c) { '⟨' } else { c })
            .collect();
        out.push(Finding::single(
            "name.rtlo",
            Severity::High,
            40,
            "name hides its extension with a bidi control character",
            field,
            &shown,
        ));
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let parts: Vec<&str> = base.split('.').collect();
    if parts.len() >= 3 {
        let last = parts[parts.len() - 1].trim().to_lowercase();
        let prev = parts[parts.len() - 2].trim().to_lowercase();
        if EXECUTABLE_EXTENSIONS.contains(&last.as_str()) && DOCUMENT_EXTENSIONS.contains(&prev.as_str()) {
            out.push(Finding::single(
                "name.double_extension",
                Severity::High,
                40,
                "document extension followed by an executable one",
                field,
                name,
            ));
        }
    }
    if let Some((stem, _)) = base.rsplit_once('.') {
        let trailing = stem
            .chars()
            .rev()
            .take_while(|c| c.is_whitespace() || *c == '_' || *c == '\u{3000}')
            .count();
        if trailing >= 3 {
            out.push(Finding::single(
                "name.padded_extension",
                Severity::High,
                35,
                "whitespace padding pushes the real extension out of view",
                field,
                name,
            ));
        }
    }
    if let Some(ext) = extension(name) {
        let claimed_document = DOCUMENT_EXTENSIONS.contains(&ext.as_str()) && ext != "zip";
        if claimed_document && ftype.is_executable() {
            out.push(Finding::single(
                "name.type_mismatch_executable",
                Severity::Critical,
                60,
                "named like a document but is an executable",
                field,
                format!("{name} is {}", ftype.as_str()),
            ));
        } else if let Some(expected) = FileType::expected_for_extension(&ext)
            && !ftype.compatible_with(expected)
            && ftype != FileType::Unknown
            && ftype != FileType::Text
        {
            out.push(Finding::single(
                "name.type_mismatch",
                Severity::Medium,
                15,
                "extension does not match the content",
                field,
                format!("{name} is {}", ftype.as_str()),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(name: &str, t: FileType) -> Vec<String> {
        name_findings(name, t, "name").into_iter().map(|f| f.id).collect()
    }

    #[test]
    fn name_tricks() {
        assert_eq!(ids("請求書.pdf.exe", FileType::Pe), vec!["name.double_extension"]);
        assert!(ids("invoice\u{202e}fdp.exe", FileType::Pe).contains(&"name.rtlo".to_string()));
        assert!(ids("scan.pdf                    .exe", FileType::Pe).contains(&"name.padded_extension".to_string()));
        assert_eq!(ids("請求書.pdf", FileType::Pe), vec!["name.type_mismatch_executable"]);
        assert_eq!(ids("photo.jpg", FileType::Zip), vec!["name.type_mismatch"]);
        assert!(ids("report.pdf", FileType::Pdf).is_empty());
        assert!(ids("IMG_2020.zip", FileType::Zip).is_empty());
        assert_eq!(extension("a.tar.GZ").as_deref(), Some("gz"));
        assert_eq!(extension(".bashrc"), None);
    }
}
