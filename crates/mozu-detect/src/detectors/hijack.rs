//! Reply-chain hijack (Emotet, seed 001): a reply that quotes a real thread
//! but comes from someone who was not in it, under the name of someone who
//! was, without the headers a real reply carries, with an attachment or link
//! the thread does not explain.

use mozu_model::{Finding, Severity};

use crate::detectors::attach::risky_attachment;
use crate::{Context, finding};

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let reply = ctx.is_reply();
    let t = &ctx.thread;
    let no_refs = ctx.rec.in_reply_to.is_empty() && ctx.rec.references.is_empty();
    if reply && no_refs {
        out.push(finding(
            "thread.reply_without_references",
            Severity::Low,
            10,
            "reply subject without In-Reply-To or References",
            "subject",
            ctx.rec.subject.as_deref().unwrap_or_default(),
        ));
    }
    if !t.has_quote() {
        return;
    }
    let addr = ctx.from_address.as_deref().unwrap_or_default();
    let quoted_addrs: Vec<&str> = t.participants.iter().filter_map(|p| p.address.as_deref()).collect();
    let domain_in_thread = ctx.from_domain.as_deref().is_some_and(|d| {
        quoted_addrs.iter().any(|a| {
            a.rsplit_once('@')
                .is_some_and(|(_, h)| h == d || h.ends_with(&format!(".{d}")))
        })
    });
    let sender_in_thread = quoted_addrs.contains(&addr) || domain_in_thread;
    // Mailing-list replies quote strangers; a hijacked thread quotes the
    // recipient's own conversation.
    let recipient_in_thread = ctx
        .rec
        .to
        .iter()
        .chain(&ctx.rec.cc)
        .filter_map(|a| a.address.as_deref())
        .any(|a| quoted_addrs.iter().any(|q| q.eq_ignore_ascii_case(a)));
    // Real replies carry In-Reply-To / References; hijackers rebuild the
    // thread from stolen text and leave them out.
    if reply && no_refs && recipient_in_thread && !sender_in_thread {
        out.push(finding(
            "thread.sender_not_in_thread",
            Severity::Medium,
            15,
            "the sender of this reply is not among the quoted thread's participants",
            "from.address",
            addr,
        ));
    }
    let name = ctx
        .rec
        .from
        .as_ref()
        .and_then(|a| a.name.as_deref())
        .unwrap_or_default()
        .trim();
    if !name.is_empty()
        && !addr.is_empty()
        && let Some(p) = t
            .participants
            .iter()
            .find(|p| p.address.as_deref().is_some_and(|a| a != addr) && same_name(&p.name, name))
    {
        out.push(finding(
            "thread.display_name_reused",
            Severity::High,
            40,
            "display name of a quoted participant with a different address",
            "from",
            &format!(
                "{name} <{addr}> vs quoted <{}>",
                p.address.as_deref().unwrap_or_default()
            ),
        ));
    }
    if reply && (no_refs || !sender_in_thread) {
        let links_to_download = ctx.rec.urls.iter().any(|u| super::links::is_download(&u.url));
        if let Some(what) = risky_attachment(&ctx.rec.artifacts) {
            out.push(finding(
                "thread.unexplained_attachment",
                Severity::Medium,
                25,
                "a hijacked-looking reply carries a risky attachment",
                "attachments",
                &what,
            ));
        } else if links_to_download {
            out.push(finding(
                "thread.unexplained_link",
                Severity::Medium,
                20,
                "a hijacked-looking reply links to a download",
                "urls",
                "",
            ));
        }
    }
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .collect::<String>()
            .to_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b && !a.contains('@')
}
