//! PDF documents through mozu-pdf.

use mozu_model::ArtifactDetails;

use super::{Outcome, child};
use crate::tree::Item;

/// Analyses a PDF; embedded files become children.
pub fn analyse(item: &Item) -> Outcome {
    let a = mozu_pdf::analyse_pdf(&item.data);
    Outcome {
        details: Some(ArtifactDetails::Pdf(a.info)),
        findings: a.findings,
        warnings: a.warnings,
        encryption: None,
        children: a.children.into_iter().map(|c| child(c.data, c.name, None)).collect(),
        texts: a.texts,
    }
}
