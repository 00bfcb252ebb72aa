//! Necessary conditions of a compiled rule, as a conjunction of clauses.
//!
//! rsigma's own candidate index gates each rule on *one* necessary condition,
//! which on SigmaHQ's process-creation rules lets ~45 rules through per event
//! for ~1.6 that match. Here every conjunct a rule requires is kept (CNF: an
//! AND of clauses, each an OR of atoms), so a rule is evaluated only when all
//! of them hold. The analysis is sound by construction: whatever it cannot
//! prove necessary (negations, null and absence tests, array scopes,
//! non-ASCII needles) it leaves open, never guessed.

use rsigma_eval::matcher::GroupMode;
use rsigma_eval::{CompiledDetection, CompiledMatcher, CompiledRule};
use rsigma_parser::ast::{ConditionExpr, Quantifier};

/// Most clauses an OR may distribute into before it is summarised.
const MAX_DISTRIBUTED_CLAUSES: usize = 8;
/// Shorter needles (`-`, `/c`) occur in most values: scanning for them costs
/// more than the rules they would rule out, so they count as field presence.
pub(crate) const MIN_NEEDLE_LEN: usize = 3;

/// Whether a lower-cased needle is worth an automaton entry. One non-ASCII
/// character (a Cyrillic look-alike, `©`, two bytes) is rare in Windows
/// values, unlike one or two ASCII bytes: homoglyph and Unicode-obfuscation
/// rules list such single characters, and as presence atoms they made every
/// process-creation event a candidate for them. Likewise the escape and
/// obfuscation marks of cmd and PowerShell (`^`, backtick, `${`, `&&`) are
/// rare in values although short.
pub(crate) fn selective(needle: &str) -> bool {
    const RARE: &[u8] = b"`^{}|$%;!&<>@#*+?";
    let rare = |b: &u8| RARE.contains(b);
    match needle.as_bytes() {
        [b'`' | b'^'] => true,
        [a, b] if a.is_ascii_punctuation() && b.is_ascii_punctuation() => rare(a) || rare(b),
        _ => needle.len() >= MIN_NEEDLE_LEN || !needle.is_ascii(),
    }
}
/// Most atoms one clause keeps; a wider OR is as good as no filter.
const MAX_CLAUSE_ATOMS: usize = 4096;

/// A condition on one event that a rule's match requires (inside a clause: one of several).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Atom {
    /// The field is present.
    Present(String),
    /// A value of the field, lower-cased, contains the needle (lower-cased).
    Contains(String, String),
    /// Like `Contains`, for an ASCII needle from a case-insensitive regex: the
    /// regex's simple case folding also lets `ſ` (U+017F) stand for `s`, which
    /// lower-casing keeps, so a non-ASCII value always satisfies it.
    FoldedContains(String, String),
    /// A value of the field, lower-cased, equals the text (lower-cased).
    Equals(String, String),
    /// A value of the field parses to exactly this number (bits of an f64 with |n| ≥ 1).
    Number(String, u64),
    /// Some value of the event, lower-cased, contains the needle.
    Keyword(String),
}

/// An OR of atoms.
pub(crate) type Clause = Vec<Atom>;

/// `None`: nothing is known (always evaluate). `Some(clauses)`: all clauses must hold.
pub(crate) type Cnf = Option<Vec<Clause>>;

pub(crate) fn and(parts: impl IntoIterator<Item = Cnf>) -> Cnf {
    let mut out = Vec::new();
    for p in parts.into_iter().flatten() {
        out.extend(p);
    }
    if out.is_empty() { None } else { Some(out) }
}

