//! Fuzz target: `mozu_pdf::analyse_pdf` on arbitrary bytes must not panic,
//! abort, hang or allocate without bound (lopdf runs isolated inside it).
//! Seed the corpus with PDFs written by `crates/mozu-pdf/tests/common`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let analysis = mozu_pdf::analyse_pdf(data);
    assert!(analysis.info.uris.len() <= mozu_pdf::MAX_URIS);
    assert!(analysis.children.len() <= mozu_pdf::MAX_EMBEDDED_FILES);
});
