//! The analyser registry: one module per kind of content, one line per
//! type in [`analyse`].

mod archive;
mod mail;
mod office;
mod pdf;
mod script;
mod text;

use mozu_model::{ArtifactDetails, Encryption, Finding};

use crate::sniff::FileType;
use crate::tree::{Item, Walk};

/// What an analyser found out about one artifact.
#[derive(Default)]
pub struct Outcome {
    /// Type-specific facts.
    pub details: Option<ArtifactDetails>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Things worked around.
    pub warnings: Vec<String>,
    /// Encryption of the artifact.
    pub encryption: Option<Encryption>,
    /// Children to analyse in turn (depth and path are set by the walk).
    pub children: Vec<Item>,
    /// Text to scan for indicators.
    pub texts: Vec<String>,
}

/// Runs the analyser registered for `ftype`.
pub fn analyse(ftype: FileType, item: &Item, ctx: &Walk<'_>) -> Outcome {
    match ftype {
        FileType::Zip
        | FileType::SevenZ
        | FileType::Rar
        | FileType::Gzip
        | FileType::Bzip2
        | FileType::Xz
        | FileType::Tar
        | FileType::Cab
        | FileType::Iso => archive::analyse(ftype, item, ctx),
        FileType::Ooxml => office::ooxml(item, ctx),
        FileType::Ole => office::ole(item),
        FileType::Rtf => office::rtf(item),
        FileType::Pdf => pdf::analyse(item),
        FileType::Script | FileType::TextLure => script::script(item),
        FileType::Lnk => script::lnk(item),
        FileType::Pe => script::pe(item),
        FileType::Eml | FileType::Msg => mail::analyse(ftype, item),
        FileType::Html => text::html(item),
        FileType::Text => text::plain(item),
        _ => Outcome::default(),
    }
}

/// A child item with a name and a type hint.
pub fn child(data: Vec<u8>, name: String, hint: Option<FileType>) -> Item {
    Item {
        data,
        name: Some(name),
        declared_type: None,
        depth: 0,
        parent_path: String::new(),
        hint,
        language: None,
        not_extracted: None,
        known_digests: None,
    }
}