pub(crate) fn or(parts: Vec<Cnf>) -> Cnf {
    let parts: Vec<Vec<Clause>> = parts.into_iter().collect::<Option<_>>()?;
    let product: usize = parts.iter().map(Vec::len).try_fold(1usize, |a, n| a.checked_mul(n))?;
    let clauses = if parts.iter().all(|p| p.len() == 1) {
        // The common case (a list of values): one clause, all atoms OR-ed.
        vec![parts.into_iter().flatten().flatten().collect()]
    } else if product <= MAX_DISTRIBUTED_CLAUSES {
        // (a1 ∧ a2) ∨ (b1) = (a1 ∨ b1) ∧ (a2 ∨ b1).
        let mut acc: Vec<Clause> = vec![Vec::new()];
        for p in &parts {
            acc = acc
                .iter()
                .flat_map(|c| p.iter().map(move |d| c.iter().chain(d).cloned().collect()))
                .collect();
        }
        acc
    } else {
        // One clause per side is still necessary: OR the most selective of each.
        vec![parts.iter().filter_map(|p| best_clause(p).cloned()).flatten().collect()]
    };
    let clauses: Vec<Clause> = clauses
        .into_iter()
        .map(|mut c| {
            c.sort();
            c.dedup();
            c
        })
        .filter(|c| c.len() <= MAX_CLAUSE_ATOMS)
        .collect();
    if clauses.is_empty() { None } else { Some(clauses) }
}

/// How weak a clause is as a filter (lower is more selective).
pub(crate) fn weakness(clause: &Clause) -> (bool, usize, usize) {
    let presence = clause.iter().any(|a| matches!(a, Atom::Present(_)));
    let shortest = clause
        .iter()
        .map(|a| match a {
            Atom::Contains(_, n) | Atom::FoldedContains(_, n) | Atom::Keyword(n) => n.len(),
            // An equality is worth a needle twice its length: a short one
            // (`IntegrityLevel: High`) holds on most events of its logsource.
            Atom::Equals(_, v) => v.len().saturating_mul(2),
            Atom::Number(..) => usize::MAX / 2,
            Atom::Present(_) => 0,
        })
        .min()
        .unwrap_or(0);
    (presence, usize::MAX - shortest, clause.len())
}

/// The most selective clause of a conjunction.
pub(crate) fn best_clause(clauses: &[Clause]) -> Option<&Clause> {
    clauses.iter().min_by_key(|c| weakness(c))
}

/// Necessary conditions of `rule`: it can match only if every clause has a true atom.
pub(crate) fn analyse(rule: &CompiledRule) -> Cnf {
    let per_condition: Vec<Cnf> = rule.conditions.iter().map(|c| condition(rule, c)).collect();
    if per_condition.is_empty() {
        return None;
    }
    or(per_condition)
}

fn condition(rule: &CompiledRule, expr: &ConditionExpr) -> Cnf {
    // Conditions are parsed from rule text and shallow; a depth guard still bounds the walk.
    condition_at(rule, expr, 0)
}

fn condition_at(rule: &CompiledRule, expr: &ConditionExpr, depth: usize) -> Cnf {
    if depth > 64 {
        return None;
    }
    match expr {
        ConditionExpr::And(xs) => and(xs.iter().map(|x| condition_at(rule, x, depth + 1))),
        ConditionExpr::Or(xs) => or(xs.iter().map(|x| condition_at(rule, x, depth + 1)).collect()),
        ConditionExpr::Not(_) => None,
        ConditionExpr::Identifier(name) => rule.detections.get(name).and_then(|d| detection(d, 0)),
        ConditionExpr::Selector { quantifier, pattern } => {
            let mut names: Vec<&String> = rule
                .detections
                .keys()
                .filter(|n| pattern.matches_detection_name(n))
                .collect();
            names.sort();
            let parts = names
                .iter()
                .filter_map(|n| rule.detections.get(*n))
                .map(|d| detection(d, 0));
            match quantifier {
                Quantifier::All => and(parts),
                Quantifier::Any | Quantifier::Count(1..) => or(parts.collect()),
                Quantifier::Count(0) => None,
            }
        }
    }
}

fn detection(d: &CompiledDetection, depth: usize) -> Cnf {
    if depth > 64 {
        return None;
    }
    match d {
        CompiledDetection::AllOf(items) => and(items.iter().map(|i| match (&i.field, i.exists) {
            (Some(field), Some(true)) => present(field),
            (_, Some(false)) => None,
            (Some(field), None) => matcher(&i.matcher, &Target::Field(field), 0),
            (None, None) => matcher(&i.matcher, &Target::Keyword, 0),
            (None, Some(true)) => None,
        })),
        CompiledDetection::AnyOf(ds) => or(ds.iter().map(|x| detection(x, depth + 1)).collect()),
        CompiledDetection::Keywords(m) => matcher(m, &Target::Keyword, 0),
        CompiledDetection::And(ds) => and(ds.iter().map(|x| detection(x, depth + 1))),
        CompiledDetection::ArrayMatch { .. } | CompiledDetection::Conditional { .. } => None,
    }
}

