//! Link risk: anchor text showing one domain while the href goes to another,
//! IP-literal hosts, direct downloads of archives and scripts, file sharing
//! (mega.nz in seed 000), shorteners, free hosting and page builders, open
//! redirects, punycode hosts and data: URIs. No network look-ups.

use mozu_model::{Finding, Location, Severity};

use crate::lists::Lists;
use crate::{Context, finding};

/// URLs examined per message at most.
pub const MAX_URLS: usize = 500;

const DOWNLOAD_EXTS: &[&str] = &[
    "exe", "scr", "zip", "7z", "rar", "js", "jse", "vbs", "vbe", "wsf", "hta", "jar", "iso", "img", "lnk", "msi",
    "ps1", "bat", "cmd", "apk", "ace", "xll", "iqy",
];

/// True when the URL's path ends in a file type that runs or unpacks code.
pub fn is_download(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let Some(rest) = path.split_once("://").map(|(_, r)| r) else {
        return false;
    };
    let Some((_, path)) = rest.split_once('/') else {
        return false;
    };
    let last = path.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && DOWNLOAD_EXTS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    text_mismatch(ctx, out);
    recipient_in_url(ctx, out);
    unsubscribe_elsewhere(ctx, out);
    let mut flags: Vec<&str> = Vec::new();
    let mut push = |out: &mut Vec<Finding>, id: &'static str, sev: Severity, score: i32, title: &str, url: &str| {
        if !flags.contains(&id) {
            flags.push(id);
            out.push(finding(id, sev, score, title, "urls", url));
        }
    };
    let sender = ctx.from_domain.as_deref().unwrap_or_default();
    for u in ctx.rec.urls.iter().take(MAX_URLS) {
        if u.location == Location::Attachment || u.location == Location::Header {
            continue;
        }
        let host = u.host.as_deref().unwrap_or_default();
        let lower = u.url.to_ascii_lowercase();
        if lower.starts_with("data:") {
            push(
                out,
                "link.data_uri",
                Severity::Medium,
                20,
                "data: URI in the body",
                &u.url,
            );
            continue;
        }
        if !lower.starts_with("http") {
            continue;
        }
        if u.registrable_domain.is_none() && host.parse::<std::net::IpAddr>().is_ok() {
            push(
                out,
                "link.ip_host",
                Severity::Medium,
                25,
                "link to an IP address instead of a name",
                &u.url,
            );
        }
        if is_download(&u.url) {
            push(
                out,
                "link.download",
                Severity::High,
                30,
                "link to an archive, script or executable download",
                &u.url,
            );
        }
        if host.contains("xn--") {
            push(
                out,
                "link.punycode",
                Severity::Medium,
                20,
                "link host in punycode (internationalised name)",
                &u.url,
            );
        }
        let own = |rd: &str| rd == sender;
        let rd = u.registrable_domain.as_deref().unwrap_or(host);
        if own(rd) {
            continue;
        }
        if Lists::host_in(&ctx.lists.file_sharing, host).is_some() {
            push(
                out,
                "link.file_sharing",
                Severity::Low,
                15,
                "link to a file-sharing service",
                &u.url,
            );
        }
        if Lists::host_in(&ctx.lists.shorteners, host).is_some() {
            push(
                out,
                "link.shortener",
                Severity::Low,
                15,
                "link through a URL shortener",
                &u.url,
            );
        }
        if Lists::host_in(&ctx.lists.free_hosting, host).is_some()
            || lower.contains("/ipfs/")
            || lower.contains("docs.google.com/forms/")
        {
            push(
                out,
                "link.free_hosting",
                Severity::Medium,
                25,
                "link to free hosting, a page builder or a form service",
                &u.url,
            );
        }
        if open_redirect(&lower) {
            push(
                out,
                "link.redirect",
                Severity::Low,
                15,
                "link that redirects to another site through a parameter",
                &u.url,
            );
        }
    }
}

