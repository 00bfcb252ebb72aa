//! What one input may cost: time and decoded payloads.

use std::time::{Duration, Instant};

use crate::{Analysis, Child, MAX_PAYLOAD_BYTES, MAX_PAYLOAD_TOTAL, MAX_PAYLOADS, ScriptError};

/// Time and payload allowance left while one input is analysed.
#[derive(Debug)]
pub struct Budget {
    started: Instant,
    deadline: Duration,
    payloads: usize,
    payload_bytes: usize,
}

impl Budget {
    /// Starts the clock with `deadline` to spend.
    pub fn new(deadline: Duration) -> Self {
        Budget {
            started: Instant::now(),
            deadline,
            payloads: 0,
            payload_bytes: 0,
        }
    }

    /// True once the deadline has passed.
    pub fn expired(&self) -> bool {
        self.started.elapsed() > self.deadline
    }

    /// Bytes a payload decoded now may still have.
    pub fn payload_room(&self) -> usize {
        if self.payloads >= MAX_PAYLOADS {
            return 0;
        }
        MAX_PAYLOAD_BYTES.min(MAX_PAYLOAD_TOTAL.saturating_sub(self.payload_bytes))
    }

    /// Accounts for a payload of `len` bytes, or says why it may not be kept.
    pub fn admit(&mut self, len: usize) -> Result<(), ScriptError> {
        if self.payloads >= MAX_PAYLOADS {
            return Err(ScriptError::OverLimit {
                what: "decoded payloads",
                count: self.payloads + 1,
                limit: MAX_PAYLOADS,
            });
        }
        if len > self.payload_room() {
            return Err(ScriptError::OverLimit {
                what: "decoded payload bytes",
                count: self.payload_bytes.saturating_add(len),
                limit: MAX_PAYLOAD_TOTAL.min(self.payload_bytes.saturating_add(MAX_PAYLOAD_BYTES)),
            });
        }
        self.payloads += 1;
        self.payload_bytes += len;
        Ok(())
    }

    /// Adds a child to `analysis` when the budget allows, else a warning.
    /// Returns whether it was added.
    pub(crate) fn add_child(&mut self, analysis: &mut Analysis, name: String, data: Vec<u8>) -> bool {
        match self.admit(data.len()) {
            Ok(()) => {
                analysis.children.push(Child { name, data });
                true
            }
            Err(error) => {
                analysis.warnings.push(format!("{name} not kept: {error}"));
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_count_and_bytes_are_capped() {
        let mut budget = Budget::new(Duration::from_secs(1));
        for _ in 0..MAX_PAYLOADS {
            assert!(budget.admit(1).is_ok());
        }
        assert!(budget.admit(1).is_err());
        assert_eq!(budget.payload_room(), 0);
        let mut budget = Budget::new(Duration::from_secs(1));
        assert!(budget.admit(MAX_PAYLOAD_BYTES + 1).is_err());
        assert!(!budget.expired());
    }
}
