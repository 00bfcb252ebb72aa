//! The `mozu` binary end to end: output, exit status, stdin, errors.

use std::io::Write;
use std::process::{Command, Stdio};

fn mozu() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mozu"));
    cmd.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    cmd
}

fn lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn scans_testdata_as_jsonl() {
    let out = mozu()
        .args(["mail", "scan", "testdata/mail", "testdata/msg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let records = lines(&out.stdout);
    let eml = std::fs::read_dir("../../testdata/mail")
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .count();
    let msg = std::fs::read_dir("../../testdata/msg")
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "msg"))
        .count();
    assert!(eml > 20 && msg >= 3);
    assert_eq!(records.len(), eml + msg);
    assert!(records.iter().all(|r| r["type"] == "message"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped (not mail)"), "{stderr}");
    // Walk order is stable: sorted paths, goldens (.json) skipped.
    let paths: Vec<&str> = records.iter().map(|r| r["source"]["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn unreadable_input_gives_error_record_and_exit_1() {
    let out = mozu()
        .args([
            "mail",
            "scan",
            "testdata/mail/seed004-defanged-ioc.eml",
            "no/such/file.eml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = lines(&out.stdout);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["type"], "message");
    assert_eq!(records[1]["type"], "error");
    assert_eq!(records[1]["kind"], "io");
}

#[test]
fn usage_error_exits_2() {
    let out = mozu().args(["mail", "scan"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = mozu().args(["mail", "scan", "--format", "xml", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn reads_one_message_from_stdin_and_prints_a_table() {
    let mut child = mozu()
        .args(["mail", "scan", "--format", "table", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let raw = std::fs::read("../../testdata/mail/seed000-ict-isac-spoof.eml").unwrap();
    child.stdin.take().unwrap().write_all(&raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("一般社団法人ICT-ISAC セキュリティ本部 <ict-isac@sigaint.org>"),
        "{text}"
    );
    assert!(text.contains("── -"));
}

#[test]
fn mbox_records_carry_their_index() {
    let dir = std::env::temp_dir().join(format!("mozu-cli-mbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mbox = dir.join("box");
    std::fs::write(
        &mbox,
        b"From a Mon Jan  1 00:00:00 2024\nSubject: one\n\nx\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: two\n\ny\n",
    )
    .unwrap();
    let out = mozu().args(["mail", "scan", "-j", "2"]).arg(&dir).output().unwrap();
    let records = lines(&out.stdout);
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["source"]["index"], 1);
    assert_eq!(records[1]["subject"], "two");
    assert_eq!(records[1]["source"]["format"], "mbox");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The PPAP habit: the zip in one mail, its password in the next. The
/// pre-pass reads the batch first, so the first mail's archive opens.
#[test]
fn password_from_a_second_mail_opens_the_archive() {
    let out = mozu().args(["mail", "scan", "testdata/ppap"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let records = lines(&out.stdout);
    assert_eq!(records.len(), 2);
    let zip = records[0]["artifacts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["path"] == "見積書.zip"))
        .expect("zip artifact");
    assert_eq!(zip["encryption"]["decrypted"], true, "{zip}");
    assert_eq!(zip["encryption"]["password"], "Mz7wq3Hk");
    assert_eq!(zip["encryption"]["password_source"], "other-message");
    let inner = records[0]["artifacts"].as_array().unwrap();
    assert!(
        inner
            .iter()
            .any(|x| x["path"] == "見積書.zip/見積書.vbs" && x["detected_type"] == "script")
    );

    // Without the pre-pass the archive stays closed.
    let out = mozu()
        .args(["mail", "scan", "--no-cross-message-passwords", "testdata/ppap"])
        .output()
        .unwrap();
    let records = lines(&out.stdout);
    let zip = records[0]["artifacts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["path"] == "見積書.zip"))
        .expect("zip artifact");
    assert_eq!(zip["encryption"]["decrypted"], false, "{zip}");
}

/// Gateway use: `--fail-on malicious` exits 3 when a message is rated
/// malicious, and the verdict and findings are in every record.
#[test]
fn fail_on_sets_the_exit_status() {
    let out = mozu()
        .args(["mail", "scan", "--fail-on", "malicious", "testdata/detect/malicious"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let records = lines(&out.stdout);
    assert!(!records.is_empty());
    assert!(records.iter().any(|r| r["verdict"]["level"] == "malicious"));
    assert!(records.iter().all(|r| r["verdict"]["score"].is_i64()));
    let out = mozu()
        .args(["mail", "scan", "--fail-on", "malicious", "testdata/detect/benign"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `mail scan --store` adds the scanned messages to the campaign store.
#[test]
fn scan_can_fill_the_store() {
    let db = std::env::temp_dir().join(format!("mozu-scan-store-{}.db", std::process::id()));
    let out = mozu()
        .args(["mail", "scan", "--store", "--db"])
        .arg(&db)
        .arg("testdata/campaigns/mail")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let scanned = lines(&out.stdout).len();
    assert!(scanned > 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("store: {scanned} added")), "{stderr}");
    let out = mozu()
        .args(["campaigns", "export", "--format", "jsonl", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!lines(&out.stdout).is_empty());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}
