//! Look-alike domains: a brand's name inside someone else's domain
//! (`mercadopago-login.xyz`), one or two typing slips away from a brand's
//! domain (`rnicrosoft.com`), or an internationalised name whose Latin
//! skeleton is a brand's domain (`xn--pypal-4ve.com`).

use mozu_model::{Finding, Severity};

use crate::text::fold;
use crate::{Context, finding};

/// Distinct link hosts examined at most.
pub const MAX_HOSTS: usize = 64;

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if let (Some(host), Some(rd)) = (ctx.from_host.as_deref(), ctx.from_domain.as_deref())
        && let Some((id, why)) = examine(ctx, host, rd, &mut Vec::new())
    {
        out.push(finding(
            &format!("lookalike.sender_{id}"),
            Severity::High,
            40,
            "sender domain imitates an organisation's domain",
            "from.address",
            &why,
        ));
    }
    padded_name_domain(ctx, out);
    let mut seen: Vec<&str> = Vec::new();
    let mut typos = Vec::new();
    for u in &ctx.rec.urls {
        if seen.len() >= MAX_HOSTS {
            break;
        }
        let (Some(host), Some(rd)) = (u.host.as_deref(), u.registrable_domain.as_deref()) else {
            continue;
        };
        if seen.contains(&host) {
            continue;
        }
        seen.push(host);
        if let Some((id, why)) = examine(ctx, host, rd, &mut typos) {
            out.push(finding(
                &format!("lookalike.link_{id}"),
                Severity::Medium,
                25,
                "link domain imitates an organisation's domain",
                "urls",
                &format!("{why}: {}", u.url),
            ));
            return;
        }
    }
}

/// Why `host` (registrable domain `rd`) imitates a brand: `(kind, detail)`.
/// `typos` remembers the typo look-up per registrable domain: the links of
/// one mail mostly share a few.
fn examine(
    ctx: &Context<'_>,
    host: &str,
    rd: &str,
    typos: &mut Vec<(String, Option<usize>)>,
) -> Option<(&'static str, String)> {
    let lists = ctx.lists;
    if lists.org_by_domain.contains_key(rd) || lists.freemail.contains(rd) {
        return None;
    }
    if host.contains("xn--") {
        let (unicode, _) = idna::domain_to_unicode(host);
        let skeleton = fold(&unicode, 256);
        if let Some(rd2) = mozu_indicators::registrable_domain(&skeleton)
            && lists.org_by_domain.contains_key(&rd2)
        {
            return Some(("homoglyph", format!("{host} reads as {skeleton}")));
        }
    }
    let label = rd.split('.').next().unwrap_or_default();
    // A brand counts when a label, or a hyphen- or digit-separated part of
    // one, starts with it (`paypal-secure.com`, `mercadopagoberssl.xyz`), so
    // that words merely containing it (`enigmail`) do not.
    let parts: Vec<&str> = host
        .split(['.', '-', '_'])
        .flat_map(|l| l.split(|c: char| c.is_ascii_digit()))
        .filter(|p| p.len() >= 5)
        .collect();
    // The first brand in directory order that either a host part starts
    // with or the label is a typing slip of: hash look-ups of each part's
    // prefixes and only brands of a near length, not every brand per host.
    let prefix_hit = parts
        .iter()
        .flat_map(|p| (5..=p.len()).filter_map(move |n| p.get(..n)))
        .filter_map(|prefix| lists.brand_position.get(prefix).copied())
        .filter(|&i| {
            lists
                .brand_labels
                .get(i)
                .and_then(|(_, org)| lists.orgs.get(*org))
                .is_some_and(|o| !o.domains.iter().any(|d| rd == d))
        })
        .min();
    let typo_hit = match typos.iter().find(|(d, _)| d == rd) {
        Some((_, hit)) => *hit,
        None => {
            let hit = typo_brand(lists, label);
            typos.push((rd.to_string(), hit));
            hit
        }
    };
    let (i, kind) = match (prefix_hit, typo_hit) {
        (Some(p), Some(t)) if t < p => (t, "typo"),
        (Some(p), _) => (p, "brand_in_domain"),
        (None, Some(t)) => (t, "typo"),
        (None, None) => return None,
    };
    let (brand, org) = lists.brand_labels.get(i)?;
    let key = &lists.orgs.get(*org)?.key;
    Some(match kind {
        "typo" => ("typo", format!("{rd} is a slip away from {brand} ({key})")),
        _ => ("brand_in_domain", format!("{host} contains {brand} ({key})")),
    })
}

