//! Office documents through mozu-office; OOXML packages are unzipped here
//! through mozu-unpack so that the one capped reader does all inflation.

use mozu_model::ArtifactDetails;
use mozu_unpack::Format;

use super::{Outcome, child};
use crate::tree::{Item, Walk, budget_finding};

fn from_office(a: mozu_office::Analysis) -> Outcome {
    Outcome {
        details: Some(ArtifactDetails::Office(a.info)),
        findings: a.findings,
        warnings: a.warnings,
        encryption: None,
        children: a.children.into_iter().map(|c| child(c.data, c.name, None)).collect(),
        texts: a.texts,
    }
}

/// OLE compound documents (.doc, .xls, .ppt, vbaProject.bin).
pub fn ole(item: &Item) -> Outcome {
    match mozu_office::analyse_ole(&item.data) {
        Ok(a) => from_office(a),
        Err(e) => Outcome {
            warnings: vec![format!("OLE document could not be read: {e}")],
            ..Outcome::default()
        },
    }
}

/// RTF documents.
pub fn rtf(item: &Item) -> Outcome {
    from_office(mozu_office::analyse_rtf(&item.data))
}

/// OOXML packages: the parts are read, not shown as children (a .docx is
/// one document to an analyst), except embedded objects the analyser
/// returns.
pub fn ooxml(item: &Item, ctx: &Walk<'_>) -> Outcome {
    let unpacked = match mozu_unpack::unpack(&item.data, Format::Zip, ctx.budget, ctx.passwords) {
        Ok(u) => u,
        Err(e) => {
            return Outcome {
                warnings: vec![format!("OOXML package could not be read: {e}")],
                ..Outcome::default()
            };
        }
    };
    let parts: Vec<(String, Vec<u8>)> = unpacked
        .entries
        .into_iter()
        .filter_map(|e| e.data.map(|d| (e.name, d)))
        .collect();
    let mut out = from_office(mozu_office::analyse_ooxml(&parts));
    if let Some(hit) = unpacked.budget_hit {
        out.findings.push(budget_finding(&hit.to_string()));
    }
    out.warnings.extend(unpacked.warnings);
    out
}