/// A query parameter carrying a full URL on another host.
fn open_redirect(lower: &str) -> bool {
    // Google's AMP viewer forwards to any site named in its path.
    if lower.contains("google.") && lower.contains("/amp/s/") {
        return true;
    }
    let Some((_, query)) = lower.split_once('?') else {
        return false;
    };
    const KEYS: &[&str] = &[
        "url=",
        "u=",
        "redirect=",
        "redirect_uri=",
        "redir=",
        "next=",
        "goto=",
        "target=",
        "dest=",
        "destination=",
        "link=",
        "r=",
        "q=",
    ];
    query.split('&').any(|kv| {
        KEYS.iter().any(|k| kv.starts_with(k))
            && kv
                .split_once('=')
                .is_some_and(|(_, v)| v.starts_with("http") || v.starts_with("%2f%2f") || v.starts_with("//"))
    })
}

/// An anchor whose visible text is a URL or domain other than where it goes.
fn text_mismatch(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for l in ctx.rec.links.iter().take(MAX_URLS) {
        let text = l.text.trim().trim_end_matches('/');
        if text.contains(' ') || !text.contains('.') || text.contains('@') {
            continue;
        }
        let shown = text
            .split("://")
            .last()
            .unwrap_or(text)
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or_default();
        let href_host = l
            .href
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['/', '?', '#', ':']).next())
            .unwrap_or_default();
        let (Some(a), Some(b)) = (
            mozu_indicators::registrable_domain(shown),
            mozu_indicators::registrable_domain(href_host),
        ) else {
            continue;
        };
        if a != b {
            out.push(finding(
                "link.text_mismatch",
                Severity::Medium,
                30,
                "link text shows one domain while the link goes to another",
                "links",
                &format!("{text} -> {}", l.href),
            ));
            return;
        }
    }
}

/// A link carrying the recipient's own address (`?email=victim@example.jp`):
/// the landing page greets the victim by address or pre-fills a login form.
fn recipient_in_url(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let recipients: Vec<String> = ctx
        .recipient_addresses()
        .filter(|a| a.len() >= 6 && a.contains('@'))
        .map(str::to_ascii_lowercase)
        .take(20)
        .collect();
    if recipients.is_empty() {
        return;
    }
    for u in ctx.rec.urls.iter().take(MAX_URLS) {
        if u.location == Location::Header || !u.url.starts_with("http") {
            continue;
        }
        let Some((_, query)) = u.url.split_once(['?', '#']) else {
            continue;
        };
        if !query.contains('@') && !query.contains("%40") {
            continue;
        }
        let query = query.to_ascii_lowercase().replace("%40", "@");
        if recipients.iter().any(|r| query.contains(r.as_str())) {
            out.push(finding(
                "link.recipient_in_url",
                Severity::Low,
                15,
                "link carries the recipient's e-mail address (personalised landing page)",
                "urls",
                &u.url,
            ));
            return;
        }
    }
}

/// Words of an unsubscribe link, in the languages of the lure lists.
const UNSUBSCRIBE_WORDS: &[&str] = &[
    "unsubscribe",
    "abmelden",
    "afmelden",
    "uitschrijven",
    "descadastr",
    "desinscri",
    "désinscri",
    "darse de baja",
    "opt out",
    "opt-out",
    "配信停止",
];

/// An unsubscribe link that mails a third party: honest senders unsubscribe
/// on their own domain or their mailing list's (a recipient); throwaway
/// spam domains point at one shared collector address.
fn unsubscribe_elsewhere(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let from = ctx.from_domain.as_deref().unwrap_or_default();
    let recipient_domains: Vec<&str> = ctx
        .rec
        .to
        .iter()
        .chain(&ctx.rec.cc)
        .filter_map(|a| a.registrable_domain.as_deref())
        .collect();
    for l in ctx.rec.links.iter().take(MAX_URLS) {
        let Some(mailbox) = l
            .href
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("mailto:"))
            .and(l.href.get(7..))
        else {
            continue;
        };
        let text = l.text.to_lowercase();
        if !UNSUBSCRIBE_WORDS.iter().any(|w| text.contains(w)) {
            continue;
        }
        let host = mailbox
            .split(['?', '&'])
            .next()
            .unwrap_or_default()
            .rsplit('@')
            .next()
            .unwrap_or_default();
        let Some(rd) = mozu_indicators::registrable_domain(&host.to_ascii_lowercase()) else {
            continue;
        };
        if rd != from && !recipient_domains.contains(&rd.as_str()) {
            out.push(finding(
                "link.unsubscribe_elsewhere",
                Severity::Low,
                10,
                "unsubscribe link mails an address outside the sender's domain",
                "links",
                &format!("{} -> {}", l.text, l.href),
            ));
            return;
        }
    }
}
