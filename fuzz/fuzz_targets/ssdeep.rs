//! The ssdeep digest over arbitrary bytes: no panic, and always the
//! `blocksize:hash1:hash2` shape with parts of at most 64 and 32 characters.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(digest) = mozu_artifact::hashes::ssdeep(data) else {
        assert!(data.is_empty());
        return;
    };
    let parts: Vec<&str> = digest.split(':').collect();
    assert_eq!(parts.len(), 3, "{digest}");
    let block_size: u64 = parts[0].parse().expect("numeric block size");
    assert!(block_size >= 3 && (block_size / 3).is_power_of_two(), "{digest}");
    assert!(parts[1].len() <= 64 && parts[2].len() <= 32, "{digest}");
});
