//! Element and attribute names interned across chunks and files.

use std::collections::HashMap;
use std::hash::Hasher;
use std::rc::Rc;

use super::flat::Builder;
use super::value;

/// Most names kept by a [`NameInterner`]; past it names are decoded per chunk.
pub const MAX_INTERNED_NAMES: usize = 4096;
/// Longest name (UTF-16 bytes) a [`NameInterner`] keeps.
pub const MAX_INTERNED_NAME_BYTES: usize = 256;

/// Element and attribute names decoded so far, by their UTF-16 bytes, kept
/// across chunks and files. A chunk names each element once; small files
/// (one chunk, one or two records, as exported per incident or in the
/// SigmaHQ regression set) therefore decoded every name of every record.
#[derive(Default)]
pub struct NameInterner {
    names: HashMap<Box<[u8]>, Rc<str>, NameHashState>,
    /// The event builder with its recycled element buffers, kept across
    /// chunks and files for the same reason as the names (`None` while a
    /// chunk is being decoded).
    pub(super) builder: Option<Builder>,
}

/// Hash of a name's UTF-16 bytes, eight bytes per step: SipHash over every
/// name of every small file was a twentieth of an event's instructions. The
/// seed is random per interner (from std's `RandomState`), so a hostile file
/// cannot aim its names at one bucket; the table is capped anyway
/// ([`MAX_INTERNED_NAMES`]).
#[derive(Clone)]
struct NameHashState(u64);

impl Default for NameHashState {
    fn default() -> Self {
        use std::hash::BuildHasher;
        Self(std::collections::hash_map::RandomState::new().hash_one(0x6d6f_7a75_u64) | 1)
    }
}

impl std::hash::BuildHasher for NameHashState {
    type Hasher = NameHasher;
    fn build_hasher(&self) -> NameHasher {
        NameHasher(self.0)
    }
}

struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        let h = self.0 ^ (self.0 >> 32);
        h.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (h >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            self.0 = (self.0 ^ u64::from_le_bytes(a)).wrapping_mul(K).rotate_left(29);
        }
        let mut a = [0u8; 8];
        let rest = words.remainder();
        if let Some(dst) = a.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.0 = (self.0 ^ u64::from_le_bytes(a) ^ (rest.len() as u64) << 56)
            .wrapping_mul(K)
            .rotate_left(29);
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl NameInterner {
    pub(super) fn get_or_decode(&mut self, utf16: &[u8]) -> Rc<str> {
        if let Some(name) = self.names.get(utf16) {
            return name.clone();
        }
        let name: Rc<str> = value::utf16(utf16).into();
        if self.names.len() < MAX_INTERNED_NAMES && utf16.len() <= MAX_INTERNED_NAME_BYTES {
            self.names.insert(utf16.into(), name.clone());
        }
        name
    }
}
