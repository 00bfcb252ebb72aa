//! Excel 4.0 (XLM) macro formulas: decoding BIFF8 parsed formulas (`rgce`,
//! [MS-XLS] 2.5.198) back to text, and reporting formulas from either
//! format (BIFF8 `.xls` macro sheets, SpreadsheetML `xl/macrosheets/*`).
//!
//! The decoder is a small reverse-Polish evaluator over an explicit,
//! bounded stack. It folds the obfuscation XLM droppers rely on —
//! `CHAR(104)&CHAR(116)&…` and split string literals joined with `&` — into
//! plain strings, so that URLs and DLL calls become visible to the
//! indicator scanner and to the suspicious-call check.

use mozu_model::Severity;

use crate::MAX_SOURCE_BYTES;
use crate::findings::Kind;
use crate::report::Report;

/// Most suspicious formulas quoted as evidence per macro sheet.
const MAX_QUOTED_FORMULAS: usize = 8;
/// Deepest operand stack of one formula; Excel itself allows far less.
const MAX_STACK: usize = 1024;
/// Longest decoded formula text, in bytes.
pub(crate) const MAX_FORMULA_BYTES: usize = 8 << 10;

/// XLM functions that run programs, call DLLs or write formulas at run time.
pub(crate) const XLM_FUNCTIONS: &[&str] = &[
    "EXEC(",
    "CALL(",
    "REGISTER(",
    "RUN(",
    "FORMULA(",
    "FORMULA.FILL(",
    "URLDOWNLOADTOFILE",
    "SHELL",
    "HALT(",
];

/// Reports the formulas of one macro sheet: a summary signal, suspicious
/// formulas quoted as evidence, all formula text for indicator scanning.
pub(crate) fn report_formulas(field: &str, formulas: &[String], report: &mut Report) {
    let summary = format!("{} formulas", formulas.len());
    report.signal(Kind::XlmMacrosheet, Severity::High, 50, field, &summary);
    let mut quoted = 0;
    for formula in formulas {
        let upper = formula.to_ascii_uppercase();
        if quoted < MAX_QUOTED_FORMULAS && XLM_FUNCTIONS.iter().any(|function| upper.contains(function)) {
            report.signal(Kind::XlmMacrosheet, Severity::High, 60, field, formula);
            quoted += 1;
        }
    }
    let mut joined = String::new();
    for formula in formulas {
        if joined.len() + formula.len() + 1 > MAX_SOURCE_BYTES {
            report.warn(format!("{field}: formula text over {MAX_SOURCE_BYTES} bytes truncated"));
            break;
        }
        joined.push_str(formula);
        joined.push('\n');
    }
    report.text(&joined);
}

/// A decoded operand: a string or number known at parse time, or formula
/// text that is only shown.
#[derive(Debug, Clone)]
enum Operand {
    Str(String),
    Num(f64),
    Text(String),
}

impl Operand {
    fn show(&self) -> String {
        match self {
            Operand::Str(s) => format!("\"{}\"", s.replace('"', "\"\"")),
            Operand::Num(n) => format!("{n}"),
            Operand::Text(t) => t.clone(),
        }
    }
}

/// Function names and fixed argument counts of the [MS-XLS] function
/// table (`Ftab`) entries an XLM dropper uses; other functions show as
/// `FN<index>` and stop the decoding of their formula when their
/// argument count is not written in the token (`ptgFunc`).
fn function(index: u16) -> Option<(&'static str, usize)> {
    Some(match index {
        1 => ("IF", 3),
        30 => ("REPT", 2),
        31 => ("MID", 3),
        32 => ("LEN", 1),
        53 => ("GOTO", 1),
        54 => ("HALT", 1),
        55 => ("RETURN", 1),
        108 => ("SET.VALUE", 2),
        110 => ("EXEC", 4),
        111 => ("CHAR", 1),
        112 => ("LOWER", 1),
        113 => ("UPPER", 1),
        115 => ("LEFT", 2),
        116 => ("RIGHT", 2),
        119 => ("REPLACE", 4),
        120 => ("SUBSTITUTE", 4),
        121 => ("CODE", 1),
        148 => ("INDIRECT", 2),
        149 => ("REGISTER", 0),
        150 => ("CALL", 0),
        186 => ("GET.WORKSPACE", 1),
        257 => ("EVALUATE", 1),
        _ => return None,
    })
}

