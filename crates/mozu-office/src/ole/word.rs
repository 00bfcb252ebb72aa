//! The Word binary `WordDocument` stream: the FIB encryption flag and DDE
//! field instructions.
//!
//! Field codes live in the document text between the field-begin (0x13)
//! and field-separator (0x14) or field-end (0x15) characters. Rather than
//! rebuild the text through the piece table, the stream is scanned for
//! field-begin characters in both 8-bit and UTF-16LE form: an instruction
//! that starts with `DDE` / `DDEAUTO` is distinctive enough that a stray
//! 0x13 byte elsewhere does no harm.

use std::path::Path;

use crate::report::Report;
use crate::vba::dir::read_u16;

use super::container::Container;

/// FIB `fEncrypted` flag (FibBase offset 0x0A).
const FIB_ENCRYPTED: u16 = 0x0100;
/// Longest field instruction read, in characters.
const MAX_INSTRUCTION_CHARS: usize = 2048;
/// Characters looked at to decide whether a field is a DDE field (leading
/// blanks included).
const PEEK_CHARS: usize = 260;
/// Most DDE instructions reported per stream.
const MAX_DDE: usize = 64;

const FIELD_BEGIN: u16 = 0x13;
const FIELD_SEPARATOR: u16 = 0x14;
const FIELD_END: u16 = 0x15;

/// Scans the `WordDocument` stream; returns an encryption marker when the
/// FIB says the document is encrypted.
pub(crate) fn analyse(container: &mut Container<'_>, report: &mut Report) -> Option<&'static str> {
    let entry = container.child(Path::new("/"), "WordDocument").cloned()?;
    let stream = container.read(&entry, report)?;
    for instruction in dde_instructions(&stream) {
        report.dde("WordDocument", &instruction);
    }
    let flags = read_u16(&stream, 0x0A)?;
    (flags & FIB_ENCRYPTED != 0).then_some("FIB fEncrypted flag")
}

/// DDE / DDEAUTO field instructions found in `stream`.
pub(crate) fn dde_instructions(stream: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (index, &byte) in stream.iter().enumerate() {
        if found.len() >= MAX_DDE {
            break;
        }
        if u16::from(byte) != FIELD_BEGIN {
            continue;
        }
        let rest = stream.get(index + 1..).unwrap_or_default();
        let wide = rest.first() == Some(&0);
        let read = |limit| {
            if wide {
                read_wide(rest.get(1..).unwrap_or_default(), limit)
            } else {
                read_narrow(rest, limit)
            }
        };
        // A short look first, so that a stream full of 0x13 bytes costs
        // little; only a DDE instruction is read in full.
        if !is_dde(&read(PEEK_CHARS)) {
            continue;
        }
        let instruction = read(MAX_INSTRUCTION_CHARS);
        if !found.contains(&instruction) {
            found.push(instruction);
        }
    }
    found
}

/// Whether a field instruction is a DDE or DDEAUTO field.
pub(crate) fn is_dde(instruction: &str) -> bool {
    let trimmed = instruction.trim_start_matches(|c: char| c.is_whitespace() || c == '"');
    trimmed.get(..3).is_some_and(|word| word.eq_ignore_ascii_case("dde"))
}

fn read_narrow(bytes: &[u8], limit: usize) -> String {
    bytes
        .iter()
        .take(limit)
        .take_while(|&&byte| !is_field_mark(u16::from(byte)))
        .map(|&byte| char::from(byte))
        .collect::<String>()
        .trim()
        .to_owned()
}

fn read_wide(bytes: &[u8], limit: usize) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take(limit)
        .take_while(|&unit| !is_field_mark(unit));
    char::decode_utf16(units)
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .trim()
        .to_owned()
}

fn is_field_mark(unit: u16) -> bool {
    matches!(unit, FIELD_BEGIN | FIELD_SEPARATOR | FIELD_END) || unit == 0
}
