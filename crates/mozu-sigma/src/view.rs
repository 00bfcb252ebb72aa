//! One event as the evaluator sees it: values lower-cased at most once.
//!
//! rsigma lower-cases a value (allocating) inside every case-insensitive
//! matcher it runs; over ~45 candidate rules per process-creation event that
//! was most of the evaluation time. The view lowers each value lazily, once,
//! and shares it between the candidate index and the evaluator.

use std::cell::OnceCell;

use crate::event::{FlatEvent, fnv1a};

/// A flattened event plus its lower-cased values.
pub(crate) struct EventView<'e> {
    pub(crate) event: &'e FlatEvent,
    lowered: Vec<OnceCell<String>>,
}

impl<'e> EventView<'e> {
    pub(crate) fn new(event: &'e FlatEvent) -> Self {
        Self {
            event,
            lowered: (0..event.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    /// The original value of pair `i`.
    pub(crate) fn value(&self, i: usize) -> &'e str {
        self.event.value_at(i)
    }

    /// Pair `i`'s value lower-cased as rsigma does (`str::to_lowercase`).
    pub(crate) fn lowered(&self, i: usize) -> &str {
        match self.lowered.get(i) {
            Some(cell) => cell.get_or_init(|| self.event.value_at(i).to_lowercase()),
            None => "",
        }
    }

    /// Indices of the pairs of `field`.
    pub(crate) fn positions<'a>(&'a self, field: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.event.positions(fnv1a(field), field)
    }

    /// Number of pairs.
    pub(crate) fn len(&self) -> usize {
        self.lowered.len()
    }
}
