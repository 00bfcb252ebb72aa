//! One event as the evaluator sees it: values lower-cased at most once.
//!
//! rsigma lower-cases a value (allocating) inside every case-insensitive
//! matcher it runs; over ~45 candidate rules per process-creation event that
//! was most of the evaluation time. The view lowers each value lazily, once,
//! and shares it between the candidate index and the evaluator.
//!
//! Keyword rules look at every value. For them the view lowers the whole
//! event once into one buffer, values separated by NUL, so a bucket's keyword
//! automaton makes one pass over the event instead of one call per value
//! (most Windows routes carry a bucket with a keyword rule).

use std::cell::OnceCell;

use crate::event::{FlatEvent, fnv1a};

/// Separates values in [`EventView::joined_lowered`]; keywords that contain
/// it are not searched there (see the index).
pub(crate) const JOIN_SEPARATOR: char = '\0';

/// Every value lower-cased, in one buffer, with each value's byte range.
struct Joined {
    text: String,
    spans: Vec<(u32, u32)>,
}

/// A flattened event plus its lower-cased values.
pub(crate) struct EventView<'e> {
    pub(crate) event: &'e FlatEvent,
    lowered: Vec<OnceCell<String>>,
    joined: OnceCell<Joined>,
}

/// Appends `value` lower-cased as `str::to_lowercase` does, without an
/// allocation for ASCII values.
fn push_lowered(buf: &mut String, value: &str) {
    if value.is_ascii() {
        let start = buf.len();
        buf.push_str(value);
        if let Some(tail) = buf.get_mut(start..) {
            tail.make_ascii_lowercase();
        }
    } else {
        buf.push_str(&value.to_lowercase());
    }
}

impl<'e> EventView<'e> {
    pub(crate) fn new(event: &'e FlatEvent) -> Self {
        Self {
            event,
            lowered: (0..event.len()).map(|_| OnceCell::new()).collect(),
            joined: OnceCell::new(),
        }
    }

    /// The original value of pair `i`.
    pub(crate) fn value(&self, i: usize) -> &'e str {
        self.event.value_at(i)
    }

    /// Pair `i`'s value lower-cased as rsigma does (`str::to_lowercase`).
    pub(crate) fn lowered(&self, i: usize) -> &str {
        if let Some(joined) = self.joined.get() {
            return joined
                .spans
                .get(i)
                .and_then(|&(a, b)| joined.text.get(a as usize..b as usize))
                .unwrap_or("");
        }
        match self.lowered.get(i) {
            Some(cell) => cell.get_or_init(|| self.event.value_at(i).to_lowercase()),
            None => "",
        }
    }

    /// Every value lower-cased, joined by [`JOIN_SEPARATOR`], built on first use.
    pub(crate) fn joined_lowered(&self) -> &str {
        let joined = self.joined.get_or_init(|| {
            let n = self.lowered.len();
            let mut text = String::with_capacity(self.event.value_bytes() + n);
            let mut spans = Vec::with_capacity(n);
            for i in 0..n {
                let start = text.len();
                match self.lowered.get(i).and_then(OnceCell::get) {
                    Some(done) => text.push_str(done),
                    None => push_lowered(&mut text, self.event.value_at(i)),
                }
                // Bounded by MAX_EVENT_BYTES plus one byte per field.
                let to32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                spans.push((to32(start), to32(text.len())));
                text.push(JOIN_SEPARATOR);
            }
            Joined { text, spans }
        });
        &joined.text
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_values_equal_the_lazily_lowered_ones() {
        let mut ev = FlatEvent::new();
        let values = ["CMD.EXE /C", "ΣΑΣ Straße İx", "", "mixed\0Nul"];
        for (k, v) in ["a", "b", "c", "d"].iter().zip(values) {
            ev.push(k, v);
        }
        let lazy = EventView::new(&ev);
        let expected: Vec<String> = (0..ev.len()).map(|i| lazy.lowered(i).to_owned()).collect();
        assert_eq!(expected.len(), values.len());
        let joined = EventView::new(&ev);
        let _ = joined.lowered(1); // one value lowered before the buffer exists
        let text = joined.joined_lowered().to_owned();
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(joined.lowered(i), want, "value {i}");
            assert_eq!(*want, values[i].to_lowercase());
        }
        assert_eq!(text, expected.join("\0") + "\0");
    }
}
