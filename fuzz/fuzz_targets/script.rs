//! Fuzz target: `mozu_script::analyse_script` on arbitrary bytes, in a
//! language chosen by the first byte, must not panic, hang or allocate
//! without bound; neither may the two decoders.
#![no_main]

use libfuzzer_sys::fuzz_target;

const LANGUAGES: &[&str] =
    &["vbs", "vbe", "js", "jse", "wsf", "wsc", "hta", "ps1", "bat", "cmd", "iqy", "slk", "url", "sct"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let language = LANGUAGES[usize::from(selector) % LANGUAGES.len()];
    let analysis = mozu_script::analyse_script(body, language);
    assert!(analysis.children.len() <= mozu_script::MAX_PAYLOADS);
    let text = String::from_utf8_lossy(body);
    let _ = mozu_script::decode_vbe(&text);
    let _ = mozu_script::decode_powershell_encoded(&text);
});
