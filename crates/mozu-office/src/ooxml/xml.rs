//! A minimal, non-validating XML tag scanner for OOXML parts.
//!
//! It yields start tags (with their raw attribute text), end tags, text and
//! CDATA in document order, in one forward pass; every event consumes input,
//! so the work is linear in the part size. Nothing is expanded: the
//! internal DTD subset is skipped, so entity bombs do nothing, and only the
//! five predefined entities and character references are decoded.

use std::borrow::Cow;

/// One piece of an XML document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event<'a> {
    /// `<name attrs>` or `<name attrs/>` (`empty`).
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    /// `</name>`.
    End { name: &'a [u8] },
    /// Character data, still escaped.
    Text(&'a [u8]),
    /// The contents of a CDATA section (not escaped).
    CData(&'a [u8]),
}

/// Iterates over the events of an XML document.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    fn take_until(&mut self, needle: &[u8]) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let end = find(rest, needle).unwrap_or(rest.len());
        self.pos += end + needle.len();
        rest.get(..end).unwrap_or_default()
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let rest = self.data.get(self.pos..)?;
            if rest.is_empty() {
                return None;
            }
            if rest[0] != b'<' {
                let end = rest.iter().position(|&byte| byte == b'<').unwrap_or(rest.len());
                self.pos += end;
                return Some(Event::Text(&rest[..end]));
            }
            if rest.starts_with(b"<!--") {
                self.pos += 4;
                self.take_until(b"-->");
            } else if rest.starts_with(b"<![CDATA[") {
                self.pos += 9;
                return Some(Event::CData(self.take_until(b"]]>")));
            } else if rest.starts_with(b"<?") {
                self.pos += 2;
                self.take_until(b"?>");
            } else if rest.starts_with(b"<!") {
                self.skip_declaration(rest);
            } else if rest.starts_with(b"</") {
                self.pos += 2;
                let name = self.take_until(b">");
                return Some(Event::End {
                    name: name.trim_ascii(),
                });
            } else {
                return Some(self.start_tag(rest));
            }
        }
    }
}

impl<'a> Reader<'a> {
    /// `<!DOCTYPE …>`, skipping an internal subset in brackets.
    fn skip_declaration(&mut self, rest: &'a [u8]) {
        let bracket = rest.iter().position(|&byte| byte == b'[');
        let close = rest.iter().position(|&byte| byte == b'>');
        match (bracket, close) {
            (Some(bracket), Some(close)) if bracket < close => {
                self.pos += bracket;
                self.take_until(b"]>");
            }
            _ => {
                self.take_until(b">");
            }
        }
    }

    /// A start tag; `>` inside quoted attribute values does not end it.
    fn start_tag(&mut self, rest: &'a [u8]) -> Event<'a> {
        let mut quote = None;
        let mut end = rest.len();
        for (index, &byte) in rest.iter().enumerate().skip(1) {
            match quote {
                Some(open) if byte == open => quote = None,
                Some(_) => {}
                None if byte == b'"' || byte == b'\'' => quote = Some(byte),
                None if byte == b'>' => {
                    end = index;
                    break;
                }
                None => {}
            }
        }
        self.pos += (end + 1).min(rest.len());
        let inner = rest.get(1..end).unwrap_or_default();
        let empty = inner.last() == Some(&b'/');
        let inner = if empty { &inner[..inner.len() - 1] } else { inner };
        let name_end = inner
            .iter()
            .position(|byte| byte.is_ascii_whitespace())
            .unwrap_or(inner.len());
        Event::Start {
            name: &inner[..name_end],
            attrs: &inner[name_end..],
            empty,
        }
    }
}

/// The part of a qualified name after its prefix (`w:instrText` → `instrText`).
pub(crate) fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&byte| byte == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// Whether a qualified name has the local name `expected` (ASCII
/// case-insensitive, as Office is lenient).
pub(crate) fn is(name: &[u8], expected: &str) -> bool {
    local(name).eq_ignore_ascii_case(expected.as_bytes())
}

/// The decoded value of the attribute whose local name is `wanted`.
pub(crate) fn attr(attrs: &[u8], wanted: &str) -> Option<String> {
    let mut pos = 0;
    while pos < attrs.len() {
        while attrs.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        let name_start = pos;
        while attrs
            .get(pos)
            .is_some_and(|&byte| byte != b'=' && !byte.is_ascii_whitespace())
        {
            pos += 1;
        }
        let name = attrs.get(name_start..pos)?;
        while attrs
            .get(pos)
            .is_some_and(|&byte| byte == b'=' || byte.is_ascii_whitespace())
        {
            pos += 1;
        }
        let quote = *attrs.get(pos)?;
        if quote != b'"' && quote != b'\'' {
            // Not well-formed: skip to the next blank and carry on.
            pos += 1;
            continue;
        }
        let value_start = pos + 1;
        let value_len = attrs.get(value_start..)?.iter().position(|&byte| byte == quote)?;
        pos = value_start + value_len + 1;
        if is(name, wanted) {
            return Some(unescape(&attrs[value_start..value_start + value_len]));
        }
    }
    None
}

/// Decodes the predefined entities and character references; anything
/// else is kept as written.
pub(crate) fn unescape(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if !text.contains('&') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity_end = rest.find(';').filter(|&end| end <= 12);
        let decoded = entity_end.and_then(|end| decode_entity(&rest[1..end]));
        match (decoded, entity_end) {
            (Some(c), Some(end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// The part's bytes as UTF-8: UTF-16 parts (with a BOM) are converted.
pub(crate) fn as_utf8(bytes: &[u8]) -> Cow<'_, [u8]> {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => Cow::Owned(crate::codepage::decode_utf16le(rest).into_bytes()),
        [0xFE, 0xFF, rest @ ..] => {
            let (text, _, _) = encoding_rs::UTF_16BE.decode(rest);
            Cow::Owned(text.into_owned().into_bytes())
        }
        _ => Cow::Borrowed(bytes),
    }
}

/// The first position of `needle` in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    crate::vba::memfind(haystack, needle)
}
