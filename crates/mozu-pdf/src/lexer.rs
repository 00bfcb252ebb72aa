//! A forgiving PDF tokenizer for the raw scan: never fails, never recurses,
//! and treats anything it does not understand as a regular token.

use std::borrow::Cow;

/// One lexical token. Slices borrow the scanned buffer and are undecoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// A name, the bytes after `/` with `#xx` escapes still in place.
    Name(&'a [u8]),
    /// A literal string, the bytes between the outer parentheses.
    Literal(&'a [u8]),
    /// A hex string, the bytes between `<` and `>`.
    Hex(&'a [u8]),
    /// `<<`
    DictOpen,
    /// `>>`
    DictClose,
    /// `[`
    ArrayOpen,
    /// `]`
    ArrayClose,
    /// A keyword, number or anything else made of regular characters.
    Regular(&'a [u8]),
}

/// PDF white-space characters (ISO 32000-1, table 1).
pub(crate) fn is_space(byte: u8) -> bool {
    matches!(byte, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// PDF delimiter characters (ISO 32000-1, table 2).
fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(byte: u8) -> bool {
    !is_space(byte) && !is_delimiter(byte)
}

/// Walks a buffer token by token.
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    /// Offset of the next unread byte.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to `pos` (used to jump over stream bodies).
    pub(crate) fn seek(&mut self, pos: usize) {
        self.pos = pos.min(self.data.len());
    }

    fn run_of_regular(&mut self, start: usize) -> &'a [u8] {
        let mut end = start;
        while end < self.data.len() && is_regular(self.data[end]) {
            end += 1;
        }
        self.pos = end;
        &self.data[start..end]
    }

    /// The next token, or `None` at the end of the buffer.
    pub(crate) fn next_token(&mut self) -> Option<Token<'a>> {
        let data = self.data;
        loop {
            while self.pos < data.len() && is_space(data[self.pos]) {
                self.pos += 1;
            }
            let byte = *data.get(self.pos)?;
            let next = data.get(self.pos + 1).copied();
            match byte {
                b'%' => {
                    self.pos = memchr::memchr2(b'\r', b'\n', &data[self.pos..]).map_or(data.len(), |at| self.pos + at);
                }
                b'/' => return Some(Token::Name(self.run_of_regular(self.pos + 1))),
                b'(' => return Some(self.literal()),
                b'<' if next == Some(b'<') => {
                    self.pos += 2;
                    return Some(Token::DictOpen);
                }
                b'<' => {
                    let start = self.pos + 1;
                    let end = memchr::memchr(b'>', &data[start..]).map_or(data.len(), |at| start + at);
                    self.pos = (end + 1).min(data.len());
                    return Some(Token::Hex(&data[start..end]));
                }
                b'>' if next == Some(b'>') => {
                    self.pos += 2;
                    return Some(Token::DictClose);
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Token::ArrayOpen);
                }
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayClose);
                }
                // Stray `>`, `)`, `{`, `}`: skip.
                b'>' | b')' | b'{' | b'}' => self.pos += 1,
                _ => return Some(Token::Regular(self.run_of_regular(self.pos))),
            }
        }
    }

    /// A literal string with balanced parentheses; unterminated runs to EOF.
    fn literal(&mut self) -> Token<'a> {
        let data = self.data;
        let start = self.pos + 1;
        let mut at = start;
        let mut depth = 1usize;
        while let Some(found) = memchr::memchr3(b'\\', b'(', b')', &data[at..]) {
            let index = at + found;
            match data[index] {
                b'\\' => at = (index + 2).min(data.len()),
                b'(' => {
                    depth += 1;
                    at = index + 1;
                }
                _ => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = index + 1;
                        return Token::Literal(&data[start..index]);
                    }
                    at = index + 1;
                }
            }
        }
        self.pos = data.len();
        Token::Literal(&data[start..])
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes `#xx` escapes in a name. The flag tells whether any were used.
pub(crate) fn decode_name(raw: &[u8]) -> (Cow<'_, [u8]>, bool) {
    if memchr::memchr(b'#', raw).is_none() {
        return (Cow::Borrowed(raw), false);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut escaped = false;
    let mut index = 0;
    while index < raw.len() {
        let pair = (
            raw.get(index + 1).copied().and_then(hex_value),
            raw.get(index + 2).copied().and_then(hex_value),
        );
        match (raw[index], pair) {
            (b'#', (Some(high), Some(low))) => {
                out.push(high << 4 | low);
                escaped = true;
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    (Cow::Owned(out), escaped)
}

/// Decodes the inside of a literal string: escapes, octal codes, line
/// continuations, and end-of-line normalisation.
pub(crate) fn decode_literal(inner: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(inner.len());
    let mut index = 0;
    while index < inner.len() {
        let byte = inner[index];
        index += 1;
        match byte {
            b'\\' => {
                let Some(&escaped) = inner.get(index) else { break };
                index += 1;
                match escaped {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(0x08),
                    b'f' => out.push(0x0C),
                    b'0'..=b'7' => {
                        let mut value = u32::from(escaped - b'0');
                        for _ in 0..2 {
                            match inner.get(index) {
                                Some(&digit @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(digit - b'0');
                                    index += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((value & 0xFF) as u8);
                    }
                    b'\r' => {
                        if inner.get(index) == Some(&b'\n') {
                            index += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            b'\r' => {
                if inner.get(index) == Some(&b'\n') {
                    index += 1;
                }
                out.push(b'\n');
            }
            other => out.push(other),
        }
    }
    out
}

/// Decodes the inside of a hex string; non-hex bytes are skipped and an odd
/// final digit is padded with 0.
pub(crate) fn decode_hex(inner: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(inner.len() / 2);
    let mut high: Option<u8> = None;
    for value in inner.iter().filter_map(|&byte| hex_value(byte)) {
        match high.take() {
            Some(first) => out.push(first << 4 | value),
            None => high = Some(value),
        }
    }
    if let Some(first) = high {
        out.push(first << 4);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(data: &[u8]) -> Vec<Token<'_>> {
        let mut lexer = Lexer::new(data);
        std::iter::from_fn(|| lexer.next_token()).collect()
    }

    #[test]
    fn tokenizes_a_dictionary() {
        let got = tokens(b"<</S/URI/URI(http://a/(b\\)))%c\n[1 0 R]<4142>>>");
        assert_eq!(
            got,
            vec![
                Token::DictOpen,
                Token::Name(b"S"),
                Token::Name(b"URI"),
                Token::Name(b"URI"),
                Token::Literal(b"http://a/(b\\))"),
                Token::ArrayOpen,
                Token::Regular(b"1"),
                Token::Regular(b"0"),
                Token::Regular(b"R"),
                Token::ArrayClose,
                Token::Hex(b"4142"),
                Token::DictClose,
            ]
        );
    }

    #[test]
    fn names_and_strings_decode() {
        assert_eq!(decode_name(b"J#61vaScript"), (Cow::Owned(b"JavaScript".to_vec()), true));
        assert_eq!(decode_name(b"A#zz").0.as_ref(), b"A#zz");
        assert_eq!(decode_literal(b"a\\(b\\)\\101\\\r\nc\r\nd\\q"), b"a(b)Ac\ndq");
        assert_eq!(decode_hex(b"48 65 6c6C 6"), b"Hell`");
    }

    #[test]
    fn unterminated_input_ends() {
        assert_eq!(tokens(b"(abc"), vec![Token::Literal(b"abc")]);
        assert_eq!(tokens(b"<41"), vec![Token::Hex(b"41")]);
        assert_eq!(tokens(b"/"), vec![Token::Name(b"")]);
        assert_eq!(tokens(b"\\"), vec![Token::Regular(b"\\")]);
    }
}
