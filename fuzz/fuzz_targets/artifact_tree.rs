//! The whole artifact walk (sniff, unpack, analysers) over arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut opts = mozu_artifact::Options::default();
    opts.limits.max_total_bytes = 16 << 20;
    let source = mozu_model::SourceRef { path: "fuzz".into(), index: None, format: mozu_model::SourceFormat::File };
    let _ = mozu_artifact::analyse_file(data.to_vec(), source, &opts, None);
});
