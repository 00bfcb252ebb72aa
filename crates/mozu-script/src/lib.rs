//! Script, shortcut and executable analysis for mozu: VBS/JS/WSF/HTA/PS1/BAT,
//! .iqy/.slk/.url lures, encoded payloads, .lnk targets, PE headers.
//!
//! Three entry points, each total (they never fail; trouble becomes a
//! warning):
//!
//! - [`analyse_script`]: decodes the bytes (BOM, UTF-16, UTF-8, else
//!   Shift_JIS as Japanese Windows writes), undoes cheap obfuscation (`^`
//!   carets in batch files, `"+"`/`"&"` string splits, PowerShell backticks)
//!   and matches download / execute / persistence / shadow-copy patterns.
//!   Encoded payloads (PowerShell `-EncodedCommand`, Windows Script Encoder
//!   `#@~^…^#~@` blocks, base64 blobs that decode to a PE or a zip) are
//!   decoded one level and returned as children for the caller to analyse.
//!   `.iqy`, `.slk` and `.url` lures have their own readers.
//! - [`analyse_lnk`]: an MS-SHLLINK reader (header, target ID list, link
//!   info, string data, environment-variable block), every offset checked.
//! - [`analyse_pe`]: a small PE header reader (machine, link time, sections,
//!   imports, DLL flag). A purpose-built reader rather than goblin: mozu
//!   needs five facts, reads only headers and the import table with its own
//!   hard caps, and a few hundred lines are easier to bound than a general
//!   parser that walks relocations, exports and certificates.
//!
//! Finding ids: `script.download_execute`, `script.download`,
//! `script.execute`, `script.persistence`, `script.shadow_copy_delete`,
//! `script.encoded_payload`, `script.obfuscation`, `script.iqy_web_query`,
//! `script.slk_exec`, `script.url_shortcut`, `lnk.command`, `pe.executable`.
#![warn(missing_docs)]

mod budget;
mod decode;
mod findings;
mod lnk;
mod lures;
mod normalize;
mod obfuscation;
mod patterns;
mod pe;
mod powershell;
mod script;
mod vbe;

use std::time::Duration;

use mozu_model::{ArtifactDetails, Finding, LnkInfo, PeInfo, ScriptInfo};

pub use budget::Budget;
pub use lnk::{ShellLink, analyse_lnk, parse_lnk};
pub use pe::{PeHeaders, analyse_pe, parse_pe};
pub use powershell::decode_powershell_encoded;
pub use script::analyse_script;
pub use vbe::decode_vbe;

/// Bytes of one script scanned; the rest is cut with a warning.
pub const MAX_SCRIPT_BYTES: usize = 16 << 20;
/// Decoded payloads (children) returned per input.
pub const MAX_PAYLOADS: usize = 64;
/// Bytes of one decoded payload.
pub const MAX_PAYLOAD_BYTES: usize = 16 << 20;
/// Bytes of all decoded payloads of one input together.
pub const MAX_PAYLOAD_TOTAL: usize = 64 << 20;
/// Bytes of a shortcut read (real ones are a few KiB).
pub const MAX_LNK_BYTES: usize = 4 << 20;
/// Item IDs walked in a shortcut's target ID list.
pub const MAX_LNK_ITEMS: usize = 64;
/// Extra data blocks walked in a shortcut.
pub const MAX_LNK_EXTRA_BLOCKS: usize = 64;
/// Sections read from a PE (the Windows loader allows 96).
pub const MAX_PE_SECTIONS: usize = 96;
/// Import descriptors (DLLs) read from a PE.
pub const MAX_IMPORT_DLLS: usize = 1024;
/// Imported functions counted from a PE, across all DLLs.
pub const MAX_IMPORT_FUNCTIONS: usize = 65_536;
/// Wall-clock time for one input.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// What kind of artifact was analysed, with its facts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Details {
    /// A script or a text lure.
    Script(ScriptInfo),
    /// A Windows shortcut.
    Lnk(LnkInfo),
    /// A PE executable.
    Pe(PeInfo),
}

impl From<Details> for ArtifactDetails {
    fn from(details: Details) -> Self {
        match details {
            Details::Script(info) => ArtifactDetails::Script(info),
            Details::Lnk(info) => ArtifactDetails::Lnk(info),
            Details::Pe(info) => ArtifactDetails::Pe(info),
        }
    }
}

/// A decoded payload for the caller to analyse in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// A descriptive name chosen here (`powershell-enc-1.ps1`,
    /// `decoded.vbs`, `base64-1.exe`), never taken from the input.
    pub name: String,
    /// The decoded bytes (text payloads as UTF-8).
    pub data: Vec<u8>,
}

/// Everything one entry point learnt about its input.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Facts, when the input was recognised.
    pub info: Option<Details>,
    /// Findings, at most one per id.
    pub findings: Vec<Finding>,
    /// Decoded payloads (one level; the caller recurses).
    pub children: Vec<Child>,
    /// Text for indicator extraction (script text, URLs, shortcut strings).
    pub texts: Vec<String>,
    /// What was cut short or worked around.
    pub warnings: Vec<String>,
}

/// Why a reader gave up on (part of) its input. The entry points never
/// fail: these become warnings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// The input is larger than the reader's limit.
    #[error("input of {size} bytes cut to the first {limit} bytes")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not of the expected format.
    #[error("not a {format}: {reason}")]
    NotFormat {
        /// Expected format (`shell link`, `PE`).
        format: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A structure runs past the end of the input.
    #[error("truncated {what} at offset {offset}")]
    Truncated {
        /// The structure.
        what: &'static str,
        /// Where it started.
        offset: usize,
    },
    /// A count or size in the input exceeds a limit.
    #[error("{what}: {count} exceeds the limit of {limit}; the rest ignored")]
    OverLimit {
        /// What was counted.
        what: &'static str,
        /// The count.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The deadline passed.
    #[error("deadline passed; results are partial")]
    Deadline,
}
