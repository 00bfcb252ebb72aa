//! Windows Script Encoder (`screnc.exe`) decoding: the `#@~^…^#~@` blocks
//! of `.vbe` / `.jse` files and of `VBScript.Encode` / `JScript.Encode`
//! script elements.
//!
//! A block is `#@~^`, six base64 characters of length and `==`, the
//! encoded text, six characters of checksum and `==`, then `^#~@`. In the
//! text, `@&` `@#` `@*` `@!` `@$` stand for LF, CR, `>`, `<` and `@`;
//! every other tab or printable ASCII character is substituted through one
//! of three tables, chosen by the character's position (counting ASCII
//! characters only) in a fixed 64-entry sequence. Non-ASCII characters pass
//! through unchanged. The tables are the published ones (Microsoft's
//! algorithm as documented by the public-domain decoders).

/// Start and end markers of an encoded block.
const START: &str = "#@~^";
const END: &str = "^#~@";
/// Length field (6 base64 characters and `==`) and checksum field.
const FIELD_CHARS: usize = 8;

/// Which of the three substitution tables decodes the n-th ASCII character.
const PICK: [u8; 64] = [
    0, 1, 2, 0, 1, 2, 1, 2, 2, 1, 2, 1, 0, 2, 1, 2, 0, 2, 1, 2, 0, 0, 1, 2, 2, 1, 0, 2, 1, 2, 2, 1, 0, 0, 2, 1, 2, 1,
    2, 0, 2, 0, 0, 1, 2, 0, 2, 1, 0, 2, 1, 2, 0, 0, 1, 2, 2, 0, 0, 1, 2, 0, 2, 1,
];

/// Decoded character of encoded byte 9 (tab), per table.
const TAB: [u8; 3] = [0x57, 0x6E, 0x7B];

/// Decoded character of encoded bytes 0x20–0x7F, per table. The rows for
/// `<`, `>` and `@` are never used: those bytes are not encoded.
const PRINTABLE: [[u8; 3]; 96] = [
    [0x2E, 0x2D, 0x32],
    [0x47, 0x75, 0x30],
    [0x7A, 0x52, 0x21],
    [0x56, 0x60, 0x29],
    [0x42, 0x71, 0x5B],
    [0x6A, 0x5E, 0x38],
    [0x2F, 0x49, 0x33],
    [0x26, 0x5C, 0x3D],
    [0x49, 0x62, 0x58],
    [0x41, 0x7D, 0x3A],
    [0x34, 0x29, 0x35],
    [0x32, 0x36, 0x65],
    [0x5B, 0x20, 0x39],
    [0x76, 0x7C, 0x5C],
    [0x72, 0x7A, 0x56],
    [0x43, 0x7F, 0x73],
    [0x38, 0x6B, 0x66],
    [0x39, 0x63, 0x4E],
    [0x70, 0x33, 0x45],
    [0x45, 0x2B, 0x6B],
    [0x68, 0x68, 0x62],
    [0x71, 0x51, 0x59],
    [0x4F, 0x66, 0x78],
    [0x09, 0x76, 0x5E],
    [0x62, 0x31, 0x7D],
    [0x44, 0x64, 0x4A],
    [0x23, 0x54, 0x6D],
    [0x75, 0x43, 0x71],
    [0x4A, 0x4C, 0x41],
    [0x7E, 0x3A, 0x60],
    [0x4A, 0x4C, 0x41],
    [0x5E, 0x7E, 0x53],
    [0x40, 0x4C, 0x40],
    [0x77, 0x45, 0x42],
    [0x4A, 0x2C, 0x27],
    [0x61, 0x2A, 0x48],
    [0x5D, 0x74, 0x72],
    [0x22, 0x27, 0x75],
    [0x4B, 0x37, 0x31],
    [0x6F, 0x44, 0x37],
    [0x4E, 0x79, 0x4D],
    [0x3B, 0x59, 0x52],
    [0x4C, 0x2F, 0x22],
    [0x50, 0x6F, 0x54],
    [0x67, 0x26, 0x6A],
    [0x2A, 0x72, 0x47],
    [0x7D, 0x6A, 0x64],
    [0x74, 0x39, 0x2D],
    [0x54, 0x7B, 0x20],
    [0x2B, 0x3F, 0x7F],
    [0x2D, 0x38, 0x2E],
    [0x2C, 0x77, 0x4C],
    [0x30, 0x67, 0x5D],
    [0x6E, 0x53, 0x7E],
    [0x6B, 0x47, 0x6C],
    [0x66, 0x34, 0x6F],
    [0x35, 0x78, 0x79],
    [0x25, 0x5D, 0x74],
    [0x21, 0x30, 0x43],
    [0x64, 0x23, 0x26],
    [0x4D, 0x5A, 0x76],
    [0x52, 0x5B, 0x25],
    [0x63, 0x6C, 0x24],
    [0x3F, 0x48, 0x2B],
    [0x7B, 0x55, 0x28],
    [0x78, 0x70, 0x23],
    [0x29, 0x69, 0x41],
    [0x28, 0x2E, 0x34],
    [0x73, 0x4C, 0x09],
    [0x59, 0x21, 0x2A],
    [0x33, 0x24, 0x44],
    [0x7F, 0x4E, 0x3F],
    [0x6D, 0x50, 0x77],
    [0x55, 0x09, 0x3B],
    [0x53, 0x56, 0x55],
    [0x7C, 0x73, 0x69],
    [0x3A, 0x35, 0x61],
    [0x5F, 0x61, 0x63],
    [0x65, 0x4B, 0x50],
    [0x46, 0x58, 0x67],
    [0x58, 0x3B, 0x51],
    [0x31, 0x57, 0x49],
    [0x69, 0x22, 0x4F],
    [0x6C, 0x6D, 0x46],
    [0x5A, 0x4D, 0x68],
    [0x48, 0x25, 0x7C],
    [0x27, 0x28, 0x36],
    [0x5C, 0x46, 0x70],
    [0x3D, 0x4A, 0x6E],
    [0x24, 0x32, 0x7A],
    [0x79, 0x41, 0x2F],
    [0x37, 0x3D, 0x5F],
    [0x60, 0x5F, 0x4B],
    [0x51, 0x4F, 0x5A],
    [0x20, 0x42, 0x2C],
    [0x36, 0x65, 0x57],
];

