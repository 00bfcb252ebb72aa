//! Fuzz target: `mozu_office::analyse_ole` and `mozu_office::vba_decompress`
//! on arbitrary bytes must not panic, hang or allocate without bound. Seed
//! the corpus with `mozu_office::fixtures` output (`vba_project_bin`,
//! `doc_with_macros`, `xls_with_macro_sheet`, `ole_package_file`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mozu_office::analyse_ole(data);
    let _ = mozu_office::vba_decompress(data, mozu_office::MAX_SOURCE_BYTES);
});
