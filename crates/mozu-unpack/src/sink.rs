//! Collects one container's entries, warnings and budget hits, and turns
//! capped reads into entry data or notes the same way for every format.

use std::collections::HashSet;

use crate::budget::{Budget, BudgetExceeded};
use crate::capped::CapError;
use crate::{Entry, MAX_PASSWORDS, MAX_WARNINGS, Password, Unpacked};

/// The entries of one container as they are found.
pub(crate) struct Sink<'b> {
    pub(crate) budget: &'b Budget,
    pub(crate) entries: Vec<Entry>,
    warnings: Vec<String>,
    dropped_warnings: u64,
    budget_hit: Option<BudgetExceeded>,
    listing_stopped: bool,
}

impl<'b> Sink<'b> {
    pub(crate) fn new(budget: &'b Budget) -> Self {
        Self {
            budget,
            entries: Vec::new(),
            warnings: Vec::new(),
            dropped_warnings: 0,
            budget_hit: None,
            listing_stopped: false,
        }
    }

    /// Records a limit (the first one is kept).
    pub(crate) fn hit(&mut self, hit: BudgetExceeded) {
        self.budget_hit.get_or_insert(hit);
    }

    /// Adds a warning, keeping at most [`MAX_WARNINGS`].
    pub(crate) fn warn(&mut self, warning: impl Into<String>) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(warning.into());
        } else {
            self.dropped_warnings += 1;
        }
    }

    /// The tree-stopping limit, if the tree has stopped (recorded).
    pub(crate) fn stopped(&mut self) -> Option<BudgetExceeded> {
        let hit = self.budget.exhausted()?;
        self.hit(hit);
        Some(hit)
    }

    /// Charges one entry before it is listed; false (with a warning) when the
    /// listing must stop here.
    pub(crate) fn admit(&mut self) -> bool {
        if self.listing_stopped {
            return false;
        }
        match self.budget.charge_entry() {
            Ok(()) => true,
            Err(hit) => {
                self.hit(hit);
                self.listing_stopped = true;
                self.warn(format!("listing stopped after {} entries: {hit}", self.entries.len()));
                false
            }
        }
    }

    /// Stores the outcome of a capped read on `entry`.
    pub(crate) fn fill(&mut self, entry: &mut Entry, result: Result<Vec<u8>, CapError>) {
        match result {
            Ok(data) => entry.data = Some(data),
            Err(CapError::Budget(hit)) => {
                self.hit(hit);
                entry.note = Some(format!("not extracted: {hit}"));
            }
            Err(CapError::Io { error, read, partial }) => {
                entry.note = Some(format!("damaged data after {read} bytes: {error}"));
                if !partial.is_empty() {
                    entry.data = Some(partial);
                }
            }
        }
    }

    /// The finished result.
    pub(crate) fn finish(mut self, format: &str) -> Unpacked {
        if self.dropped_warnings > 0 {
            let dropped = self.dropped_warnings;
            self.warnings.push(format!("{dropped} more warnings were dropped"));
        }
        let info = mozu_model::ArchiveInfo {
            format: format.to_owned(),
            entries: self.entries.len() as u64,
            encrypted_entries: self.entries.iter().filter(|e| e.encrypted).count() as u64,
            declared_size: self
                .entries
                .iter()
                .fold(0u64, |sum, e| sum.saturating_add(e.declared_size)),
        };
        Unpacked {
            info,
            entries: self.entries,
            budget_hit: self.budget_hit,
            warnings: self.warnings,
        }
    }
}

/// The passwords to try, in order: the caller's (deduplicated, at most
/// [`MAX_PASSWORDS`]), then the empty password.
pub(crate) fn candidates(passwords: &[Password]) -> Vec<Password> {
    let mut seen = HashSet::new();
    let mut out: Vec<Password> = passwords
        .iter()
        .filter(|p| seen.insert(p.value.as_str()))
        .take(MAX_PASSWORDS)
        .cloned()
        .collect();
    if !out.iter().any(|p| p.value.is_empty()) {
        out.push(Password::new("", "empty"));
    }
    out
}

/// The candidates with the one that last worked moved to the front.
pub(crate) fn ordered<'p>(candidates: &'p [Password], last: Option<&str>) -> Vec<&'p Password> {
    let mut out: Vec<&Password> = Vec::with_capacity(candidates.len());
    if let Some(last) = last {
        out.extend(candidates.iter().filter(|p| p.value == last));
    }
    out.extend(candidates.iter().filter(|p| Some(p.value.as_str()) != last));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_dedup_cap_and_empty_last() {
        let many: Vec<Password> = (0..100)
            .map(|i| Password::new(format!("p{}", i % 50), "list"))
            .collect();
        let c = candidates(&many);
        assert_eq!(c.len(), MAX_PASSWORDS + 1);
        assert_eq!(c.last().map(|p| p.source.as_str()), Some("empty"));
        let o = ordered(&c, Some("p3"));
        assert_eq!(o[0].value, "p3");
        assert_eq!(o.len(), c.len());
    }
}
