//! Sniff + parse of arbitrary bytes as mail (eml, mbox or .msg).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mozu_mail::fuzz_entry(data);
});
