//! What a live verification found, and the findings it gives.

use std::fmt;
use std::net::IpAddr;

use mozu_model::{Evidence, Finding, MessageRecord, Severity};

/// The outcome of one check, with RFC 8601 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckResult {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// SPF `~all`: not authorised, but the domain asks for leniency.
    SoftFail,
    /// The domain makes no assertion (`?all`, unverifiable signature).
    Neutral,
    /// Nothing to check: no record, no signature.
    None,
    /// A transient failure: DNS unreachable, the deadline passed.
    TempError,
    /// A permanent error: malformed record or signature.
    PermError,
    /// Not checked, e.g. no usable connecting address for SPF.
    NotChecked,
}

impl CheckResult {
    /// The lower-case name (`pass`, `softfail`, `not checked` …).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Pass => "pass",
            CheckResult::Fail => "fail",
            CheckResult::SoftFail => "softfail",
            CheckResult::Neutral => "neutral",
            CheckResult::None => "none",
            CheckResult::TempError => "temperror",
            CheckResult::PermError => "permerror",
            CheckResult::NotChecked => "not checked",
        }
    }
}

impl fmt::Display for CheckResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The live result of one `DKIM-Signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimCheck {
    /// Signing domain (`d=`); empty when the signature did not parse.
    pub domain: String,
    /// Selector (`s=`); empty when the signature did not parse.
    pub selector: String,
    /// Outcome.
    pub result: CheckResult,
    /// Why it did not pass (`body hash mismatch`, a DNS error …).
    pub reason: Option<String>,
}

/// The live SPF result for the connection the receiver recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfCheck {
    /// Outcome.
    pub result: CheckResult,
    /// Connecting address checked, when there was one.
    pub ip: Option<IpAddr>,
    /// HELO name used.
    pub helo: Option<String>,
    /// Envelope sender used (`Return-Path`).
    pub mail_from: Option<String>,
    /// Domain whose policy gave the result.
    pub domain: String,
    /// Why it was not checked, or the error.
    pub reason: Option<String>,
}

/// The live DMARC result for the `From` domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmarcCheck {
    /// Outcome.
    pub result: CheckResult,
    /// The `From` domain evaluated.
    pub domain: String,
    /// The policy that applies (`none`, `quarantine`, `reject`,
    /// `unspecified`); empty without a record.
    pub policy: String,
    /// Why it did not pass.
    pub reason: Option<String>,
}

/// Everything one [`crate::LiveAuth::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveAuthReport {
    /// One entry per signature verified, in header order.
    pub dkim: Vec<DkimCheck>,
    /// SPF for the recorded connection.
    pub spf: SpfCheck,
    /// DMARC for the `From` domain.
    pub dmarc: DmarcCheck,
    /// Problems that stopped part of the verification (size limit,
    /// deadline, unparsable message, signatures not verified).
    pub errors: Vec<String>,
}

impl LiveAuthReport {
    /// A report of nothing checked, for `reason`.
    pub fn not_checked(reason: &str) -> Self {
        LiveAuthReport {
            dkim: Vec::new(),
            spf: SpfCheck {
                result: CheckResult::NotChecked,
                ip: None,
                helo: None,
                mail_from: None,
                domain: String::new(),
                reason: Some(reason.to_string()),
            },
            dmarc: DmarcCheck {
                result: CheckResult::NotChecked,
                domain: String::new(),
                policy: String::new(),
                reason: Some(reason.to_string()),
            },
            errors: vec![reason.to_string()],
        }
    }

