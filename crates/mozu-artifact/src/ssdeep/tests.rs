//! Differential tests of the ssdeep digest against the `fuzzyhash` crate,
//! and of the arithmetic shortcuts it takes.

use super::*;

/// 7-byte windows after which the rolling hash is `(3 << k) - 1`, so
/// block sizes 0..=k all end there (found offline by solving the
/// rolling hash for that value): they drive forks up to 31 block sizes.
const CASCADE_WINDOWS: [(u32, [u8; 7]); 6] = [
    (30, [97, 252, 126, 61, 94, 74, 118]),
    (29, [161, 11, 154, 188, 120, 99, 203]),
    (24, [225, 166, 237, 91, 155, 23, 133]),
    (20, [193, 163, 97, 123, 158, 182, 35]),
    (12, [66, 66, 70, 197, 166, 55, 199]),
    (8, [162, 59, 153, 218, 185, 83, 161]),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    fn text(&mut self, n: usize) -> Vec<u8> {
        const WORDS: [&str; 12] = [
            "invoice",
            "the",
            "請求書",
            "payment",
            "of",
            "Dear",
            "customer,",
            "please",
            "find",
            "attached",
            "\r\n",
            "ご確認ください。",
        ];
        let mut out = Vec::with_capacity(n + 32);
        while out.len() < n {
            out.extend_from_slice(WORDS[self.next() as usize % WORDS.len()].as_bytes());
            out.push(b' ');
        }
        out.truncate(n);
        out
    }
}

fn check(data: &[u8], what: &str, cases: &mut usize) {
    let expected = fuzzyhash::FuzzyHash::new(data).to_string();
    assert_eq!(
        digest(data).as_deref(),
        Some(expected.as_str()),
        "{what}, {} bytes",
        data.len()
    );
    *cases += 1;
}

#[test]
fn six_bit_steps_match_full_fnv_step() {
    let mut cases = 0;
    for h in 0..64u8 {
        for c in 0..=255u8 {
            let full = (u32::from(h).wrapping_mul(0x0100_0193) ^ u32::from(c)) % 64;
            assert_eq!(u32::from(fnv6(h, c)), full);
            let lanes = (u64::from(h) * LANE_ONES).wrapping_mul(HASH_PRIME_6) ^ (u64::from(c) * LANE_ONES);
            assert_eq!(lanes & LANE_MASK, u64::from(full) * LANE_ONES);
            cases += 1;
        }
    }
    assert!(cases > 0);
}

#[test]
fn divisibility_test_matches_modulo() {
    let mut rng = Rng(7);
    let mut rolls: Vec<u32> = (0..20_000).map(|_| rng.next() as u32).collect();
    for k in 0..31 {
        let d = 3u32 << k;
        rolls.extend([
            d - 1,
            d - 2,
            d,
            d.wrapping_mul(2).wrapping_sub(1),
            u32::MAX - (u32::MAX % d) - 1,
        ]);
    }
    rolls.extend([0, 1, 2, u32::MAX, u32::MAX - 1]);
    let mut hits = 0;
    for &roll in &rolls {
        let third = (u64::from(roll) + 1).wrapping_mul(INV3);
        for k in 0..NUM_BLOCKHASHES {
            let d = MIN_BLOCKSIZE << k;
            let by_modulo = u64::from(roll) % d == d - 1;
            assert_eq!(
                third.rotate_right(k as u32) <= u64::MAX / d,
                by_modulo,
                "roll {roll}, k {k}"
            );
            if by_modulo {
                assert!(third.trailing_zeros() as usize >= k);
                hits += 1;
            }
        }
    }
    assert!(hits > 100, "{hits}");
}

#[test]
fn matches_fuzzyhash_on_small_inputs() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = 0;
    for n in 1..=200 {
        check(&rng.bytes(n), "random", &mut cases);
        check(&vec![0; n], "zeros", &mut cases);
        check(&vec![0xFF; n], "0xff", &mut cases);
        check(&rng.text(n), "text", &mut cases);
        check(&b"ab".repeat(n), "ab", &mut cases);
    }
    assert_eq!(digest(b""), None);
    assert!(cases >= 1000, "{cases}");
}

#[test]
fn matches_fuzzyhash_on_large_and_low_entropy_inputs() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let mut cases = 0;
    for _ in 0..8 {
        let n = (rng.next() % 3_000_000) as usize + 1;
        check(&rng.bytes(n), "random", &mut cases);
    }
    // Around the sizes where the chosen block size doubles.
    for k in 0..15 {
        let edge = (3usize << k) * SPAMSUM_LENGTH;
        for n in [edge - 1, edge, edge + 1] {
            check(&rng.bytes(n), "block-size edge", &mut cases);
        }
    }
    for n in [4096, 65_536, 1 << 20] {
        check(&vec![0; n], "zeros", &mut cases);
        check(&b"abc".repeat(n / 3), "abc", &mut cases);
        check(&b"\r\n".repeat(n / 2), "crlf", &mut cases);
        check(&(0..n).map(|i| i as u8).collect::<Vec<_>>(), "ramp", &mut cases);
        check(&rng.text(n), "text", &mut cases);
    }
    assert!(cases > 0);
}

#[test]
fn matches_fuzzyhash_when_many_block_sizes_trigger() {
    let mut rng = Rng(42);
    let mut cases = 0;
    for (k, window) in CASCADE_WINDOWS {
        let mut roll = Roll::default();
        let end = window.iter().map(|&c| roll.update(c, 0)).last();
        assert_eq!(end, Some((3u32 << k) - 1), "window for k={k}");
        // A huge announced size keeps every block size worth tracking.
        let mut state = State::new(u64::MAX);
        state.update(&window.repeat(3));
        assert_eq!(state.bh_end, (k as usize + 2).min(NUM_BLOCKHASHES), "forks for k={k}");
        for n in [7, 100, 5_000, 300_000] {
            check(&window.repeat(n / 7), "repeated window", &mut cases);
            // Windows sprinkled into noise, every few hundred bytes.
            let mut data = Vec::with_capacity(n + 7);
            while data.len() < n {
                let gap = (rng.next() % 600) as usize;
                data.extend(rng.bytes(gap));
                data.extend_from_slice(&window);
            }
            check(&data, "sprinkled windows", &mut cases);
        }
    }
    assert!(cases > 0);
}

#[test]
fn absurd_total_size_yields_none_without_panic() {
    let mut state = State::new(u64::MAX);
    state.update(&CASCADE_WINDOWS[0].1.repeat(1000));
    assert_eq!(state.digest(), None);
    let mut state = State::new(MAX_INPUT_BYTES);
    state.update(b"some bytes");
    assert!(state.digest().is_some());
}
