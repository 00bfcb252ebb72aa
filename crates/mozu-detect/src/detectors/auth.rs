//! Authentication results the receiving server recorded: SPF, DKIM and DMARC
//! failures, and mail that nothing authenticates. No live look-ups.

use mozu_model::{Finding, Severity};

use crate::{Context, finding};

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let auth = &ctx.rec.auth;
    if auth.is_empty() {
        return;
    }
    let r = |v: &Option<String>| v.as_deref().unwrap_or("").to_ascii_lowercase();
    let (spf, dkim, dmarc) = (r(&auth.spf), r(&auth.dkim), r(&auth.dmarc));
    if dmarc == "fail" {
        out.push(finding(
            "auth.dmarc_fail",
            Severity::High,
            35,
            "DMARC failed: From is forged",
            "auth.dmarc",
            &dmarc,
        ));
    }
    match spf.as_str() {
        "fail" => out.push(finding(
            "auth.spf_fail",
            Severity::Medium,
            20,
            "SPF failed",
            "auth.spf",
            &spf,
        )),
        "softfail" => out.push(finding(
            "auth.spf_softfail",
            Severity::Low,
            10,
            "SPF soft-failed",
            "auth.spf",
            &spf,
        )),
        _ => {}
    }
    if dkim == "fail" {
        out.push(finding(
            "auth.dkim_fail",
            Severity::Low,
            10,
            "DKIM signature failed",
            "auth.dkim",
            &dkim,
        ));
    }
    let unauthenticated = |v: &str| {
        matches!(
            v,
            "" | "none" | "neutral" | "temperror" | "permerror" | "fail" | "softfail"
        )
    };
    if unauthenticated(&spf) && unauthenticated(&dkim) && dmarc != "pass" && dmarc != "bestguesspass" {
        out.push(finding(
            "auth.unauthenticated",
            Severity::Low,
            15,
            "neither SPF nor DKIM vouches for the sender",
            "auth",
            &format!("spf={spf} dkim={dkim} dmarc={dmarc}"),
        ));
    }
    if dmarc == "permerror" || dmarc == "temperror" {
        out.push(finding(
            "auth.dmarc_error",
            Severity::Info,
            5,
            "DMARC could not be evaluated",
            "auth.dmarc",
            &dmarc,
        ));
    }
}
