//! User rules: Sigma-format YAML over the flattened mail record, evaluated
//! with mozu's one Sigma engine (`mozu-sigma`, the same as log hunting).
//!
//! The record is flattened to dotted keys (`from.domain`,
//! `attachments.name`, `findings.id`) straight from its `Serialize`
//! (the pairs its JSON form would give), keeping only the top-level fields
//! the loaded rules can read (all of them when a rule has keywords or
//! placeholders); rules must declare
//! `logsource: {product: mozu, category: mail}`, so that a folder of
//! Windows rules given by mistake never runs over mail. Each match adds a
//! finding `rule.<id>`; a `family.<name>` tag names a malware family.

use std::collections::HashSet;
use std::path::PathBuf;

use mozu_model::{Evidence, Finding, MessageRecord, Severity};
use mozu_sigma::{Diagnostic, FlatEvent, Level, Logsource, Route, RuleSet, Rules, top_level_keys};

/// The rules shipped in the repository (`rules/mail/`).
const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/mail/emotet-thread-hijack.yml",
        include_str!("../../../rules/mail/emotet-thread-hijack.yml"),
    ),
    (
        "rules/mail/nemty-kaomoji-zip-script.yml",
        include_str!("../../../rules/mail/nemty-kaomoji-zip-script.yml"),
    ),
    (
        "rules/mail/urlzone-iqy.yml",
        include_str!("../../../rules/mail/urlzone-iqy.yml"),
    ),
];
/// Evidence pairs kept per rule match.
const MAX_EVIDENCE: usize = 8;

/// Compiled mail rules.
pub struct MailRules {
    rules: Rules,
    route: Route,
    /// Top-level record fields the rules can read (`None`: any).
    top_level: Option<HashSet<String>>,
}

impl std::fmt::Debug for MailRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailRules").field("rules", &self.rule_count()).finish()
    }
}

impl MailRules {
    /// The shipped rules (unless `builtin` is false) and every rule under
    /// `dirs`. Rules that fail to load are reported in [`Self::diagnostics`].
    pub fn load(builtin: bool, dirs: &[PathBuf]) -> Self {
        let mut set = RuleSet::new();
        if builtin {
            for (name, yaml) in BUILTIN {
                set.add_str(name, yaml);
            }
        }
        for dir in dirs {
            set.add_path(dir);
        }
        let rules = Rules::compile(set);
        let route = rules
            .detector
            .route(&[Logsource::new(Some("mozu"), Some("mail"), None)]);
        let top_level = rules.detector.referenced_fields().map(|f| top_level_keys(&f));
        MailRules {
            rules,
            route,
            top_level,
        }
    }

    /// Rules that apply to mail.
    pub fn rule_count(&self) -> usize {
        self.rules.detector.route_rule_count(&self.route)
    }

    /// Everything that went wrong loading rules, with stable codes.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.rules.diagnostics
    }

    /// Rules that failed to load or compile.
    pub fn failure_count(&self) -> usize {
        self.rules.failure_count()
    }

    /// Evaluates the rules over `record`: matches become findings, family
    /// tags join `record.families`. Call [`crate::Detectors::verdict`] after.
    pub fn apply(&self, record: &mut MessageRecord) {
        if self.route.is_empty() {
            return;
        }
        let Some(event) = record_event(record, self.top_level.as_ref()) else {
            return;
        };
        for m in self.rules.detector.evaluate(&event, &self.route) {
            for tag in &m.tags {
                if let Some(family) = tag.strip_prefix("family.")
                    && !record.families.iter().any(|f| f == family)
                {
                    record.families.push(family.to_owned());
                }
            }
            let (severity, score) = weight(m.level);
            record.findings.push(Finding {
                id: format!("rule.{}", m.rule_id),
                severity,
                score,
                title: m.title.clone(),
                evidence: m
                    .matched_fields
                    .iter()
                    .take(MAX_EVIDENCE)
                    .map(|(field, value)| Evidence {
                        field: field.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            });
        }
        record.families.sort();
    }
}

/// The record as a flat event. The direct flattener refuses float map
/// keys, which serde_json prints with its own formatter; the record has
/// none today, and should it gain one the JSON route takes over.
fn record_event(record: &MessageRecord, top_level: Option<&HashSet<String>>) -> Option<FlatEvent> {
    FlatEvent::from_serialize_fields(record, top_level).ok().or_else(|| {
        serde_json::to_value(record)
            .ok()
            .map(|json| FlatEvent::from_json(&json))
    })
}

fn weight(level: Level) -> (Severity, i32) {
    match level {
        Level::Critical => (Severity::Critical, 50),
        Level::High => (Severity::High, 30),
        Level::Medium => (Severity::Medium, 20),
        Level::Low => (Severity::Low, 10),
        _ => (Severity::Info, 0),
    }
}
