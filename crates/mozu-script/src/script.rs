//! [`analyse_script`]: scripts and text lures.

use mozu_model::ScriptInfo;

use crate::decode::decode_text;
use crate::findings::{encoded_payload_finding, obfuscation_finding, pattern_findings};
use crate::normalize::{Family, normalize};
use crate::patterns::{self, Hit};
use crate::powershell::{BlobKind, blob_runs, carve_blobs, find_encoded_commands};
use crate::{Analysis, Budget, DEADLINE, Details, MAX_SCRIPT_BYTES, ScriptError, decode_vbe, lures};

/// Carets, backticks and string splits that count as obfuscation.
const MANY_CARETS: usize = 10;
const MANY_BACKTICKS: usize = 5;
const MANY_JOINS: usize = 10;

/// Name of the decoded form of an encoded script.
fn decoded_name(language: &str) -> String {
    let extension = match language {
        "vbe" => "vbs",
        "jse" => "js",
        other if !other.is_empty() && other.len() <= 8 && other.bytes().all(|b| b.is_ascii_alphanumeric()) => other,
        _ => "txt",
    };
    format!("decoded.{extension}")
}

/// Analyses a script or text lure. `language` is the file type (`vbs`,
/// `vbe`, `js`, `jse`, `wsf`, `wsc`, `hta`, `ps1`, `bat`, `cmd`, `iqy`,
/// `slk`, `url`, `sct`; a leading dot and case are ignored).
pub fn analyse_script(bytes: &[u8], language: &str) -> Analysis {
    let mut budget = Budget::new(DEADLINE);
    let mut analysis = Analysis::default();
    let language = language.trim().trim_start_matches('.').to_ascii_lowercase();
    let bytes = if bytes.len() > MAX_SCRIPT_BYTES {
        let error = ScriptError::TooLarge {
            size: bytes.len(),
            limit: MAX_SCRIPT_BYTES,
        };
        analysis.warnings.push(error.to_string());
        &bytes[..MAX_SCRIPT_BYTES]
    } else {
        bytes
    };
    let text = decode_text(bytes);
    let mut info = ScriptInfo {
        language: language.clone(),
        ..ScriptInfo::default()
    };
    let lure = match language.as_str() {
        "iqy" => Some(lures::iqy(&text)),
        "slk" => Some(lures::slk(&text)),
        "url" => Some(lures::url(&text)),
        _ => None,
    };
    let mut decoded = Vec::new();
    if text.contains("#@~^")
        && let Some(plain) = decode_vbe(&text)
        && budget.add_child(&mut analysis, decoded_name(&language), plain.into_bytes())
    {
        decoded.push("Windows Script Encoder block (#@~^…^#~@) decoded".to_string());
    }
    let normalized = normalize(&text, Family::of(&language));
    let hits = patterns::find(&normalized.text);
    let runs = blob_runs(&normalized.text);
    decoded.extend(payloads(&normalized.text, &runs, &mut budget, &mut analysis));
    let mut signals = crate::obfuscation::obfuscation_signals(&normalized.text, &runs);
    signals.extend(revealed(&text, &normalized, &hits));
    if budget.expired() {
        analysis.warnings.push(ScriptError::Deadline.to_string());
    }
    if let Some(lure) = lure {
        analysis.findings.extend(lure.findings);
        info.patterns.extend(lure.patterns);
        analysis.texts.extend(lure.texts);
    }
    analysis.findings.extend(pattern_findings(&hits, "script"));
    analysis.findings.extend(encoded_payload_finding(&decoded));
    signals.dedup();
    analysis.findings.extend(obfuscation_finding(&signals));
    for hit in &hits {
        if !info.patterns.iter().any(|known| known == hit.name) {
            info.patterns.push(hit.name.to_string());
        }
    }
    info.decoded_payloads = u32::try_from(analysis.children.len()).unwrap_or(u32::MAX);
    if normalized.text != text {
        analysis.texts.push(normalized.text);
    }
    analysis.texts.insert(0, text);
    analysis.info = Some(Details::Script(info));
    analysis
}

/// Decodes PowerShell `-EncodedCommand` arguments and base64 PE / zip blobs
/// into children; returns what was decoded, for evidence.
pub(crate) fn payloads(
    text: &str,
    runs: &[(usize, usize)],
    budget: &mut Budget,
    analysis: &mut Analysis,
) -> Vec<String> {
    let mut decoded = Vec::new();
    for (number, command) in find_encoded_commands(text).into_iter().enumerate() {
        let name = format!("powershell-enc-{}.ps1", number + 1);
        if budget.add_child(analysis, name, command.text.into_bytes()) {
            decoded.push(format!("PowerShell -EncodedCommand {}…", command.argument));
        }
    }
    for (number, (kind, data)) in carve_blobs(text, runs, budget.payload_room()).into_iter().enumerate() {
        let (name, what) = match kind {
            BlobKind::Pe => (
                format!("base64-{}.exe", number + 1),
                "base64 blob decoding to a PE executable",
            ),
            BlobKind::Zip => (
                format!("base64-{}.zip", number + 1),
                "base64 blob decoding to a zip archive",
            ),
        };
        if budget.add_child(analysis, name, data) {
            decoded.push(what.to_string());
        }
    }
    decoded
}

/// What de-obfuscation revealed: patterns only the normalised text matches,
/// and heavy use of carets, backticks or string splits.
fn revealed(text: &str, normalized: &crate::normalize::Normalized, hits: &[Hit]) -> Vec<String> {
    let mut signals = Vec::new();
    if normalized.text != text {
        for hit in hits.iter().filter(|hit| !patterns::still_matches(hit, text)) {
            signals.push(format!("{} written in pieces: {}", hit.name, hit.quote));
        }
    }
    if normalized.carets >= MANY_CARETS {
        signals.push(format!("{} caret escapes", normalized.carets));
    }
    if normalized.backticks >= MANY_BACKTICKS {
        signals.push(format!("{} backtick escapes", normalized.backticks));
    }
    if normalized.joins >= MANY_JOINS {
        signals.push(format!("{} string splits", normalized.joins));
    }
    signals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoded_names() {
        assert_eq!(decoded_name("vbe"), "decoded.vbs");
        assert_eq!(decoded_name("jse"), "decoded.js");
        assert_eq!(decoded_name("hta"), "decoded.hta");
        assert_eq!(decoded_name("../x"), "decoded.txt");
    }

    #[test]
    fn empty_and_unknown_language() {
        let analysis = analyse_script(b"", "");
        assert!(analysis.findings.is_empty());
        assert!(matches!(analysis.info, Some(Details::Script(_))));
        let analysis = analyse_script(b"WScript.Echo 1", ".VBS");
        let Some(Details::Script(info)) = analysis.info else {
            panic!("script details")
        };
        assert_eq!(info.language, "vbs");
    }
}
