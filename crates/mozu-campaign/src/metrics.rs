//! Scoring a clustering against ground truth.

use std::collections::HashMap;
use std::hash::Hash;

fn pairs(n: u64) -> f64 {
    (n as f64) * (n.saturating_sub(1) as f64) / 2.0
}

/// The adjusted Rand index of `predicted` against `truth` (same length,
/// one label per item): 1 for identical partitions, about 0 for chance.
/// Returns 1 when both partitions are trivial in the same way.
pub fn adjusted_rand_index<T: Eq + Hash, P: Eq + Hash>(truth: &[T], predicted: &[P]) -> f64 {
    let n = truth.len().min(predicted.len()) as u64;
    let mut cells: HashMap<(&T, &P), u64> = HashMap::new();
    let mut rows: HashMap<&T, u64> = HashMap::new();
    let mut cols: HashMap<&P, u64> = HashMap::new();
    for (t, p) in truth.iter().zip(predicted) {
        *cells.entry((t, p)).or_default() += 1;
        *rows.entry(t).or_default() += 1;
        *cols.entry(p).or_default() += 1;
    }
    let index: f64 = cells.values().map(|&c| pairs(c)).sum();
    let a: f64 = rows.values().map(|&c| pairs(c)).sum();
    let b: f64 = cols.values().map(|&c| pairs(c)).sum();
    let total = pairs(n);
    if total == 0.0 {
        return 1.0;
    }
    let expected = a * b / total;
    let max = (a + b) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[5, 5, 7, 7]) - 1.0).abs() < 1e-12);
        // sklearn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((v - 0.571_428_571_428_571_5).abs() < 1e-9, "{v}");
        // By hand: index 0, expected 6*3/15 = 1.2, max 4.5 → -1.2/3.3 = -4/11.
        let v = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 1, 2, 0, 1, 2]);
        assert!((v + 4.0 / 11.0).abs() < 1e-9, "{v}");
    }
}
