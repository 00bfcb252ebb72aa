//! Compiled detection rules, bucketed by logsource so an event only meets the rules written for it.
//!
//! The caller says which logsources an event belongs to (for Windows logs
//! mozu-hunt derives them from channel and event id); [`Detector::route`]
//! turns that into a list of buckets once, and the caller reuses the route
//! for every event of the same kind.

use std::collections::HashMap;

use rsigma_eval::{CompiledRule, EvaluationResult, compile_rule, evaluate_rule};
use rsigma_parser::LogSource;

use crate::detail::proven_match;
use crate::event::FlatEvent;
use crate::fast::{FastRule, Tri};
use crate::index::CandidateIndex;
use crate::load::{DiagCode, Diagnostic, RuleSet};
use crate::view::EventView;

/// Sigma `level`, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Level {
    /// informational
    Informational,
    /// low
    Low,
    /// medium
    Medium,
    /// high
    High,
    /// critical
    Critical,
}

impl Level {
    /// The Sigma spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    pub(crate) fn from_sigma(level: Option<rsigma_parser::Level>) -> Self {
        use rsigma_parser::Level as L;
        match level {
            Some(L::Critical) => Level::Critical,
            Some(L::High) => Level::High,
            Some(L::Medium) => Level::Medium,
            Some(L::Low) => Level::Low,
            Some(L::Informational) | None => Level::Informational,
        }
    }
}

/// A logsource triple, lower-cased; `None` is a dimension left open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Logsource {
    /// e.g. `windows`
    pub product: Option<String>,
    /// e.g. `process_creation`
    pub category: Option<String>,
    /// e.g. `security`
    pub service: Option<String>,
}

impl Logsource {
    /// Builds a triple from optional parts.
    pub fn new(product: Option<&str>, category: Option<&str>, service: Option<&str>) -> Self {
        let norm = |s: Option<&str>| s.map(str::to_ascii_lowercase);
        Self {
            product: norm(product),
            category: norm(category),
            service: norm(service),
        }
    }

    fn of_rule(ls: &LogSource) -> Self {
        Self::new(ls.product.as_deref(), ls.category.as_deref(), ls.service.as_deref())
    }

    /// Whether a rule written for `self` applies to an event of logsource `event`:
    /// every dimension the rule sets must be equal in the event.
    pub fn admits(&self, event: &Logsource) -> bool {
        let dim = |rule: &Option<String>, ev: &Option<String>| rule.is_none() || rule == ev;
        dim(&self.product, &event.product) && dim(&self.category, &event.category) && dim(&self.service, &event.service)
    }
}

struct Bucket {
    key: Logsource,
    rules: Vec<CompiledRule>,
    fast: Vec<FastRule>,
    index: CandidateIndex,
}

/// The buckets one kind of event is evaluated against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route(Vec<usize>);

impl Route {
    /// Whether no rule can match.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One rule that matched one event.
#[derive(Debug, Clone)]
pub struct Match {
    /// Rule `id` (or its title when the rule has none).
    pub rule_id: String,
    /// Rule `title`.
    pub title: String,
    /// Rule `level`.
    pub level: Level,
    /// Rule `tags`.
    pub tags: Vec<String>,
    /// Fields whose values made the rule match.
    pub matched_fields: Vec<(String, String)>,
    pub(crate) raw: EvaluationResult,
}

impl Match {
    /// Matches as sorted text (rule id and the whole rsigma result in
    /// JSON), so that two evaluations of one event compare in full.
    pub fn canonical(matches: &[Match]) -> Vec<String> {
        let mut v: Vec<String> = matches
            .iter()
            .map(|m| format!("{} {}", m.rule_id, serde_json::to_string(&m.raw).unwrap_or_default()))
            .collect();
        v.sort();
        v
    }

