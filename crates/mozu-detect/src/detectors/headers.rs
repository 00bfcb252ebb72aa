//! Header anomalies of bulk and hand-made mail: personalisation by the
//! recipient's address instead of a name, hidden recipients, Message-IDs
//! minted on throw-away servers or under domains that do not exist, display
//! names carrying another address, generated-looking sender domains and
//! missing Message-ID or Date. Each is weak alone (ham is personalised by
//! name, sent to visible lists, from named hosts); the scores are modest so
//! that only combinations with other signs reach a verdict.

use mozu_model::{Finding, Severity};

use crate::Context;

/// Body characters searched for a greeting by address; greetings open a mail.
const GREETING_WINDOW: usize = 400;

/// Words that open a greeting, in the languages of the collections.
const GREETINGS: &[&str] = &[
    "hi", "hello", "hallo", "hey", "dear", "olá", "ola", "oi", "bonjour", "hola", "prezado", "prezada", "caro", "cara",
    "cher", "chère", "beste", "hoi", "sr(a)", "estimado", "estimada", "liebe", "lieber", "ciao", "salut", "querido",
    "querida",
];

/// Host names of unnamed cloud, VPS and desktop machines (as seen in
/// Message-IDs minted by scripts running on them).
const GENERIC_HOST_MARKS: &[&str] = &[
    "vultr-guest",
    "vultrguest",
    "members.linode.com",
    "ec2.internal",
    "compute.internal",
    "ubuntu-s-",
    "vps-",
];

/// Suffixes of private names that are no registrable domain by design.
const PRIVATE_SUFFIXES: &[&str] = &[
    ".localdomain",
    ".local",
    ".lan",
    ".internal",
    ".localhost",
    ".home",
    ".domain",
];

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    recipients(ctx, out);
    message_id(ctx, out);
    sender(ctx, out);
    if ctx.rec.date.is_none() {
        out.push(crate::finding(
            "header.missing_date",
            Severity::Low,
            5,
            "no Date header",
            "date",
            "",
        ));
    }
}

/// Mail-merge fields a bulk sender forgot to fill in.
const PLACEHOLDERS: &[&str] = &[
    "[username]",
    "[your-subject]",
    "[name]",
    "[first name]",
    "[firstname]",
    "{username}",
    "{name}",
    "{firstname}",
    "{first_name}",
    "{{",
    "%name%",
    "%firstname%",
    "%email%",
    "[email]",
    "{email}",
];

/// The lower-cased addresses of To and Cc.
fn recipient_addresses(ctx: &Context<'_>) -> Vec<String> {
    ctx.rec
        .to
        .iter()
        .chain(&ctx.rec.cc)
        .filter_map(|a| a.address.as_deref())
        .filter(|a| a.contains('@'))
        .map(str::to_lowercase)
        .collect()
}

fn recipients(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let addrs = recipient_addresses(ctx);
    if addrs.is_empty() {
        out.push(crate::finding(
            "header.no_recipients",
            Severity::Low,
            10,
            "no visible recipient (empty To and Cc, undisclosed recipients)",
            "to",
            "",
        ));
        return;
    }
    let subject = ctx.rec.subject.as_deref().unwrap_or_default().to_lowercase();
    if let Some(p) = PLACEHOLDERS.iter().find(|p| subject.contains(*p)) {
        out.push(crate::finding(
            "header.template_placeholder",
            Severity::Low,
            15,
            "subject holds an unfilled mail-merge placeholder (bulk mail sent carelessly)",
            "subject",
            p,
        ));
    }
    if let Some(a) = addrs.iter().find(|a| subject.contains(a.as_str())) {
        out.push(crate::finding(
            "header.subject_has_recipient",
            Severity::Low,
            15,
            "subject personalised with the recipient's address",
            "subject",
            a,
        ));
        return;
    }
    if let Some(token) = subject
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|t| random_token(t))
    {
        out.push(crate::finding(
            "header.subject_random_token",
            Severity::Low,
            10,
            "subject carries a random letters-and-digits token (per-mail filter evasion)",
            "subject",
            token,
        ));
    }
    let head: String = ctx
        .body
        .chars()
        .take(GREETING_WINDOW)
        .collect::<String>()
        .to_lowercase();
    let head = head.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(a) = addrs.iter().find(|a| greets_by_address(&head, a)) {
        out.push(crate::finding(
            "header.greeting_by_address",
            Severity::Low,
            10,
            "body greets the recipient by address instead of by name",
            "body",
            a,
        ));
    }
}

