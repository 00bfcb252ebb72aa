//! BinXML substitution values rendered as text, the way the evtx crate's JSON
//! renderer writes them and `windows::flatten_evtx_json` reads that JSON back
//! (numbers in decimal, hex integers `0x…` lower-case, GUIDs `{…}`, SIDs
//! `S-1-…`, times with seven fractional digits and `Z`).

use super::Unsupported;
use super::text::{filetime, push_dec, push_hex, push_signed, systemtime};

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
    let mut s = String::with_capacity(bytes.len() / 2);
    push_utf16(bytes, &mut s);
    s
}

/// Number of leading units that are ASCII and not NUL, four units per step.
fn ascii_units(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0xff80_ff80_ff80_ff80;
    const ONES: u64 = 0x0001_0001_0001_0001;
    const SIGNS: u64 = 0x8000_8000_8000_8000;
    let mut n = 0;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let Ok(a) = <[u8; 8]>::try_from(w) else { break };
        let x = u64::from_le_bytes(a);
        // A NUL unit borrows into its lane's sign bit (exact for "any lane is zero").
        if x & HIGH != 0 || x.wrapping_sub(ONES) & !x & SIGNS != 0 {
            break;
        }
        n += 4;
    }
    let tail = bytes.get(2 * n..).unwrap_or(&[]);
    n + tail.chunks_exact(2).take_while(|c| matches!(c, [1..=0x7f, 0])).count()
}

/// Appends UTF-16LE up to the first NUL to `out`; unpaired surrogates become U+FFFD.
pub(super) fn push_utf16(bytes: &[u8], out: &mut String) {
    // Event data is mostly ASCII: its bytes are copied without per-unit
    // decoding; the general decoder takes over at the first other unit.
    let n = ascii_units(bytes);
    let (ascii, rest) = bytes.split_at(2 * n.min(bytes.len() / 2));
    out.reserve(n);
    // Low bytes packed through a stack buffer: one `push_str` per block
    // instead of one `push` (with its capacity check) per character.
    let mut buf = [0u8; 256];
    for block in ascii.chunks(2 * buf.len()) {
        let mut k = 0;
        for (dst, unit) in buf.iter_mut().zip(block.chunks_exact(2)) {
            *dst = unit[0];
            k += 1;
        }
        out.push_str(std::str::from_utf8(buf.get(..k).unwrap_or(&[])).unwrap_or(""));
    }
    let units = rest
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    out.extend(char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)));
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

/// Where rendered text goes: each item is appended to a buffer the sink
/// chooses (the open element's text or attribute), so no value allocates.
pub(super) trait Sink {
    /// Appends one item through `f`.
    fn item<R>(&mut self, f: impl FnOnce(&mut String) -> R) -> R;
}

/// Renders a value as one text item per element (arrays give several; null none).
pub(super) fn render(v: &Val, bytes: &[u8], sink: &mut impl Sink) -> Result<(), Unsupported> {
    if v.ty & ty::ARRAY == 0 {
        if v.ty != ty::NULL {
            sink.item(|out| render_scalar(v.ty, bytes, out))?;
        }
        return Ok(());
    }
    let item = v.ty & !ty::ARRAY;
    match item {
        ty::STRING => {
            // Items are the non-empty runs between NUL units.
            let units = bytes.len() / 2;
            let mut start = 0;
            for i in 0..=units {
                let nul = bytes.get(2 * i..2 * i + 2).is_some_and(|u| u == [0, 0]);
                if i == units || nul {
                    if i > start
                        && let Some(part) = bytes.get(2 * start..2 * i)
                    {
                        sink.item(|out| push_utf16(part, out));
                    }
                    start = i + 1;
                }
            }
            Ok(())
        }
        ty::ANSI => {
            for part in bytes.split(|&b| b == 0).filter(|p| !p.is_empty()) {
                sink.item(|out| push_ansi(part, out));
            }
            Ok(())
        }
        _ => {
            let width = fixed_width(item).ok_or(Unsupported("array of variable-size values"))?;
            for chunk in bytes.chunks_exact(width) {
                sink.item(|out| render_scalar(item, chunk, out))?;
            }
            Ok(())
        }
    }
}

fn push_ansi(bytes: &[u8], out: &mut String) {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    out.extend(text.chars().filter(|&c| c != '\0'));
}

