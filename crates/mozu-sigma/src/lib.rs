//! Sigma rules for mozu: load rule folders with diagnostics, route by logsource, evaluate over flattened events, correlate.
//!
//! This is the one Sigma engine of mozu, for logs and for mail records alike:
//!
//! 1. [`RuleSet`] reads rule folders, files or strings; every rule that cannot
//!    be read is a [`Diagnostic`] with a stable code (`SIGMA001` …), path and line.
//! 2. [`Detector::build`] compiles the detection rules into per-logsource buckets.
//! 3. Each input is flattened once into a [`FlatEvent`] (dotted keys such as
//!    `from.domain`; [`FlatEvent::from_json`] for any JSON object).
//! 4. [`Detector::route`] picks the buckets for the event's logsources (or
//!    [`Detector::route_all`] when the input has none) and [`Detector::evaluate`]
//!    returns the [`Match`]es with rule id, title, level and tags.
//! 5. [`Correlator`] turns time-ordered matches into correlation hits.
//!
//! Rules are compiled by rsigma and every match is built by rsigma's
//! `evaluate_rule`. Which rules get that far is decided first by this crate:
//! a candidate index over each rule's necessary conditions (`prefilter`,
//! `index`) and a three-valued pre-evaluation over values lower-cased once
//! per event (`view`, `fast`), because rsigma's engine spent most of a
//! process-creation event re-lowering values inside ~45 candidate rules.
//! The crate keeps rsigma's types out of its API.
#![warn(missing_docs)]

mod correlate;
mod detail;
mod detector;
mod event;
mod fast;
mod fields;
mod flatten;
mod index;
mod literals;
mod load;
mod prefilter;
mod view;

pub use correlate::{CorrelationHit, Correlator, MAX_CORRELATION_STATE};
pub use detector::{Detector, Level, Logsource, Match, Route};
pub use event::{FlatEvent, MAX_EVENT_BYTES, MAX_FIELDS, MAX_JSON_DEPTH};
pub use flatten::top_level_keys;
pub use load::{
    DiagCode, Diagnostic, LoadedCorrelation, LoadedRule, MAX_RULE_DIR_DEPTH, MAX_RULE_FILE_BYTES, MAX_RULE_FILES,
    RuleOrigin, RuleSet,
};

/// Errors of the Sigma layer that stop an operation outright (rule problems are [`Diagnostic`]s instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SigmaError {
    /// Some rules failed to load and the caller asked for a strict load.
    #[error("{failed} rule(s) failed to load; first: {first}")]
    RulesFailed {
        /// How many failed.
        failed: usize,
        /// The first diagnostic.
        first: String,
    },
    /// A value could not be flattened into an event (a map key that is
    /// not a string, or an error of the value's own `Serialize`).
    #[error("value could not be flattened: {0}")]
    Flatten(String),
}

/// Loaded and compiled rules, ready to evaluate: the usual entry point.
pub struct Rules {
    /// Compiled detection rules.
    pub detector: Detector,
    /// Correlation rules (clone-free: build a fresh one per run with [`Correlator::build`] when needed).
    pub set: RuleSet,
    /// All diagnostics: loading and compiling.
    pub diagnostics: Vec<Diagnostic>,
}

impl Rules {
    /// Compiles `set`, collecting every diagnostic.
    pub fn compile(set: RuleSet) -> Self {
        let (detector, compile_diags) = Detector::build(&set);
        let mut diagnostics = set.diagnostics.clone();
        diagnostics.extend(compile_diags);
        Self {
            detector,
            set,
            diagnostics,
        }
    }

    /// Like [`Rules::compile`] but fails when any rule failed.
    pub fn compile_strict(set: RuleSet) -> Result<Self, SigmaError> {
        let rules = Self::compile(set);
        let failures: Vec<&Diagnostic> = rules.diagnostics.iter().filter(|d| d.code.is_failure()).collect();
        if let Some(first) = failures.first() {
            return Err(SigmaError::RulesFailed {
                failed: failures.len(),
                first: first.to_string(),
            });
        }
        Ok(rules)
    }

    /// Number of rules that failed to load or compile.
    pub fn failure_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.code.is_failure()).count()
    }
}
