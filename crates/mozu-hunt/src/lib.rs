//! mozu hunt: Sigma detections over logs, timelines, attribution.
//!
//! [`Hunter`] runs compiled Sigma rules (mozu's own pack from [`pack`] plus
//! any rule folders) over the events of `mozu-logs`, routing each event to
//! the rules of its logsource ([`routing`]) and correlating in time order.
//! [`attribution`] ranks the likely source of address-less events (4776 on a
//! DC) by their co-occurrence with connection events (5156, firewall logs).
#![warn(missing_docs)]

pub mod attribution;
mod engine;
pub mod generator;
pub mod pack;
pub mod routing;

pub use engine::{
    FileOutcome, Hit, HitKind, HuntReport, Hunter, MAX_KEY_FIELD_CHARS, RouteCache, detect_event, detect_event_cached,
};

use std::path::PathBuf;

use mozu_sigma::{RuleSet, Rules};

/// Errors of the hunt library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HuntError {
    /// No events of the kind needed were found.
    #[error("no {0} found in the inputs")]
    NothingToDo(&'static str),
}

/// Loads the built-in pack (unless `builtin` is false) and the given rule folders/files, then compiles.
pub fn load_rules(builtin: bool, extra: &[PathBuf]) -> Rules {
    let mut set = RuleSet::new();
    if builtin {
        pack::add_builtin(&mut set);
    }
    for path in extra {
        set.add_path(path);
    }
    Rules::compile(set)
}
