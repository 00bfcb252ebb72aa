//! A fast, three-valued pre-evaluation of rsigma's compiled rules.
//!
//! For each candidate rule this decides *false* (skip), *true* or *unknown*
//! (evaluate with rsigma, which stays the authority for every match and its
//! result). It walks rsigma's own compiled matchers with rsigma's semantics
//! (`matching.rs`: Unicode `to_lowercase` for case-insensitive strings, any
//! element of a multi-valued field, `Null` only on absent fields …) but reads
//! pre-lowered values from the [`EventView`], resolves detection names and
//! selectors once at build time, and allocates nothing per rule. Matchers it
//! does not model (CIDR, field references, expansions, timestamps, array
//! scopes) are *unknown*, never guessed, so a wrong *false* can only come
//! from a modelling error, which the differential test against rsigma
//! guards.

use rsigma_eval::matcher::GroupMode;
use rsigma_eval::{CompiledDetection, CompiledDetectionItem, CompiledMatcher, CompiledRule};
use rsigma_ir::IrStrOp;
use rsigma_parser::ast::{ConditionExpr, Quantifier};

use crate::view::EventView;

/// Kleene truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    False,
    True,
    Unknown,
}

impl Tri {
    fn of(b: bool) -> Self {
        if b { Tri::True } else { Tri::False }
    }
    fn not(self) -> Self {
        match self {
            Tri::False => Tri::True,
            Tri::True => Tri::False,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// OR that stops at the first true.
fn any<T>(items: impl IntoIterator<Item = T>, mut f: impl FnMut(T) -> Tri) -> Tri {
    let mut out = Tri::False;
    for x in items {
        match f(x) {
            Tri::True => return Tri::True,
            Tri::Unknown => out = Tri::Unknown,
            Tri::False => {}
        }
    }
    out
}

/// AND that stops at the first false.
fn all<T>(items: impl IntoIterator<Item = T>, mut f: impl FnMut(T) -> Tri) -> Tri {
    let mut out = Tri::True;
    for x in items {
        match f(x) {
            Tri::False => return Tri::False,
            Tri::Unknown => out = Tri::Unknown,
            Tri::True => {}
        }
    }
    out
}

enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Det(usize),
    Missing,
    /// Too deep to model: never skipped.
    Unknown,
    Select {
        quantifier: Quantifier,
        dets: Vec<usize>,
    },
}

/// A rule prepared for pre-evaluation: detections in a vector, conditions resolved to indices.
pub(crate) struct FastRule {
    detections: Vec<CompiledDetection>,
    conditions: Vec<Cond>,
}

impl FastRule {
    pub(crate) fn new(rule: &CompiledRule) -> Self {
        let mut names: Vec<&String> = rule.detections.keys().collect();
        names.sort();
        let detections = names.iter().filter_map(|n| rule.detections.get(*n)).cloned().collect();
        let conditions = rule.conditions.iter().map(|c| resolve(c, &names, 0)).collect();
        Self { detections, conditions }
    }

    /// Whether the rule can match the event.
    pub(crate) fn eval(&self, view: &EventView<'_>) -> Tri {
        any(&self.conditions, |c| self.cond(c, view))
    }

    fn cond(&self, c: &Cond, view: &EventView<'_>) -> Tri {
        match c {
            Cond::And(xs) => all(xs, |x| self.cond(x, view)),
            Cond::Or(xs) => any(xs, |x| self.cond(x, view)),
            Cond::Not(x) => self.cond(x, view).not(),
            Cond::Det(i) => self.detections.get(*i).map_or(Tri::False, |d| detection(d, view, 0)),
            Cond::Missing => Tri::False,
            Cond::Unknown => Tri::Unknown,
            Cond::Select { quantifier, dets } => {
                let each = dets.iter().filter_map(|i| self.detections.get(*i));
                match quantifier {
                    Quantifier::Any => any(each, |d| detection(d, view, 0)),
                    Quantifier::All => all(each, |d| detection(d, view, 0)),
                    Quantifier::Count(0) => Tri::True,
                    Quantifier::Count(n) => {
                        let (mut yes, mut maybe) = (0u64, 0u64);
                        for d in each {
                            match detection(d, view, 0) {
                                Tri::True => yes += 1,
                                Tri::Unknown => maybe += 1,
                                Tri::False => {}
                            }
                        }
                        if yes >= *n {
                            Tri::True
                        } else if yes + maybe >= *n {
                            Tri::Unknown
                        } else {
                            Tri::False
                        }
                    }
                }
            }
        }
    }
}

fn resolve(c: &ConditionExpr, names: &[&String], depth: usize) -> Cond {
    if depth > 64 {
        return Cond::Unknown;
    }
    match c {
        ConditionExpr::And(xs) => Cond::And(xs.iter().map(|x| resolve(x, names, depth + 1)).collect()),
        ConditionExpr::Or(xs) => Cond::Or(xs.iter().map(|x| resolve(x, names, depth + 1)).collect()),
        ConditionExpr::Not(x) => Cond::Not(Box::new(resolve(x, names, depth + 1))),
        ConditionExpr::Identifier(name) => names.iter().position(|n| *n == name).map_or(Cond::Missing, Cond::Det),
        ConditionExpr::Selector { quantifier, pattern } => Cond::Select {
            quantifier: quantifier.clone(),
            dets: (0..names.len())
                .filter(|&i| names.get(i).is_some_and(|n| pattern.matches_detection_name(n)))
                .collect(),
        },
    }
}

/// Whether detection `d` holds on the event (rsigma's `eval_detection`).
pub(crate) fn detection_holds(d: &CompiledDetection, view: &EventView<'_>) -> Tri {
    detection(d, view, 0)
}

/// rsigma's `matcher.matches(value)` on a field present at pairs `at`.
pub(crate) fn field_holds(m: &CompiledMatcher, view: &EventView<'_>, at: &[usize]) -> Tri {
    matcher(m, view, at, 0)
}

fn detection(d: &CompiledDetection, view: &EventView<'_>, depth: usize) -> Tri {
    if depth > 64 {
        return Tri::Unknown;
    }
    match d {
        CompiledDetection::AllOf(items) => all(items, |i| item(i, view)),
        CompiledDetection::AnyOf(ds) => any(ds, |x| detection(x, view, depth + 1)),
        CompiledDetection::Keywords(m) => keyword(m, view),
        CompiledDetection::And(ds) => all(ds, |x| detection(x, view, depth + 1)),
        CompiledDetection::ArrayMatch { .. } | CompiledDetection::Conditional { .. } => Tri::Unknown,
    }
}

fn keyword(m: &CompiledMatcher, view: &EventView<'_>) -> Tri {
    any(0..view.len(), |i| matcher(m, view, std::slice::from_ref(&i), 0))
}

fn item(it: &CompiledDetectionItem, view: &EventView<'_>) -> Tri {
    if let Some(expect) = it.exists {
        return match &it.field {
            Some(f) => Tri::of(view.positions(f).next().is_some() == expect),
            None => Tri::of(!expect),
        };
    }
    match &it.field {
        Some(f) => {
            let mut at = [0usize; 8];
            let mut n = 0;
            let mut more = Vec::new();
            for i in view.positions(f) {
                if let Some(slot) = at.get_mut(n) {
                    *slot = i;
                } else {
                    more.push(i);
                }
                n += 1;
            }
            if n == 0 {
                return Tri::of(matches!(it.matcher, CompiledMatcher::Null));
            }
            if more.is_empty() {
                matcher(&it.matcher, view, at.get(..n).unwrap_or(&[]), 0)
            } else {
                let mut all_at: Vec<usize> = at.to_vec();
                all_at.extend(more);
                matcher(&it.matcher, view, &all_at, 0)
            }
        }
        None => keyword(&it.matcher, view),
    }
}

/// rsigma's `matches` over a (possibly multi-valued) field: `at` are its pairs.
fn matcher(m: &CompiledMatcher, view: &EventView<'_>, at: &[usize], depth: usize) -> Tri {
    if depth > 64 {
        return Tri::Unknown;
    }
    let strs = |pred: &dyn Fn(&str, &str) -> bool| Tri::of(at.iter().any(|&i| pred(view.value(i), view.lowered(i))));
    // The lowered value for case-insensitive matchers, whose needles rsigma stores lowered.
    let text =
        |case_insensitive: bool, test: &dyn Fn(&str) -> bool| strs(&|s, l| test(if case_insensitive { l } else { s }));
    match m {
        CompiledMatcher::Exact {
            value,
            case_insensitive,
        } => text(*case_insensitive, &|h| h == value),
        CompiledMatcher::Contains {
            value,
            case_insensitive,
        } => text(*case_insensitive, &|h| h.contains(value.as_str())),
        CompiledMatcher::StartsWith {
            value,
            case_insensitive,
        } => text(*case_insensitive, &|h| h.starts_with(value.as_str())),
        CompiledMatcher::EndsWith {
            value,
            case_insensitive,
        } => text(*case_insensitive, &|h| h.ends_with(value.as_str())),
        CompiledMatcher::Regex(re) => strs(&|s, _| re.is_match(s)),
        CompiledMatcher::AhoCorasickSet {
            automaton,
            case_insensitive,
            ..
        } => text(*case_insensitive, &|h| automaton.is_match(h)),
        CompiledMatcher::RegexSetMatch { set, mode } => strs(&|s, _| match mode {
            GroupMode::Any => set.is_match(s),
            GroupMode::All => set.matches(s).iter().count() == set.len(),
        }),
        CompiledMatcher::NumericEq(n) => numeric(view, at, |v| (v - n).abs() < f64::EPSILON),
        CompiledMatcher::NumericGt(n) => numeric(view, at, |v| v > *n),
        CompiledMatcher::NumericGte(n) => numeric(view, at, |v| v >= *n),
        CompiledMatcher::NumericLt(n) => numeric(view, at, |v| v < *n),
        CompiledMatcher::NumericLte(n) => numeric(view, at, |v| v <= *n),
        // Values of a flattened event are never null.
        CompiledMatcher::Exists(expect) => Tri::of(*expect),
        CompiledMatcher::Null => Tri::False,
        CompiledMatcher::Not(inner) => matcher(inner, view, at, depth + 1).not(),
        CompiledMatcher::AnyOf(ms) => any(ms, |x| matcher(x, view, at, depth + 1)),
        CompiledMatcher::AllOf(ms) => all(ms, |x| matcher(x, view, at, depth + 1)),
        CompiledMatcher::FieldRef {
            field,
            op: IrStrOp::Exact,
            case_insensitive,
        } => {
            // Single values on both sides only; rsigma compares arrays as wholes.
            let mut refs = view.positions(field);
            match (refs.next(), refs.next(), at) {
                (None, _, _) => Tri::False,
                (Some(r), None, [i]) => Tri::of(if *case_insensitive {
                    view.lowered(*i) == view.lowered(r)
                } else {
                    view.value(*i) == view.value(r)
                }),
                _ => Tri::Unknown,
            }
        }
        CompiledMatcher::CaseInsensitiveGroup { children, mode } => any(at, |&i| {
            let lowered = view.lowered(i);
            match mode {
                GroupMode::Any => any(children, |c| pre_lowered(c, lowered, depth + 1)),
                GroupMode::All => all(children, |c| pre_lowered(c, lowered, depth + 1)),
            }
        }),
        _ => Tri::Unknown,
    }
}

fn numeric(view: &EventView<'_>, at: &[usize], pred: impl Fn(f64) -> bool) -> Tri {
    Tri::of(at.iter().any(|&i| view.value(i).parse::<f64>().is_ok_and(&pred)))
}

/// rsigma's `matches_pre_lowered`.
fn pre_lowered(m: &CompiledMatcher, l: &str, depth: usize) -> Tri {
    if depth > 64 {
        return Tri::Unknown;
    }
    match m {
        CompiledMatcher::Contains {
            value,
            case_insensitive: true,
        } => Tri::of(l.contains(value.as_str())),
        CompiledMatcher::StartsWith {
            value,
            case_insensitive: true,
        } => Tri::of(l.starts_with(value.as_str())),
        CompiledMatcher::EndsWith {
            value,
            case_insensitive: true,
        } => Tri::of(l.ends_with(value.as_str())),
        CompiledMatcher::Exact {
            value,
            case_insensitive: true,
        } => Tri::of(l == value),
        CompiledMatcher::Regex(re) => Tri::of(re.is_match(l)),
        CompiledMatcher::AhoCorasickSet {
            automaton,
            case_insensitive: true,
            ..
        } => Tri::of(automaton.is_match(l)),
        CompiledMatcher::RegexSetMatch { set, mode } => Tri::of(match mode {
            GroupMode::Any => set.is_match(l),
            GroupMode::All => set.matches(l).iter().count() == set.len(),
        }),
        CompiledMatcher::Not(inner) => pre_lowered(inner, l, depth + 1).not(),
        CompiledMatcher::AnyOf(ms) => any(ms, |x| pre_lowered(x, l, depth + 1)),
        CompiledMatcher::AllOf(ms) => all(ms, |x| pre_lowered(x, l, depth + 1)),
        CompiledMatcher::CaseInsensitiveGroup { children, mode } => match mode {
            GroupMode::Any => any(children, |x| pre_lowered(x, l, depth + 1)),
            GroupMode::All => all(children, |x| pre_lowered(x, l, depth + 1)),
        },
        _ => Tri::Unknown,
    }
}
