//! Sender spoofing: an organisation's name over a sender that is not theirs,
//! freemail and anonymous providers under an organisation's name, and
//! Reply-To / Return-Path pointing elsewhere than From.

use mozu_model::{Finding, Severity};

use crate::context::Zone;
use crate::lists::Lists;
use crate::{Context, finding};

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    display_name(ctx, out);
    subject_and_body(ctx, out);
    reply_to(ctx, out);
    return_path(ctx, out);
    sender_domain(ctx, out);
    generic_role_name(ctx, out);
}

/// Words of a display name that name a role, not a sender (`System
/// Administrator`, `Mail Support Team`, `Cloud Storage Notification`).
const ROLE_WORDS: &[&str] = &[
    "support",
    "admin",
    "administrator",
    "administration",
    "system",
    "systems",
    "mail",
    "email",
    "e-mail",
    "webmail",
    "mailbox",
    "service",
    "services",
    "notification",
    "notifications",
    "notice",
    "alert",
    "alerts",
    "security",
    "team",
    "it",
    "helpdesk",
    "help",
    "desk",
    "account",
    "accounts",
    "cloud",
    "storage",
    "department",
    "server",
    "customer",
    "care",
    "billing",
    "technical",
    "tech",
    "quota",
    "warning",
    "verification",
    "center",
    "centre",
    "office",
    "online",
    "update",
    "web",
    "portal",
    "message",
    "messages",
    "suporte",
    "soporte",
    "atendimento",
    "segurança",
    "equipe",
    "equipo",
    "sistema",
    "servicio",
    "serviço",
    "kundenservice",
    "sicherheit",
    "the",
    "of",
    "and",
    "&",
    "-",
    "|",
    ".",
    ":",
];

/// A display name made only of role words: the sender hides who it is
/// behind a function every organisation has.
fn generic_role_name(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // Bounces of real mail systems come from such names.
    let local = ctx.from_address.as_deref().unwrap_or_default();
    if [
        "postmaster",
        "mailer-daemon",
        "mail-daemon",
        "root",
        "mailman",
        "majordomo",
    ]
    .iter()
    .any(|p| local.starts_with(p))
    {
        return;
    }
    let words: Vec<&str> = ctx.from_name.split(' ').filter(|w| !w.is_empty()).take(12).collect();
    let meaningful = words.iter().filter(|w| w.chars().any(char::is_alphabetic)).count();
    if meaningful >= 2
        && words
            .iter()
            .all(|w| ROLE_WORDS.contains(&w.trim_matches(|c: char| c.is_ascii_punctuation())) || w.len() == 1)
    {
        out.push(finding(
            "spoof.generic_role_name",
            Severity::Low,
            15,
            "display name is only a generic role (System Administrator, Mail Support …)",
            "from.name",
            &ctx.from_name,
        ));
    }
}

fn display_name(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let named = &ctx.hits(Zone::FromName).orgs;
    let Some((org, name)) = named.iter().find(|(o, _)| !ctx.sender_is(*o)) else {
        return;
    };
    let org = *org;
    let key = &ctx.lists.orgs[org].key;
    let sender = ctx.from_address.clone().unwrap_or_default();
    let value = format!("{name} ({key}) <{sender}>");
    if ctx
        .from_domain
        .as_deref()
        .is_some_and(|d| ctx.lists.freemail.contains(d))
    {
        out.push(finding(
            "spoof.freemail_org_name",
            Severity::High,
            50,
            "an organisation's name sent from a freemail or anonymous provider",
            "from",
            &value,
        ));
    } else {
        out.push(finding(
            "spoof.display_name_org",
            Severity::Medium,
            30,
            "display name names an organisation the sender domain does not belong to",
            "from",
            &value,
        ));
    }
}

fn subject_and_body(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // A forwarded or replied subject names whoever wrote the original.
    if !ctx.is_reply()
        && let Some((org, name)) = ctx.hits(Zone::Subject).orgs.iter().find(|(o, _)| !ctx.sender_is(*o))
    {
        out.push(finding(
            "spoof.subject_org",
            Severity::Low,
            10,
            "subject names an organisation the sender domain does not belong to",
            "subject",
            &format!("{name} ({})", ctx.lists.orgs[*org].key),
        ));
    }
    let named = &ctx.hits(Zone::Body).orgs;
    if !named.is_empty() && named.iter().all(|(o, _)| !ctx.sender_is(*o)) {
        let (org, name) = &named[0];
        out.push(finding(
            "spoof.body_org",
            Severity::Info,
            5,
            "body names an organisation the sender domain does not belong to",
            "body",
            &format!("{name} ({})", ctx.lists.orgs[*org].key),
        ));
    }
}

fn reply_to(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(from) = ctx.from_domain.as_deref() else { return };
    for a in &ctx.rec.reply_to {
        let Some(rd) = a.registrable_domain.as_deref() else {
            continue;
        };
        // A list's Reply-To is the list itself, which is also a recipient.
        let to_recipient = ctx.rec.to.iter().chain(&ctx.rec.cc).any(|t| t.address == a.address);
        if rd == from || to_recipient {
            continue;
        }
        let addr = a.address.clone().unwrap_or_default();
        if ctx.lists.freemail.contains(rd) && !ctx.lists.freemail.contains(from) {
            out.push(finding(
                "spoof.reply_to_freemail",
                Severity::Medium,
                30,
                "Reply-To goes to a freemail provider while From does not",
                "reply_to",
                &addr,
            ));
        } else {
            out.push(finding(
                "spoof.reply_to_mismatch",
                Severity::Low,
                10,
                "Reply-To domain differs from the From domain",
                "reply_to",
                &addr,
            ));
        }
        return;
    }
}

