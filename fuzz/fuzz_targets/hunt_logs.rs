//! Log readers (EVTX, JSON, proxy, firewall, gzip) on arbitrary bytes: no panic, bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mozu_logs::{Limits, read_bytes};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_decompressed_bytes: 1 << 20,
        max_events: 10_000,
        ..Limits::default()
    };
    let _ = read_bytes("fuzz", data.to_vec(), &limits, &mut |ev| {
        std::hint::black_box(ev.fields.len());
    });
});
