//! The data model of mozu.
//!
//! Every other crate speaks in these types: a parsed mail becomes a
//! [`MessageRecord`], its senders and recipients are [`Address`]es, what it
//! points at becomes [`UrlIndicator`]s and plain indicator lists, its parts
//! become [`Attachment`]s, and anything the parser had to work around is a
//! [`Warning`] with a stable [`WarningCode`]. Analysers add [`Finding`]s.
//!
//! The crate does no I/O and holds no parsing logic beyond trivial
//! constructors, so that stores, exporters and the HTTP API can depend on it
//! without pulling in parsers. The JSON shape produced by `serde` is the
//! documented public schema (`docs/record-schema.md`): renaming a field is a
//! breaking change.
#![warn(missing_docs)]

mod address;
mod artifact;
mod attachment;
mod auth;
pub mod civil;
mod finding;
mod html;
mod indicator;
mod message;
mod record;
mod warning;

pub use address::Address;
pub use artifact::{
    ArchiveInfo, Artifact, ArtifactDetails, Encryption, LnkInfo, MailInfo, OfficeInfo, PdfInfo, PeInfo, ScriptInfo,
    VbaModule,
};
pub use attachment::Attachment;
pub use auth::{AuthResult, AuthSummary};
pub use finding::{Evidence, Finding, Severity, Verdict, VerdictLevel};
pub use html::{HtmlAttachment, HtmlSummary, MAX_FORM_ACTIONS};
pub use indicator::{Location, UrlIndicator};
pub use message::{Link, MessageRecord, ReceivedHop, SourceFormat, SourceRef};
pub use record::{ErrorKind, ErrorRecord, FileRecord, Record};
pub use warning::{Warning, WarningCode};
