//! `mozu mail scan --verify-auth` end to end, without the network: the
//! only name server is a closed port on 127.0.0.1, so every look-up fails
//! and the output must say so (temperror), and the run must finish.
#![cfg(feature = "live-auth")]

use std::net::UdpSocket;
use std::process::Command;
use std::time::{Duration, Instant};

fn mozu() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mozu"));
    cmd.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    cmd
}

fn closed_port() -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.local_addr().expect("addr").to_string()
}

/// A signed-looking message with an empty body, whose relaxed body hash
/// (`bh=`) is right, so DKIM gets as far as the key look-up.
fn message(n: u32) -> String {
    format!(
        "Return-Path: <bounce@example.jp>\r\n\
         Received: from mx.victim.example (localhost [127.0.0.1]) by imap.victim.example with LMTP; \
         Sun, 22 Nov 2026 10:00:02 +0900\r\n\
         Received: from mail.example.jp (mail.example.jp [45.33.10.20]) by mx.victim.example with ESMTPS; \
         Sun, 22 Nov 2026 10:00:01 +0900\r\n\
         DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.jp; s=sel1; h=from:subject; \
         bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==\r\n\
         From: =?UTF-8?B?57eP5YuZ6YOo?= <soumu@example.jp>\r\nTo: bob@victim.example\r\n\
         Subject: test {n}\r\nDate: Sun, 22 Nov 2026 10:00:00 +0900\r\nMessage-ID: <{n}@example.jp>\r\n\r\n"
    )
}

fn ids(record: &serde_json::Value) -> Vec<String> {
    record["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[test]
fn verify_auth_reports_dns_failure_and_finishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let eml = dir.path().join("one.eml");
    std::fs::write(&eml, message(1)).expect("write eml");
    let mbox = dir.path().join("two.mbox");
    let mbox_text = format!(
        "From MAILER-DAEMON Sun Nov 22 10:00:00 2026\n{}\nFrom MAILER-DAEMON Sun Nov 22 10:00:00 2026\n{}\n",
        message(2).replace("\r\n", "\n"),
        message(3).replace("\r\n", "\n")
    );
    std::fs::write(&mbox, mbox_text).expect("write mbox");
    let port = closed_port();
    let started = Instant::now();
    let out = mozu()
        .args([
            "mail",
            "scan",
            "--no-progress",
            "--format",
            "jsonl",
            "--verify-auth",
            "--dns-server",
        ])
        .arg(&port)
        .arg(&eml)
        .arg(&mbox)
        .arg("testdata/msg")
        .output()
        .expect("run mozu");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(took < Duration::from_secs(120), "took {took:?}");
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(records.len() >= 4, "{}", records.len());
    let mut mail_checked = 0;
    for r in &records {
        let found = ids(r);
        assert!(found.iter().any(|f| f == "auth.live_checked"), "{found:?}");
        assert!(found.iter().any(|f| f == "auth.live_error"), "{found:?}");
        // DNS trouble is never reported as a failure of the sender.
        assert!(
            !found
                .iter()
                .any(|f| f.starts_with("auth.live_") && f.ends_with("_fail")),
            "{found:?}"
        );
        if r["source"]["format"] == "msg" {
            continue;
        }
        let text = r["findings"].to_string();
        assert!(text.contains("dkim d=example.jp s=sel1: temperror"), "{text}");
        assert!(
            text.contains("spf ip=45.33.10.20 helo=mail.example.jp mailfrom=bounce@example.jp"),
            "{text}"
        );
        mail_checked += 1;
    }
    assert_eq!(mail_checked, 3, "one .eml and two mbox messages");
}

#[test]
fn without_the_flag_nothing_is_looked_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let eml = dir.path().join("one.eml");
    std::fs::write(&eml, message(1)).expect("write eml");
    let out = mozu()
        .args(["mail", "scan", "--no-progress", "--format", "jsonl"])
        .arg(&eml)
        .output()
        .expect("run mozu");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("auth.live_"), "{text}");
    assert!(!text.is_empty());
}

#[test]
fn dns_server_needs_verify_auth_and_a_valid_address() {
    let bad = mozu()
        .args([
            "mail",
            "scan",
            "--verify-auth",
            "--dns-server",
            "not-an-ip",
            "testdata/mail",
        ])
        .output()
        .expect("run mozu");
    assert_ne!(bad.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not-an-ip"));
    let alone = mozu()
        .args(["mail", "scan", "--dns-server", "127.0.0.1", "testdata/mail"])
        .output()
        .expect("run mozu");
    assert_eq!(alone.status.code(), Some(2), "clap usage error");
}
