//! Obfuscation measures: character-code calls (`Chr(…)`, `fromCharCode`,
//! `[char]`) and long base64 runs.

/// Shortest run of base64 characters reported as obfuscation.
pub(crate) const LONG_BASE64: usize = 400;
/// Character-code calls needed, in count and per KiB, to call it obfuscation.
const CHAR_CALLS_MIN: usize = 20;
const CHAR_CALLS_PER_KIB: usize = 3;
/// Numbers in one `fromCharCode(…)` call that make it obfuscation alone.
const FROM_CHAR_CODE_ARGS: usize = 20;

/// Names whose call (`name(`) builds a character from its code.
const CHAR_FUNCTIONS: [&[u8]; 4] = [b"chr", b"chrw", b"chrb", b"chr$"];
/// Bytes after `fromCharCode(` searched for its closing parenthesis.
const MAX_CALL_BYTES: usize = 64 << 10;

fn ends_with_ignore_case(bytes: &[u8], suffix: &[u8]) -> bool {
    bytes.len() >= suffix.len() && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Obfuscation signals in `text`, as evidence strings. `base64_runs` are
/// the long base64 runs of `text` (see `powershell::blob_runs`).
pub(crate) fn obfuscation_signals(text: &str, base64_runs: &[(usize, usize)]) -> Vec<String> {
    let mut signals = Vec::new();
    let bytes = text.as_bytes();
    let (mut char_calls, mut widest_call) = (0usize, 0usize);
    // `Chr(`, `ChrW(` …, `fromCharCode(` and PowerShell `[char]`, found from
    // their `(` / `[`, which memchr finds fast.
    for at in memchr::memchr2_iter(b'(', b'[', bytes) {
        if bytes[at] == b'[' {
            let cast = bytes
                .get(at + 1..at + 6)
                .is_some_and(|name| name.eq_ignore_ascii_case(b"char]"));
            char_calls += usize::from(cast);
            continue;
        }
        let before = &bytes[..at];
        if ends_with_ignore_case(before, b"fromcharcode") {
            char_calls += 1;
            let call = &bytes[at + 1..bytes.len().min(at + 1 + MAX_CALL_BYTES)];
            let end = memchr::memchr(b')', call).unwrap_or(call.len());
            widest_call = widest_call.max(memchr::memchr_iter(b',', &call[..end]).count() + 1);
        } else if CHAR_FUNCTIONS.iter().any(|name| ends_with_ignore_case(before, name)) {
            char_calls += 1;
        }
    }
    let per_kib = char_calls * 1024 / bytes.len().max(1);
    if char_calls >= CHAR_CALLS_MIN && per_kib >= CHAR_CALLS_PER_KIB {
        signals.push(format!("{char_calls} Chr()/fromCharCode calls ({per_kib} per KiB)"));
    }
    if widest_call >= FROM_CHAR_CODE_ARGS {
        signals.push(format!("String.fromCharCode with {widest_call} character codes"));
    }
    let longest = base64_runs.iter().map(|(start, end)| end - start).max().unwrap_or(0);
    if longest >= LONG_BASE64 {
        signals.push(format!("base64 run of {longest} characters"));
    }
    signals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::powershell::blob_runs;

    #[test]
    fn obfuscation() {
        let signals = |text: &str| obfuscation_signals(text, &blob_runs(text));
        let chr = "x = Chr(104) & Chr(116) & ".repeat(20);
        assert!(signals(&chr)[0].contains("Chr()"));
        let codes: Vec<String> = (0..30).map(|n| (65 + n).to_string()).collect();
        let js = format!("String.fromCharCode({})", codes.join(","));
        assert!(signals(&js).iter().any(|s| s.contains("30 character codes")));
        assert!(
            signals(&"QUJD".repeat(120))
                .iter()
                .any(|s| s.contains("base64 run of 480"))
        );
        assert!(signals("MsgBox Chr(13)").is_empty());
    }
}
