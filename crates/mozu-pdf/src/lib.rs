//! PDF analysis for mozu: document properties, URIs, JavaScript and actions,
//! embedded files, and a raw keyword scan; lopdf isolated.
//!
//! [`analyse_pdf`] works in two layers:
//!
//! 1. **Raw scan** ([`raw`]), always run: a forgiving tokenizer walks the
//!    bytes, counts risky names after `#xx` decoding (`/J#61vaScript` is
//!    `/JavaScript`), pulls `/URI` and `/JS` strings and the Info fields, and
//!    inflates object streams (`/ObjStm`, through one capped wrapper) so
//!    names hidden there are seen too. It needs no valid cross-reference
//!    table, so a broken or truncated file still yields results.
//! 2. **Structure** (lopdf), run only when the raw scan finds nothing that
//!    could crash it: page count, the Info dictionary (decrypted when the
//!    empty user password opens it), URI / JavaScript / Launch actions and
//!    embedded files with their content. lopdf is not trusted with hostile
//!    input: it runs on its own thread with a large stack, inside
//!    `catch_unwind`, with a deadline, and is skipped when the nesting depth
//!    of `<<`/`[` exceeds [`MAX_NESTING`] because a stack overflow aborts the
//!    whole process and cannot be caught. When the deadline passes, the
//!    analysis returns the raw results with a warning and the lopdf thread is
//!    left to finish in the background (it cannot be killed; it owns a copy
//!    of the bytes and lopdf's own limits bound its work).
//!
//! Findings use stable ids: `pdf.javascript`, `pdf.open_action`,
//! `pdf.launch`, `pdf.embedded_file`, `pdf.uri`, `pdf.name_obfuscation`,
//! `pdf.xfa`, `pdf.acroform`.
#![warn(missing_docs)]

mod budget;
mod findings;
mod lexer;
pub mod raw;
mod structure;
pub mod text;
mod walk;

use std::time::Duration;

use mozu_model::{Finding, PdfInfo};

pub use budget::Budget;

/// Bytes of one PDF analysed at most; the rest is cut with a warning.
pub const MAX_PDF_BYTES: usize = 64 << 20;
/// Indirect objects: above this count the structure layer is skipped and
/// the walk over parsed objects stops.
pub const MAX_OBJECTS: usize = 100_000;
/// Depth of `<<`/`[` nesting tracked; deeper files skip lopdf.
pub const MAX_NESTING: usize = 64;
/// `/URI` targets kept.
pub const MAX_URIS: usize = 1000;
/// Wall-clock time for one PDF (raw scan and structure together).
pub const PARSE_TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes one stream may inflate to.
pub const MAX_STREAM_BYTES: usize = 16 << 20;
/// Bytes all streams of one PDF may inflate to together (per layer).
pub const MAX_INFLATE_TOTAL: usize = 64 << 20;
/// Embedded files returned as children.
pub const MAX_EMBEDDED_FILES: usize = 64;
/// JavaScript sources kept.
pub const MAX_SCRIPTS: usize = 256;
/// Characters of one extracted text (a JavaScript source, a URI) kept.
pub const MAX_TEXT_CHARS: usize = 1 << 20;
/// Object-stream nesting followed by the raw scan (object streams are not
/// allowed to contain streams, so anything past 1 is hostile).
pub const MAX_STREAM_LEVELS: usize = 3;
/// Stack reserved for the lopdf thread. Only touched pages are committed,
/// so reserving much costs little and keeps deep-but-allowed nesting safe.
pub const LOPDF_STACK_BYTES: usize = 256 << 20;

/// A file embedded in the PDF (`/EmbeddedFile` stream of a file spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// The name the PDF gives it (`/UF` or `/F`), as written by the attacker:
    /// sanitise before using it as a path.
    pub name: String,
    /// Decoded content (capped at [`MAX_STREAM_BYTES`]).
    pub data: Vec<u8>,
}

/// Everything [`analyse_pdf`] learnt about one PDF.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Document properties, keyword counts, URIs, embedded file names.
    pub info: PdfInfo,
    /// Findings, at most one per id.
    pub findings: Vec<Finding>,
    /// Embedded files, for the caller to analyse in turn.
    pub children: Vec<Child>,
    /// URIs and JavaScript sources, for indicator extraction.
    pub texts: Vec<String>,
    /// What was cut short or worked around.
    pub warnings: Vec<String>,
}

/// Why a layer of the analysis gave up. [`analyse_pdf`] never fails: these
/// become warnings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The input is larger than [`MAX_PDF_BYTES`].
    #[error("PDF of {size} bytes cut to the first {limit} bytes")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Nesting deeper than [`MAX_NESTING`]: lopdf not run.
    #[error("nesting depth {depth} exceeds {limit}: structure not parsed (raw scan only)")]
    NestingTooDeep {
        /// Deepest nesting seen.
        depth: usize,
        /// The limit.
        limit: usize,
    },
    /// More objects than [`MAX_OBJECTS`]: lopdf not run.
    #[error("{count} objects exceed {limit}: structure not parsed (raw scan only)")]
    TooManyObjects {
        /// Objects counted by the raw scan.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// lopdf rejected the file.
    #[error("structure not parsed: {0}")]
    Parse(String),
    /// lopdf panicked; the panic was contained.
    #[error("structure parser panicked: {0}")]
    Panicked(String),
    /// lopdf did not finish before the deadline.
    #[error("structure parser did not finish within the deadline; raw scan results only")]
    TimedOut,
    /// The isolation thread could not be started.
    #[error("could not start the structure parser thread: {0}")]
    Thread(String),
    /// The deadline passed during the raw scan.
    #[error("deadline passed during the raw scan; results are partial")]
    Deadline,
}

/// Analyses one PDF. Never fails: a bad PDF yields warnings and whatever the
/// raw scan found.
pub fn analyse_pdf(bytes: &[u8]) -> Analysis {
    let mut budget = Budget::new(PARSE_TIMEOUT);
    let mut warnings = Vec::new();
    let bytes = if bytes.len() > MAX_PDF_BYTES {
        warnings.push(
            PdfError::TooLarge {
                size: bytes.len(),
                limit: MAX_PDF_BYTES,
            }
            .to_string(),
        );
        &bytes[..MAX_PDF_BYTES]
    } else {
        bytes
    };
    if !bytes.starts_with(b"%PDF") && memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF").is_none() {
        warnings.push("no %PDF header in the first 1024 bytes".to_string());
    }
    let raw = raw::scan(bytes, &mut budget);
    warnings.extend(raw.warnings.iter().cloned());
    let structure = match structure::gate(&raw) {
        Err(skip) => Err(skip),
        Ok(()) if budget.expired() => Err(PdfError::Deadline),
        Ok(()) => structure::run_isolated(bytes, budget.remaining()),
    };
    let structure = match structure {
        Ok(found) => Some(found),
        Err(error) => {
            warnings.push(error.to_string());
            None
        }
    };
    findings::assemble(raw, structure, warnings)
}
