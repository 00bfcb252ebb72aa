//! One message through mail-auth: DKIM, then SPF, then DMARC, each under
//! what is left of the message deadline.

use std::borrow::Borrow;
use std::future::Future;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use mail_auth::dkim::DkimError;
use mail_auth::dmarc::Policy;
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{
    AuthenticatedMessage, DkimOutput, DkimResult, DmarcResult, DnsError, Error, MX, MessageAuthenticator, Parameters,
    RecordSet, ResolverCache, SpfOutput, SpfResult, Txt,
};
use mozu_model::MessageRecord;

use crate::cache::{DnsCache, MemCache};
use crate::identity::smtp_identity;
use crate::report::{CheckResult, DkimCheck, DmarcCheck, LiveAuthReport, SpfCheck};
use crate::{MAX_DKIM_SIGNATURES, MAX_SILENT_MESSAGES, MAX_TXT_LOOKUPS};

/// The shared TXT cache seen through one message's look-up budget: a miss
/// (which mail-auth follows with a DNS query) uses one unit; without units
/// left the miss is answered with an error, so no query goes out.
struct Budgeted<'a> {
    inner: &'a MemCache<Box<str>, Txt>,
    left: AtomicU32,
    /// Why misses are refused once `left` is spent.
    refusal: String,
    /// Answers that came from DNS (mail-auth caches each one it got).
    answers: AtomicU32,
}

impl ResolverCache<Box<str>, Txt> for Budgeted<'_> {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(hit) = self.inner.get(name) {
            return Some(hit);
        }
        let spent = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        match spent {
            Ok(_) => None,
            Err(_) => Some(Txt::Error(Error::Dns(DnsError::Resolver(self.refusal.clone())))),
        }
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.inner.remove(name)
    }

    fn insert(&self, key: Box<str>, value: Txt, valid_until: Instant) {
        // A resolver failure is not an answer: caching it would turn one
        // lost packet into a batch of errors.
        if !matches!(value, Txt::Error(Error::Dns(DnsError::Resolver(_)))) {
            self.answers.fetch_add(1, Ordering::Relaxed);
            self.inner.insert(key, value, valid_until);
        }
    }
}

/// One verification's borrowed context.
pub(crate) struct Work<'a> {
    pub(crate) authenticator: &'a MessageAuthenticator,
    pub(crate) cache: &'a DnsCache,
    pub(crate) deadline: Instant,
    /// False once DNS stopped answering (see [`crate::MAX_SILENT_MESSAGES`]):
    /// only cached answers are used then.
    pub(crate) dns_usable: bool,
}

/// mail-auth's parameters with this message's caches.
type Cached<'p, P> = Parameters<
    'p,
    P,
    Budgeted<'p>,
    MemCache<Box<str>, RecordSet<MX>>,
    MemCache<Box<str>, RecordSet<Ipv4Addr>>,
    MemCache<Box<str>, RecordSet<Ipv6Addr>>,
    MemCache<IpAddr, RecordSet<Box<str>>>,
>;

