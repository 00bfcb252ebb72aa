//! Live verification end to end, without the network: messages are signed
//! here with real keys, the records they need are seeded into the cache,
//! and the only name server is a closed port on 127.0.0.1.

mod common;

use std::time::{Duration, Instant};

use common::{Keys, OTHER_IP, SENDER, SENDER_IP, message, offline_live, record, sign};
use mozu_auth::{CheckResult, LiveAuth, LiveAuthReport};

fn verify(live: &LiveAuth, raw: &str) -> LiveAuthReport {
    live.verify(raw.as_bytes(), &record(raw))
}

fn ids(live: &LiveAuth, raw: &str) -> Vec<String> {
    let rec = record(raw);
    live.findings(raw.as_bytes(), &rec).into_iter().map(|f| f.id).collect()
}

#[test]
fn signed_messages_verify_and_tampering_fails() {
    let keys = Keys::new();
    let live = offline_live();
    keys.seed(&live);
    let from = format!("alice@{SENDER}");
    let rp = format!("bounce@{SENDER}");
    let plain = message(&from, Some(&rp), SENDER_IP, "請求書をお送りします。");
    let mut cases = 0;
    for signed in [sign(&keys.ed, &plain), sign(&keys.rsa, &plain)] {
        let report = verify(&live, &signed);
        assert_eq!(report.dkim.len(), 1, "{report:?}");
        let dkim = &report.dkim[0];
        assert_eq!(
            (dkim.domain.as_str(), dkim.result),
            (SENDER, CheckResult::Pass),
            "{report:?}"
        );
        assert_eq!(report.spf.result, CheckResult::Pass, "{report:?}");
        assert_eq!(report.spf.ip.map(|ip| ip.to_string()).as_deref(), Some(SENDER_IP));
        assert_eq!(report.dmarc.result, CheckResult::Pass, "{report:?}");
        assert_eq!(report.dmarc.policy, "reject");
        assert!(report.errors.is_empty(), "{report:?}");
        assert_eq!(ids(&live, &signed), ["auth.live_checked"]);

        let tampered = signed.replace("請求書をお送りします。", "振込先が変更になりました。");
        let report = verify(&live, &tampered);
        let dkim = &report.dkim[0];
        assert_eq!(dkim.result, CheckResult::Fail, "{report:?}");
        assert_eq!(dkim.reason.as_deref(), Some("body hash mismatch"));
        // SPF still passes and aligns with From: DMARC passes on SPF alone.
        assert_eq!(report.dmarc.result, CheckResult::Pass, "{report:?}");
        let rec = record(&tampered);
        let findings = live.findings(tampered.as_bytes(), &rec);
        let fail = findings
            .iter()
            .find(|f| f.id == "auth.live_dkim_fail")
            .expect("dkim finding");
        assert_eq!(
            fail.evidence[0].value,
            format!("dkim d={SENDER} s={}: fail (body hash mismatch)", dkim.selector)
        );
        assert!(fail.title.contains("keys rotate"));

        let resigned_header = tampered.replace("Subject: =?UTF-8?B?6KuL5rGC5pu4?=", "Subject: urgent");
        let report = verify(&live, &resigned_header);
        assert_eq!(report.dkim[0].result, CheckResult::Fail, "{report:?}");
        cases += 3;
    }
    assert!(cases > 0);
}

#[test]
fn spoofed_from_at_reject_domain_fails_dmarc() {
    let keys = Keys::new();
    let live = offline_live();
    keys.seed(&live);
    // Signed and sent by sender.example, but From claims bank.example.
    let plain = message("ceo@bank.example", Some(&format!("bounce@{SENDER}")), SENDER_IP, "至急");
    let signed = sign(&keys.ed, &plain);
    let report = verify(&live, &signed);
    assert_eq!(report.dkim[0].result, CheckResult::Pass, "{report:?}");
    assert_eq!(report.spf.result, CheckResult::Pass, "{report:?}");
    assert_eq!(report.dmarc.result, CheckResult::Fail, "{report:?}");
    assert_eq!(
        (report.dmarc.domain.as_str(), report.dmarc.policy.as_str()),
        ("bank.example", "reject")
    );
    let rec = record(&signed);
    let findings = live.findings(signed.as_bytes(), &rec);
    let dmarc = findings
        .iter()
        .find(|f| f.id == "auth.live_dmarc_fail")
        .expect("dmarc finding");
    assert!(dmarc.score > 0);
    assert!(
        dmarc.evidence[0].value.contains("from=bank.example p=reject: fail"),
        "{dmarc:?}"
    );
}

