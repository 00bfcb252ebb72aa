//! ssdeep (CTPH, "spamsum") digests, implemented here rather than taken
//! from a crate.
//!
//! Why own code: the `fuzzyhash` crate is a straight port that runs a
//! 32-bit FNV step for every live block size on every byte and showed up at
//! ~11 % of mail-scan time; the fast `ffuzzy` crate is GPL, which mozu
//! cannot take. This is a clean-room implementation of the published
//! algorithm (Kornblum's CTPH, ssdeep's `fuzzy.c` design):
//!
//! - a rolling hash over the last [`ROLLING_WINDOW`] bytes decides where a
//!   block ends: for block size `MIN_BLOCKSIZE << j` when
//!   `(roll + 1) % (3 << j) == 0`. One multiply and one compare test this
//!   for the smallest live size, which fails for most bytes;
//! - each live block size keeps two FNV hashes (of its current block for
//!   each digest part), but only `h % 64` is ever used: the states are 6
//!   bits, and between two block ends the live ones step together, packed
//!   in the 16-bit lanes of one or a few `u64`s held in registers, one
//!   multiply for four states, with no table load per byte;
//! - only the live range `bh_start..bh_end` of block sizes is kept, with the
//!   usual fork (a new, doubled size appears) and reduce (the smallest size
//!   is dropped once it cannot be chosen) rules; as the input length is
//!   known up front, sizes too large to ever reach the digest are not
//!   forked at all.
//!
//! The output is byte-identical to `fuzzyhash` 0.2.2 (`FuzzyHash::new(data)
//! .to_string()`, which agrees with `ppdeep` on the reference sample); a
//! differential test guards this. Like `fuzzyhash`, and unlike ssdeep 2.14,
//! when the chosen block size is the largest live one (tiny inputs with no
//! block end) the second part stays empty where ssdeep writes one
//! character; matching `fuzzyhash` keeps digests already stored by mozu
//! comparable.

/// Maximum length of the first digest part (the second gets half).
pub const SPAMSUM_LENGTH: usize = 64;
/// Smallest block size; block size `j` is `MIN_BLOCKSIZE << j`.
pub const MIN_BLOCKSIZE: u64 = 3;
/// Number of block sizes tracked (3 … 3·2³⁰).
pub const NUM_BLOCKHASHES: usize = 31;
/// Bytes in the rolling-hash window.
pub const ROLLING_WINDOW: usize = 7;
/// Largest input digested. `fuzzyhash` keeps the size in a `u32` and its
/// block-size arithmetic overflows above `(3 << 24) * 64` bytes (3 GiB): it
/// panics in debug builds and yields garbage or an empty string in release
/// builds. Inputs above this limit get `None`.
pub const MAX_INPUT_BYTES: u64 = (MIN_BLOCKSIZE << 24) * SPAMSUM_LENGTH as u64;

/// FNV-1 prime and ssdeep's initial value, both reduced to the 6 bits used:
/// the low bits of a product and of a xor depend only on the low bits of
/// the operands.
const HASH_PRIME_6: u64 = 0x0100_0193 % 64;
const HASH_INIT_6: u8 = (0x2802_1967u32 % 64) as u8;
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Block sizes per packed `u64`: two 16-bit lanes each (`h`, `half_h`),
/// wide enough that a 6-bit state times [`HASH_PRIME_6`] never carries
/// into the next lane.
const SIZES_PER_WORD: usize = 2;
const LANE_ONES: u64 = 0x0001_0001_0001_0001;
const LANE_MASK: u64 = 63 * LANE_ONES;
/// Multiplicative inverse of 3 modulo 2⁶⁴: `x * INV3` is `x / 3` when 3
/// divides `x` (and then at most `u64::MAX / 3`).
const INV3: u64 = 0xAAAA_AAAA_AAAA_AAAB;

/// Rolling hash over the last [`ROLLING_WINDOW`] bytes (ssdeep's
/// Adler-like sum of three parts). The byte leaving the window is read from
/// the input itself, so no window is stored.
#[derive(Default, Clone, Copy)]
struct Roll {
    /// Sum of the window's bytes.
    h1: u32,
    /// `h1` plus ssdeep's position-weighted sum `h2` (weights 1 for the
    /// oldest byte … [`ROLLING_WINDOW`] for the newest), kept as one value
    /// because only their sum is ever read.
    h12: u32,
    /// Shift-xor of the last bytes.
    h3: u32,
}

