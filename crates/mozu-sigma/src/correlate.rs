//! Correlation rules (event_count, value_count, temporal, temporal_ordered) over detections.
//!
//! The correlator never evaluates detection rules itself: the caller runs the
//! routed [`crate::Detector`] and feeds the matches here, in time order, so
//! one correlation store serves every logsource bucket.

use std::collections::HashSet;

use rsigma_eval::{CorrelationConfig, CorrelationEngine, EvaluationResult};

use crate::detector::{Level, Match};
use crate::event::FlatEvent;
use crate::load::{DiagCode, Diagnostic, RuleSet};

/// Most correlation state entries kept (groups × windows); the oldest are evicted beyond it.
pub const MAX_CORRELATION_STATE: usize = 100_000;

/// A correlation rule that fired.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationHit {
    /// Correlation rule `id` (or title).
    pub rule_id: String,
    /// Correlation rule `title`.
    pub title: String,
    /// Correlation rule `level`.
    pub level: Level,
    /// Correlation rule `tags`.
    pub tags: Vec<String>,
    /// `event_count`, `value_count`, `temporal`, …
    pub kind: String,
    /// Group-by fields and their values.
    pub group: Vec<(String, String)>,
    /// The count (or other aggregate) that met the condition.
    pub value: f64,
    /// Window length in seconds.
    pub timespan_secs: u64,
}

/// Stateful correlation over detection matches.
pub struct Correlator {
    engine: CorrelationEngine,
    correlation_only: HashSet<String>,
    count: usize,
}

impl Correlator {
    /// Compiles the correlation rules of `set` with the detection rules they reference.
    pub fn build(set: &RuleSet) -> (Self, Vec<Diagnostic>) {
        let config = CorrelationConfig {
            max_state_entries: MAX_CORRELATION_STATE,
            ..CorrelationConfig::default()
        };
        let mut engine = CorrelationEngine::new(config);
        let mut diagnostics = Vec::new();
        let mut referenced: HashSet<&str> = HashSet::new();
        let mut silent_refs: HashSet<&str> = HashSet::new();
        for c in &set.correlations {
            referenced.extend(c.rule.rules.iter().map(String::as_str));
            if !c.rule.generate {
                silent_refs.extend(c.rule.rules.iter().map(String::as_str));
            }
        }
        // Matches carry the rule id (or title), while correlations may name rules by `name`.
        let mut correlation_only = HashSet::new();
        for r in set.rules.iter().map(|l| &l.rule) {
            let silent = [r.id.as_deref(), r.name.as_deref()]
                .into_iter()
                .flatten()
                .any(|k| silent_refs.contains(k));
            if silent {
                correlation_only.insert(r.id.clone().unwrap_or_else(|| r.title.clone()));
            }
        }
        let is_referenced = |id: Option<&String>| id.is_some_and(|i| referenced.contains(i.as_str()));
        let mut found: HashSet<&str> = HashSet::new();
        for loaded in &set.rules {
            let r = &loaded.rule;
            if !(is_referenced(r.id.as_ref()) || is_referenced(r.name.as_ref())) {
                continue;
            }
            found.extend(r.id.as_deref());
            found.extend(r.name.as_deref());
            // The detector already reported rules that fail to compile.
            let _ = engine.add_rule(r);
        }
        for c in &set.correlations {
            found.extend(c.rule.id.as_deref());
            found.extend(c.rule.name.as_deref());
        }
        let mut count = 0;
        for c in &set.correlations {
            let diag = |message: String| Diagnostic {
                code: DiagCode::Correlation,
                path: c.origin.path.clone(),
                line: c.origin.line,
                message,
            };
            if let Some(missing) = c.rule.rules.iter().find(|r| !found.contains(r.as_str())) {
                diagnostics.push(diag(format!("'{}' references unknown rule '{missing}'", c.rule.title)));
                continue;
            }
            match engine.add_correlation(&c.rule) {
                Ok(()) => count += 1,
                Err(err) => diagnostics.push(diag(format!("'{}': {err}", c.rule.title))),
            }
        }
        let correlator = Self {
            engine,
            correlation_only,
            count,
        };
        (correlator, diagnostics)
    }

    /// Number of correlation rules compiled.
    pub fn rule_count(&self) -> usize {
        self.count
    }

    /// Whether a detection of `m` should stay out of the timeline because it
    /// only feeds a correlation (Sigma's `generate: false`).
    pub fn is_correlation_only(&self, m: &Match) -> bool {
        self.correlation_only.contains(&m.rule_id)
    }

    /// Feeds the matches of one event at `ts_secs` (Unix seconds) and returns the correlations that fired.
    ///
    /// Callers feed events in time order; mozu-hunt sorts the matched events
    /// first, so out-of-order input still windows correctly.
    pub fn feed(&mut self, event: &FlatEvent, matches: &[Match], ts_secs: i64) -> Vec<CorrelationHit> {
        if self.count == 0 || matches.is_empty() {
            return Vec::new();
        }
        let detections: Vec<EvaluationResult> = matches.iter().map(|m| m.raw.clone()).collect();
        self.engine
            .process_with_detections(event, detections, ts_secs)
            .into_iter()
            .filter_map(|r| {
                let body = r.as_correlation()?;
                Some(CorrelationHit {
                    rule_id: r.header.rule_id.clone().unwrap_or_else(|| r.header.rule_title.clone()),
                    title: r.header.rule_title.clone(),
                    level: Level::from_sigma(r.header.level),
                    tags: r.header.tags.clone(),
                    kind: body.correlation_type.as_str().to_owned(),
                    group: body.group_key.clone(),
                    value: body.aggregated_value,
                    timespan_secs: body.timespan_secs,
                })
            })
            .collect()
    }
}
