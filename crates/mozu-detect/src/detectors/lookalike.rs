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
        && let Some((id, why)) = examine(ctx, host, rd)
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
    let mut seen: Vec<&str> = Vec::new();
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
        if let Some((id, why)) = examine(ctx, host, rd) {
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
fn examine(ctx: &Context<'_>, host: &str, rd: &str) -> Option<(&'static str, String)> {
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
    for (brand, org) in &lists.brand_labels {
        let key = &lists.orgs[*org].key;
        if parts.iter().any(|p| p.starts_with(brand.as_str())) && !lists.orgs[*org].domains.iter().any(|d| rd == d) {
            return Some(("brand_in_domain", format!("{host} contains {brand} ({key})")));
        }
        if brand.len() >= 6 && label != brand {
            let limit = if brand.len() >= 9 { 2 } else { 1 };
            if label.len().abs_diff(brand.len()) <= limit && bounded_distance(label, brand, limit) <= limit {
                return Some(("typo", format!("{rd} is a slip away from {brand} ({key})")));
            }
        }
    }
    None
}

/// Levenshtein distance of `a` and `b`, or `limit + 1` once it exceeds `limit`.
fn bounded_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
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
