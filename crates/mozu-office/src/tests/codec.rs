//! `vba_decompress` / `vba_compress` against the MS-OVBA 3.2 examples,
//! round trips and malformed containers.

use super::XorShift;
use crate::{OfficeError, vba_compress, vba_decompress};

/// MS-OVBA 3.2.1: no compression possible.
const NO_COMPRESSION_RAW: &[u8] = b"abcdefghijklmnopqrstuv.";
const NO_COMPRESSION: &[u8] = &[
    0x01, 0x19, 0xB0, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x00, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E,
    0x6F, 0x70, 0x00, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x2E,
];
/// MS-OVBA 3.2.2: normal compression.
const NORMAL_RAW: &[u8] = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa";
const NORMAL: &[u8] = &[
    0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64, 0x65, 0x82, 0x66, 0x00, 0x70, 0x61, 0x67, 0x68,
    0x69, 0x6A, 0x01, 0x38, 0x08, 0x61, 0x6B, 0x6C, 0x00, 0x30, 0x6D, 0x6E, 0x6F, 0x70, 0x06, 0x71, 0x02, 0x70, 0x04,
    0x10, 0x72, 0x73, 0x74, 0x75, 0x76, 0x10, 0x77, 0x78, 0x79, 0x7A, 0x00, 0x3C,
];
/// MS-OVBA 3.2.3: maximum compression (one literal, one CopyToken).
const MAXIMUM: &[u8] = &[0x01, 0x03, 0xB0, 0x02, 0x61, 0x45, 0x00];

#[test]
fn spec_examples_decompress() {
    assert_eq!(vba_decompress(NO_COMPRESSION, 1 << 20).unwrap(), NO_COMPRESSION_RAW);
    assert_eq!(vba_decompress(NORMAL, 1 << 20).unwrap(), NORMAL_RAW);
    assert_eq!(vba_decompress(MAXIMUM, 1 << 20).unwrap(), vec![b'a'; 73]);
}

#[test]
fn spec_examples_compress_to_the_spec_bytes() {
    assert_eq!(vba_compress(NO_COMPRESSION_RAW), NO_COMPRESSION);
    assert_eq!(vba_compress(&[b'a'; 73]), MAXIMUM);
    // The 3.2.2 bytes come from Office, whose match search differs from the
    // one the specification describes (nearest longest match): the same
    // token layout and size, other offsets.
    let normal = vba_compress(NORMAL_RAW);
    assert_eq!(normal.len(), NORMAL.len());
    assert_eq!(vba_decompress(&normal, 1 << 20).unwrap(), NORMAL_RAW);
}

#[test]
fn round_trips() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let text = "Sub AutoOpen()\r\n ' 請求書\r\n MsgBox \"x\"\r\nEnd Sub\r\n".repeat(400);
    let mut cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"a".to_vec(),
        vec![0; 100_000],
        text.into_bytes(),
        (0..=255u8).cycle().take(20_000).collect(),
    ];
    for length in [
        1,
        2,
        3,
        17,
        4095,
        4096,
        4097,
        3641,
        3642,
        4000,
        8192,
        8192 + 4000,
        50_000,
    ] {
        cases.push(rng.bytes(length));
        let mut mixed = rng.bytes(length / 2);
        mixed.extend(std::iter::repeat_n(b'z', length - length / 2));
        cases.push(mixed);
    }
    let mut ran = 0;
    for raw in &cases {
        let compressed = vba_compress(raw);
        let back = vba_decompress(&compressed, raw.len()).unwrap_or_else(|err| panic!("{} bytes: {err}", raw.len()));
        assert_eq!(&back, raw, "round trip of {} bytes", raw.len());
        ran += 1;
    }
    assert!(ran > 20);
}

#[test]
fn compression_shrinks_source_text() {
    let text = "Dim s As String\r\ns = s & Chr(65)\r\n".repeat(1000);
    let compressed = vba_compress(text.as_bytes());
    assert!(
        compressed.len() * 4 < text.len(),
        "{} -> {}",
        text.len(),
        compressed.len()
    );
}

fn malformed(bytes: &[u8]) -> bool {
    matches!(vba_decompress(bytes, 1 << 20), Err(OfficeError::Decompress { .. }))
}

#[test]
fn malformed_containers_are_errors() {
    let mut bad_signature = NORMAL.to_vec();
    bad_signature[0] = 0x02;
    assert!(malformed(&bad_signature));
    assert!(malformed(&NORMAL[1..]), "missing signature byte");
    assert!(
        malformed(&NORMAL[..NORMAL.len() - 1]),
        "container shorter than its chunk"
    );
    let mut bad_chunk_signature = NORMAL.to_vec();
    bad_chunk_signature[2] = 0xA0;
    assert!(malformed(&bad_chunk_signature));
    // Uncompressed chunk whose size is not 4096.
    let mut raw_chunk = vec![0x01, 0xFE, 0x3F];
    raw_chunk.extend_from_slice(&[0x41; 4093]);
    assert!(malformed(&raw_chunk));
    // Truncated uncompressed chunk.
    let mut short_raw = vec![0x01, 0xFF, 0x3F];
    short_raw.extend_from_slice(&[0x41; 100]);
    assert!(malformed(&short_raw));
    // CopyToken as the first token: points before the chunk start.
    assert!(malformed(&[0x01, 0x02, 0xB0, 0x01, 0x00, 0x00]));
    // Incomplete CopyToken.
    assert!(malformed(&[0x01, 0x02, 0xB0, 0x02, 0x61, 0x45]));
    assert!(malformed(&[]));
    assert!(malformed(&[0x01, 0xB0]));
    // A lone signature byte is an empty container.
    assert_eq!(vba_decompress(&[0x01], 10).unwrap(), b"");
}

#[test]
fn output_limit_is_enforced() {
    let compressed = vba_compress(&vec![b'x'; 100_000]);
    assert!(matches!(
        vba_decompress(&compressed, 50_000),
        Err(OfficeError::TooLarge { limit: 50_000, .. })
    ));
    assert_eq!(vba_decompress(&compressed, 100_000).unwrap().len(), 100_000);
    assert!(matches!(vba_decompress(MAXIMUM, 10), Err(OfficeError::TooLarge { .. })));
}

#[test]
fn lenient_decompression_keeps_the_good_prefix() {
    let raw = "Attribute VB_Name = \"Module1\"\r\nSub x()\r\nEnd Sub\r\n".repeat(200);
    let compressed = vba_compress(raw.as_bytes());
    let (partial, error) = crate::ovba::decompress_lenient(&compressed[..compressed.len() / 2], usize::MAX);
    assert!(error.is_some());
    assert!(!partial.is_empty());
    assert!(raw.as_bytes().starts_with(&partial));
}
