//! Literals every match of a regex must contain, as index atoms.
//!
//! Prefix literals (`Extractor`) say nothing once a pattern starts with a
//! class or a repetition (`.*\x{fe0f}\x{20e3}` — a Sigma `*` wildcard in an
//! emoji list —, `\w+` + backtick, `\.exe… werfaultsecure\.exe`): such rules
//! were candidates for every event with the field. A required literal is a
//! run of literal characters that sits, in every match, at a fixed place of
//! the pattern: a concatenation requires each of its parts, a repetition with
//! a minimum of one requires its body, an alternation one of its branches.
//! Each such run is a necessary clause of its own; the index keeps all of them.

use regex_syntax::hir::{Hir, HirKind};

use crate::prefilter::{Atom, Clause, Cnf, MIN_NEEDLE_LEN, Target, and, needle, needle_atom, or, present, selective};

/// Most literals one alternation may give before it counts as saying nothing.
const MAX_ALTERNATION_LITERALS: usize = 64;
/// Deepest HIR nesting walked (regex-syntax bounds nesting too).
const MAX_HIR_DEPTH: usize = 64;
/// Most prefix literals taken from one regex before it counts as opaque.
const MAX_REGEX_LITERALS: usize = 64;

/// Required literal sets of `hir`: every match contains one string of each set.
fn required(hir: &Hir, depth: usize) -> Vec<Vec<Vec<u8>>> {
    if depth > MAX_HIR_DEPTH {
        return Vec::new();
    }
    match hir.kind() {
        HirKind::Literal(lit) => vec![vec![lit.0.to_vec()]],
        HirKind::Capture(cap) => required(&cap.sub, depth + 1),
        HirKind::Repetition(rep) if rep.min >= 1 => required(&rep.sub, depth + 1),
        HirKind::Concat(parts) => {
            let mut out = Vec::new();
            let mut run: Vec<u8> = Vec::new();
            for part in parts {
                if let HirKind::Literal(lit) = part.kind() {
                    run.extend_from_slice(&lit.0);
                    continue;
                }
                if !run.is_empty() {
                    out.push(vec![std::mem::take(&mut run)]);
                }
                out.extend(required(part, depth + 1));
            }
            if !run.is_empty() {
                out.push(vec![run]);
            }
            out
        }
        HirKind::Alternation(branches) => {
            let mut union: Vec<Vec<u8>> = Vec::new();
            for branch in branches {
                // A branch's longest-shortest set stands for the branch.
                let Some(best) = required(branch, depth + 1)
                    .into_iter()
                    .max_by_key(|set| set.iter().map(Vec::len).min().unwrap_or(0))
                else {
                    return Vec::new();
                };
                union.extend(best);
                if union.len() > MAX_ALTERNATION_LITERALS {
                    return Vec::new();
                }
            }
            vec![union]
        }
        _ => Vec::new(),
    }
}

/// Whether a character matches only itself under simple case folding (no
/// upper- or lower-case mapping, not alphabetic): `(?i)` cannot widen it.
fn caseless(c: char) -> bool {
    !c.is_alphabetic() && c.to_lowercase().eq([c]) && c.to_uppercase().eq([c])
}

/// The required literals of `pattern`, each set one clause of needle atoms;
/// sets with an unselective member say little and are left out.
fn required_clauses(hir: &Hir, folded_field: Option<&str>, target: &Target<'_>) -> Cnf {
    let mut clauses: Vec<Clause> = Vec::new();
    'sets: for set in required(hir, 0) {
        let mut clause = Clause::with_capacity(set.len());
        for lit in &set {
            let Ok(text) = std::str::from_utf8(lit) else {
                continue 'sets;
            };
            match folded_field {
                // `(?i)` read case-sensitively: ASCII lowered, anything else only if caseless.
                Some(field) => {
                    if !text.chars().all(|c| c.is_ascii() || caseless(c)) || !selective(text) {
                        continue 'sets;
                    }
                    clause.push(Atom::FoldedContains(field.to_owned(), text.to_ascii_lowercase()));
                }
                None => match needle_atom(text, target) {
                    Some(atom) => clause.push(atom),
                    None => continue 'sets,
                },
            }
        }
        if !clause.is_empty() {
            clause.sort();
            clause.dedup();
            clauses.push(clause);
        }
    }
    if clauses.is_empty() { None } else { Some(clauses) }
}