/// Decodes the text of one block (between the length and checksum fields).
fn decode_block(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut position = 0usize;
    let mut chars = encoded.chars().peekable();
    while let Some(mut c) = chars.next() {
        if c == '@' {
            let unescaped = match chars.peek() {
                Some('&') => Some('\n'),
                Some('#') => Some('\r'),
                Some('*') => Some('>'),
                Some('!') => Some('<'),
                Some('$') => Some('@'),
                _ => None,
            };
            if let Some(unescaped) = unescaped {
                chars.next();
                c = unescaped;
            }
        }
        let code = u32::from(c);
        if code >= 128 {
            out.push(c);
            continue;
        }
        let table = usize::from(PICK[position % PICK.len()]);
        position += 1;
        let decoded = match code {
            9 => TAB[table],
            60 | 62 | 64 => c as u8,
            32..=127 => PRINTABLE[(code - 32) as usize][table],
            _ => c as u8,
        };
        out.push(char::from(decoded));
    }
    out
}

/// Decodes every encoded block in `text`, leaving the text around them as
/// it is. Returns `None` when there is no block. A block without its end
/// marker is decoded to the end of the text.
pub fn decode_vbe(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut decoded_any = false;
    while let Some(start) = rest.find(START) {
        let body_start = start + START.len() + FIELD_CHARS;
        let Some(header) = rest.get(start + START.len()..body_start) else {
            break;
        };
        if !header.ends_with("==") {
            out.push_str(&rest[..start + START.len()]);
            rest = &rest[start + START.len()..];
            continue;
        }
        out.push_str(&rest[..start]);
        let after = &rest[body_start..];
        match after.find(END) {
            Some(end) => {
                let body_end = after.get(..end.saturating_sub(FIELD_CHARS)).map_or(0, str::len);
                out.push_str(&decode_block(&after[..body_end]));
                rest = &after[end + END.len()..];
            }
            None => {
                out.push_str(&decode_block(after));
                rest = "";
            }
        }
        decoded_any = true;
    }
    out.push_str(rest);
    decoded_any.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_sample() {
        // The example of the public-domain decode-vbe.py manual.
        let encoded = "#@~^DgAAAA==\\ko$K6,JC\u{7f}V^GJqAQAAA==^#~@";
        assert_eq!(decode_vbe(encoded).as_deref(), Some("MsgBox \"Hello\""));
    }

    #[test]
    fn surrounding_text_kept_and_no_block() {
        let html = "<script language=\"VBScript.Encode\">#@~^DgAAAA==\\ko$K6,JC\u{7f}V^GJqAQAAA==^#~@</script>";
        assert_eq!(
            decode_vbe(html).as_deref(),
            Some("<script language=\"VBScript.Encode\">MsgBox \"Hello\"</script>")
        );
        assert_eq!(decode_vbe("MsgBox 1"), None);
        assert_eq!(decode_vbe("#@~^"), None);
        assert!(decode_vbe("#@~^DgAAAA==\\ko").is_some());
        assert!(decode_vbe("#@~^DgAAAA==x^#~@").is_some());
    }
}
