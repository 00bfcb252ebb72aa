//! Office document analysis for mozu: OLE/CFB VBA projects, Excel 4.0 macro
//! sheets, OOXML relationships and DDE, RTF embedded objects.
//!
//! Japanese malspam (Emotet, Ursnif, FlawedAmmyy and their successors) mostly
//! arrives as Word or Excel files that run code when opened: VBA macros with
//! an auto-exec entry point, Excel 4.0 (XLM) macro sheets hidden from the
//! user, OOXML documents that fetch a remote macro template, DDE fields, and
//! RTF files carrying OLE objects (Equation Editor exploits, `Package`
//! objects that drop a script). This crate reads those containers and reports
//! what an analyst needs:
//!
//! * [`analyse_ole`]: `.doc` / `.xls` / `.ppt` or a bare `vbaProject.bin`
//!   (CFB): VBA modules decompressed and decoded with the project code page
//!   (Shift_JIS comments and strings come out right), BIFF8 macro sheets and
//!   `FILEPASS` encryption, `ObjectPool` / `Ole10Native` embedded objects,
//!   DDE fields in the Word text.
//! * [`analyse_ooxml`]: the parts of an unzipped OOXML package: content type,
//!   external relationships (remote `attachedTemplate`), `xl/macrosheets`,
//!   `vbaProject.bin`, DDE field instructions, embeddings.
//! * [`analyse_rtf`]: `\object` / `\objdata` payloads decoded to OLE1 objects,
//!   `\objupdate` auto-activation, DDE fields.
//! * [`vba_decompress`] / [`vba_compress`]: the MS-OVBA 2.4.1 codec.
//!
//! Every input is hostile. Each parser has `MAX_*` limits and every call
//! runs under a byte budget ([`MAX_TOTAL_BYTES`]); attacker-controlled
//! nesting (RTF groups, Word fields) is walked with explicit stacks; nothing
//! panics, and
//! whatever was cut short is named in [`Analysis::warnings`]. Nothing is
//! executed and nothing is written to disk: embedded payloads are returned
//! as [`Child`]ren for the caller to analyse again.
//!
//! With the `fixtures` feature (and in this crate's own tests) the
//! [`fixtures`] module builds synthetic malicious-looking documents.
#![warn(missing_docs)]

mod codepage;
mod findings;
mod ole;
mod oleobj;
mod ooxml;
mod ovba;
mod report;
mod rtf;
mod vba;
mod xlm;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
#[cfg(test)]
mod tests;

pub use ovba::{vba_compress, vba_decompress};

/// Largest stream (CFB stream, OOXML part, decoded RTF object) read, in bytes.
pub const MAX_STREAM_BYTES: usize = 32 << 20;
/// Most VBA modules read from one project; the rest are named in a warning.
pub const MAX_MODULES: usize = 512;
/// Largest decompressed source of one VBA module, in bytes; longer source is
/// truncated with a warning.
pub const MAX_SOURCE_BYTES: usize = 4 << 20;
/// Deepest RTF group nesting tracked; deeper groups are flattened into the
/// deepest tracked one with a warning.
pub const MAX_RTF_DEPTH: usize = 256;
/// Most embedded objects (RTF objects, OLE objects, OOXML embeddings)
/// reported per document.
pub const MAX_OBJECTS: usize = 256;
/// Most CFB directory entries visited.
pub const MAX_ENTRIES: usize = 10_000;
/// Most bytes read from streams and parts plus bytes produced by
/// decompression, over one call.
pub const MAX_TOTAL_BYTES: usize = 256 << 20;
/// Most VBA projects (VBA storages) read from one CFB file.
pub const MAX_PROJECTS: usize = 16;
/// Most records read from a VBA `dir` stream or a BIFF `Workbook` stream.
pub const MAX_RECORDS: usize = 1 << 20;
/// Most OOXML parts looked at.
pub const MAX_PARTS: usize = 10_000;
/// Deepest nesting of Word fields tracked (fields inside field instructions).
pub const MAX_FIELD_DEPTH: usize = 64;
/// Most evidence items kept per finding.
pub const MAX_EVIDENCE: usize = 64;
/// Most entries kept in each list of [`mozu_model::OfficeInfo`] (relationships,
/// DDE instructions, macro sheets) and in [`Analysis::texts`].
pub const MAX_LIST_ITEMS: usize = 1_000;

/// What the analysis of one Office document found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// Facts about the document: format, VBA modules, macro sheets, external
    /// relationships, DDE instructions, embedded object classes.
    pub info: mozu_model::OfficeInfo,
    /// Findings, one per stable id, with all their evidence.
    pub findings: Vec<mozu_model::Finding>,
    /// Embedded payloads worth analysing again.
    pub children: Vec<Child>,
    /// Text to scan for indicators: macro source, XLM formulas, DDE
    /// instructions, external relationship targets.
    pub texts: Vec<String>,
    /// What the analysis worked around or cut short.
    pub warnings: Vec<String>,
}

/// An embedded payload: an RTF `\objdata` object, the file inside an OLE
/// `Package` object, an OOXML embedding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Child {
    /// A name for the payload: the file name the attacker gave a `Package`
    /// object (path components removed, control characters replaced), or a
    /// name derived from where it was found. Sanitise before any disk use.
    pub name: String,
    /// The payload bytes.
    pub data: Vec<u8>,
}

/// Analyses a CFB (OLE2) file: `.doc`, `.xls`, `.ppt`, `.msi`-like
/// containers, an encrypted OOXML package, or a bare `vbaProject.bin`.
///
/// # Errors
/// [`OfficeError::TooLarge`] for an input over [`MAX_TOTAL_BYTES`],
/// [`OfficeError::Cfb`] when the input is not a readable compound file.
/// Damage inside a readable file yields warnings, not an error.
pub fn analyse_ole(bytes: &[u8]) -> Result<Analysis, OfficeError> {
    let mut report = report::Report::new(MAX_TOTAL_BYTES);
    ole::analyse(bytes, &mut report)?;
    Ok(report.finish())
}

/// Analyses the parts of an unzipped OOXML package (part name, bytes); part
/// names may carry a leading `/`. Never fails: an unreadable part is a
/// warning.
pub fn analyse_ooxml(parts: &[(String, Vec<u8>)]) -> Analysis {
    let mut report = report::Report::new(MAX_TOTAL_BYTES);
    ooxml::analyse(parts, &mut report);
    report.finish()
}

/// Analyses an RTF document: embedded objects, `\objupdate`, DDE fields.
/// Never fails: whatever parses is reported.
pub fn analyse_rtf(bytes: &[u8]) -> Analysis {
    let mut report = report::Report::new(MAX_TOTAL_BYTES);
    rtf::analyse(bytes, &mut report);
    report.finish()
}

/// Why an Office input could not be analysed, or a VBA container could not
/// be decompressed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeError {
    /// The input is not a readable compound file (CFB / OLE2).
    #[error("not a readable compound file: {0}")]
    Cfb(#[source] std::io::Error),
    /// The input or the output would exceed a limit.
    #[error("{what} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// What is too large.
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A VBA compressed container (MS-OVBA 2.4.1) is malformed.
    #[error("malformed VBA compressed container at byte {offset}: {reason}")]
    Decompress {
        /// Offset in the compressed input where the problem was seen.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
}