#[test]
fn spf_results_follow_the_recorded_address() {
    let keys = Keys::new();
    let live = offline_live();
    keys.seed(&live);
    let cases = [
        (format!("bounce@{SENDER}"), SENDER_IP, CheckResult::Pass, None),
        (
            format!("bounce@{SENDER}"),
            OTHER_IP,
            CheckResult::Fail,
            Some("auth.live_spf_fail"),
        ),
        (
            "bounce@soft.example".to_string(),
            OTHER_IP,
            CheckResult::SoftFail,
            Some("auth.live_spf_softfail"),
        ),
        ("bounce@soft.example".to_string(), SENDER_IP, CheckResult::Pass, None),
    ];
    let mut run = 0;
    for (rp, ip, want, finding) in &cases {
        let raw = message(&format!("alice@{SENDER}"), Some(rp), ip, "body");
        let report = verify(&live, &raw);
        assert_eq!(report.spf.result, *want, "{rp} {ip}: {report:?}");
        assert_eq!(report.spf.mail_from.as_deref(), Some(rp.as_str()));
        assert_eq!(report.spf.helo.as_deref(), Some("mail.sender.example"));
        let found = ids(&live, &raw);
        if let Some(id) = finding {
            assert!(found.iter().any(|f| f == id), "{rp} {ip}: {found:?}");
        }
        run += 1;
    }
    assert_eq!(run, cases.len());
    assert!(run > 0);
}

#[test]
fn no_public_address_means_spf_not_checked() {
    let keys = Keys::new();
    let live = offline_live();
    keys.seed(&live);
    let rp = format!("bounce@{SENDER}");
    let mut cases = 0;
    for ip in ["10.0.0.5", "192.168.1.20", "fd00::25"] {
        let raw = message(&format!("alice@{SENDER}"), Some(&rp), ip, "body");
        let report = verify(&live, &raw);
        assert_eq!(report.spf.result, CheckResult::NotChecked, "{report:?}");
        assert!(report.spf.ip.is_none());
        assert!(
            report.spf.reason.as_deref().unwrap_or("").contains("public"),
            "{report:?}"
        );
        cases += 1;
    }
    // No Received header at all.
    let raw = format!("From: alice@{SENDER}\r\nSubject: x\r\n\r\nbody\r\n");
    let report = verify(&live, &raw);
    assert_eq!(report.spf.result, CheckResult::NotChecked);
    assert_eq!(report.spf.reason.as_deref(), Some("no Received header"));
    assert!(cases > 0);
}

#[test]
fn unreachable_dns_is_a_fast_temperror() {
    let keys = Keys::new();
    let live = offline_live();
    // Nothing seeded for this domain: every look-up goes to the closed port.
    let plain = message(
        "alice@unseeded.example",
        Some("bounce@unseeded.example"),
        SENDER_IP,
        "body",
    );
    let signed = sign(&keys.ed, &plain.replace(SENDER, "unseeded.example"));
    let started = Instant::now();
    let report = verify(&live, &signed);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert_eq!(report.spf.result, CheckResult::TempError, "{report:?}");
    assert!(
        report.dkim.iter().all(|d| d.result == CheckResult::TempError),
        "{report:?}"
    );
    assert_ne!(report.dmarc.result, CheckResult::Pass);
    let found = ids(&live, &signed);
    assert!(found.iter().any(|f| f == "auth.live_error"), "{found:?}");
    assert!(
        !found.iter().any(|f| f.ends_with("_fail")),
        "DNS trouble is no failure: {found:?}"
    );

    // After MAX_SILENT_MESSAGES unanswered messages DNS is given up on:
    // the next message costs no time-outs, and says why.
    for _ in 2..mozu_auth::MAX_SILENT_MESSAGES {
        verify(&live, &signed);
    }
    let started = Instant::now();
    let report = verify(&live, &signed);
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report.spf.result, CheckResult::TempError, "{report:?}");
    assert!(format!("{report:?}").contains("look-ups stopped"), "{report:?}");
    // Cached records still verify.
    keys.seed(&live);
    let good = sign(
        &keys.ed,
        &message(&format!("a@{SENDER}"), Some(&format!("b@{SENDER}")), SENDER_IP, "x"),
    );
    assert_eq!(verify(&live, &good).dmarc.result, CheckResult::Pass);
}

#[test]
fn hostile_input_never_panics() {
    let live = offline_live();
    let huge_sigs: String = (0..40)
        .map(|i| format!("DKIM-Signature: v=1; a=rsa-sha256; d=x{i}.example; s=s; h=from; bh=AA==; b=AA==\r\n"))
        .collect();
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\r\n\r\n".to_vec(),
        b"no colon here".to_vec(),
        vec![0xff; 4096],
        format!("{huge_sigs}From: a@b.example\r\n\r\nx").into_bytes(),
        b"DKIM-Signature: v=1; a=ed25519-sha256; d=; s=; bh=!!; b=\r\nFrom: <>\r\n\r\n".to_vec(),
    ];
    let started = Instant::now();
    let mut cases = 0;
    for raw in &inputs {
        let rec = record(&String::from_utf8_lossy(raw));
        let report = live.verify(raw, &rec);
        assert!(report.dkim.len() <= mozu_auth::MAX_DKIM_SIGNATURES + 40, "{report:?}");
        let _ = report.findings(&rec);
        cases += 1;
    }
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(cases, inputs.len());
    let oversized = vec![b'a'; mozu_auth::MAX_MESSAGE_BYTES + 1];
    let report = live.verify(&oversized, &record("From: a@b.example\r\n\r\nx"));
    assert_eq!(report.dmarc.result, CheckResult::NotChecked);
}