impl Roll {
    /// Adds `c`, drops `old` (the byte [`ROLLING_WINDOW`] places back, 0
    /// at the start), returns the new sum.
    #[inline(always)]
    fn update(&mut self, c: u8, old: u8) -> u32 {
        let (c, old) = (u32::from(c), u32::from(old));
        // h2' = h2 - h1 + 7c and h1' = h1 + c - old, so
        // h1' + h2' = (h1 + h2) - h1 + 8c - old.
        self.h12 = self
            .h12
            .wrapping_sub(self.h1)
            .wrapping_add((ROLLING_WINDOW as u32 + 1) * c)
            .wrapping_sub(old);
        self.h1 = self.h1.wrapping_add(c).wrapping_sub(old);
        self.h3 = (self.h3 << 5) ^ c;
        self.sum()
    }

    fn sum(&self) -> u32 {
        self.h12.wrapping_add(self.h3)
    }
}

/// One FNV-1 step on a 6-bit state.
fn fnv6(h: u8, c: u8) -> u8 {
    (h.wrapping_mul(HASH_PRIME_6 as u8) ^ c) & 63
}

/// Whether rolling sum `roll` ends a block of size `3 << shift` (`limit`
/// being `u64::MAX / (3 << shift)`), and then the largest size index `j`
/// with `(roll + 1) % (3 << j) == 0`. Exact division by an even divisor
/// (Hacker's Delight 10-17): `3 << shift` divides `roll + 1` iff
/// `(roll + 1) * INV3`, rotated right by `shift`, is at most `limit`.
#[inline(always)]
fn block_end(roll: u32, shift: u32, limit: u64) -> Option<usize> {
    let third = (u64::from(roll) + 1).wrapping_mul(INV3);
    (third.rotate_right(shift) <= limit).then_some(third.trailing_zeros() as usize)
}

/// Digest characters of one block size; its FNV states live in
/// [`State::fnv`].
#[derive(Clone, Copy)]
struct Block {
    digest: [u8; SPAMSUM_LENGTH],
    d_len: usize,
    half_digest: u8,
}

/// The whole hashing state for one input.
struct State {
    roll: Roll,
    /// `[h, half_h] % 64` per block size: FNV of the current block, and of
    /// the current block of the half-length second digest part.
    fnv: [[u8; 2]; NUM_BLOCKHASHES],
    blocks: [Block; NUM_BLOCKHASHES],
    bh_start: usize,
    bh_end: usize,
    /// Bound on `bh_end`: sizes above the one [`State::choose_block`] starts
    /// from plus one never reach the digest, so they are not tracked.
    end_limit: usize,
    /// `u64::MAX / (3 << bh_start)`: the bound of the divisibility test.
    trigger_limit: u64,
    total_size: u64,
}

impl State {
    fn new(total_size: u64) -> Self {
        let empty = Block {
            digest: [0; SPAMSUM_LENGTH],
            d_len: 0,
            half_digest: 0,
        };
        let covering = (0..NUM_BLOCKHASHES)
            .find(|&bi| (MIN_BLOCKSIZE << bi) * (SPAMSUM_LENGTH as u64) >= total_size)
            .unwrap_or(NUM_BLOCKHASHES);
        State {
            roll: Roll::default(),
            fnv: [[HASH_INIT_6; 2]; NUM_BLOCKHASHES],
            blocks: [empty; NUM_BLOCKHASHES],
            bh_start: 0,
            bh_end: 1,
            end_limit: (covering + 2).min(NUM_BLOCKHASHES),
            trigger_limit: u64::MAX / MIN_BLOCKSIZE,
            total_size,
        }
    }