/// The first brand (position in `brand_labels`) that `label` is one or two
/// typing slips away from.
fn typo_brand(lists: &crate::Lists, label: &str) -> Option<usize> {
    let mask = char_mask(label);
    (label.len().saturating_sub(2)..=label.len() + 2)
        .filter_map(|n| lists.brands_by_len.get(n))
        .flatten()
        .filter(|&&(i, brand_mask)| {
            let Some((brand, _)) = lists.brand_labels.get(i) else {
                return false;
            };
            let limit = if brand.len() >= 9 { 2 } else { 1 };
            // Each edit adds or removes at most two characters from the
            // set of characters present: a cheap necessary condition.
            brand.len() >= 6
                && (mask ^ brand_mask).count_ones() as usize <= 2 * limit
                && label != brand
                && label.len().abs_diff(brand.len()) <= limit
                && bounded_distance(label, brand, limit) <= limit
        })
        .map(|&(i, _)| i)
        .min()
}

/// The set of characters present in `label`, one bit per ASCII letter or
/// digit, one for `-` and one for anything else.
pub(crate) fn char_mask(label: &str) -> u64 {
    label.bytes().fold(0u64, |m, b| {
        let bit = match b {
            b'a'..=b'z' => b - b'a',
            b'A'..=b'Z' => b - b'A',
            b'0'..=b'9' => 26 + b - b'0',
            b'-' => 36,
            _ => 37,
        };
        m | (1 << bit)
    })
}

/// Longest label compared by edit distance; longer ones are no typo of a
/// brand label.
const MAX_DISTANCE_LEN: usize = 64;

/// Levenshtein distance of `a` and `b` (bytes: registrable labels are ASCII
/// or punycode), or `limit + 1` once it exceeds `limit`. Two rows on the
/// stack: it runs for every link host against every brand label.
fn bounded_distance(a: &str, b: &str, limit: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > MAX_DISTANCE_LEN || b.len() > MAX_DISTANCE_LEN || a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev = [0usize; MAX_DISTANCE_LEN + 1];
    let mut cur = [0usize; MAX_DISTANCE_LEN + 1];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Endings honest companies add to their name in a domain.
const HONEST_SUFFIXES: &[&str] = &[
    "mail", "news", "shop", "app", "apps", "hq", "inc", "usa", "us", "uk", "jp", "de", "eu", "co", "corp", "team",
    "info", "web", "net", "online", "store", "group", "tv", "pay", "go", "my", "get", "club", "ltd", "llc", "plc",
    "labs", "lab", "tech", "io", "ai", "bank", "care", "life", "home", "mx", "br", "es", "fr", "nl", "it", "au", "ca",
    "in", "kr", "cn", "ch", "at", "se", "no", "dk", "fi", "pl", "be", "pt", "ie", "nz", "za", "sg", "hk", "tw", "ru",
    "ua", "cz", "hu", "ro", "gr", "tr", "il", "ar", "cl", "pe", "id", "ph", "vn", "th", "my", "sa", "ae", "es", "gmbh",
    "ag", "sa", "bv", "nv", "ab", "as", "oy", "kk", "jobs", "hr", "pr", "now", "hub", "one", "pro", "sys",
];

/// The sender's domain is its display name plus a few letters
/// (`Omaha Steaks <info@omahasteaksuqo.com>`): throwaway domains made to
/// read like the brand at a glance.
fn padded_name_domain(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(rd) = ctx.from_domain.as_deref() else { return };
    let label: String = rd
        .split('.')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let name: String = ctx.from_name.chars().filter(char::is_ascii_alphanumeric).collect();
    if name.len() < 5 || name.len() > 40 {
        return;
    }
    let Some(suffix) = label.strip_prefix(name.as_str()) else {
        return;
    };
    if (2..=4).contains(&suffix.len())
        && suffix.bytes().all(|b| b.is_ascii_lowercase())
        && !HONEST_SUFFIXES.contains(&suffix)
    {
        out.push(finding(
            "lookalike.sender_name_padded",
            Severity::Medium,
            25,
            "sender domain is the display name plus a few random letters",
            "from",
            &format!(
                "{} <{}>",
                ctx.from_name,
                ctx.from_address.as_deref().unwrap_or_default()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::bounded_distance;

    #[test]
    fn distance() {
        assert_eq!(bounded_distance("rnicrosoft", "microsoft", 2), 2);
        assert_eq!(bounded_distance("paypa1", "paypal", 1), 1);
        assert_eq!(bounded_distance("example", "microsoft", 2), 3);
    }
}
