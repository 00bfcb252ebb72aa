//! Scripts, text lures, shortcuts and executables through mozu-script.

use mozu_model::ArtifactDetails;
use mozu_script::Details;

use super::{Outcome, child};
use crate::names::extension;
use crate::sniff::FileType;
use crate::tree::Item;

fn from_script(a: mozu_script::Analysis) -> Outcome {
    let details = a.info.and_then(|d| match d {
        Details::Script(s) => Some(ArtifactDetails::Script(s)),
        Details::Lnk(l) => Some(ArtifactDetails::Lnk(l)),
        Details::Pe(p) => Some(ArtifactDetails::Pe(p)),
        _ => None,
    });
    Outcome {
        details,
        findings: a.findings,
        warnings: a.warnings,
        encryption: None,
        children: a.children.into_iter().map(|c| decoded_child(c.data, c.name)).collect(),
        texts: a.texts,
    }
}

/// A payload decoded out of a script: sniffed like any artifact, since a
/// base64 blob may hold a PE or an archive; only text that is not otherwise
/// recognised is taken as script of the same family.
fn decoded_child(data: Vec<u8>, name: String) -> Item {
    let hint = match crate::sniff::detect(&data, Some(&name)) {
        FileType::Text | FileType::Unknown if crate::sniff::looks_text(&data[..data.len().min(4096)]) => {
            Some(FileType::Script)
        }
        _ => None,
    };
    child(data, name, hint)
}

/// The script language of an item: what the parent said, the extension,
/// or content markers.
fn language(item: &Item) -> String {
    if let Some(l) = &item.language {
        return l.clone();
    }
    if let Some(ext) = item.name.as_deref().and_then(extension) {
        return ext;
    }
    let head = String::from_utf8_lossy(&item.data[..item.data.len().min(4096)]).to_ascii_lowercase();
    let lang = if head.contains("#@~^") {
        "vbe"
    } else if head.contains("<job") || head.contains("<package") {
        "wsf"
    } else if head.contains("<hta:application") {
        "hta"
    } else if head.starts_with("web\r\n") || head.starts_with("web\n") {
        "iqy"
    } else if head.starts_with("id;p") {
        "slk"
    } else if head.contains("[internetshortcut]") {
        "url"
    } else if head.contains("wscript") || head.contains("createobject") || head.contains("dim ") {
        "vbs"
    } else if head.contains("$") || head.contains("invoke-") || head.contains("iex") {
        "ps1"
    } else if head.contains("@echo") {
        "bat"
    } else {
        "js"
    };
    lang.to_string()
}

/// Scripts and text lures.
pub fn script(item: &Item) -> Outcome {
    from_script(mozu_script::analyse_script(&item.data, &language(item)))
}

/// Windows shortcuts.
pub fn lnk(item: &Item) -> Outcome {
    from_script(mozu_script::analyse_lnk(&item.data))
}

/// PE executables.
pub fn pe(item: &Item) -> Outcome {
    let mut out = from_script(mozu_script::analyse_pe(&item.data));
    out.children.clear();
    out
}
