//! Finding constructors and the findings of pattern hits.

use mozu_model::{Evidence, Finding, Severity};

use crate::patterns::{Category, Hit};

/// Evidence entries listed per finding.
const MAX_EVIDENCE: usize = 20;

pub(crate) fn evidence(field: &str, value: impl Into<String>) -> Evidence {
    Evidence {
        field: field.to_string(),
        value: value.into(),
    }
}

pub(crate) fn finding(id: &str, severity: Severity, score: i32, title: &str, evidence: Vec<Evidence>) -> Finding {
    Finding {
        id: id.to_string(),
        severity,
        score,
        title: title.to_string(),
        evidence,
    }
}

fn hits_evidence<'a>(field: &str, hits: impl Iterator<Item = &'a Hit>) -> Vec<Evidence> {
    hits.take(MAX_EVIDENCE)
        .map(|hit| evidence(field, format!("{}: {}", hit.name, hit.quote)))
        .collect()
}

/// Findings of pattern hits; `field` names where the text came from
/// (`script`, `lnk.arguments`).
pub(crate) fn pattern_findings(hits: &[Hit], field: &str) -> Vec<Finding> {
    let of = |category: Category| hits.iter().filter(move |hit| hit.category == category);
    let mut out = Vec::new();
    if of(Category::ShadowDelete).next().is_some() {
        out.push(finding(
            "script.shadow_copy_delete",
            Severity::Critical,
            60,
            "deletes shadow copies or backups (ransomware preparation)",
            hits_evidence(field, of(Category::ShadowDelete)),
        ));
    }
    let downloads = of(Category::Download).count();
    let executes = of(Category::Execute).count();
    if downloads > 0 && executes > 0 {
        out.push(finding(
            "script.download_execute",
            Severity::High,
            45,
            "downloads and runs a payload",
            hits_evidence(field, of(Category::Download).chain(of(Category::Execute))),
        ));
    } else if downloads > 0 {
        out.push(finding(
            "script.download",
            Severity::Medium,
            20,
            "fetches content from the network",
            hits_evidence(field, of(Category::Download)),
        ));
    } else if executes > 0 {
        out.push(finding(
            "script.execute",
            Severity::Medium,
            20,
            "runs programs or evaluates code",
            hits_evidence(field, of(Category::Execute)),
        ));
    }
    if of(Category::Persistence).next().is_some() {
        out.push(finding(
            "script.persistence",
            Severity::Medium,
            20,
            "sets up persistence or strips download marks",
            hits_evidence(field, of(Category::Persistence)),
        ));
    }
    out
}

/// `script.obfuscation` from signal descriptions, if any.
pub(crate) fn obfuscation_finding(signals: &[String]) -> Option<Finding> {
    (!signals.is_empty()).then(|| {
        let found = signals
            .iter()
            .take(MAX_EVIDENCE)
            .map(|signal| evidence("obfuscation", signal.clone()))
            .collect();
        finding(
            "script.obfuscation",
            Severity::Medium,
            20,
            "script is obfuscated",
            found,
        )
    })
}

/// `script.encoded_payload` from descriptions of what was decoded.
pub(crate) fn encoded_payload_finding(decoded: &[String]) -> Option<Finding> {
    (!decoded.is_empty()).then(|| {
        let found = decoded
            .iter()
            .take(MAX_EVIDENCE)
            .map(|what| evidence("payload", what.clone()))
            .collect();
        finding(
            "script.encoded_payload",
            Severity::High,
            40,
            "carries an encoded payload",
            found,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::find;

    fn ids(text: &str) -> Vec<String> {
        pattern_findings(&find(text), "script")
            .into_iter()
            .map(|finding| finding.id)
            .collect()
    }

    #[test]
    fn combinations() {
        assert_eq!(ids("x.DownloadFile(u, p)"), vec!["script.download"]);
        assert_eq!(ids("Start-Process a.exe"), vec!["script.execute"]);
        assert_eq!(
            ids("iwr u -OutFile a.exe; Start-Process a.exe"),
            vec!["script.download_execute"]
        );
        assert_eq!(
            ids("vssadmin.exe Delete Shadows /All /Quiet & schtasks /create"),
            vec!["script.shadow_copy_delete", "script.persistence"]
        );
        assert!(ids("MsgBox 1").is_empty());
        assert!(obfuscation_finding(&[]).is_none());
        assert_eq!(
            encoded_payload_finding(&["x".to_string()]).map(|f| f.severity),
            Some(Severity::High)
        );
    }
}