pub(crate) enum Target<'a> {
    Field(&'a str),
    Keyword,
}

pub(crate) fn present(field: &str) -> Cnf {
    Some(vec![vec![Atom::Present(field.to_owned())]])
}

/// `value` lower-cased, if containment survives lower-casing: a needle with
/// upper-case letters outside ASCII (`Σ` lowers by context) is not used.
fn lowered(value: &str) -> Option<String> {
    let lowered = value.to_lowercase();
    (value.is_ascii() || lowered == value).then_some(lowered)
}

/// The atom "contains `value`", if it is selective and survives lower-casing.
pub(crate) fn needle_atom(value: &str, target: &Target<'_>) -> Option<Atom> {
    let lowered = lowered(value).filter(|l| selective(l))?;
    Some(match target {
        Target::Field(f) => Atom::Contains((*f).to_owned(), lowered),
        Target::Keyword => Atom::Keyword(lowered),
    })
}

/// A needle atom; needles that are short or cannot be lower-cased safely fall back to presence (or nothing).
pub(crate) fn needle(value: &str, target: &Target<'_>) -> Cnf {
    match (needle_atom(value, target), target) {
        (Some(atom), _) => Some(vec![vec![atom]]),
        (None, Target::Field(f)) => present(f),
        (None, Target::Keyword) => None,
    }
}

fn matcher(m: &CompiledMatcher, target: &Target<'_>, depth: usize) -> Cnf {
    if depth > 64 {
        return None;
    }
    let opaque = || match target {
        Target::Field(f) => present(f),
        Target::Keyword => None,
    };
    match m {
        CompiledMatcher::Exact { value, .. } => match (target, lowered(value)) {
            (Target::Field(f), Some(l)) => Some(vec![vec![Atom::Equals((*f).to_owned(), l)]]),
            _ => needle(value, target),
        },
        // rsigma tests |v - n| < EPSILON; for |n| ≥ 1 only v == n passes, so the exact value is necessary.
        CompiledMatcher::NumericEq(n) if n.abs() >= 1.0 && n.is_finite() => match target {
            Target::Field(f) => Some(vec![vec![Atom::Number((*f).to_owned(), n.to_bits())]]),
            Target::Keyword => None,
        },
        CompiledMatcher::Regex(re) => crate::literals::regex_needles(&[re.as_str()], target).or_else(opaque),
        CompiledMatcher::RegexSetMatch {
            set,
            mode: GroupMode::Any,
        } => {
            let patterns: Vec<&str> = set.patterns().iter().map(String::as_str).collect();
            crate::literals::regex_needles(&patterns, target).or_else(opaque)
        }
        CompiledMatcher::Contains { value, .. }
        | CompiledMatcher::StartsWith { value, .. }
        | CompiledMatcher::EndsWith { value, .. } => needle(value, target),
        CompiledMatcher::AhoCorasickSet { needles, .. } => or(needles.iter().map(|n| needle(n, target)).collect()),
        CompiledMatcher::AnyOf(ms) => or(ms.iter().map(|x| matcher(x, target, depth + 1)).collect()),
        CompiledMatcher::AllOf(ms) => and(ms.iter().map(|x| matcher(x, target, depth + 1))),
        CompiledMatcher::CaseInsensitiveGroup { children, mode } => {
            if matches!(mode, GroupMode::All) {
                and(children.iter().map(|x| matcher(x, target, depth + 1)))
            } else {
                or(children.iter().map(|x| matcher(x, target, depth + 1)).collect())
            }
        }
        CompiledMatcher::RegexSetMatch { .. }
        | CompiledMatcher::Cidr(_)
        | CompiledMatcher::NumericEq(_)
        | CompiledMatcher::NumericGt(_)
        | CompiledMatcher::NumericGte(_)
        | CompiledMatcher::NumericLt(_)
        | CompiledMatcher::NumericLte(_)
        | CompiledMatcher::BoolEq(_)
        | CompiledMatcher::Expand { .. }
        | CompiledMatcher::TimestampPart { .. }
        | CompiledMatcher::FieldRef { .. }
        | CompiledMatcher::Exists(true) => opaque(),
        _ => None,
    }
}
