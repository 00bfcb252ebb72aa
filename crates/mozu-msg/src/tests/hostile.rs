//! Hostile inputs: none may panic, hang or allocate without bound.

use super::*;
use crate::{Limits, MsgError, parse_msg, parse_msg_unguarded};

/// xorshift64: a tiny deterministic RNG so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

#[test]
fn non_cfb_inputs_are_errors() {
    assert!(matches!(parse_msg(b"", &Limits::default()), Err(MsgError::NotCfb)));
    assert!(matches!(
        parse_msg(b"From: a@example.jp\r\n\r\nhi", &Limits::default()),
        Err(MsgError::NotCfb)
    ));
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let mut cases = 0;
    for len in [0usize, 1, 8, 511, 512, 513, 4096, 70_000] {
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next().to_le_bytes()[0]).collect();
        let _ = parse_msg_unguarded(&bytes, &Limits::default());
        if bytes.len() >= 8 {
            bytes[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
            assert!(parse_msg_unguarded(&bytes, &Limits::default()).is_err());
        }
        cases += 1;
    }
    assert!(cases > 0);
}

#[test]
fn cfb_without_message_properties_is_not_msg() {
    let mut cfb = match cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())) {
        Ok(cfb) => cfb,
        Err(err) => panic!("{err}"),
    };
    if let Err(err) = cfb.create_stream("/WordDocument").map(drop) {
        panic!("{err}");
    }
    let bytes = cfb.into_inner().into_inner();
    assert!(matches!(
        parse_msg_unguarded(&bytes, &Limits::default()),
        Err(MsgError::NotMsg)
    ));
}

#[test]
fn truncated_files_never_panic() {
    let bytes = forwarded_invoice().build();
    let mut cases = 0;
    for cut in (0..bytes.len()).step_by(97) {
        let _ = parse_msg_unguarded(&bytes[..cut], &Limits::default());
        cases += 1;
    }
    assert!(cases > 50);
}

/// Sets the stream size of every directory entry (V3: 512-byte sectors,
/// 128-byte entries, size at offset 0x78) to `size`.
fn claim_stream_sizes(bytes: &mut [u8], size: u64) -> usize {
    let first_dir_sector = u32::from_le_bytes([bytes[0x30], bytes[0x31], bytes[0x32], bytes[0x33]]);
    let start = (first_dir_sector as usize + 1) * 512;
    let mut patched = 0;
    for entry in bytes[start..].chunks_exact_mut(128).take(4) {
        if entry[0x42] == 2 {
            entry[0x78..0x80].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    patched
}

#[test]
fn huge_claimed_stream_sizes_never_panic() {
    let mut cases = 0;
    for size in [u64::MAX, 1 << 40, u64::from(u32::MAX), 0x7FFF_FFFF, 4096, 4095] {
        let mut bytes = invoice(false).build();
        assert!(claim_stream_sizes(&mut bytes, size) > 0);
        let _ = parse_msg_unguarded(&bytes, &Limits::default());
        cases += 1;
    }
    assert!(cases > 0);
}

#[test]
fn garbage_property_streams_yield_warnings() {
    let mut rng = Rng(42);
    let garbage: Vec<u8> = (0..1001).map(|_| rng.next().to_le_bytes()[0]).collect();
    let bytes = MsgBuilder::new()
        .subject("ok")
        .to("a", "a@example.jp")
        .attach("a.bin", "application/octet-stream", vec![1, 2, 3])
        .raw_stream("__properties_version1.0", garbage[..37].to_vec())
        .raw_stream("__substg1.0_1000001F", garbage.clone())
        .raw_stream("__substg1.0_1000001E", garbage.clone())
        .raw_stream("__substg1.0_10130102", garbage.clone())
        .raw_stream("__substg1.0_10090102", garbage.clone())
        .raw_stream("__substg1.0_0037001E", garbage.clone())
        .build();
    let message = parse(&bytes);
    assert_eq!(message.subject.as_deref(), Some("ok"));
    assert!(message.body_text.is_some());
    assert!(message.body_html.is_some());
    assert!(message.warnings.len() >= 3, "{:?}", message.warnings);
    assert_eq!(message.attachments.len(), 1);
}

/// Applies one random mutation: byte flips, interesting 32-bit values,
/// copied sector runs, or truncation.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    const INTERESTING: [u32; 8] = [0, 1, 0x7F, 0xFFFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFA, 0x8000_0000, 0x1000];
    let len = bytes.len();
    match rng.below(5) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(len);
                bytes[at] ^= 1 << rng.below(8);
            }
        }
        1 => {
            let at = rng.below(len.saturating_sub(4)) & !3;
            let value = INTERESTING[rng.below(INTERESTING.len())];
            bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
        }
        2 => {
            let from = rng.below(len.saturating_sub(512)) & !63;
            let to = rng.below(len.saturating_sub(512)) & !63;
            let run: Vec<u8> = bytes[from..from + 64].to_vec();
            bytes[to..to + 64].copy_from_slice(&run);
        }
        3 => {
            // The header and the first sectors (FAT, directory) are where
            // the structure lives.
            let at = 0x30 + rng.below(len.min(0x1000) - 0x30);
            bytes[at] = rng.next().to_le_bytes()[0];
        }
        _ => bytes.truncate(512 + rng.below(len - 512)),
    }
}

#[test]
fn thousands_of_mutations_never_panic() {
    let fixture = MsgBuilder::new()
        .unicode(false)
        .code_page(932)
        .subject(SUBJECT)
        .sender(SENDER_NAME, SENDER_EMAIL)
        .to("佐藤 花子", "hanako.sato@example.jp")
        .body_text("請求書を送付します。")
        .rtf_body(b"{\\rtf1\\ansi\\ansicpg932 \\'90\\'bf\\'8b\\'81\\par}")
        .attach(ZIP_NAME, "application/zip", b"PK\x03\x04".to_vec())
        .embed(MsgBuilder::new().subject("inner").to("x", "x@example.jp"))
        .build();
    // MOZU_MSG_MUTATIONS raises the count for a longer soak run.
    let runs: usize = std::env::var("MOZU_MSG_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut rng = Rng(0xC0FF_EE00_D15E_A5E5);
    let limits = Limits::default();
    let mut cases = 0;
    let mut parsed = 0;
    let mut rewritten = 0;
    for _ in 0..runs {
        let mut bytes = fixture.clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut rng, &mut bytes);
        }
        if let Ok(message) = parse_msg_unguarded(&bytes, &limits) {
            parsed += 1;
            // A standalone file re-written from damaged input is still read
            // without panicking.
            for raw in message.attachments.iter().filter_map(|a| a.embedded_raw.as_deref()) {
                let _ = parse_msg_unguarded(raw, &limits);
                rewritten += 1;
            }
        }
        cases += 1;
    }
    assert_eq!(cases, runs);
    assert!(cases > 0);
    // Most single mutations leave a readable container.
    assert!(parsed > 0);
    assert!(rewritten > 0);
}
