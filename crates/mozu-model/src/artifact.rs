use serde::{Deserialize, Serialize};

use crate::{Finding, Warning};

/// One node of an attachment's artifact tree: the attachment itself, or
/// anything unpacked from it (archive entries, macros, embedded objects,
/// decoded script payloads, nested mail).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// Tree path: the sanitised names from the attachment down, joined by
    /// `/` (`invoice.zip/doc.7z/run.js`). Names never contain `/`.
    pub path: String,
    /// Name as the attacker wrote it (archive entry name, attachment name).
    #[serde(default)]
    pub name: Option<String>,
    /// MIME type the sender declared, if any.
    #[serde(default)]
    pub declared_type: Option<String>,
    /// Type detected from the content (`zip`, `pe`, `pdf`, `ole`, `docx`,
    /// `js` …; see docs/artifacts.md).
    pub detected_type: String,
    /// Depth in the tree (0 = the attachment or file itself).
    pub depth: u32,
    /// Size in bytes.
    pub size: u64,
    /// MD5, lower-case hex; empty when the content could not be extracted
    /// (`detected_type` is then `not-extracted`).
    pub md5: String,
    /// SHA-1, lower-case hex; empty when not extracted.
    pub sha1: String,
    /// SHA-256, lower-case hex; empty when not extracted.
    pub sha256: String,
    /// ssdeep fuzzy hash.
    #[serde(default)]
    pub ssdeep: Option<String>,
    /// TLSH (absent for inputs too small or too uniform for TLSH).
    #[serde(default)]
    pub tlsh: Option<String>,
    /// Encryption of this artifact (an encrypted archive or entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
    /// What a type-specific analyser found out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ArtifactDetails>,
    /// Findings about this artifact.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// What the analysers worked around or cut short.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// How an artifact is encrypted and whether mozu opened it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encryption {
    /// `zipcrypto`, `aes128`, `aes192`, `aes256`, `7z-aes256`, `rar`, `office` …
    pub method: String,
    /// True when a password opened it.
    pub decrypted: bool,
    /// The password that worked.
    #[serde(default)]
    pub password: Option<String>,
    /// Where that password came from: `subject`, `body`, `other-message`,
    /// `list` (the configured list) or `empty`.
    #[serde(default)]
    pub password_source: Option<String>,
}

/// Type-specific facts about an artifact, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ArtifactDetails {
    /// An archive or disk image.
    Archive(ArchiveInfo),
    /// An Office document (OLE or OOXML), its macros and links.
    Office(OfficeInfo),
    /// A PDF document.
    Pdf(PdfInfo),
    /// A Windows shortcut.
    Lnk(LnkInfo),
    /// A PE executable.
    Pe(PeInfo),
    /// A script or a text-based lure (.iqy, .slk, .url).
    Script(ScriptInfo),
    /// A nested mail message.
    Mail(MailInfo),
}

/// Archive facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveInfo {
    /// `zip`, `7z`, `rar`, `gzip`, `bzip2`, `xz`, `tar`, `cab`, `iso` …
    pub format: String,
    /// Entries listed.
    pub entries: u64,
    /// Entries that are encrypted.
    pub encrypted_entries: u64,
    /// Sum of the sizes the archive declares for its entries.
    pub declared_size: u64,
}

/// One VBA module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VbaModule {
    /// Module name.
    pub name: String,
    /// Decompressed source, decoded with the project code page (capped).
    pub code: String,
    /// Auto-exec entry points found (`AutoOpen`, `Document_Open` …).
    #[serde(default)]
    pub auto_exec: Vec<String>,
    /// Suspicious keywords found (`Shell`, `CreateObject`, `URLDownloadToFile` …).
    #[serde(default)]
    pub suspicious: Vec<String>,
}

/// Office document facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeInfo {
    /// `doc`, `xls`, `ppt`, `docx`, `docm`, `xlsx`, `xlsm`, `rtf` …
    pub format: String,
    /// VBA modules.
    #[serde(default)]
    pub vba_modules: Vec<VbaModule>,
    /// Code page of the VBA project.
    #[serde(default)]
    pub vba_code_page: Option<u16>,
    /// Excel 4.0 macro sheet names.
    #[serde(default)]
    pub xlm_macro_sheets: Vec<String>,
    /// External relationship targets (remote templates, links) with type.
    #[serde(default)]
    pub external_relationships: Vec<String>,
    /// DDE / DDEAUTO field instructions.
    #[serde(default)]
    pub dde: Vec<String>,
    /// Embedded OLE objects (RTF `\objdata`, OLE `ObjectPool`), by class.
    #[serde(default)]
    pub embedded_objects: Vec<String>,
}

/// PDF facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfInfo {
    /// `/Title`.
    #[serde(default)]
    pub title: Option<String>,
    /// `/Author`.
    #[serde(default)]
    pub author: Option<String>,
    /// `/Creator`.
    #[serde(default)]
    pub creator: Option<String>,
    /// `/Producer`.
    #[serde(default)]
    pub producer: Option<String>,
    /// `/CreationDate`, as RFC 3339 when it parses, else as written.
    #[serde(default)]
    pub creation_date: Option<String>,
    /// `/ModDate`, as RFC 3339 when it parses, else as written.
    #[serde(default)]
    pub mod_date: Option<String>,
    /// `/URI` targets.
    #[serde(default)]
    pub uris: Vec<String>,
    /// Counts of risky names seen by the raw scan (`/JavaScript`, `/JS`,
    /// `/OpenAction`, `/AA`, `/Launch`, `/EmbeddedFile`, `/URI`,
    /// `/AcroForm`, `/XFA`, `/ObjStm`, `/RichMedia`), after `#xx` decoding.
    #[serde(default)]
    pub keywords: std::collections::BTreeMap<String, u32>,
    /// Names of embedded files.
    #[serde(default)]
    pub embedded_files: Vec<String>,
    /// Pages, when the structure parsed.
    #[serde(default)]
    pub pages: Option<u32>,
}

/// Windows shortcut facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LnkInfo {
    /// Target path (from the link target ID list or link info).
    #[serde(default)]
    pub target: Option<String>,
    /// Command-line arguments.
    #[serde(default)]
    pub arguments: Option<String>,
    /// Working directory.
    #[serde(default)]
    pub working_dir: Option<String>,
    /// Icon location.
    #[serde(default)]
    pub icon_location: Option<String>,
    /// Description (comment).
    #[serde(default)]
    pub description: Option<String>,
}

/// PE facts (deliberately few).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeInfo {
    /// Machine (`x86`, `x86_64`, `arm64` …).
    pub machine: String,
    /// Link time stamp, RFC 3339 UTC.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// Number of sections.
    pub sections: u32,
    /// Number of imported functions.
    pub imports: u32,
    /// True for a DLL.
    pub is_dll: bool,
}

/// Script and text-lure facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptInfo {
    /// `vbs`, `vbe`, `js`, `jse`, `wsf`, `hta`, `ps1`, `bat`, `iqy`, `slk`, `url` …
    pub language: String,
    /// Download-and-execute and other risky patterns found.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Number of encoded payloads decoded (PowerShell `-enc`, VBE/JSE
    /// encoding); each is a child artifact.
    #[serde(default)]
    pub decoded_payloads: u32,
}

/// A nested mail message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailInfo {
    /// Its `Message-ID`.
    #[serde(default)]
    pub message_id: Option<String>,
    /// Its subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Its sender address.
    #[serde(default)]
    pub from: Option<String>,
}
