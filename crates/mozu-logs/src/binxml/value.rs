//! BinXML substitution values rendered as text, the way the evtx crate's JSON
//! renderer writes them and `windows::flatten_evtx_json` reads that JSON back
//! (numbers in decimal, hex integers `0x…` lower-case, GUIDs `{…}`, SIDs
//! `S-1-…`, times with seven fractional digits and `Z`).

use std::fmt::Write as _;

use mozu_model::civil::civil_from_days;

use super::Unsupported;

/// Value type codes (MS-EVEN6 2.2.18).
pub(super) mod ty {
    pub const NULL: u8 = 0x00;
    pub const STRING: u8 = 0x01;
    pub const ANSI: u8 = 0x02;
    pub const BINARY: u8 = 0x0e;
    pub const BIN_XML: u8 = 0x21;
    pub const ARRAY: u8 = 0x80;
}

/// One substitution value: its type and its bytes in the chunk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Val {
    pub ty: u8,
    pub start: usize,
    pub len: usize,
}

/// Whether an optional substitution of this value is left out (evtx's `is_optional_empty`).
pub(super) fn is_empty(v: &Val, bytes: &[u8]) -> bool {
    match v.ty {
        ty::NULL => true,
        ty::STRING => bytes.get(..2).is_none_or(|u| u == [0, 0]),
        ty::ANSI => bytes.iter().all(|&b| b == 0),
        t if t == ty::BINARY || t == ty::BIN_XML || t & ty::ARRAY != 0 => bytes.is_empty(),
        _ => false,
    }
}

/// UTF-16LE up to the first NUL; unpaired surrogates become U+FFFD.
pub(super) fn utf16(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    // Event data is mostly ASCII: bytes first (no per-char UTF-8 encoding),
    // the general decoder only when a unit is not ASCII.
    let mut ascii = Vec::with_capacity(bytes.len() / 2);
    for u in units.clone() {
        match u8::try_from(u) {
            Ok(b) if b.is_ascii() => ascii.push(b),
            _ => {
                return char::decode_utf16(units)
                    .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect();
            }
        }
    }
    String::from_utf8(ascii).unwrap_or_default()
}

fn le<const N: usize>(bytes: &[u8]) -> Result<[u8; N], Unsupported> {
    bytes
        .get(..N)
        .and_then(|b| b.try_into().ok())
        .ok_or(Unsupported("short value"))
}

/// Width of one element of a fixed-size type, `None` for variable-size types.
fn fixed_width(t: u8) -> Option<usize> {
    Some(match t {
        0x03 | 0x04 => 1,
        0x05 | 0x06 => 2,
        0x07 | 0x08 | 0x0b | 0x0d | 0x14 => 4,
        0x09 | 0x0a | 0x0c | 0x11 | 0x15 => 8,
        0x12 | 0x0f => 16,
        _ => return None,
    })
}

/// Renders a value into one text per item (arrays give several; null none).
pub(super) fn render(v: &Val, bytes: &[u8], out: &mut dyn FnMut(String)) -> Result<(), Unsupported> {
    if v.ty & ty::ARRAY == 0 {
        if v.ty != ty::NULL {
            out(render_scalar(v.ty, bytes)?);
        }
        return Ok(());
    }
    let item = v.ty & !ty::ARRAY;
    match item {
        ty::STRING => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            for part in units.split(|&u| u == 0) {
                if !part.is_empty() {
                    out(char::decode_utf16(part.iter().copied())
                        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                        .collect());
                }
            }
            Ok(())
        }
        ty::ANSI => {
            for part in bytes.split(|&b| b == 0).filter(|p| !p.is_empty()) {
                out(ansi(part));
            }
            Ok(())
        }
        _ => {
            let width = fixed_width(item).ok_or(Unsupported("array of variable-size values"))?;
            for chunk in bytes.chunks_exact(width) {
                out(render_scalar(item, chunk)?);
            }
            Ok(())
        }
    }
}

fn ansi(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    text.chars().filter(|&c| c != '\0').collect()
}

