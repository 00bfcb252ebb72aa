#![no_main]
//! Every detector on an arbitrary parsed mail.
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static DETECTORS: LazyLock<Option<mozu_detect::Detectors>> =
    LazyLock::new(|| mozu_detect::Detectors::new(&mozu_detect::Config::default()).ok());

fuzz_target!(|data: &[u8]| {
    let Some(det) = DETECTORS.as_ref() else { return };
    let src = mozu_mail::source("fuzz", mozu_model::SourceFormat::Eml, None);
    let mut rec = mozu_mail::parse_eml(data, src, &mozu_mail::Limits::default());
    det.apply(&mut rec);
});
