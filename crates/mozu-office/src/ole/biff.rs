//! The workbook globals of a BIFF5/BIFF8 `Workbook` (or `Book`) stream:
//! sheet list (BOUNDSHEET) with macro sheets and their visibility, built-in
//! `Auto_Open` names (NAME), and encryption (FILEPASS).

use std::path::Path;

use mozu_model::Severity;

use crate::findings::Kind;
use crate::report::Report;
use crate::vba::dir::{read_u16, read_u32};
use crate::{MAX_RECORDS, codepage};

use super::container::Container;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const FILEPASS: u16 = 0x002F;
const NAME: u16 = 0x0018;
const CODEPAGE: u16 = 0x0042;
/// BOUNDSHEET sheet type of an Excel 4.0 macro sheet.
const MACRO_SHEET: u8 = 0x01;
/// BOUNDSHEET sheet type of an Excel 5 VBA module sheet.
const VBA_MODULE_SHEET: u8 = 0x06;
/// Cell formula with its cached value.
const FORMULA: u16 = 0x0006;
/// String result of the preceding FORMULA.
const STRING: u16 = 0x0207;
const XLM_SHEET: &str = "Excel 4.0 macro sheet";
/// NAME `fBuiltin` flag.
const NAME_BUILTIN: u16 = 0x0020;

/// Reads the workbook globals; returns an encryption marker when the
/// workbook has a FILEPASS record.
pub(crate) fn analyse(container: &mut Container<'_>, report: &mut Report) -> Option<&'static str> {
    let root = Path::new("/");
    let entry = container
        .child(root, "Workbook")
        .or_else(|| container.child(root, "Book"))
        .cloned()?;
    let stream = container.read(&entry, report)?;
    let globals = parse_globals(&stream);
    for problem in &globals.problems {
        report.warn(format!("{}: {problem}", entry.name));
    }
    for sheet in &globals.macro_sheets {
        Report::list(&mut report.info.xlm_macro_sheets, &sheet.name);
        report.text(&sheet.name);
        let value = format!("{} ({}, {})", sheet.name, sheet.kind, visibility(sheet.state));
        let score = if sheet.state == 0 { 50 } else { 60 };
        report.signal(Kind::XlmMacrosheet, Severity::High, score, "xlm_macro_sheets", &value);
        if sheet.kind == XLM_SHEET && biff8(&stream) {
            let formulas = sheet_formulas(&stream, sheet.position);
            crate::xlm::report_formulas(&format!("xlm_macro_sheets[{}]", sheet.name), &formulas, report);
        }
    }
    if !globals.macro_sheets.is_empty() {
        for name in &globals.auto_names {
            report.signal(Kind::XlmMacrosheet, Severity::High, 60, "defined_name", name);
        }
    }
    globals
        .encrypted
        .then_some("FILEPASS record (password-protected workbook)")
}

/// BIFF8 (the formula layout decoded here) starts with a BOF of version 0x0600.
fn biff8(stream: &[u8]) -> bool {
    read_u16(stream, 0) == Some(BOF) && read_u16(stream, 4).is_some_and(|v| v >= 0x0600)
}

/// The formulas of the sheet substream at `position`, decoded to text
/// (undecodable ones are skipped), with their cached string results.
fn sheet_formulas(stream: &[u8], position: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut pos = position;
    let mut bytes = 0;
    for _ in 0..MAX_RECORDS {
        let (Some(kind), Some(length)) = (read_u16(stream, pos), read_u16(stream, pos + 2)) else {
            break;
        };
        let start = pos + 4;
        let Some(data) = stream.get(start..start + usize::from(length)) else {
            break;
        };
        pos = start + usize::from(length);
        let text = match kind {
            EOF => break,
            FORMULA => read_u16(data, 20)
                .and_then(|cce| data.get(22..22 + usize::from(cce)))
                .and_then(crate::xlm::decode_rgce),
            STRING => xl_unicode_string(data).map(|s| format!("\"{s}\"")),
            _ => None,
        };
        if let Some(text) = text {
            bytes += text.len();
            if bytes > crate::MAX_SOURCE_BYTES {
                break;
            }
            out.push(text);
        }
    }
    out
}

/// An XLUnicodeString: 16-bit count, flags, characters.
fn xl_unicode_string(data: &[u8]) -> Option<String> {
    let count = usize::from(read_u16(data, 0)?);
    let high = data.get(2)? & 0x01 != 0;
    decode_chars(data.get(3..)?, count, high)
}

fn visibility(state: u8) -> &'static str {
    match state & 0x03 {
        0 => "visible",
        1 => "hidden",
        _ => "very hidden",
    }
}

/// A macro sheet from a BOUNDSHEET record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MacroSheet {
    pub(crate) name: String,
    /// Stream offset of the sheet's BOF record.
    pub(crate) position: usize,
    /// `Excel 4.0 macro sheet` or `VBA module sheet`.
    pub(crate) kind: &'static str,
    /// 0 visible, 1 hidden, 2 very hidden.
    pub(crate) state: u8,
}