fn render_scalar(t: u8, b: &[u8]) -> Result<String, Unsupported> {
    Ok(match t {
        ty::STRING => utf16(b),
        ty::ANSI => ansi(b),
        0x03 => i8::from_le_bytes(le(b)?).to_string(),
        0x04 => u8::from_le_bytes(le(b)?).to_string(),
        0x05 => i16::from_le_bytes(le(b)?).to_string(),
        0x06 => u16::from_le_bytes(le(b)?).to_string(),
        0x07 => i32::from_le_bytes(le(b)?).to_string(),
        0x08 => u32::from_le_bytes(le(b)?).to_string(),
        0x09 => i64::from_le_bytes(le(b)?).to_string(),
        0x0a => u64::from_le_bytes(le(b)?).to_string(),
        // The JSON path prints the shortest text of the float, which serde reads back as f64.
        0x0b => f32::from_le_bytes(le(b)?)
            .to_string()
            .parse::<f64>()
            .map_or_else(|_| String::new(), |f| f.to_string()),
        0x0c => f64::from_le_bytes(le(b)?).to_string(),
        0x0d => match i32::from_le_bytes(le(b)?) {
            0 => "false".into(),
            1 => "true".into(),
            raw => raw.to_string(),
        },
        ty::BINARY => hex_upper(b),
        0x0f => guid(&le::<16>(b)?),
        0x10 if b.len() == 4 => format!("0x{:x}", u32::from_le_bytes(le(b)?)),
        0x10 => format!("0x{:x}", u64::from_le_bytes(le(b)?)),
        0x11 => filetime(u64::from_le_bytes(le(b)?)),
        0x12 => systemtime(&le::<16>(b)?),
        0x13 => sid(b),
        0x14 => format!("0x{:x}", u32::from_le_bytes(le(b)?)),
        0x15 => format!("0x{:x}", u64::from_le_bytes(le(b)?)),
        _ => return Err(Unsupported("value type")),
    })
}

/// Binary values are rendered per byte: a table beats `write!` by far on
/// the large blobs some providers log.
fn hex_upper(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(char::from(DIGITS[usize::from(x >> 4)]));
        s.push(char::from(DIGITS[usize::from(x & 0x0f)]));
    }
    s
}

fn guid(b: &[u8; 16]) -> String {
    const ORDER: [usize; 16] = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    let mut s = String::with_capacity(38);
    s.push('{');
    for (i, &idx) in ORDER.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        s.push(char::from(DIGITS[usize::from(b[idx] >> 4)]));
        s.push(char::from(DIGITS[usize::from(b[idx] & 0x0f)]));
    }
    s.push('}');
    s
}

fn sid(b: &[u8]) -> String {
    let &[revision, sub_count, a0, a1, a2, a3, a4, a5, ref subs @ ..] = b else {
        return "S-?".into();
    };
    let authority = u64::from_be_bytes([0, 0, a0, a1, a2, a3, a4, a5]);
    let mut s = format!("S-{revision}-{authority}");
    for c in subs.chunks_exact(4).take(usize::from(sub_count)) {
        let _ = write!(s, "-{}", u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    }
    s
}

fn datetime(year: i64, month: i64, day: i64, secs_of_day: u64, ticks: u64) -> String {
    format!(
        "{:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ticks:07}Z",
        year.rem_euclid(10_000),
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    )
}

/// FILETIME (100 ns since 1601-01-01) as evtx renders it.
pub(super) fn filetime(ft: u64) -> String {
    const TICKS_PER_SEC: u64 = 10_000_000;
    const TICKS_PER_DAY: u64 = TICKS_PER_SEC * 86_400;
    // Days from 1601-01-01 to 1970-01-01.
    const EPOCH_1601: i64 = 134_774;
    if ft > i64::MAX as u64 {
        return "0000-00-00T00:00:00.0000000Z".into();
    }
    let (days, ticks) = (ft / TICKS_PER_DAY, ft % TICKS_PER_DAY);
    let (y, m, d) = civil_from_days(days as i64 - EPOCH_1601);
    datetime(y, m, d, ticks / TICKS_PER_SEC, ticks % TICKS_PER_SEC)
}

fn systemtime(b: &[u8; 16]) -> String {
    let f = |i: usize| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]);
    let (year, month, day, hour, minute, second, ms) = (f(0), f(1), f(3), f(4), f(5), f(6), f(7));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let valid = (1601..=30827).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60
        && ms < 1000;
    if !valid {
        return "1601-01-01T00:00:00.0000000Z".into();
    }
    let secs = u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
    datetime(
        i64::from(year),
        i64::from(month),
        i64::from(day),
        secs,
        u64::from(ms) * 10_000,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_evtx() {
        assert_eq!(filetime(0x01D4_41A7_6A2F_3C00), "2018-09-01T03:53:59.7411328Z");
        let sid_bytes = [1u8, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0];
        assert_eq!(sid(&sid_bytes), "S-1-5-18");
        assert_eq!(render_scalar(0x14, &0x1fu32.to_le_bytes()).unwrap(), "0x1f");
        assert_eq!(render_scalar(0x0d, &1u32.to_le_bytes()).unwrap(), "true");
    }
}
