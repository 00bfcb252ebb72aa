//! Archive unpacking over arbitrary bytes: the first byte picks the format
//! (so every parser sees every input), the rest is the container. Whatever
//! `detect` recognises is unpacked too. Limits are small so a bomb found by
//! the fuzzer shows up as a budget hit, not as a timeout or an OOM.
#![no_main]

use std::time::Duration;

use mozu_unpack::{Budget, Format, Limits, Password, detect, unpack};

fn limits() -> Limits {
    Limits {
        max_total_bytes: 16 * 1024 * 1024,
        max_entry_bytes: 4 * 1024 * 1024,
        max_entries: 1_000,
        deadline: Duration::from_secs(2),
        ..Limits::default()
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let passwords = [Password::new("infected", "body")];
    let format = Format::ALL[usize::from(selector) % Format::ALL.len()];
    let budget = Budget::new(limits());
    if let Ok(unpacked) = unpack(bytes, format, &budget, &passwords) {
        let limits = limits();
        for entry in &unpacked.entries {
            let len = entry.data.as_ref().map_or(0, Vec::len) as u64;
            assert!(len <= limits.max_entry_bytes);
        }
        assert!(budget.bytes_used() <= limits.max_total_bytes);
    }
    if let Some(detected) = detect(bytes) {
        let _ = unpack(bytes, detected, &Budget::new(limits()), &passwords);
    }
});
