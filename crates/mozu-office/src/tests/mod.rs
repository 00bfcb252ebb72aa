//! Unit tests: the codec against the MS-OVBA examples, each analyser on the
//! fixtures, and hostile inputs.

mod codec;
mod hostile;
mod ole;
mod ooxml;
mod rtf;
mod vba;

use mozu_model::{Finding, Severity};

use crate::Analysis;

/// The finding with `id`; fails the test when it is missing.
fn finding<'a>(analysis: &'a Analysis, id: &str) -> &'a Finding {
    analysis
        .findings
        .iter()
        .find(|finding| finding.id == id)
        .unwrap_or_else(|| panic!("no finding {id} in {:#?}", analysis.findings))
}

/// Whether some evidence value of finding `id` contains `needle`.
fn evidence_contains(analysis: &Analysis, id: &str, needle: &str) -> bool {
    finding(analysis, id)
        .evidence
        .iter()
        .any(|evidence| evidence.value.contains(needle))
}

fn has_finding(analysis: &Analysis, id: &str) -> bool {
    analysis.findings.iter().any(|finding| finding.id == id)
}

fn assert_severity(analysis: &Analysis, id: &str, severity: Severity) {
    assert_eq!(finding(analysis, id).severity, severity, "severity of {id}");
}

/// A small xorshift generator: deterministic mutations without a dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }

    fn bytes(&mut self, length: usize) -> Vec<u8> {
        (0..length).map(|_| self.next() as u8).collect()
    }
}