/// Decodes one parsed formula (`rgce` bytes) to text; `None` when a token
/// cannot be decoded (the caller still keeps the formula's strings).
pub(crate) fn decode_rgce(rgce: &[u8]) -> Option<String> {
    let mut stack: Vec<Operand> = Vec::new();
    let mut pos = 0;
    while let Some(&ptg) = rgce.get(pos) {
        pos += 1;
        if stack.len() >= MAX_STACK {
            return None;
        }
        match ptg {
            0x03..=0x11 => binary(&mut stack, ptg)?,
            0x12..=0x15 => {
                let a = stack.pop()?;
                let shown = match ptg {
                    0x12 => format!("+{}", a.show()),
                    0x13 => format!("-{}", a.show()),
                    0x14 => format!("{}%", a.show()),
                    _ => format!("({})", a.show()),
                };
                stack.push(keep(a, shown));
            }
            0x16 => stack.push(Operand::Text(String::new())),
            0x17 => {
                let (text, used) = string(rgce.get(pos..)?)?;
                pos += used;
                stack.push(Operand::Str(text));
            }
            0x19 => pos += attr_len(rgce.get(pos..)?)?,
            0x1C | 0x1D => {
                let v = *rgce.get(pos)?;
                pos += 1;
                stack.push(Operand::Text(if ptg == 0x1D {
                    (v != 0).to_string().to_uppercase()
                } else {
                    "#ERR".into()
                }));
            }
            0x1E => {
                let v = u16::from_le_bytes([*rgce.get(pos)?, *rgce.get(pos + 1)?]);
                pos += 2;
                stack.push(Operand::Num(f64::from(v)));
            }
            0x1F => {
                let b: [u8; 8] = rgce.get(pos..pos + 8)?.try_into().ok()?;
                pos += 8;
                stack.push(Operand::Num(f64::from_le_bytes(b)));
            }
            _ => pos = classed(ptg, rgce, pos, &mut stack)?,
        }
    }
    if pos > rgce.len() {
        // An attribute's jump table ran past the formula.
        return None;
    }
    let text: Vec<String> = stack.iter().map(Operand::show).collect();
    let mut out = format!("={}", text.join(" "));
    if out.len() > MAX_FORMULA_BYTES {
        let mut cut = MAX_FORMULA_BYTES;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    Some(out)
}

/// Tokens whose class (reference, value, array) is in bits 5–6.
fn classed(ptg: u8, rgce: &[u8], pos: usize, stack: &mut Vec<Operand>) -> Option<usize> {
    let base = if ptg >= 0x20 { (ptg & 0x1F) | 0x20 } else { ptg };
    let operand_len = match base {
        0x21 => return func(rgce, pos, stack),
        0x22 => return func_var(rgce, pos, stack),
        0x20 => 7,
        0x23 | 0x24 | 0x2A | 0x2C => 4,
        0x25 | 0x2B | 0x2D => 8,
        0x26 | 0x27 | 0x28 | 0x39 | 0x3A | 0x3C => 6,
        0x29 => 2,
        0x3B | 0x3D => 10,
        0x01 | 0x02 => 4,
        _ => return None,
    };
    let operand = rgce.get(pos..pos + operand_len)?;
    let shown = match base {
        0x24 | 0x2C => cell(operand),
        0x23 => format!("NAME{}", u16::from_le_bytes([operand[0], operand[1]])),
        0x3A => format!("!{}", cell(&operand[2..])),
        _ => String::from("REF"),
    };
    if !matches!(base, 0x26..=0x29) {
        stack.push(Operand::Text(shown));
    }
    Some(pos + operand_len)
}

fn cell(operand: &[u8]) -> String {
    let row = u16::from_le_bytes([operand[0], operand[1]]);
    let col = u16::from_le_bytes([operand[2], operand[3]]) & 0x3FFF;
    format!("R{}C{}", u32::from(row) + 1, u32::from(col) + 1)
}

fn binary(stack: &mut Vec<Operand>, ptg: u8) -> Option<()> {
    let b = stack.pop()?;
    let a = stack.pop()?;
    if ptg == 0x08
        && let (Some(x), Some(y)) = (literal(&a), literal(&b))
    {
        stack.push(Operand::Str(x + &y));
        return Some(());
    }
    let op = [
        "+", "-", "*", "/", "^", "&", "<", "<=", "=", ">=", ">", "<>", " ", ",", ":",
    ]
    .get(usize::from(ptg - 0x03))?;
    stack.push(Operand::Text(format!("{}{op}{}", a.show(), b.show())));
    Some(())
}

/// A string value known at parse time (numbers concatenate as text).
fn literal(op: &Operand) -> Option<String> {
    match op {
        Operand::Str(s) => Some(s.clone()),
        Operand::Num(n) => Some(format!("{n}")),
        Operand::Text(_) => None,
    }
}

fn keep(a: Operand, shown: String) -> Operand {
    match a {
        Operand::Text(_) => Operand::Text(shown),
        other => other,
    }
}

fn func(rgce: &[u8], pos: usize, stack: &mut Vec<Operand>) -> Option<usize> {
    let index = u16::from_le_bytes([*rgce.get(pos)?, *rgce.get(pos + 1)?]);
    let (name, argc) = function(index)?;
    apply(name.to_owned(), argc, stack)?;
    Some(pos + 2)
}

fn func_var(rgce: &[u8], pos: usize, stack: &mut Vec<Operand>) -> Option<usize> {
    let argc = usize::from(*rgce.get(pos)? & 0x7F);
    let raw = u16::from_le_bytes([*rgce.get(pos + 1)?, *rgce.get(pos + 2)?]);
    let index = raw & 0x7FFF;
    // Command equivalents (`fCeFunc`) are shown by their Cetab number:
    // the table is long and none of them is needed to see a dropper.
    let name = if raw & 0x8000 != 0 {
        format!("CMD{index}")
    } else if index == 255 {
        // A user-defined function: its name is the first argument.
        let at = stack.len().checked_sub(argc)?;
        let callee = stack.get(at)?.show();
        stack.remove(at);
        return apply(callee, argc.saturating_sub(1), stack).map(|()| pos + 3);
    } else {
        function(index).map_or_else(|| format!("FN{index}"), |(n, _)| n.to_owned())
    };
    apply(name, argc, stack)?;
    Some(pos + 3)
}

fn apply(name: String, argc: usize, stack: &mut Vec<Operand>) -> Option<()> {
    let at = stack.len().checked_sub(argc)?;
    let args: Vec<Operand> = stack.split_off(at);
    if name == "CHAR"
        && let [Operand::Num(n)] = args.as_slice()
        && (1.0..=255.0).contains(&n.trunc())
    {
        // Excel's CHAR uses the ANSI code page; droppers stay in ASCII.
        stack.push(Operand::Str(char::from(n.trunc() as u8).to_string()));
        return Some(());
    }
    let shown: Vec<String> = args.iter().map(Operand::show).collect();
    stack.push(Operand::Text(format!("{name}({})", shown.join(","))));
    Some(())
}

/// A ShortXLUnicodeString inside a formula: count, flags, characters.
fn string(data: &[u8]) -> Option<(String, usize)> {
    let count = usize::from(*data.first()?);
    let high = data.get(1)? & 0x01 != 0;
    let len = if high { count * 2 } else { count };
    let bytes = data.get(2..2 + len)?;
    let text = if high {
        crate::codepage::decode_utf16le(bytes)
    } else {
        crate::codepage::decode_latin1(bytes)
    };
    Some((text, 2 + len))
}

/// Length of a `ptgAttr` operand: type, two bytes, and for `tAttrChoose`
/// a jump table.
fn attr_len(data: &[u8]) -> Option<usize> {
    let kind = *data.first()?;
    let w = usize::from(u16::from_le_bytes([*data.get(1)?, *data.get(2)?]));
    Some(if kind & 0x04 != 0 { 3 + (w + 1) * 2 } else { 3 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: u16) -> Vec<u8> {
        let mut t = vec![0x1E];
        t.extend_from_slice(&v.to_le_bytes());
        t
    }

    fn char_of(c: u8) -> Vec<u8> {
        let mut t = int(u16::from(c));
        t.extend_from_slice(&[0x41, 111, 0]);
        t
    }

    #[test]
    fn char_chains_fold_into_a_string() {
        let mut rgce = Vec::new();
        for (i, c) in b"http://x".iter().enumerate() {
            rgce.extend(char_of(*c));
            if i > 0 {
                rgce.push(0x08);
            }
        }
        assert_eq!(decode_rgce(&rgce).as_deref(), Some("=\"http://x\""));
    }

    #[test]
    fn exec_with_string_argument() {
        let mut rgce = vec![0x17, 8, 0];
        rgce.extend_from_slice(b"calc.exe");
        rgce.extend_from_slice(&[0x42, 1, 110, 0]);
        assert_eq!(decode_rgce(&rgce).as_deref(), Some("=EXEC(\"calc.exe\")"));
    }

    #[test]
    fn truncated_tokens_do_not_panic() {
        for rgce in [
            &[0x17, 9, 0, b'a'][..],
            &[0x1F, 0, 0],
            &[0x42, 3],
            &[0x08],
            &[0x19, 0x04, 0xFF, 0xFF],
        ] {
            assert!(decode_rgce(rgce).is_none());
        }
    }
}
