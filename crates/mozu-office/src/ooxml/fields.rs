//! Word field instructions in WordprocessingML parts: `<w:fldSimple
//! w:instr="…">` and complex fields (`<w:fldChar w:fldCharType="begin"/>`,
//! `<w:instrText>` runs, `separate`, `end`), whose instruction text may be
//! split over many runs and whose fields nest. Nesting is tracked with an
//! explicit stack capped at [`MAX_FIELD_DEPTH`].

use crate::report::Report;
use crate::{MAX_FIELD_DEPTH, MAX_LIST_ITEMS};

use super::Part;
use super::xml::{self, Event};

/// Longest field instruction kept, in bytes.
const MAX_INSTRUCTION_BYTES: usize = 8 << 10;

/// A complex field whose instruction is being read.
struct OpenField {
    instruction: String,
    /// Set at `separate`: the instruction is complete.
    done: bool,
}

/// Reports the DDE / DDEAUTO fields of one part.
pub(crate) fn analyse(part: &Part<'_>, report: &mut Report) {
    let field_name = format!("parts[{}]", part.name);
    for instruction in dde_instructions(part.data, report) {
        report.dde(&field_name, &instruction);
    }
}

/// Keeps `instruction` when it is a DDE field not seen before.
fn keep(instruction: &str, found: &mut Vec<String>) {
    let instruction = instruction.trim();
    if crate::ole::is_dde(instruction)
        && found.len() < MAX_LIST_ITEMS
        && !found.iter().any(|known| known == instruction)
    {
        found.push(instruction.to_owned());
    }
}

/// The DDE instructions in a WordprocessingML part.
fn dde_instructions(data: &[u8], report: &mut Report) -> Vec<String> {
    let text = xml::as_utf8(data);
    let mut stack: Vec<OpenField> = Vec::new();
    let mut overflow = 0usize;
    let mut overflowed = false;
    let mut in_instr_text = false;
    let mut found = Vec::new();
    for event in xml::Reader::new(&text) {
        match event {
            Event::Start { name, attrs, .. } if xml::is(name, "fldSimple") => {
                if let Some(instruction) = xml::attr(attrs, "instr") {
                    keep(&instruction, &mut found);
                }
            }
            Event::Start { name, attrs, .. } if xml::is(name, "fldChar") => {
                let kind = xml::attr(attrs, "fldCharType").unwrap_or_default();
                match kind.as_str() {
                    "begin" if stack.len() < MAX_FIELD_DEPTH => stack.push(OpenField {
                        instruction: String::new(),
                        done: false,
                    }),
                    "begin" => {
                        overflow += 1;
                        overflowed = true;
                    }
                    "separate" => {
                        if let Some(field) = stack.last_mut().filter(|field| !field.done) {
                            field.done = true;
                            keep(&field.instruction, &mut found);
                        }
                    }
                    "end" if overflow > 0 => overflow -= 1,
                    "end" => {
                        if let Some(field) = stack.pop().filter(|field| !field.done) {
                            keep(&field.instruction, &mut found);
                        }
                    }
                    _ => {}
                }
            }
            Event::Start { name, empty, .. } if xml::is(name, "instrText") => in_instr_text = !empty,
            Event::End { name } if xml::is(name, "instrText") => in_instr_text = false,
            Event::Text(raw) if in_instr_text && overflow == 0 => {
                if let Some(field) = stack.last_mut().filter(|field| !field.done)
                    && field.instruction.len() < MAX_INSTRUCTION_BYTES
                {
                    field.instruction.push_str(&xml::unescape(raw));
                }
            }
            _ => {}
        }
    }
    for field in stack.iter().filter(|field| !field.done) {
        keep(&field.instruction, &mut found);
    }
    if overflowed {
        report.warn(format!(
            "fields nested deeper than {MAX_FIELD_DEPTH} levels were not read"
        ));
    }
    found
}
