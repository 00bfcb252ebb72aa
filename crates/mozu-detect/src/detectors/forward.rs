//! Forwarded lures: a user forwards a phishing mail (to a colleague, to the
//! SOC, to a collector) and the forward itself looks harmless, while the
//! quoted original came from a freemail box under an organisation's name or
//! from a generated domain. The quoted header block is judged like a sender.

use mozu_model::{Finding, Severity};

use crate::detectors::headers::looks_generated;
use crate::text::fold;
use crate::{Context, finding};

/// Quoted participants examined; the original sender comes first.
const MAX_EXAMINED: usize = 4;

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if !ctx.is_reply() || !ctx.thread.has_quote() {
        return;
    }
    let own = ctx.from_address.as_deref().unwrap_or_default();
    let recipients: Vec<String> = ctx.recipient_addresses().map(str::to_lowercase).collect();
    for p in ctx.thread.participants.iter().take(MAX_EXAMINED) {
        let Some(addr) = p.address.as_deref().map(str::to_lowercase) else {
            continue;
        };
        if addr == own || recipients.contains(&addr) {
            continue;
        }
        let Some(reg) = addr
            .rsplit_once('@')
            .and_then(|(_, host)| mozu_indicators::registrable_domain(host))
        else {
            continue;
        };
        let freemail = ctx.lists.freemail.contains(&reg);
        let org_named = ctx
            .lists
            .orgs_named(&fold(&p.name, 1024), false)
            .iter()
            .any(|(org, _)| !ctx.lists.org_owns(*org, &reg));
        let generated = reg.split('.').next().is_some_and(looks_generated);
        if (freemail && org_named) || generated {
            out.push(finding(
                "thread.forwarded_suspicious_origin",
                Severity::Medium,
                15,
                "quoted original sender at a freemail box under an organisation's name, or at a generated domain",
                "body",
                &format!("{} <{addr}>", p.name),
            ));
            return;
        }
    }
}