    fn update(&mut self, data: &[u8]) {
        let head = data.len().min(ROLLING_WINDOW);
        for &c in &data[..head] {
            self.step(c, 0);
        }
        let mut at = head;
        while at < data.len() {
            // Between two block ends the live range is fixed: run a loop
            // with the FNV words that range spans held in registers.
            at = match (self.bh_end - self.bh_start).div_ceil(SIZES_PER_WORD) {
                1 => self.run::<1>(data, at),
                2 => self.run::<2>(data, at),
                3 => self.run::<3>(data, at),
                _ => {
                    self.step(data[at], data[at - ROLLING_WINDOW]);
                    at + 1
                }
            };
        }
    }

    /// Hashes `data[at..]` (`at >= ROLLING_WINDOW`) up to and including the
    /// next byte that ends a block of a live size; returns where it
    /// stopped. `WORDS` packed words hold the states of the live sizes.
    #[inline(always)]
    fn run<const WORDS: usize>(&mut self, data: &[u8], mut at: usize) -> usize {
        let live = self.bh_start..self.bh_end;
        let mut words = [0u64; WORDS];
        for (k, &[h, half]) in self.fnv[live.clone()].iter().enumerate() {
            if let Some(word) = words.get_mut(k / SIZES_PER_WORD) {
                *word |= (u64::from(h) | u64::from(half) << 16) << (32 * (k % SIZES_PER_WORD));
            }
        }
        let (shift, limit) = (self.bh_start as u32, self.trigger_limit);
        let mut roll = self.roll;
        let mut ended = None;
        // Two bytes a turn: a 6-bit state times HASH_PRIME_6, xor a byte,
        // stays below 2^11 and, once more, below 2^16, so the lanes need the
        // mask only every second byte.
        while ended.is_none() && at + 1 < data.len() {
            let (c1, c2) = (data[at], data[at + 1]);
            let sum1 = roll.update(c1, data[at - ROLLING_WINDOW]);
            let mid = words.map(|w| w.wrapping_mul(HASH_PRIME_6) ^ (u64::from(c1) * LANE_ONES));
            if let Some(top) = block_end(sum1, shift, limit) {
                words = mid.map(|w| w & LANE_MASK);
                at += 1;
                ended = Some(top);
                break;
            }
            let sum2 = roll.update(c2, data[at + 1 - ROLLING_WINDOW]);
            words = mid.map(|w| (w.wrapping_mul(HASH_PRIME_6) ^ (u64::from(c2) * LANE_ONES)) & LANE_MASK);
            at += 2;
            ended = block_end(sum2, shift, limit);
        }
        if ended.is_none() && at < data.len() {
            let c = data[at];
            let sum = roll.update(c, data[at - ROLLING_WINDOW]);
            words = words.map(|w| (w.wrapping_mul(HASH_PRIME_6) ^ (u64::from(c) * LANE_ONES)) & LANE_MASK);
            at += 1;
            ended = block_end(sum, shift, limit);
        }
        self.roll = roll;
        for (k, state) in self.fnv[live].iter_mut().enumerate() {
            let lanes = words
                .get(k / SIZES_PER_WORD)
                .map_or(0, |w| w >> (32 * (k % SIZES_PER_WORD)));
            *state = [lanes as u8 & 63, (lanes >> 16) as u8 & 63];
        }
        if let Some(top) = ended {
            self.end_blocks(top);
        }
        at
    }

    /// One byte with any number of live sizes.
    fn step(&mut self, c: u8, old: u8) {
        let roll = self.roll.update(c, old);
        for state in &mut self.fnv[self.bh_start..self.bh_end] {
            *state = [fnv6(state[0], c), fnv6(state[1], c)];
        }
        if let Some(top) = block_end(roll, self.bh_start as u32, self.trigger_limit) {
            self.end_blocks(top);
        }
    }

