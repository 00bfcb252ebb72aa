//! Fuzz target: `mozu_msg::parse_msg` on arbitrary bytes must not panic,
//! hang or allocate without bound. Seed the corpus with the fixtures in
//! `testdata/msg/*.msg`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mozu_msg::parse_msg(data, &Default::default());
});
