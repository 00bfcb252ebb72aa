use serde::{Deserialize, Serialize};

/// How bad a finding is on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Worth knowing, not suspicious by itself.
    Info,
    /// Weak signal.
    Low,
    /// Suspicious.
    Medium,
    /// Strong sign of malice.
    High,
    /// Malicious beyond reasonable doubt.
    Critical,
}

/// The field and value that made a detector fire, so an analyst can check it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Record field the evidence comes from (`from.name`, `attachments[0].name`).
    pub field: String,
    /// The value that triggered the detector.
    pub value: String,
}

/// A detector's conclusion about a message or artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable identifier (`spoof.freemail_org_name`); never reused.
    pub id: String,
    /// Severity of this finding alone.
    pub severity: Severity,
    /// Contribution to the verdict score.
    pub score: i32,
    /// One-line human title.
    pub title: String,
    /// What triggered it.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// A finding with one piece of evidence, the common case of every detector.
    pub fn single(
        id: impl Into<String>,
        severity: Severity,
        score: i32,
        title: impl Into<String>,
        field: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            severity,
            score,
            title: title.into(),
            evidence: vec![Evidence {
                field: field.into(),
                value: value.into(),
            }],
        }
    }
}

/// The overall rating of a message or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum VerdictLevel {
    /// Nothing (or too little) found.
    Clean,
    /// Worth an analyst's look.
    Suspicious,
    /// Malicious.
    Malicious,
}

impl VerdictLevel {
    /// The lower-case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictLevel::Clean => "clean",
            VerdictLevel::Suspicious => "suspicious",
            VerdictLevel::Malicious => "malicious",
        }
    }
}

/// The verdict: the summed finding scores and the level they reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Sum of the score contributions of all findings (artifacts included).
    pub score: i32,
    /// Level reached under the configured thresholds.
    pub level: VerdictLevel,
}
