//! The public API: thresholds, verdict folding, user directories, loose files.

use mozu_detect::{Config, DetectError, Detectors};
use mozu_model::{
    Address, Artifact, Evidence, FileRecord, Finding, MessageRecord, Severity, SourceFormat, SourceRef, VerdictLevel,
};

fn src() -> SourceRef {
    SourceRef {
        path: "t".into(),
        index: None,
        format: SourceFormat::Eml,
    }
}

fn from(name: &str, address: &str) -> Address {
    let domain = Address::domain_of(address);
    Address {
        name: Some(name.into()),
        address: Some(address.into()),
        registrable_domain: domain.clone(),
        domain,
    }
}

#[test]
fn thresholds_are_checked_and_applied() {
    assert!(matches!(
        Detectors::new(&Config {
            suspicious_at: 80,
            malicious_at: 70,
            ..Config::default()
        }),
        Err(DetectError::Thresholds { .. })
    ));
    let det = Detectors::new(&Config::default()).unwrap();
    let f = |score| Finding {
        id: "x".into(),
        severity: Severity::Low,
        score,
        title: String::new(),
        evidence: vec![],
    };
    assert_eq!(det.verdict(&[]).level, VerdictLevel::Clean);
    assert_eq!(det.verdict(&[f(30)]).level, VerdictLevel::Suspicious);
    assert_eq!(det.verdict(&[f(40), f(30)]).level, VerdictLevel::Malicious);
    assert_eq!(det.verdict(&[f(i32::MAX), f(5)]).score, i32::MAX);
}

#[test]
fn user_directory_adds_an_organisation() {
    let dir = std::env::temp_dir().join(format!("mozu-detect-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("organisations.txt"),
        "# mine\nexample-corp | エグザンプル商事, Example Trading | example-trading.co.jp\n",
    )
    .unwrap();
    let mut rec = MessageRecord::new(src());
    rec.from = Some(from("エグザンプル商事 経理部", "keiri@gmail.com"));
    let shipped = Detectors::new(&Config::default()).unwrap();
    assert!(!shipped.findings(&rec).iter().any(|f| f.id == "spoof.freemail_org_name"));
    let det = Detectors::new(&Config {
        extra_directories: vec![dir.clone()],
        ..Config::default()
    })
    .unwrap();
    let found = det.findings(&rec);
    assert!(found.iter().any(|f| f.id == "spoof.freemail_org_name"), "{found:?}");
    std::fs::write(dir.join("lures.txt"), "bad line without pipes\n").unwrap();
    assert!(matches!(
        Detectors::new(&Config {
            extra_directories: vec![dir.clone()],
            ..Config::default()
        }),
        Err(DetectError::Data { line: 1, .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn artifact_findings_are_lifted_once() {
    let det = Detectors::new(&Config::default()).unwrap();
    let art = |path: &str, depth| Artifact {
        path: path.into(),
        name: path.rsplit('/').next().map(str::to_string),
        detected_type: "script".into(),
        depth,
        findings: vec![Finding {
            id: "script.download_execute".into(),
            severity: Severity::High,
            score: 45,
            title: "t".into(),
            evidence: vec![Evidence {
                field: "f".into(),
                value: "v".into(),
            }],
        }],
        ..Artifact::default()
    };
    let mut file = FileRecord {
        source: src(),
        artifacts: vec![
            Artifact {
                path: "a.zip".into(),
                name: Some("a.zip".into()),
                detected_type: "zip".into(),
                ..Artifact::default()
            },
            art("a.zip/1.js", 1),
            art("a.zip/2.js", 1),
        ],
        urls: vec![],
        domains: vec![],
        ips: vec![],
        emails: vec![],
        findings: vec![],
        verdict: None,
        warnings: vec![],
    };
    det.apply_file(&mut file);
    let lifted: Vec<&Finding> = file
        .findings
        .iter()
        .filter(|f| f.id == "script.download_execute")
        .collect();
    assert_eq!(lifted.len(), 1);
    assert_eq!(lifted[0].evidence.len(), 2);
    assert!(file.findings.iter().any(|f| f.id == "attach.code_in_archive"));
    assert_eq!(file.verdict.unwrap().score, 45 + 60);
    assert_eq!(file.verdict.unwrap().level, VerdictLevel::Malicious);
}