    /// The findings of this report for `record` (whose recorded
    /// `Authentication-Results` decide whether a live failure is news or a
    /// confirmation, so a failure is never counted twice).
    pub fn findings(&self, record: &MessageRecord) -> Vec<Finding> {
        let mut out = vec![self.summary()];
        let recorded = |v: &Option<String>| v.as_deref().unwrap_or("").eq_ignore_ascii_case("fail");
        for d in self.dkim.iter().filter(|d| d.result == CheckResult::Fail) {
            out.push(single(
                "auth.live_dkim_fail",
                Severity::Low,
                if recorded(&record.auth.dkim) { 0 } else { 5 },
                "DKIM signature fails today (live; keys rotate, weaker evidence on old mail)",
                "auth.live.dkim",
                dkim_text(d),
            ));
        }
        let spf = self.spf_text();
        match self.spf.result {
            CheckResult::Fail => out.push(single(
                "auth.live_spf_fail",
                Severity::Medium,
                if recorded(&record.auth.spf) { 0 } else { 15 },
                "SPF fails today for the recorded sending address (live; policies change)",
                "auth.live.spf",
                spf,
            )),
            CheckResult::SoftFail => out.push(single(
                "auth.live_spf_softfail",
                Severity::Low,
                if record.auth.spf.as_deref() == Some("softfail") {
                    0
                } else {
                    5
                },
                "SPF soft-fails today for the recorded sending address (live)",
                "auth.live.spf",
                spf,
            )),
            _ => {}
        }
        if self.dmarc.result == CheckResult::Fail {
            out.push(single(
                "auth.live_dmarc_fail",
                Severity::High,
                if recorded(&record.auth.dmarc) { 0 } else { 30 },
                "DMARC fails today: nothing aligned with the From domain passes (live)",
                "auth.live.dmarc",
                self.dmarc_text(),
            ));
        }
        let errors = self.error_texts();
        if !errors.is_empty() {
            let mut f = single(
                "auth.live_error",
                Severity::Info,
                0,
                "live authentication could not be completed",
                "auth.live",
                String::new(),
            );
            f.evidence = errors.into_iter().map(|value| evidence("auth.live", value)).collect();
            out.push(f);
        }
        out
    }

    /// Every check, pass or not, so the output shows what was looked up.
    fn summary(&self) -> Finding {
        let mut f = single(
            "auth.live_checked",
            Severity::Info,
            0,
            "live SPF/DKIM/DMARC verification against today's DNS",
            "auth.live.spf",
            self.spf_text(),
        );
        f.evidence
            .extend(self.dkim.iter().map(|d| evidence("auth.live.dkim", dkim_text(d))));
        f.evidence.push(evidence("auth.live.dmarc", self.dmarc_text()));
        f
    }

    fn spf_text(&self) -> String {
        let s = &self.spf;
        let mut text = String::from("spf");
        if let Some(ip) = s.ip {
            text.push_str(&format!(" ip={ip}"));
        }
        if let Some(helo) = &s.helo {
            text.push_str(&format!(" helo={helo}"));
        }
        if let Some(from) = &s.mail_from {
            text.push_str(&format!(" mailfrom={from}"));
        }
        if !s.domain.is_empty() {
            text.push_str(&format!(" domain={}", s.domain));
        }
        with_reason(text, s.result, s.reason.as_deref())
    }

    fn dmarc_text(&self) -> String {
        let d = &self.dmarc;
        let mut text = String::from("dmarc");
        if !d.domain.is_empty() {
            text.push_str(&format!(" from={}", d.domain));
        }
        if !d.policy.is_empty() {
            text.push_str(&format!(" p={}", d.policy));
        }
        with_reason(text, d.result, d.reason.as_deref())
    }

    /// The errors, and each check that ended in a temporary or permanent
    /// error (DNS trouble is reported, never mistaken for a failure).
    fn error_texts(&self) -> Vec<String> {
        let mut out = self.errors.clone();
        let bad = |r: CheckResult| matches!(r, CheckResult::TempError | CheckResult::PermError);
        out.extend(self.dkim.iter().filter(|d| bad(d.result)).map(dkim_text));
        if bad(self.spf.result) {
            out.push(self.spf_text());
        }
        if bad(self.dmarc.result) {
            out.push(self.dmarc_text());
        }
        out
    }
}

fn dkim_text(d: &DkimCheck) -> String {
    with_reason(
        format!("dkim d={} s={}", d.domain, d.selector),
        d.result,
        d.reason.as_deref(),
    )
}

fn with_reason(mut text: String, result: CheckResult, reason: Option<&str>) -> String {
    text.push_str(": ");
    text.push_str(result.as_str());
    if let Some(r) = reason {
        text.push_str(&format!(" ({r})"));
    }
    // Reasons quote DNS data and header values: keep evidence short.
    if text.len() > 300 {
        let cut = (0..=300).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    text
}

fn evidence(field: &str, value: String) -> Evidence {
    Evidence {
        field: field.to_string(),
        value,
    }
}

fn single(id: &str, severity: Severity, score: i32, title: &str, field: &str, value: String) -> Finding {
    Finding::single(id, severity, score, title, field, value)
}