impl<'a> Work<'a> {
    fn params<'p, P>(&'p self, p: P, txt: &'p Budgeted<'a>) -> Cached<'p, P>
    where
        'a: 'p,
    {
        Parameters::new(p)
            .with_txt_cache(txt)
            .with_mx_cache(&self.cache.mx)
            .with_ipv4_cache(&self.cache.ipv4)
            .with_ipv6_cache(&self.cache.ipv6)
            .with_ptr_cache(&self.cache.ptr)
    }

    /// SPF for the identity the receiver recorded, or why it was not
    /// checked; also the output DMARC needs (result `none` when unchecked).
    async fn spf(&self, record: &MessageRecord, txt: &Budgeted<'a>, errors: &mut Vec<String>) -> (SpfCheck, SpfOutput) {
        let not_checked = |why: &str, ip, helo, mail_from| SpfCheck {
            result: CheckResult::NotChecked,
            ip,
            helo,
            mail_from,
            domain: String::new(),
            reason: Some(why.to_string()),
        };
        let id = match smtp_identity(record) {
            Ok(id) => id,
            Err(why) => return (not_checked(&why, None, None, None), SpfOutput::new(String::new())),
        };
        let host = record
            .received
            .get(id.hop)
            .and_then(|h| h.by_host.clone())
            .unwrap_or_else(|| "unknown".to_string());
        let helo = id.helo.clone().unwrap_or_default();
        // DMARC aligns the MAIL FROM domain, and Authentication-Results'
        // smtp.mailfrom is what analysts compare with: check MAIL FROM, and
        // HELO only for a null sender (RFC 7208 section 2.3).
        let params = match &id.mail_from {
            Some(sender) => SpfParameters::verify_mail_from(id.ip, &helo, &host, sender),
            None if !helo.is_empty() => SpfParameters::verify_ehlo(id.ip, &helo, &host),
            None => {
                let why = "no envelope sender (Return-Path) and no HELO name";
                return (not_checked(why, Some(id.ip), None, None), SpfOutput::new(String::new()));
            }
        };
        let Some(out) = self
            .timed(self.authenticator.verify_spf(self.params(params, txt)))
            .await
        else {
            errors.push("deadline passed while checking SPF".to_string());
            let mut check = not_checked("deadline passed", Some(id.ip), id.helo, id.mail_from);
            check.result = CheckResult::TempError;
            return (check, SpfOutput::new(String::new()).with_result(SpfResult::TempError));
        };
        let result = spf_result(out.result());
        let reason = match result {
            CheckResult::None => Some("no SPF record".to_string()),
            CheckResult::TempError => Some("DNS look-up failed".to_string()),
            CheckResult::PermError => Some("SPF record unusable".to_string()),
            _ => out.explanation().map(|e| e.chars().take(120).collect()),
        };
        let check = SpfCheck {
            result,
            ip: Some(id.ip),
            helo: id.helo,
            mail_from: id.mail_from,
            domain: out.domain().to_string(),
            reason,
        };
        (check, out)
    }

    /// Runs `fut` with what is left of the deadline; `None` when it passed.
    async fn timed<T>(&self, fut: impl Future<Output = T>) -> Option<T> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        tokio::time::timeout(left, fut).await.ok()
    }

    /// The report, and whether DNS was asked and never answered.
    pub(crate) async fn run(&self, raw: &[u8], record: &MessageRecord) -> (LiveAuthReport, bool) {
        let Some(mut message) = AuthenticatedMessage::parse(raw) else {
            return (LiveAuthReport::not_checked("no RFC 5322 header found"), false);
        };
        let mut errors = Vec::new();
        if message.dkim_headers.len() > MAX_DKIM_SIGNATURES {
            errors.push(format!(
                "{} DKIM signatures; only the first {MAX_DKIM_SIGNATURES} verified",
                message.dkim_headers.len()
            ));
            message.dkim_headers.truncate(MAX_DKIM_SIGNATURES);
        }
        let (left, refusal) = if self.dns_usable {
            (
                MAX_TXT_LOOKUPS,
                format!("more than {MAX_TXT_LOOKUPS} DNS look-ups for one message"),
            )
        } else {
            (
                0,
                format!(
                    "DNS gave no answer for {MAX_SILENT_MESSAGES} messages in a row; look-ups stopped for this run"
                ),
            )
        };
        let txt = Budgeted {
            inner: &self.cache.txt,
            left: AtomicU32::new(left),
            refusal,
            answers: AtomicU32::new(0),
        };
        let dkim_out: Vec<DkimOutput<'_>> = match self
            .timed(self.authenticator.verify_dkim(self.params(&message, &txt)))
            .await
        {
            Some(out) => out,
            None => {
                errors.push("deadline passed while verifying DKIM".to_string());
                Vec::new()
            }
        };
        let dkim = dkim_out.iter().map(dkim_check).collect();

        let (spf, spf_out) = self.spf(record, &txt, &mut errors).await;
        let mail_from_domain = spf_out.domain().to_string();
        let dmarc_params = self.params(
            DmarcParameters::new(&message, &dkim_out, &mail_from_domain, &spf_out),
            &txt,
        );
        let dmarc = match self.timed(self.authenticator.verify_dmarc(dmarc_params)).await {
            Some(out) => dmarc_check(&out, &message),
            None => {
                errors.push("deadline passed while evaluating DMARC".to_string());
                DmarcCheck {
                    result: CheckResult::TempError,
                    domain: String::new(),
                    policy: String::new(),
                    reason: Some("deadline passed".to_string()),
                }
            }
        };
        let asked = txt.left.load(Ordering::Relaxed) < left;
        let silent = asked && txt.answers.load(Ordering::Relaxed) == 0;
        let report = LiveAuthReport {
            dkim,
            spf,
            dmarc,
            errors,
        };
        (report, silent)
    }
}

