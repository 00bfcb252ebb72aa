//! Fuzz target: `mozu_office::analyse_rtf` on arbitrary bytes must not
//! panic, hang or allocate without bound (deep group nesting included).
//! Seed the corpus with `mozu_office::fixtures::rtf_package_object()` and
//! `rtf_dde()`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mozu_office::analyse_rtf(data);
});
