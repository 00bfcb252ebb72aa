//! Relationship parts (`*/_rels/*.rels`): external targets, above all the
//! remote `attachedTemplate` of template-injection documents.

use mozu_model::Severity;

use crate::findings::Kind;
use crate::report::Report;

use super::Part;
use super::xml::{self, Event};

/// Most relationships kept per part.
const MAX_RELATIONSHIPS_PER_PART: usize = 10_000;

/// One `<Relationship>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relationship {
    /// `Id` (`rId3`).
    pub(crate) id: String,
    /// The last segment of `Type` (`attachedTemplate`, `xlMacrosheet` …).
    pub(crate) kind: String,
    /// `Target`.
    pub(crate) target: String,
    /// `TargetMode="External"`.
    pub(crate) external: bool,
}

/// Relationships by the lower-cased name of their `.rels` part.
#[derive(Debug, Default)]
pub(crate) struct Relationships {
    by_part: Vec<(String, Vec<Relationship>)>,
}

impl Relationships {
    /// The relationships of the `.rels` part `rels_part` (lower case).
    pub(crate) fn of(&self, rels_part: &str) -> &[Relationship] {
        self.by_part
            .iter()
            .find(|(name, _)| name == rels_part)
            .map_or(&[], |(_, list)| list.as_slice())
    }
}

/// Reads every `.rels` part and reports the external targets.
pub(crate) fn collect(parts: &[Part<'_>], report: &mut Report) -> Relationships {
    let mut all = Relationships::default();
    for part in parts.iter().filter(|part| part.lower.ends_with(".rels")) {
        let list = parse(part.data);
        for relationship in list.iter().filter(|relationship| relationship.external) {
            report_external(part.name, relationship, report);
        }
        all.by_part.push((part.lower.clone(), list));
    }
    all
}

fn parse(data: &[u8]) -> Vec<Relationship> {
    let text = xml::as_utf8(data);
    let mut list = Vec::new();
    for event in xml::Reader::new(&text) {
        let Event::Start { name, attrs, .. } = event else {
            continue;
        };
        if !xml::is(name, "Relationship") {
            continue;
        }
        if list.len() >= MAX_RELATIONSHIPS_PER_PART {
            break;
        }
        let kind = xml::attr(attrs, "Type").unwrap_or_default();
        let kind = kind.trim().rsplit('/').next().unwrap_or_default().to_owned();
        list.push(Relationship {
            id: xml::attr(attrs, "Id").unwrap_or_default(),
            kind,
            target: xml::attr(attrs, "Target").unwrap_or_default().trim().to_owned(),
            external: xml::attr(attrs, "TargetMode").is_some_and(|mode| mode.trim().eq_ignore_ascii_case("External")),
        });
    }
    list
}

/// Records an external relationship with the finding its type deserves.
fn report_external(part: &str, relationship: &Relationship, report: &mut Report) {
    let value = format!("{}: {}", relationship.kind, relationship.target);
    Report::list(&mut report.info.external_relationships, &value);
    report.text(&relationship.target);
    let field = format!("relationships[{part}]");
    let kind = relationship.kind.to_ascii_lowercase();
    let target = relationship.target.to_ascii_lowercase();
    let (finding, severity, score) = match kind.as_str() {
        // Template injection: Word fetches and runs a remote .dotm.
        "attachedtemplate" => (Kind::ExternalTemplate, Severity::High, 60),
        // Same technique through a frameset or a sub-document.
        "frame" | "subdocument" => (Kind::ExternalTemplate, Severity::High, 50),
        // Remote OLE objects: CVE-2017-0199, Follina (`mhtml:` / `…!`).
        "oleobject" => (Kind::ExternalRelationship, Severity::High, 50),
        "hyperlink" => (Kind::ExternalRelationship, Severity::Low, 2),
        // UNC / file targets leak NTLM credentials when fetched.
        _ if target.starts_with("\\\\") || target.starts_with("file:") => {
            (Kind::ExternalRelationship, Severity::Medium, 25)
        }
        _ => (Kind::ExternalRelationship, Severity::Medium, 15),
    };
    report.signal(finding, severity, score, &field, &value);
}
