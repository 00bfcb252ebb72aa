//! Indicator extraction over arbitrary text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut set = mozu_indicators::IndicatorSet::default();
    set.scan_text(&text, mozu_model_location());
    let _ = set.add_url(&text, mozu_model_location());
});

fn mozu_model_location() -> mozu_model::Location {
    mozu_model::Location::Text
}
