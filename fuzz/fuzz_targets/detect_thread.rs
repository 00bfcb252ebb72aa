#![no_main]
//! The quoted-thread parser of mozu-detect on arbitrary text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = mozu_detect::thread::parse(&text);
    let _ = mozu_detect::detectors::kaomoji::only_kaomoji(&text);
});
