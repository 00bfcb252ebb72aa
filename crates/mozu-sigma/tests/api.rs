//! The format-neutral API: rules over flattened JSON (mail records), diagnostics with codes and lines.

use mozu_sigma::{Correlator, FlatEvent, Level, Logsource, RuleSet, Rules};
use serde_json::json;

const MAIL_RULES: &str = r#"
title: Zip From Free Mail
id: 11111111-2222-4333-8444-555555555555
logsource:
  category: mail
detection:
  sel:
    from.domain|endswith: 'freemail.example'
    attachments.name|endswith: '.zip'
  condition: sel
level: medium
tags:
  - attack.initial-access
---
title: Broken Condition
logsource:
  category: mail
detection:
  sel:
    subject: x
  condition: sel and and
level: low
"#;

#[test]
fn evaluates_flattened_json_records() {
    let mut set = RuleSet::new();
    set.add_str("mail.yml", MAIL_RULES);
    let rules = Rules::compile(set);
    assert_eq!(rules.detector.rule_count(), 1);
    // The broken rule is reported, not skipped silently, and points at its title line.
    assert_eq!(rules.failure_count(), 1, "{:?}", rules.diagnostics);
    let d = &rules.diagnostics[0];
    assert!(d.code.code().starts_with("SIGMA00"), "{d}");
    assert_eq!(d.line, 15, "{d}");

    let record = json!({
        "subject": "請求書",
        "from": {"address": "a@freemail.example", "domain": "freemail.example"},
        "attachments": [{"name": "doc.pdf"}, {"name": "invoice.zip"}]
    });
    let event = FlatEvent::from_json(&record);
    let hits = rules.detector.evaluate(&event, &rules.detector.route_all());
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].level, Level::Medium);
    assert_eq!(hits[0].tags, vec!["attack.initial-access".to_owned()]);

    // Routing: a proxy event does not meet mail rules.
    let proxy = rules.detector.route(&[Logsource::new(None, Some("proxy"), None)]);
    assert!(rules.detector.evaluate(&event, &proxy).is_empty());

    let quiet = FlatEvent::from_json(&json!({"from": {"domain": "example.co.jp"}, "attachments": [{"name": "a.zip"}]}));
    assert!(rules.detector.evaluate(&quiet, &rules.detector.route_all()).is_empty());
}

#[test]
fn correlation_with_unknown_reference_is_reported() {
    let mut set = RuleSet::new();
    set.add_str(
        "corr.yml",
        "title: C\ncorrelation:\n  type: event_count\n  rules: [nope]\n  group-by: [a]\n  timespan: 1m\n  condition: {gte: 2}\n",
    );
    let (correlator, diags) = Correlator::build(&set);
    assert_eq!(correlator.rule_count(), 0);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code.code(), "SIGMA004");
}

#[test]
fn unreadable_rule_folder_is_a_diagnostic() {
    let mut set = RuleSet::new();
    set.add_path(std::path::Path::new("/nonexistent/mozu/rules.yml"));
    assert_eq!(set.failure_count(), 1);
    assert_eq!(set.diagnostics[0].code.code(), "SIGMA001");
}
