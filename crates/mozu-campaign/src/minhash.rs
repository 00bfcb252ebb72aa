//! MinHash signatures of character shingles and their LSH band keys.
//!
//! Japanese has no spaces between words, so bodies are cut into character
//! n-grams rather than word shingles. A signature of [`NUM_HASHES`] minima
//! estimates the Jaccard similarity of two shingle sets; [`BANDS`] bands of
//! [`ROWS`] rows turn it into bucket keys so that similar bodies meet in a
//! bucket without comparing all pairs (threshold about (1/16)^(1/4) ≈ 0.5).

use serde::{Deserialize, Serialize};

/// Length of a shingle in characters.
pub const SHINGLE_CHARS: usize = 3;
/// Shingles hashed per text at most: a body longer than this is already
/// characterised by its beginning.
pub const MAX_SHINGLES: usize = 4096;
/// Hash functions in a signature.
pub const NUM_HASHES: usize = 64;
/// LSH bands.
pub const BANDS: usize = 16;
/// Rows per band (`BANDS * ROWS == NUM_HASHES`).
pub const ROWS: usize = NUM_HASHES / BANDS;
/// A text with fewer shingles than this gets no signature: two nearly
/// empty bodies are not evidence of anything.
pub const MIN_SHINGLES: usize = 3;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature(pub Vec<u32>);

/// Multipliers and offsets of the multiply-shift hash family, fixed so
/// that signatures stored yesterday compare with today's.
fn coefficients() -> &'static [(u64, u64); NUM_HASHES] {
    static COEFFS: std::sync::LazyLock<[(u64, u64); NUM_HASHES]> = std::sync::LazyLock::new(|| {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut out = [(0u64, 0u64); NUM_HASHES];
        for slot in &mut out {
            let a = splitmix(&mut state) | 1;
            let b = splitmix(&mut state);
            *slot = (a, b);
        }
        out
    });
    &COEFFS
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a then a finaliser); stable
/// across runs and platforms, unlike `std`'s `RandomState`.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut s = h;
    splitmix(&mut s)
}

/// The signature of `text`'s character shingles, or `None` when the text is
/// too short to say anything.
pub fn signature(text: &str) -> Option<Signature> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(MAX_SHINGLES + SHINGLE_CHARS)
        .collect();
    if chars.len() < SHINGLE_CHARS + MIN_SHINGLES - 1 {
        return None;
    }
    let coeffs = coefficients();
    let mut mins = [u32::MAX; NUM_HASHES];
    for window in chars.windows(SHINGLE_CHARS) {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for &c in window {
            h = (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3);
        }
        for (min, &(a, b)) in mins.iter_mut().zip(coeffs.iter()) {
            let v = (a.wrapping_mul(h).wrapping_add(b) >> 32) as u32;
            if v < *min {
                *min = v;
            }
        }
    }
    Some(Signature(mins.to_vec()))
}

impl Signature {
    /// Estimated Jaccard similarity with `other` (0 when shapes differ).
    pub fn similarity(&self, other: &Signature) -> f64 {
        if self.0.len() != other.0.len() || self.0.is_empty() {
            return 0.0;
        }
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / self.0.len() as f64
    }

    /// One bucket key per band.
    pub fn band_keys(&self) -> Vec<u64> {
        self.0
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let mut bytes = Vec::with_capacity(4 + rows.len() * 4);
                bytes.extend_from_slice(&(band as u32).to_le_bytes());
                for r in rows {
                    bytes.extend_from_slice(&r.to_le_bytes());
                }
                stable_hash(&bytes)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_texts_are_similar_and_different_texts_are_not() {
        let a = signature("ご注文ありがとうございます。請求書を添付いたしましたのでご確認ください。").unwrap();
        let b = signature("ご注文ありがとうございます。請求書を添付しましたのでご確認ください。").unwrap();
        let c = signature("The quarterly newsletter of the gardening club is out now.").unwrap();
        assert!(a.similarity(&b) > 0.6, "{}", a.similarity(&b));
        assert!(a.similarity(&c) < 0.1);
        assert_eq!(a.band_keys().len(), BANDS);
        assert!(signature("ab").is_none());
    }
}