/// What the workbook globals say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Globals {
    pub(crate) macro_sheets: Vec<MacroSheet>,
    /// `Auto_Open` / `Auto_Close` names, built-in or custom.
    pub(crate) auto_names: Vec<String>,
    pub(crate) encrypted: bool,
    pub(crate) problems: Vec<String>,
}

/// Walks the records of the globals substream up to its EOF.
pub(crate) fn parse_globals(stream: &[u8]) -> Globals {
    let mut globals = Globals::default();
    let mut biff8 = true;
    let mut code_page = None;
    let mut pos = 0;
    for _ in 0..MAX_RECORDS {
        let (Some(kind), Some(length)) = (read_u16(stream, pos), read_u16(stream, pos + 2)) else {
            if pos < stream.len() {
                globals.problems.push(format!("truncated record header at byte {pos}"));
            }
            return globals;
        };
        let start = pos + 4;
        let end = start + usize::from(length);
        let Some(data) = stream.get(start..end) else {
            globals
                .problems
                .push(format!("record 0x{kind:04X} at byte {pos} runs past the stream end"));
            return globals;
        };
        pos = end;
        match kind {
            BOF => biff8 = read_u16(data, 0).is_none_or(|version| version >= 0x0600),
            EOF => return globals,
            FILEPASS => globals.encrypted = true,
            CODEPAGE => code_page = read_u16(data, 0),
            BOUNDSHEET => boundsheet(data, biff8, code_page, &mut globals),
            NAME => name(data, biff8, code_page, &mut globals),
            _ => {}
        }
    }
    globals.problems.push(format!("stopped after {MAX_RECORDS} records"));
    globals
}

fn boundsheet(data: &[u8], biff8: bool, code_page: Option<u16>, globals: &mut Globals) {
    let (Some(position), Some(&state), Some(&sheet_type)) = (read_u32(data, 0), data.get(4), data.get(5)) else {
        globals.problems.push("short BOUNDSHEET record".to_owned());
        return;
    };
    let kind = match sheet_type {
        MACRO_SHEET => XLM_SHEET,
        VBA_MODULE_SHEET => "VBA module sheet",
        _ => return,
    };
    let name = short_string(data.get(6..).unwrap_or_default(), biff8, code_page).unwrap_or_default();
    globals.macro_sheets.push(MacroSheet {
        name,
        position: position as usize,
        kind,
        state: state & 0x03,
    });
}

/// A NAME record naming `Auto_Open` (built-in name 0x01) or a custom name
/// starting with `Auto_Open` / `Auto_Close`, which Excel also runs.
fn name(data: &[u8], biff8: bool, code_page: Option<u16>, globals: &mut Globals) {
    let (Some(flags), Some(&length)) = (read_u16(data, 0), data.get(3)) else {
        return;
    };
    let raw = data.get(14..).unwrap_or_default();
    let text = if biff8 {
        let high = raw.first().is_some_and(|flag| flag & 0x01 != 0);
        let chars = raw.get(1..).unwrap_or_default();
        decode_chars(chars, usize::from(length), high)
    } else {
        raw.get(..usize::from(length))
            .map(|bytes| codepage::decode(bytes, code_page))
    };
    let Some(text) = text else {
        return;
    };
    let label = if flags & NAME_BUILTIN != 0 {
        match text.chars().next() {
            Some('\u{1}') => "Auto_Open (built-in name)".to_owned(),
            Some('\u{2}') => "Auto_Close (built-in name)".to_owned(),
            _ => return,
        }
    } else if text.to_ascii_lowercase().starts_with("auto_open") || text.to_ascii_lowercase().starts_with("auto_close")
    {
        text
    } else {
        return;
    };
    if globals.auto_names.len() < crate::MAX_LIST_ITEMS && !globals.auto_names.contains(&label) {
        globals.auto_names.push(label);
    }
}

/// A ShortXLUnicodeString (BIFF8: count, flags, chars) or a BIFF5 byte
/// string (count, bytes).
fn short_string(data: &[u8], biff8: bool, code_page: Option<u16>) -> Option<String> {
    let count = usize::from(*data.first()?);
    if biff8 {
        let high = data.get(1)? & 0x01 != 0;
        decode_chars(data.get(2..)?, count, high)
    } else {
        data.get(1..1 + count).map(|bytes| codepage::decode(bytes, code_page))
    }
}

/// `count` characters: UTF-16LE when `high`, else one byte each (BIFF8
/// "compressed" strings are Latin-1). Cut short strings keep what is there.
fn decode_chars(data: &[u8], count: usize, high: bool) -> Option<String> {
    if high {
        let bytes = data.get(..(count * 2).min(data.len() & !1))?;
        Some(codepage::decode_utf16le(bytes))
    } else {
        let bytes = data.get(..count.min(data.len()))?;
        Some(codepage::decode_latin1(bytes))
    }
}
