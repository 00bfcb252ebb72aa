//! Content hashes of an artifact: cryptographic for identity, fuzzy
//! (ssdeep, TLSH) for similarity across campaign variants.

use md5::Digest as _;

/// Bytes at least for a TLSH digest (the TLSH reference implementation
/// refuses shorter inputs).
pub const TLSH_MIN_BYTES: usize = 50;

/// All hashes of one byte string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hashes {
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// ssdeep (CTPH) digest, `blocksize:hash1:hash2`.
    pub ssdeep: Option<String>,
    /// TLSH digest (`T1…`), absent when the input is too short or too
    /// uniform.
    pub tlsh: Option<String>,
}

/// Computes every hash of `data`.
pub fn hash_all(data: &[u8]) -> Hashes {
    Hashes {
        md5: hex::encode(md5::Md5::digest(data)),
        sha1: hex::encode(sha1::Sha1::digest(data)),
        sha256: sha256_hex(data),
        ssdeep: ssdeep(data),
        tlsh: tlsh(data),
    }
}

/// SHA-256 of `data`, lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(data))
}

/// ssdeep digest, as the `ssdeep` tool prints it (`blocksize:hash1:hash2`),
/// byte-identical to the `fuzzyhash` crate (and to `ppdeep` on the reference
/// sample). `None` for an empty input, and for one above 3 GiB, where
/// `fuzzyhash`'s 32-bit size arithmetic overflows (ssdeep's own limit is far
/// higher).
pub fn ssdeep(data: &[u8]) -> Option<String> {
    crate::ssdeep::digest(data)
}

/// TLSH digest (128 buckets, 1-byte checksum, version prefix `T1`).
pub fn tlsh(data: &[u8]) -> Option<String> {
    if data.len() < TLSH_MIN_BYTES {
        return None;
    }
    let t = tlsh2::TlshDefaultBuilder::build_from(data)?;
    Some(String::from_utf8_lossy(&t.hash()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from the Python `ppdeep` and `py-tlsh` (the
    /// TLSH reference implementation) packages on the same input.
    #[test]
    fn matches_reference_implementations() {
        let data: Vec<u8> = (0..20_000u32)
            .map(|i| ((i * 7919) % 251) as u8 ^ (i / 97) as u8)
            .collect();
        let h = hash_all(&data);
        assert_eq!(h.ssdeep.as_deref(), Some(include_str!("../testdata/ref.ssdeep").trim()));
        assert_eq!(h.tlsh.as_deref(), Some(include_str!("../testdata/ref.tlsh").trim()));
        assert_eq!(
            hash_all(b"").sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(tlsh(b"short"), None);
    }
}
