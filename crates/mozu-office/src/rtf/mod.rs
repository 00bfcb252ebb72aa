//! RTF documents: embedded objects (`\object`, `\objclass`, `\objdata`,
//! `\objupdate`) and field instructions (`\fldinst`, for DDE).
//!
//! The lexer is a single forward pass. Group state lives on an explicit
//! stack capped at [`MAX_RTF_DEPTH`]; deeper groups share the deepest
//! tracked state, as do unbalanced closing braces, so 100,000 nested `{`
//! cost nothing but a warning. Malware bends RTF (junk control words
//! inside `\objdata`, unclosed groups, missing `\rtf1`): hex digits in an
//! object's data are collected whatever surrounds them, non-hex bytes are
//! ignored, and ignorable (`\*`) destinations inside an object are skipped.

mod objects;

use crate::report::Report;
use crate::{MAX_OBJECTS, MAX_RTF_DEPTH, MAX_STREAM_BYTES};

/// Longest field instruction kept, in bytes.
const MAX_INSTRUCTION_BYTES: usize = 8 << 10;
/// Most field instructions kept.
const MAX_INSTRUCTIONS: usize = 4_096;
/// Longest control word name read (the specification allows 32).
const MAX_WORD_LEN: usize = 32;

/// Where the text of the current group goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    Normal,
    ObjData,
    ObjClass,
    FldInst,
    Skip,
}

/// The state a group inherits from its parent.
#[derive(Debug, Clone, Copy)]
struct Group {
    dest: Dest,
    /// The object that `\object` opened in this group or an ancestor.
    object: Option<usize>,
    /// The field instruction `\fldinst` opened in this group or an ancestor.
    instruction: Option<usize>,
    /// Set by `\*`: the next control word names an ignorable destination.
    ignorable: bool,
}

/// An embedded object as collected from the RTF.
#[derive(Debug, Default)]
pub(crate) struct RtfObject {
    /// `\objclass` text.
    class: Vec<u8>,
    /// `\objupdate` seen: the object is activated (and its link
    /// refreshed) when the document opens.
    objupdate: bool,
    /// Decoded `\objdata` bytes.
    data: Vec<u8>,
    /// A pending high nibble.
    half: Option<u8>,
    /// Data beyond [`MAX_STREAM_BYTES`] was dropped.
    truncated: bool,
}

/// Everything the lexer collects.
#[derive(Debug, Default)]
struct Parsed {
    objects: Vec<RtfObject>,
    instructions: Vec<Vec<u8>>,
    code_page: Option<u16>,
    overflow_warned: bool,
    dropped_objects: usize,
}

/// Analyses an RTF document into `report`.
pub(crate) fn analyse(bytes: &[u8], report: &mut Report) {
    report.info.format = "rtf".to_owned();
    if !bytes.starts_with(b"{\\rt") {
        report.warn("document does not start with {\\rt; parsed anyway");
    }
    let parsed = lex(bytes, report);
    if parsed.dropped_objects > 0 {
        report.warn(format!(
            "{} embedded objects beyond the limit of {MAX_OBJECTS} ignored",
            parsed.dropped_objects
        ));
    }
    for instruction in &parsed.instructions {
        let text = crate::codepage::decode(instruction, parsed.code_page);
        if crate::ole::is_dde(&text) {
            report.dde("fldinst", &text);
        }
    }
    for (index, object) in parsed.objects.iter().enumerate() {
        objects::report_object(index, object, report);
    }
}

fn lex(bytes: &[u8], report: &mut Report) -> Parsed {
    let mut parsed = Parsed::default();
    let mut stack = vec![Group {
        dest: Dest::Normal,
        object: None,
        instruction: None,
        ignorable: false,
    }];
    let mut overflow = 0usize;
    let mut pos = 0;
    while let Some(&byte) = bytes.get(pos) {
        pos += 1;
        match byte {
            b'{' => {
                let mut group = stack.last().copied().unwrap_or(Group {
                    dest: Dest::Normal,
                    object: None,
                    instruction: None,
                    ignorable: false,
                });
                group.ignorable = false;
                if stack.len() < MAX_RTF_DEPTH {
                    stack.push(group);
                } else {
                    overflow += 1;
                    if !parsed.overflow_warned {
                        parsed.overflow_warned = true;
                        report.warn(format!("groups nested deeper than {MAX_RTF_DEPTH} levels flattened"));
                    }
                }
            }
            b'}' => {
                if overflow > 0 {
                    overflow -= 1;
                } else if stack.len() > 1 {
                    stack.pop();
                }
            }
            b'\\' => pos = control(bytes, pos, &mut stack, &mut parsed),
            b'\r' | b'\n' => {}
            _ => {
                if let Some(group) = stack.last().copied() {
                    text(byte, group, &mut parsed);
                }
            }
        }
    }
    parsed
}