    /// Ends the current block of every live block size `j <= top`, `top`
    /// being the number of trailing zero bits of `(roll + 1) / 3`: exactly
    /// the sizes with `(roll + 1) % (3 << j) == 0`.
    fn end_blocks(&mut self, top: usize) {
        let mut j = self.bh_start;
        // `bh_end` grows inside the loop: a fork makes the next size live
        // and it may trigger on this same byte.
        while j < self.bh_end && j <= top {
            if self.blocks[j].d_len == 0 {
                self.try_fork();
            }
            let block = &mut self.blocks[j];
            let [h, half_h] = self.fnv[j];
            block.digest[block.d_len] = B64[usize::from(h & 63)];
            block.half_digest = B64[usize::from(half_h & 63)];
            if block.d_len < SPAMSUM_LENGTH - 1 {
                block.d_len += 1;
                block.digest[block.d_len] = 0;
                self.fnv[j][0] = HASH_INIT_6;
                if block.d_len < SPAMSUM_LENGTH / 2 {
                    self.fnv[j][1] = HASH_INIT_6;
                    block.half_digest = 0;
                }
            } else {
                self.try_reduce();
            }
            j += 1;
        }
    }

    /// Makes the next doubled block size live, starting from the state of
    /// the largest one.
    fn try_fork(&mut self) {
        let (new, last) = (self.bh_end, self.bh_end - 1);
        if new < self.end_limit {
            self.fnv[new] = self.fnv[last];
            let block = &mut self.blocks[new];
            block.digest[0] = 0;
            block.half_digest = 0;
            block.d_len = 0;
            self.bh_end += 1;
        }
    }

    /// Drops the smallest block size once the input is too long for it and
    /// the next one has at least half a digest.
    fn try_reduce(&mut self) {
        if self.bh_end - self.bh_start < 2
            || (MIN_BLOCKSIZE << self.bh_start) * SPAMSUM_LENGTH as u64 >= self.total_size
            || self.blocks[self.bh_start + 1].d_len < SPAMSUM_LENGTH / 2
        {
            return;
        }
        self.bh_start += 1;
        self.trigger_limit = u64::MAX / (MIN_BLOCKSIZE << self.bh_start);
    }

    /// Chooses the block size: the smallest whose 64 blocks cover the
    /// input, within the live range, stepping down while its digest is
    /// shorter than half.
    fn choose_block(&self) -> Option<usize> {
        let mut bi = self.bh_start;
        while (MIN_BLOCKSIZE << bi) * (SPAMSUM_LENGTH as u64) < self.total_size {
            bi += 1;
            if bi >= NUM_BLOCKHASHES {
                return None;
            }
        }
        bi = bi.min(self.bh_end - 1);
        while bi > self.bh_start && self.blocks[bi].d_len < SPAMSUM_LENGTH / 2 {
            bi -= 1;
        }
        Some(bi)
    }

    /// `blocksize:part1:part2`; the unfinished block of each part adds one
    /// character (from the running FNV state, or the saved one when the
    /// rolling hash ended at zero).
    fn digest(&self) -> Option<String> {
        let bi = self.choose_block()?;
        let ended_nonzero = self.roll.sum() != 0;
        let mut out = format!("{}:", MIN_BLOCKSIZE << bi).into_bytes();
        let first = &self.blocks[bi];
        out.extend_from_slice(&first.digest[..first.d_len]);
        if ended_nonzero {
            out.push(B64[usize::from(self.fnv[bi][0] & 63)]);
        } else if let Some(&c) = first.digest.get(first.d_len).filter(|&&c| c != 0) {
            out.push(c);
        }
        out.push(b':');
        if bi + 1 < self.bh_end {
            let second = &self.blocks[bi + 1];
            let len = second.d_len.min(SPAMSUM_LENGTH / 2 - 1);
            out.extend_from_slice(&second.digest[..len]);
            if ended_nonzero {
                out.push(B64[usize::from(self.fnv[bi + 1][1] & 63)]);
            } else if second.half_digest != 0 {
                out.push(second.half_digest);
            }
        }
        // Every byte pushed is ASCII (digits, ':' or base64).
        String::from_utf8(out).ok()
    }
}

/// ssdeep digest of `data` (`blocksize:hash1:hash2`), `None` for an empty
/// input or one above [`MAX_INPUT_BYTES`].
pub fn digest(data: &[u8]) -> Option<String> {
    let total = u64::try_from(data.len()).ok()?;
    if total == 0 || total > MAX_INPUT_BYTES {
        return None;
    }
    let mut state = State::new(total);
    state.update(data);
    state.digest()
}

#[cfg(test)]
mod tests;
