//! Fuzz target: `mozu_script::analyse_lnk` on arbitrary bytes must not
//! panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let analysis = mozu_script::analyse_lnk(data);
    assert!(analysis.children.len() <= mozu_script::MAX_PAYLOADS);
    let _ = mozu_script::analyse_pe(data);
});