    fn from_result(raw: EvaluationResult) -> Self {
        let matched_fields = raw
            .as_detection()
            .map(|d| {
                d.matched_fields
                    .iter()
                    .map(|f| (f.field.clone(), json_to_string(&f.value)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            rule_id: raw
                .header
                .rule_id
                .clone()
                .unwrap_or_else(|| raw.header.rule_title.clone()),
            title: raw.header.rule_title.clone(),
            level: Level::from_sigma(raw.header.level),
            tags: raw.header.tags.clone(),
            matched_fields,
            raw,
        }
    }
}

fn json_to_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Detection rules compiled into per-logsource engines.
pub struct Detector {
    buckets: Vec<Bucket>,
    rules: usize,
}

impl Detector {
    /// Every compiled rule, bucket by bucket.
    pub(crate) fn compiled_rules(&self) -> impl Iterator<Item = &CompiledRule> {
        self.buckets.iter().flat_map(|b| b.rules.iter())
    }

    /// Compiles every detection rule of `set`; rules that fail are returned as diagnostics (`SIGMA003`).
    ///
    /// Rules compile in parallel. Each bucket keeps a candidate index over the
    /// necessary conditions of its rules and a fast pre-evaluator; rsigma
    /// evaluates only the rules these cannot rule out, and builds every match.
    pub fn build(set: &RuleSet) -> (Self, Vec<Diagnostic>) {
        use rayon::prelude::*;
        let compiled: Vec<_> = set.rules.par_iter().map(|r| compile_rule(&r.rule)).collect();
        let mut diagnostics = Vec::new();
        let mut index: HashMap<Logsource, usize> = HashMap::new();
        let mut batches: Vec<(Logsource, Vec<CompiledRule>)> = Vec::new();
        let mut seen_ids: HashMap<&str, &str> = HashMap::new();
        for (loaded, result) in set.rules.iter().zip(compiled) {
            let compiled = match result {
                Ok(c) => c,
                Err(err) => {
                    diagnostics.push(Diagnostic {
                        code: DiagCode::Compile,
                        path: loaded.origin.path.clone(),
                        line: loaded.origin.line,
                        message: format!("'{}': {err}", loaded.rule.title),
                    });
                    continue;
                }
            };
            let key = Logsource::of_rule(&loaded.rule.logsource);
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                batches.push((key, Vec::new()));
                batches.len() - 1
            });
            if let Some((_, batch)) = batches.get_mut(slot) {
                batch.push(compiled);
            }
            if let Some(id) = loaded.rule.id.as_deref()
                && let Some(first) = seen_ids.insert(id, &loaded.origin.path)
            {
                diagnostics.push(Diagnostic {
                    code: DiagCode::DuplicateId,
                    path: loaded.origin.path.clone(),
                    line: loaded.origin.line,
                    message: format!("id {id} already used by {first}"),
                });
            }
        }
        let rules = batches.iter().map(|(_, b)| b.len()).sum();
        let buckets = batches
            .into_par_iter()
            .map(|(key, rules)| Bucket {
                key,
                index: CandidateIndex::build(&rules),
                fast: rules.iter().map(FastRule::new).collect(),
                rules,
            })
            .collect();
        (Self { buckets, rules }, diagnostics)
    }

    /// Number of compiled detection rules.
    pub fn rule_count(&self) -> usize {
        self.rules
    }

    /// The buckets whose rules apply to an event belonging to any of `sources`.
    pub fn route(&self, sources: &[Logsource]) -> Route {
        let picked = self
            .buckets
            .iter()
            .enumerate()
            .filter(|(_, b)| sources.iter().any(|s| b.key.admits(s)))
            .map(|(i, _)| i)
            .collect();
        Route(picked)
    }

    /// Every bucket: for events with no logsource (mail records, ad-hoc JSON).
    pub fn route_all(&self) -> Route {
        Route((0..self.buckets.len()).collect())
    }

    /// Number of rules a route evaluates.
    pub fn route_rule_count(&self, route: &Route) -> usize {
        route
            .0
            .iter()
            .filter_map(|&i| self.buckets.get(i))
            .map(|b| b.rules.len())
            .sum()
    }

    /// Evaluates the rules of `route` against `event`.
    pub fn evaluate(&self, event: &FlatEvent, route: &Route) -> Vec<Match> {
        let view = EventView::new(event);
        let mut out = Vec::new();
        for bucket in route.0.iter().filter_map(|&i| self.buckets.get(i)) {
            for r in bucket.index.candidates(&view) {
                let r = r as usize;
                let verdict = bucket.fast.get(r).map_or(Tri::Unknown, |f| f.eval(&view));
                let Some(rule) = bucket.rules.get(r) else { continue };
                let result = match verdict {
                    Tri::False => None,
                    Tri::True => proven_match(rule, event, &view),
                    Tri::Unknown => evaluate_rule(rule, event),
                };
                if let Some(m) = result {
                    out.push(Match::from_result(m));
                }
            }
        }
        out
    }

    /// Every rule of `route` evaluated by rsigma alone, without the index or
    /// the pre-evaluator: the reference the differential tests compare
    /// [`Detector::evaluate`] against.
    pub fn evaluate_reference(&self, event: &FlatEvent, route: &Route) -> Vec<Match> {
        route
            .0
            .iter()
            .filter_map(|&i| self.buckets.get(i))
            .flat_map(|b| b.rules.iter().filter_map(|rule| evaluate_rule(rule, event)))
            .map(Match::from_result)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_open_dimensions() {
        let rule = Logsource::new(Some("windows"), Some("process_creation"), None);
        let sysmon1 = Logsource::new(Some("Windows"), Some("process_creation"), None);
        let svc = Logsource::new(Some("windows"), None, Some("sysmon"));
        assert!(rule.admits(&sysmon1));
        assert!(!rule.admits(&svc));
        assert!(Logsource::new(Some("windows"), None, None).admits(&svc));
    }
}