/// The DKIM outcome of one signature in mozu's terms. mail-auth reports a
/// body hash mismatch as neutral; RFC 6376 section 6.1.3 makes it a
/// failure (the body changed after signing), and so does mozu.
fn dkim_check(out: &DkimOutput<'_>) -> DkimCheck {
    let (domain, selector) = out
        .signature()
        .map(|s| (s.d.to_ascii_lowercase(), s.s.clone()))
        .unwrap_or_default();
    let (result, reason) = match out.result() {
        DkimResult::Pass => (CheckResult::Pass, None),
        DkimResult::Neutral(Error::Dkim(DkimError::FailedBodyHashMatch)) => {
            (CheckResult::Fail, Some("body hash mismatch".to_string()))
        }
        DkimResult::Neutral(e) => (CheckResult::Neutral, Some(reason(e))),
        DkimResult::Fail(e) => (CheckResult::Fail, Some(reason(e))),
        DkimResult::PermError(e) => (CheckResult::PermError, Some(reason(e))),
        DkimResult::TempError(e) => (CheckResult::TempError, Some(reason(e))),
        DkimResult::None => (CheckResult::None, None),
    };
    DkimCheck {
        domain,
        selector,
        result,
        reason,
    }
}

fn reason(e: &Error) -> String {
    match e {
        Error::Crypto(mail_auth::common::crypto::CryptoError::FailedVerification) => {
            "signature does not verify with today's key".to_string()
        }
        Error::Dns(DnsError::RecordNotFound(code)) => format!("no such DNS record ({code})"),
        other => other.to_string().to_lowercase(),
    }
}

fn dmarc_check(out: &mail_auth::DmarcOutput, message: &AuthenticatedMessage<'_>) -> DmarcCheck {
    let domain = if out.domain().is_empty() {
        message
            .from()
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default()
    } else {
        out.domain().to_string()
    };
    let policy = match out.dmarc_record() {
        None => String::new(),
        Some(_) => match out.policy() {
            Policy::None => "none",
            Policy::Quarantine => "quarantine",
            Policy::Reject => "reject",
            Policy::Unspecified => "unspecified",
        }
        .to_string(),
    };
    let (result, why) = match out.result() {
        DmarcResult::Pass => (CheckResult::Pass, None),
        DmarcResult::Fail(_) => (CheckResult::Fail, Some("no aligned SPF or DKIM pass".to_string())),
        DmarcResult::TempError(e) => (CheckResult::TempError, Some(reason(&e))),
        DmarcResult::PermError(e) => (CheckResult::PermError, Some(reason(&e))),
        DmarcResult::None if message.from.is_empty() => (CheckResult::None, Some("no From address".to_string())),
        DmarcResult::None => (CheckResult::None, Some("no DMARC record".to_string())),
    };
    DmarcCheck {
        result,
        domain,
        policy,
        reason: why,
    }
}

/// SPF outcome for a result of mail-auth.
fn spf_result(r: SpfResult) -> CheckResult {
    match r {
        SpfResult::Pass => CheckResult::Pass,
        SpfResult::Fail => CheckResult::Fail,
        SpfResult::SoftFail => CheckResult::SoftFail,
        SpfResult::Neutral => CheckResult::Neutral,
        SpfResult::TempError => CheckResult::TempError,
        SpfResult::PermError => CheckResult::PermError,
        SpfResult::None => CheckResult::None,
    }
}