fn return_path(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let (Some(from), Some(rp)) = (ctx.from_domain.as_deref(), ctx.rec.return_path.as_ref()) else {
        return;
    };
    let Some(rd) = rp.registrable_domain.as_deref() else {
        return;
    };
    if rd != from && ctx.lists.freemail.contains(rd) {
        out.push(finding(
            "spoof.return_path_freemail",
            Severity::Low,
            15,
            "envelope sender (Return-Path) is at a freemail provider while From is not",
            "return_path",
            rp.address.as_deref().unwrap_or_default(),
        ));
    }
}

fn sender_domain(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(from) = ctx.rec.from.as_ref() else {
        out.push(finding(
            "spoof.no_sender",
            Severity::Low,
            10,
            "no From address",
            "from",
            "",
        ));
        return;
    };
    let addr = from.address.as_deref().unwrap_or_default();
    if ctx.from_domain.is_none() {
        out.push(finding(
            "spoof.sender_domain_invalid",
            Severity::Medium,
            20,
            "From has no valid registrable domain",
            "from.address",
            addr,
        ));
    }
    if let Some(host) = ctx.from_host.as_deref()
        && let Some(e) = Lists::host_in(&ctx.lists.free_hosting, host)
    {
        out.push(finding(
            "spoof.sender_free_hosting",
            Severity::Medium,
            30,
            "sender domain is a free hosting or app platform, not a mail domain",
            "from.address",
            &format!("{addr} ({e})"),
        ));
    }
    let local = addr.rsplit_once('@').map_or("", |(l, _)| l);
    if random_local_part(local) {
        out.push(finding(
            "spoof.random_local_part",
            Severity::Low,
            15,
            "sender address looks machine-generated",
            "from.address",
            addr,
        ));
    }
    if let Some(tld) = ctx.from_host.as_deref().and_then(|h| h.rsplit('.').next())
        && ABUSED_TLDS.contains(&tld)
    {
        out.push(finding(
            "spoof.abused_tld",
            Severity::Low,
            10,
            "sender domain under a top-level domain mostly registered for abuse",
            "from.address",
            addr,
        ));
    }
    // Free anonymous services: a sender who chose not to be traced.
    if let Some(d) = ctx.from_domain.as_deref().filter(|d| is_anonymous(ctx.lists, d)) {
        out.push(finding(
            "spoof.anonymous_provider",
            Severity::Medium,
            25,
            "sender uses an anonymous (Tor) mail provider",
            "from.address",
            &format!("{addr} ({d})"),
        ));
    }
}

/// Tor and throw-away providers among the freemail list.
fn is_anonymous(lists: &Lists, domain: &str) -> bool {
    const ANON: &[&str] = &[
        "sigaint.org",
        "cock.li",
        "airmail.cc",
        "guerrillamail.com",
        "guerrillamail.net",
        "sharklasers.com",
        "mailinator.com",
        "10minutemail.com",
        "temp-mail.org",
        "yopmail.com",
        "dispostable.com",
        "onionmail.org",
        "dnmx.org",
        "secmail.pro",
        "elude.in",
    ];
    lists.freemail.contains(domain) && ANON.contains(&domain)
}

/// Cheap top-level domains that abuse reports are dominated by.
const ABUSED_TLDS: &[&str] = &[
    "xyz",
    "top",
    "click",
    "cfd",
    "sbs",
    "icu",
    "buzz",
    "monster",
    "rest",
    "quest",
    "bond",
    "lat",
    "cyou",
    "autos",
    "boats",
    "hair",
    "makeup",
    "skin",
    "beauty",
    "mom",
    "yachts",
    "motorcycles",
    "homes",
    "cam",
    "gq",
    "tk",
    "ml",
    "cf",
    "ga",
    "zip",
    "mov",
    "country",
    "kim",
    "work",
    "loan",
    "win",
    "bid",
    "stream",
    "racing",
    "download",
];

/// A local part with the case pattern of generated strings (`QePEMzkdT`):
/// letters and digits only, several upper-case letters after the first
/// character, and lower and upper case interleaved, or capitals right
/// after a lower-case letter.
fn random_local_part(local: &str) -> bool {
    if local.len() < 5 || local.len() > 40 || !local.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let upper_inside = local.chars().skip(1).filter(char::is_ascii_uppercase).count();
    let switches = local
        .as_bytes()
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .count();
    let digits_letters = local
        .as_bytes()
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    // A lower-case letter followed by two capitals (`vMOTCEcif`,
    // `hCENlmyo`): names put capitals at word starts, generators anywhere.
    let lower_then_caps = local
        .as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase() && w[2].is_ascii_uppercase());
    // Letters and digits alternating three times in a long lower-case
    // part (`dhvow214r6dr`, `454k8zetoatt`); people append a year or a
    // number once (`taro1985`, `j2smith`).
    let long_mixed = local.len() >= 10 && digits_letters >= 3 && !local.bytes().any(|b| b.is_ascii_uppercase());
    (upper_inside >= 2 && switches >= 2)
        || digits_letters >= 5
        || long_mixed
        || (lower_then_caps && local.len() >= 6 && local.chars().all(|c| c.is_ascii_alphabetic()))
}
