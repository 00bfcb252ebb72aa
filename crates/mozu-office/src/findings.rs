//! The catalogue of findings this crate emits, and how the signals the
//! analysers raise are merged into one [`Finding`] per id.

use mozu_model::{Evidence, Finding, Severity};

use crate::MAX_EVIDENCE;

/// Every finding this crate can emit. Ids are stable: never rename or reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The document carries a VBA project with source.
    VbaMacros,
    /// A VBA procedure runs on open / close / an ActiveX event.
    VbaAutoexec,
    /// VBA source uses process, download, file or memory APIs.
    VbaSuspicious,
    /// VBA source hides strings (`Chr` density, `StrReverse`, `CallByName`, long encoded literals).
    VbaObfuscation,
    /// An Excel 4.0 macro sheet, or an `Auto_Open` defined name.
    XlmMacrosheet,
    /// A template (or frame / sub-document) fetched from a remote address.
    ExternalTemplate,
    /// Any other relationship whose target is outside the package.
    ExternalRelationship,
    /// A DDE / DDEAUTO field or a DDE link formula.
    Dde,
    /// An embedded object in an RTF document.
    RtfObject,
    /// A file carried in an OLE `Package` object.
    OleNativePackage,
    /// An embedded OLE object in an OLE or OOXML document.
    EmbeddedObject,
    /// The document is encrypted, so its content could not be inspected.
    Encrypted,
}

impl Kind {
    /// The stable finding id.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Self::VbaMacros => "office.vba_macros",
            Self::VbaAutoexec => "office.vba_autoexec",
            Self::VbaSuspicious => "office.vba_suspicious",
            Self::VbaObfuscation => "office.vba_obfuscation",
            Self::XlmMacrosheet => "office.xlm_macrosheet",
            Self::ExternalTemplate => "office.external_template",
            Self::ExternalRelationship => "office.external_relationship",
            Self::Dde => "office.dde",
            Self::RtfObject => "office.rtf_object",
            Self::OleNativePackage => "office.ole_native_package",
            Self::EmbeddedObject => "office.embedded_object",
            Self::Encrypted => "office.encrypted",
        }
    }

    /// The one-line title.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Self::VbaMacros => "Document contains VBA macros",
            Self::VbaAutoexec => "VBA macro runs automatically",
            Self::VbaSuspicious => "VBA macro uses execution, download or system APIs",
            Self::VbaObfuscation => "VBA macro source is obfuscated",
            Self::XlmMacrosheet => "Excel 4.0 (XLM) macro sheet",
            Self::ExternalTemplate => "Document loads a remote template",
            Self::ExternalRelationship => "Document references an external resource",
            Self::Dde => "DDE field or link can launch a program",
            Self::RtfObject => "RTF document embeds an OLE object",
            Self::OleNativePackage => "Embedded Package object carries a file",
            Self::EmbeddedObject => "Document embeds an OLE object",
            Self::Encrypted => "Document is encrypted",
        }
    }
}

/// One reason for a finding, raised by an analyser.
#[derive(Debug, Clone)]
pub(crate) struct Signal {
    pub(crate) kind: Kind,
    pub(crate) severity: Severity,
    pub(crate) score: i32,
    pub(crate) evidence: Evidence,
}

impl Signal {
    /// A signal with one evidence item.
    pub(crate) fn new(kind: Kind, severity: Severity, score: i32, field: &str, value: impl Into<String>) -> Self {
        Self {
            kind,
            severity,
            score,
            evidence: Evidence {
                field: field.to_owned(),
                value: value.into(),
            },
        }
    }
}

/// Merges signals into one finding per kind, in order of first appearance:
/// the highest severity and score win, evidence is de-duplicated and capped
/// at [`MAX_EVIDENCE`] (the last item then counts what was left out).
pub(crate) fn merge(signals: Vec<Signal>) -> Vec<Finding> {
    let mut findings: Vec<(Kind, Finding, usize)> = Vec::new();
    for signal in signals {
        let position = findings.iter().position(|(kind, _, _)| *kind == signal.kind);
        let index = match position {
            Some(index) => index,
            None => {
                findings.push((
                    signal.kind,
                    Finding {
                        id: signal.kind.id().to_owned(),
                        severity: signal.severity,
                        score: signal.score,
                        title: signal.kind.title().to_owned(),
                        evidence: Vec::new(),
                    },
                    0,
                ));
                findings.len() - 1
            }
        };
        let Some((_, finding, left_out)) = findings.get_mut(index) else {
            continue;
        };
        finding.severity = finding.severity.max(signal.severity);
        finding.score = finding.score.max(signal.score);
        if finding.evidence.contains(&signal.evidence) {
            continue;
        }
        if finding.evidence.len() < MAX_EVIDENCE {
            finding.evidence.push(signal.evidence);
        } else {
            *left_out += 1;
        }
    }
    findings
        .into_iter()
        .map(|(_, mut finding, left_out)| {
            if left_out > 0 {
                finding.evidence.push(Evidence {
                    field: "evidence.omitted".to_owned(),
                    value: format!("{left_out} more"),
                });
            }
            finding
        })
        .collect()
}