/// Every match of these patterns starts with one of their prefix literals and
/// holds each of their required literals: a CNF of needles, or `None` when a
/// pattern gives nothing.
pub(crate) fn regex_needles(patterns: &[&str], target: &Target<'_>) -> Cnf {
    let mut parts = Vec::with_capacity(patterns.len());
    for pattern in patterns {
        // A leading `(?i)` would make the extractor enumerate case variants until it
        // gives up; read the rest case-sensitively and match its lower-cased
        // literals against lower-cased values instead. Inner flag groups other
        // than `(?:` could switch case sensitivity back: not read that way.
        if let Some(rest) = pattern.strip_prefix("(?i)")
            && !rest.replace("(?:", "").contains("(?")
            && let Target::Field(field) = target
        {
            let hir = regex_syntax::parse(rest).ok()?;
            parts.push(and([
                folded_prefixes(&hir, field),
                required_clauses(&hir, Some(field), target),
            ]));
            continue;
        }
        let hir = regex_syntax::parse(pattern).ok()?;
        parts.push(and([prefixes(&hir, target), required_clauses(&hir, None, target)]));
    }
    if parts.iter().any(Option::is_none) {
        return None;
    }
    or(parts)
}

/// The prefix literals of `hir` as text: `None` when there are none, too
/// many, or one that is not UTF-8.
fn prefix_literals(hir: &Hir) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > MAX_REGEX_LITERALS {
        return None;
    }
    literals
        .iter()
        .map(|lit| std::str::from_utf8(lit.as_bytes()).ok().map(str::to_owned))
        .collect()
}

/// Prefix literals as an OR of needles.
fn prefixes(hir: &Hir, target: &Target<'_>) -> Cnf {
    let literals = prefix_literals(hir)?;
    if literals.iter().any(String::is_empty) {
        return None;
    }
    or(literals.iter().map(|text| needle(text, target)).collect())
}

/// Prefix literals of a case-insensitive pattern (parsed without its `(?i)`), as folded atoms.
fn folded_prefixes(hir: &Hir, field: &str) -> Cnf {
    let literals = prefix_literals(hir)?;
    let mut clause = Vec::with_capacity(literals.len());
    for text in literals {
        if text.len() < MIN_NEEDLE_LEN || !text.is_ascii() {
            return present(field);
        }
        clause.push(Atom::FoldedContains(field.to_owned(), text.to_ascii_lowercase()));
    }
    Some(vec![clause])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clauses(pattern: &str) -> Vec<Clause> {
        regex_needles(&[pattern], &Target::Field("c")).unwrap_or_default()
    }

    fn has(clauses: &[Clause], atom: &Atom) -> bool {
        clauses.iter().any(|c| c == std::slice::from_ref(atom))
    }

    #[test]
    fn required_literals_become_clauses() {
        let folded = |n: &str| Atom::FoldedContains("c".into(), n.into());
        let cases = [
            (r"(?i).*\x{fe0f}\x{20e3}", folded("\u{fe0f}\u{20e3}")),
            (
                r"(?i)\.exe[']?\s+[^x]{0,64}werfaultsecure\.exe",
                folded("werfaultsecure.exe"),
            ),
            (r"\w+`(?:\w+|-|.)`[\w+|\s]", Atom::Contains("c".into(), "`".into())),
            (r"[a-f]{4}\.Temp\\x", Atom::Contains("c".into(), ".temp\\x".into())),
        ];
        for (pattern, atom) in &cases {
            let got = clauses(pattern);
            assert!(has(&got, atom), "{pattern}: {got:?}");
        }
        // A case-insensitive letter outside ASCII could match another case: no clause.
        assert!(!format!("{:?}", clauses(r"(?i).*Ⓜx")).contains('ⓜ'));
        // Optional parts and unselective literals give nothing.
        assert!(clauses(r"\w+(?:abc)?\d").is_empty());
        assert_eq!(cases.len(), 4);
    }
}