fn render_scalar(t: u8, b: &[u8], out: &mut String) -> Result<(), Unsupported> {
    match t {
        ty::STRING => push_utf16(b, out),
        ty::ANSI => push_ansi(b, out),
        0x03 => push_signed(out, i8::from_le_bytes(le(b)?).into()),
        0x04 => push_dec(out, u8::from_le_bytes(le(b)?).into()),
        0x05 => push_signed(out, i16::from_le_bytes(le(b)?).into()),
        0x06 => push_dec(out, u16::from_le_bytes(le(b)?).into()),
        0x07 => push_signed(out, i32::from_le_bytes(le(b)?).into()),
        0x08 => push_dec(out, u32::from_le_bytes(le(b)?).into()),
        0x09 => push_signed(out, i64::from_le_bytes(le(b)?)),
        0x0a => push_dec(out, u64::from_le_bytes(le(b)?)),
        // The JSON path prints the shortest text of the float, which serde reads back as f64.
        0x0b => {
            let f = f32::from_le_bytes(le(b)?).to_string().parse::<f64>();
            out.push_str(&f.map_or_else(|_| String::new(), |f| f.to_string()));
        }
        0x0c => out.push_str(&f64::from_le_bytes(le(b)?).to_string()),
        0x0d => match i32::from_le_bytes(le(b)?) {
            0 => out.push_str("false"),
            1 => out.push_str("true"),
            raw => push_signed(out, raw.into()),
        },
        ty::BINARY => hex_upper(b, out),
        0x0f => guid(&le::<16>(b)?, out),
        0x10 if b.len() == 4 => push_hex(out, u32::from_le_bytes(le(b)?).into()),
        0x10 => push_hex(out, u64::from_le_bytes(le(b)?)),
        0x11 => filetime(u64::from_le_bytes(le(b)?), out),
        0x12 => systemtime(&le::<16>(b)?, out),
        0x13 => sid(b, out),
        0x14 => push_hex(out, u32::from_le_bytes(le(b)?).into()),
        0x15 => push_hex(out, u64::from_le_bytes(le(b)?)),
        _ => return Err(Unsupported("value type")),
    }
    Ok(())
}

/// Binary values are rendered per byte: a table beats `write!` by far on
/// the large blobs some providers log.
fn hex_upper(b: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(b.len() * 2);
    for &x in b {
        out.push(char::from(DIGITS[usize::from(x >> 4)]));
        out.push(char::from(DIGITS[usize::from(x & 0x0f)]));
    }
}

fn guid(b: &[u8; 16], out: &mut String) {
    const ORDER: [usize; 16] = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(38);
    out.push('{');
    for (i, &idx) in ORDER.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(DIGITS[usize::from(b[idx] >> 4)]));
        out.push(char::from(DIGITS[usize::from(b[idx] & 0x0f)]));
    }
    out.push('}');
}

fn sid(b: &[u8], out: &mut String) {
    let &[revision, sub_count, a0, a1, a2, a3, a4, a5, ref subs @ ..] = b else {
        out.push_str("S-?");
        return;
    };
    out.push_str("S-");
    push_dec(out, revision.into());
    out.push('-');
    push_dec(out, u64::from_be_bytes([0, 0, a0, a1, a2, a3, a4, a5]));
    for c in subs.chunks_exact(4).take(usize::from(sub_count)) {
        out.push('-');
        push_dec(out, u32::from_le_bytes([c[0], c[1], c[2], c[3]]).into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: every unit decoded, up to the first NUL.
    fn utf16_reference(bytes: &[u8]) -> String {
        let units = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0);
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }

    #[test]
    fn utf16_fast_path_equals_the_general_decoder() {
        let texts = [
            "",
            "a",
            "abc",
            "abcd",
            "abcdefghi",
            "C:\\Windows\\system32\\cmd.exe /c",
            "é",
            "abcdé",
            "abcdefgh€x",
        ];
        let mut cases = 0;
        for t in texts {
            let mut bytes: Vec<u8> = t.encode_utf16().flat_map(u16::to_le_bytes).collect();
            for extra in [
                &[][..],
                &[0, 0, b'x', 0][..],
                &[0xff][..],
                &[0x00, 0xd8, b'a', 0][..],
                &[0x80, 0][..],
            ] {
                let mut b = bytes.clone();
                b.extend_from_slice(extra);
                for cut in 0..=b.len() {
                    assert_eq!(utf16(&b[..cut]), utf16_reference(&b[..cut]), "{t:?} {extra:?} {cut}");
                    cases += 1;
                }
            }
            bytes.clear();
        }
        assert!(cases > 100);
    }

    #[test]
    fn renders_like_evtx() {
        let text = |f: &dyn Fn(&mut String)| {
            let mut s = String::new();
            f(&mut s);
            s
        };
        let scalar = |t: u8, b: &[u8]| text(&|s| render_scalar(t, b, s).unwrap());
        assert_eq!(
            text(&|s| filetime(0x01D4_41A7_6A2F_3C00, s)),
            "2018-09-01T03:53:59.7411328Z"
        );
        let sid_bytes = [1u8, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0];
        assert_eq!(text(&|s| sid(&sid_bytes, s)), "S-1-5-18");
        assert_eq!(scalar(0x14, &0x1fu32.to_le_bytes()), "0x1f");
        assert_eq!(scalar(0x0d, &1u32.to_le_bytes()), "true");
        assert_eq!(scalar(0x0d, &(-7i32).to_le_bytes()), "-7");
        assert_eq!(scalar(0x15, &0u64.to_le_bytes()), "0x0");
        assert_eq!(scalar(0x15, &u64::MAX.to_le_bytes()), format!("0x{:x}", u64::MAX));
        assert_eq!(scalar(0x09, &i64::MIN.to_le_bytes()), i64::MIN.to_string());
        assert_eq!(scalar(0x0a, &u64::MAX.to_le_bytes()), u64::MAX.to_string());
        assert_eq!(scalar(0x08, &0u32.to_le_bytes()), "0");
        assert_eq!(scalar(0x03, &[0x80]), "-128");
        let mut st = [0u8; 16];
        for (i, v) in [2024u16, 2, 0, 29, 23, 5, 9, 7].iter().enumerate() {
            st[2 * i..2 * i + 2].copy_from_slice(&v.to_le_bytes());
        }
        assert_eq!(scalar(0x12, &st), "2024-02-29T23:05:09.0070000Z");
    }
}
