//! The direct EVTX/BinXML reader on arbitrary chunk bodies: the input is
//! wrapped in a valid file header and chunk magic so the fuzzer spends its
//! time inside records, templates and substitutions. No panic, bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mozu_logs::{Limits, read_bytes};

fuzz_target!(|data: &[u8]| {
    let mut file = vec![0u8; 4096 + 65_536];
    file[..8].copy_from_slice(b"ElfFile\0");
    file[4096..4104].copy_from_slice(b"ElfChnk\0");
    let body = &mut file[4104..];
    let n = data.len().min(body.len());
    body[..n].copy_from_slice(&data[..n]);
    let limits = Limits {
        max_events: 10_000,
        ..Limits::default()
    };
    let _ = read_bytes("fuzz", file, &limits, &mut |ev| {
        std::hint::black_box(ev.fields.len());
    });
});
