//! RTF tokenizer: groups, control words, control symbols, `\'hh` bytes,
//! `\binN` data and raw text bytes. Never fails; malformed escapes are
//! skipped.

/// Longest control-word name kept (the RTF spec allows 32 letters); longer
/// runs of letters are still consumed.
const MAX_WORD_LEN: usize = 32;

/// One RTF token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// `{`
    GroupStart,
    /// `}`
    GroupEnd,
    /// `\name` or `\nameN`.
    Word { name: &'a [u8], param: Option<i32> },
    /// `\` followed by a non-letter, e.g. `\\`, `\{`, `\~`, `\*`.
    Symbol(u8),
    /// `\'hh`.
    Hex(u8),
    /// A plain text byte (CR and LF are dropped, as RTF readers do).
    Text(u8),
    /// The data of `\binN`.
    Binary(&'a [u8]),
}

/// Iterator over the tokens of an RTF document.
pub(crate) struct Lexer<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// After a backslash: a control word, symbol or hex escape.
    fn escape(&mut self) -> Option<Token<'a>> {
        let first = self.peek()?;
        if first.is_ascii_alphabetic() {
            return Some(self.word());
        }
        self.pos += 1;
        match first {
            b'\'' => {
                let hex = self.input.get(self.pos..self.pos + 2)?;
                let value = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match value {
                    Some(byte) => {
                        self.pos += 2;
                        Some(Token::Hex(byte))
                    }
                    // A broken escape becomes an ignored symbol; the bytes
                    // after it are read again as ordinary text.
                    None => Some(Token::Symbol(b'\'')),
                }
            }
            // `\` + newline is an old spelling of `\par`.
            b'\r' | b'\n' => Some(Token::Word {
                name: b"par",
                param: None,
            }),
            other => Some(Token::Symbol(other)),
        }
    }

    fn word(&mut self) -> Token<'a> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        let name = &self.input[start..self.pos.min(start + MAX_WORD_LEN)];
        let param = self.param();
        if self.peek() == Some(b' ') {
            self.pos += 1;
        }
        if name == b"bin" {
            let len = usize::try_from(param.unwrap_or(0).max(0)).unwrap_or(0);
            let end = self.pos.saturating_add(len).min(self.input.len());
            let data = &self.input[self.pos..end];
            self.pos = end;
            return Token::Binary(data);
        }
        Token::Word { name, param }
    }

    /// An optional signed decimal parameter, saturated to `i32`.
    fn param(&mut self) -> Option<i32> {
        let negative = self.peek() == Some(b'-') && self.input.get(self.pos + 1).is_some_and(|b| b.is_ascii_digit());
        if negative {
            self.pos += 1;
        }
        let mut value: i64 = 0;
        let mut digits = 0;
        while let Some(digit) = self.peek().filter(u8::is_ascii_digit) {
            value = (value * 10 + i64::from(digit - b'0')).min(i64::from(i32::MAX) + 1);
            digits += 1;
            self.pos += 1;
        }
        if digits == 0 {
            return None;
        }
        let value = if negative { -value } else { value };
        Some(i32::try_from(value).unwrap_or(if negative { i32::MIN } else { i32::MAX }))
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let byte = self.peek()?;
            self.pos += 1;
            match byte {
                b'{' => return Some(Token::GroupStart),
                b'}' => return Some(Token::GroupEnd),
                b'\\' => return self.escape(),
                b'\r' | b'\n' | 0 => continue,
                other => return Some(Token::Text(other)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let tokens: Vec<Token<'_>> = Lexer::new(b"{\\rtf1\\u-12345? \\'82\\'a0\\\\\r\n\\bin3 {}x\\*\\'zz!}").collect();
        assert_eq!(
            tokens,
            vec![
                Token::GroupStart,
                Token::Word {
                    name: b"rtf",
                    param: Some(1)
                },
                Token::Word {
                    name: b"u",
                    param: Some(-12345)
                },
                Token::Text(b'?'),
                Token::Text(b' '),
                Token::Hex(0x82),
                Token::Hex(0xA0),
                Token::Symbol(b'\\'),
                Token::Binary(b"{}x"),
                Token::Symbol(b'*'),
                Token::Symbol(b'\''),
                Token::Text(b'z'),
                Token::Text(b'z'),
                Token::Text(b'!'),
                Token::GroupEnd,
            ]
        );
    }

    #[test]
    fn hostile_numbers_and_truncation_do_not_panic() {
        let input = b"\\u99999999999999999999\\bin-5\\bin999999999999 abc\\'4";
        let tokens: Vec<Token<'_>> = Lexer::new(input).collect();
        assert_eq!(
            tokens[0],
            Token::Word {
                name: b"u",
                param: Some(i32::MAX)
            }
        );
        assert!(tokens.len() >= 3);
        assert_eq!(Lexer::new(b"\\").count(), 0);
    }
}
