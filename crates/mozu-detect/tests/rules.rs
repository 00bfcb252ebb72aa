//! Sigma-format mail rules: the shipped rules tag families from detector
//! findings, user rules load from a folder with diagnostics, and rules for
//! other log sources never run over mail.

mod common;

use mozu_detect::MailRules;
use mozu_model::{Finding, MessageRecord, Severity, SourceFormat, SourceRef};

fn record(finding_ids: &[&str], subject: &str) -> MessageRecord {
    let mut rec = MessageRecord::new(SourceRef {
        path: "t.eml".into(),
        index: None,
        format: SourceFormat::Eml,
    });
    rec.subject = Some(subject.into());
    for id in finding_ids {
        rec.findings.push(Finding {
            id: (*id).into(),
            severity: Severity::Medium,
            score: 10,
            title: String::new(),
            evidence: Vec::new(),
        });
    }
    rec
}

#[test]
fn shipped_rules_tag_families() {
    let rules = MailRules::load(true, &[]);
    assert_eq!(rules.failure_count(), 0, "{:?}", rules.diagnostics());
    assert!(rules.rule_count() >= 3);
    let cases = [
        (vec!["lure.kaomoji_subject", "attach.code_in_archive"], Some("nemty")),
        (
            vec!["thread.sender_not_in_thread", "office.vba_autoexec"],
            Some("emotet"),
        ),
        (vec!["script.iqy_web_query"], Some("urlzone")),
        (vec!["lure.kaomoji_subject"], None),
        (vec!["office.vba_autoexec"], None),
    ];
    let mut ran = 0;
    for (ids, family) in cases {
        let mut rec = record(&ids, "(｀・ω・´)");
        rules.apply(&mut rec);
        match family {
            Some(f) => {
                assert_eq!(rec.families, vec![f.to_string()], "{ids:?}");
                assert!(
                    rec.findings
                        .iter()
                        .any(|x| x.id.starts_with("rule.") && !x.evidence.is_empty())
                );
            }
            None => {
                assert!(rec.families.is_empty(), "{ids:?}: {:?}", rec.families);
                assert!(!rec.findings.iter().any(|x| x.id.starts_with("rule.")));
            }
        }
        ran += 1;
    }
    assert!(ran > 0);
}

#[test]
fn user_rules_with_diagnostics_and_logsource_routing() {
    let dir = std::env::temp_dir().join(format!("mozu-mail-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("invoice.yml"),
        "title: Invoice lure from a freemail sender\nid: user-invoice-1\nlogsource:\n  product: mozu\n  category: mail\ndetection:\n  subj:\n    subject|contains: 請求書\n  sender:\n    from.domain: gmail.com\n  condition: subj and sender\nlevel: medium\ntags:\n  - family.testfam\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("windows.yml"),
        "title: Windows rule\nid: win-1\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    subject|contains: 請求書\n  condition: sel\nlevel: high\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.yml"), "title: [unclosed\n").unwrap();
    let rules = MailRules::load(false, std::slice::from_ref(&dir));
    assert_eq!(rules.rule_count(), 1);
    assert!(rules.failure_count() >= 1);
    assert!(rules.diagnostics().iter().any(|d| d.path.ends_with("broken.yml")));

    let mut rec = record(&[], "【至急】請求書の件");
    rec.from = Some(mozu_model::Address {
        address: Some("x@gmail.com".into()),
        domain: Some("gmail.com".into()),
        ..Default::default()
    });
    rules.apply(&mut rec);
    let hit = rec
        .findings
        .iter()
        .find(|f| f.id == "rule.user-invoice-1")
        .expect("rule fired");
    assert_eq!(hit.score, 20);
    assert_eq!(rec.families, vec!["testfam".to_string()]);
    assert!(!rec.findings.iter().any(|f| f.id == "rule.win-1"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Field rules of several shapes over the fixture mails: evaluating them on
/// the record flattened with only the fields the rules can read gives the
/// matches (ids and evidence) of the whole record.
#[test]
fn rules_see_the_same_matches_on_the_fields_they_read() {
    use mozu_sigma::{FlatEvent, Logsource, RuleSet, Rules, top_level_keys};
    const AUTHORED: &str = r#"
title: Subject and sender
id: t-subject-sender
logsource: {product: mozu, category: mail}
detection:
  s: {subject|contains: ['請求', 'invoice', 're:']}
  f: {from.domain|endswith: ['.jp', '.com']}
  condition: s or f
level: low
---
title: Artifact and link fields, negation
id: t-artifacts
logsource: {product: mozu, category: mail}
detection:
  a: {artifacts.detected_type: [zip, vbs, js, iqy, ole]}
  u: {urls.host|contains: '.'}
  quiet: {verdict.level: clean}
  condition: (a or u) and not quiet
level: medium
---
title: Field reference
id: t-fieldref
logsource: {product: mozu, category: mail}
detection:
  r: {reply_to.domain|fieldref: from.domain}
  condition: r
level: low
"#;
    let mut set = RuleSet::new();
    set.add_path(&common::repo().join("rules/mail"));
    set.add_str("authored.yml", AUTHORED);
    let rules = Rules::compile(set);
    assert_eq!(rules.failure_count(), 0, "{:?}", rules.diagnostics);
    let route = rules
        .detector
        .route(&[Logsource::new(Some("mozu"), Some("mail"), None)]);
    let fields = rules.detector.referenced_fields().expect("no keyword rules");
    assert!(
        fields.contains("findings.id") && fields.contains("from.domain"),
        "{fields:?}"
    );
    let top_level = top_level_keys(&fields);
    let detectors = mozu_detect::Detectors::new(&mozu_detect::Config::default()).unwrap();
    let (mut compared, mut matched) = (0, 0);
    for kind in ["malicious", "benign"] {
        let dir = common::repo().join("testdata/detect").join(kind);
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files.iter().filter(|p| p.extension().is_some_and(|e| e == "eml")) {
            let rec = common::scan(&std::fs::read(f).unwrap(), &f.display().to_string(), &detectors);
            let summary = |e: &FlatEvent| {
                let mut v: Vec<_> = rules
                    .detector
                    .evaluate(e, &route)
                    .into_iter()
                    .map(|m| (m.rule_id, m.matched_fields))
                    .collect();
                v.sort();
                v
            };
            let whole = summary(&FlatEvent::from_serialize(&rec).unwrap());
            let part_event = FlatEvent::from_serialize_fields(&rec, Some(&top_level)).unwrap();
            assert!(part_event.iter().count() < FlatEvent::from_serialize(&rec).unwrap().iter().count());
            assert_eq!(summary(&part_event), whole, "{}", f.display());
            compared += 1;
            matched += whole.len();
        }
    }
    assert!(compared >= 10, "{compared} fixture mails compared");
    assert!(
        matched > compared,
        "{matched} matches over {compared} mails: the rules must fire"
    );
}
