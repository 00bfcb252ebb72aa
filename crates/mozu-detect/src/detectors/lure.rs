//! Lure language: weighted Japanese, English, Portuguese, Spanish, German and
//! French phrase sets (`data/lures.txt`) for urgency, account, payment,
//! document, delivery, prize, scam, security-notice and official lures.
//! Each category counts once, by its heaviest phrase; a phrase in the subject
//! counts double. Two or more categories together add a combination finding.

use std::sync::Arc;

use mozu_model::{Finding, Severity};

use crate::Context;
use crate::context::Zone;

/// Categories whose lures a person writes from a personal freemail box
/// (advance-fee, romance, prize and account scams); businesses with such
/// offers send from their own domains.
const PERSONAL_SCAM_CATEGORIES: &[&str] = &["scam", "crypto", "dating", "prize", "account"];

/// Score one lure category contributes at most.
pub const MAX_CATEGORY_SCORE: i32 = 20;

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut cats: Vec<(Arc<str>, i32, String, &'static str)> = Vec::new();
    let zones = [
        ("subject", Zone::Subject, 2),
        ("body", Zone::Body, 1),
        ("from.name", Zone::FromName, 2),
    ];
    for (zone, which, factor) in zones {
        for (cat, weight, phrase) in &ctx.hits(which).lures {
            let w = (weight * factor).min(MAX_CATEGORY_SCORE);
            match cats.iter_mut().find(|(c, ..)| c == cat) {
                Some(e) if e.1 >= w => {}
                Some(e) => *e = (cat.clone(), w, phrase.clone(), zone),
                None => cats.push((cat.clone(), w, phrase.clone(), zone)),
            }
        }
    }
    let n = cats.len();
    let personal = cats.iter().find(|(c, ..)| PERSONAL_SCAM_CATEGORIES.contains(&&**c));
    let freemail = ctx
        .from_domain
        .as_deref()
        .is_some_and(|d| ctx.lists.freemail.contains(d));
    if let (Some((cat, ..)), true) = (personal, freemail) {
        out.push(crate::finding(
            "lure.freemail_scam",
            Severity::Low,
            10,
            "scam, dating, prize or account lure sent from a freemail address",
            "from.address",
            &format!("{} ({cat})", ctx.from_address.as_deref().unwrap_or_default()),
        ));
    }
    for (cat, score, phrase, zone) in cats {
        out.push(Finding::single(
            format!("lure.{cat}"),
            if score >= 15 { Severity::Medium } else { Severity::Low },
            score,
            format!("{cat} lure language"),
            zone,
            phrase,
        ));
    }
    if n >= 2 {
        out.push(crate::finding(
            "lure.combined",
            Severity::Low,
            10,
            "two or more kinds of lure language together",
            "categories",
            &n.to_string(),
        ));
    }
}