/// True when `head` opens with `addr` or has a greeting word right before it.
fn greets_by_address(head: &str, addr: &str) -> bool {
    if head
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .starts_with(addr)
    {
        return true;
    }
    head.match_indices(addr).any(|(i, _)| {
        let before = head.get(..i).unwrap_or_default().trim_end_matches([' ', ',', ':', '!']);
        GREETINGS.iter().any(|g| {
            before.ends_with(g)
                && before[..before.len() - g.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

fn message_id(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(mid) = ctx.rec.message_id.as_deref() else {
        out.push(crate::finding(
            "header.missing_message_id",
            Severity::Low,
            10,
            "no Message-ID header",
            "message_id",
            "",
        ));
        return;
    };
    let Some((_, host)) = mid.trim_matches(['<', '>', ' ']).rsplit_once('@') else {
        return;
    };
    let host = host.to_ascii_lowercase();
    let label0 = host.split('.').next().unwrap_or_default();
    let generic = GENERIC_HOST_MARKS.iter().any(|m| host.contains(m))
        || label0.strip_prefix("desktop-").is_some_and(|r| r.len() == 7)
        || label0.strip_prefix("win-").is_some_and(|r| r.len() == 11)
        || label0
            .strip_prefix("admin")
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()));
    if generic {
        out.push(crate::finding(
            "header.msgid_generic_host",
            Severity::Low,
            10,
            "Message-ID minted on an unnamed cloud, VPS or desktop machine",
            "message_id",
            mid,
        ));
        return;
    }
    let dotted = host.contains('.') && !host.ends_with('.');
    let ip_like = host
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'[' || b == b']' || b == b':');
    // Private machine names (`gemini.windmill`) are not registrable either;
    // only malformed names or generated labels under a made-up TLD count.
    let malformed = host
        .split('.')
        .any(|l| l.len() > 63 || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    if dotted
        && !ip_like
        && !PRIVATE_SUFFIXES.iter().any(|s| host.ends_with(s))
        && mozu_indicators::registrable_domain(&host).is_none()
        && (malformed || looks_generated(label0))
    {
        out.push(crate::finding(
            "header.msgid_invalid_domain",
            Severity::Low,
            15,
            "Message-ID under a malformed or generated domain that cannot exist",
            "message_id",
            mid,
        ));
    }
}

fn sender(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(from) = ctx.from_address.as_deref() else {
        return;
    };
    let name = ctx
        .rec
        .from
        .as_ref()
        .and_then(|a| a.name.as_deref())
        .unwrap_or_default();
    if let Some(shown) = address_in(name)
        && !shown.eq_ignore_ascii_case(from)
    {
        out.push(crate::finding(
            "header.display_name_address",
            Severity::Medium,
            20,
            "display name shows an address other than the sender's",
            "from",
            &format!("{name} <{from}>"),
        ));
    }
    let trimmed = name.trim();
    if trimmed.ends_with(',') || trimmed.rsplit_once(" ,").is_some_and(|(_, t)| !t.contains(' ')) {
        out.push(crate::finding(
            "header.display_name_malformed",
            Severity::Low,
            10,
            "display name with a dangling comma (unquoted comma of a mass-mailing kit)",
            "from.name",
            trimmed,
        ));
    }
    if from.ends_with('.') {
        out.push(crate::finding(
            "header.sender_trailing_dot",
            Severity::Low,
            10,
            "sender domain written with a trailing dot (hand-made header)",
            "from.address",
            from,
        ));
    }
    let label = ctx
        .from_domain
        .as_deref()
        .and_then(|d| d.split('.').next())
        .unwrap_or_default();
    if looks_generated(label) {
        out.push(crate::finding(
            "header.sender_domain_generated",
            Severity::Low,
            10,
            "sender domain looks generated (no vowels, digit runs, long consonant runs)",
            "from.address",
            from,
        ));
    }
}

/// An `x@y.z` address inside a display name.
fn address_in(name: &str) -> Option<&str> {
    name.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '"' | '\'' | ',' | ';' | '[' | ']'))
        .find(|w| {
            w.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'))
        })
}

/// A token of ten or more upper-case letters and digits mixing both
/// (`D0TG6TY9KZUDFT9JAX`); `subject` is lower-cased, so the original case is
/// not needed: any ten-plus run of letters and digits with at least two
/// digits and two letters and no vowel-rich word shape.
fn random_token(t: &str) -> bool {
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    let letters = t.bytes().filter(u8::is_ascii_alphabetic).count();
    t.len() >= 10
        && digits >= 2
        && letters >= 2
        && digits + letters == t.len()
        && !t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True for a domain label that no person would pick: few vowels, five or
/// more digits, or six consonants in a row.
pub fn looks_generated(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    let digits = l.chars().filter(char::is_ascii_digit).count();
    let mut run = 0usize;
    let mut max_run = 0usize;
    for c in l.chars() {
        if c.is_ascii_alphabetic() && !"aeiouy".contains(c) {
            run += 1;
            max_run = max_run.max(run);
        } else {
            run = 0;
        }
    }
    // Acronyms (`smbc-card`) are short pieces; only long vowel-poor pieces count.
    let vowel_poor = l.split(['-', '_']).any(|piece| {
        let n = piece.chars().count();
        n >= 8 && piece.chars().filter(|c| "aeiouy".contains(*c)).count() * 5 < n
    });
    vowel_poor || digits >= 5 || max_run >= 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_labels() {
        let cases = [
            ("hhpbqzmyfwgudjr", true),
            ("ncmsdwtds", true),
            ("example", false),
            ("mindspring", false),
        ];
        for (l, want) in cases {
            assert_eq!(looks_generated(l), want, "{l}");
        }
        assert!(!cases.is_empty());
    }

    #[test]
    fn greetings() {
        assert!(greets_by_address("hallo a@b.example, du bist", "a@b.example"));
        assert!(greets_by_address("a@b.example, your mailbox", "a@b.example"));
        assert!(!greets_by_address("to: a@b.example", "a@b.example"));
        assert!(!greets_by_address("this hi-a@b.example", "x@y.example"));
    }
}