/// Handles the control word or symbol after a backslash at `pos - 1`;
/// returns the position after it.
fn control(bytes: &[u8], mut pos: usize, stack: &mut [Group], parsed: &mut Parsed) -> usize {
    let Some(group) = stack.last_mut() else {
        return pos;
    };
    let Some(&first) = bytes.get(pos) else {
        return pos;
    };
    if !first.is_ascii_alphabetic() {
        pos += 1;
        match first {
            b'*' => group.ignorable = true,
            b'\'' => {
                let hex = bytes.get(pos..pos + 2).and_then(|pair| std::str::from_utf8(pair).ok());
                if let Some(value) = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    pos += 2;
                    if group.dest == Dest::FldInst {
                        text(value, *group, parsed);
                    }
                }
            }
            b'\\' | b'{' | b'}' => text(first, *group, parsed),
            _ => {}
        }
        return pos;
    }
    let start = pos;
    while bytes.get(pos).is_some_and(u8::is_ascii_alphabetic) && pos - start < MAX_WORD_LEN {
        pos += 1;
    }
    let word = bytes.get(start..pos).unwrap_or_default();
    let param_start = pos;
    if bytes.get(pos) == Some(&b'-') {
        pos += 1;
    }
    while bytes.get(pos).is_some_and(u8::is_ascii_digit) && pos - param_start < 11 {
        pos += 1;
    }
    let param = std::str::from_utf8(bytes.get(param_start..pos).unwrap_or_default())
        .ok()
        .and_then(|digits| digits.parse::<i64>().ok());
    if bytes.get(pos) == Some(&b' ') {
        pos += 1;
    }
    if word == b"bin" {
        return binary(bytes, pos, param, *group, parsed);
    }
    control_word(word, param, group, parsed);
    pos
}

/// Applies one control word to the current group.
fn control_word(word: &[u8], param: Option<i64>, group: &mut Group, parsed: &mut Parsed) {
    let ignorable = std::mem::take(&mut group.ignorable);
    match word {
        b"object" => group.object = new_object(parsed),
        b"objupdate" => {
            if let Some(object) = group.object.and_then(|index| parsed.objects.get_mut(index)) {
                object.objupdate = true;
            }
        }
        b"objclass" => {
            group.dest = if group.object.is_some() {
                Dest::ObjClass
            } else {
                Dest::Skip
            }
        }
        b"objdata" => {
            if group.object.is_none() {
                group.object = new_object(parsed);
            }
            group.dest = if group.object.is_some() {
                Dest::ObjData
            } else {
                Dest::Skip
            };
        }
        b"fldinst" => {
            if parsed.instructions.len() < MAX_INSTRUCTIONS {
                parsed.instructions.push(Vec::new());
                group.instruction = Some(parsed.instructions.len() - 1);
                group.dest = Dest::FldInst;
            } else {
                group.dest = Dest::Skip;
            }
        }
        b"ansicpg" => parsed.code_page = param.and_then(|page| u16::try_from(page).ok()),
        b"par" | b"line" | b"tab" if group.dest == Dest::FldInst => text(b' ', *group, parsed),
        _ if ignorable => group.dest = Dest::Skip,
        _ => {}
    }
}

/// `\binN`: N raw bytes, appended to object data when inside `\objdata`.
fn binary(bytes: &[u8], pos: usize, param: Option<i64>, group: Group, parsed: &mut Parsed) -> usize {
    let length = param
        .and_then(|length| usize::try_from(length).ok())
        .unwrap_or(0)
        .min(bytes.len().saturating_sub(pos));
    if group.dest == Dest::ObjData
        && let Some(object) = group.object.and_then(|index| parsed.objects.get_mut(index))
    {
        object.half = None;
        let room = MAX_STREAM_BYTES.saturating_sub(object.data.len());
        let raw = bytes.get(pos..pos + length).unwrap_or_default();
        object.data.extend_from_slice(&raw[..raw.len().min(room)]);
        object.truncated |= raw.len() > room;
    }
    pos + length
}

fn new_object(parsed: &mut Parsed) -> Option<usize> {
    if parsed.objects.len() >= MAX_OBJECTS {
        parsed.dropped_objects += 1;
        return None;
    }
    parsed.objects.push(RtfObject::default());
    Some(parsed.objects.len() - 1)
}

/// A text byte in the current destination.
fn text(byte: u8, group: Group, parsed: &mut Parsed) {
    match group.dest {
        Dest::ObjData => {
            let Some(object) = group.object.and_then(|index| parsed.objects.get_mut(index)) else {
                return;
            };
            let Some(value) = char::from(byte).to_digit(16) else {
                return;
            };
            let value = u8::try_from(value).unwrap_or_default();
            match object.half.take() {
                None => object.half = Some(value),
                Some(high) if object.data.len() < MAX_STREAM_BYTES => object.data.push((high << 4) | value),
                Some(_) => object.truncated = true,
            }
        }
        Dest::ObjClass => {
            if let Some(object) = group.object.and_then(|index| parsed.objects.get_mut(index))
                && object.class.len() < 256
            {
                object.class.push(byte);
            }
        }
        Dest::FldInst => {
            if let Some(instruction) = group.instruction.and_then(|index| parsed.instructions.get_mut(index))
                && instruction.len() < MAX_INSTRUCTION_BYTES
            {
                instruction.push(byte);
            }
        }
        Dest::Normal | Dest::Skip => {}
    }
}
