//! Tags: names as numbers, the attributes the renderer keeps, and the
//! WHATWG attribute syntax (quoting decides where a tag ends, so every
//! attribute is parsed even when its value is thrown away).

use super::scan::find_byte;

/// A tag or attribute name as a number: its ASCII-lower-cased bytes,
/// little-endian, so that the renderer classifies a name with a few
/// integer comparisons instead of string compares against every list.
/// Names that match nothing the renderer knows — empty, longer than 16
/// bytes, holding NUL — are 0.
pub(super) const fn name_key(name: &[u8]) -> u128 {
    if name.is_empty() || name.len() > 16 {
        return 0;
    }
    let mut buf = [0u8; 16];
    let mut i = 0;
    while i < name.len() {
        if name[i] == 0 {
            return 0;
        }
        buf[i] = name[i].to_ascii_lowercase();
        i += 1;
    }
    u128::from_le_bytes(buf)
}

/// Attributes the renderer reads; all others are parsed (their quoting
/// decides where the tag ends) but not kept, so a tag costs no allocation
/// however many attributes an attacker gives it.
#[derive(Clone, Copy)]
pub(super) enum Attr {
    Href,
    Alt,
    Src,
    Action,
    Background,
    Formaction,
    Data,
    HttpEquiv,
    Content,
    Style,
    Color,
    Bgcolor,
    Type,
    Rel,
    Hidden,
    Class,
}

impl Attr {
    const COUNT: usize = 16;

    fn from_name(name: &[u8]) -> Option<Self> {
        // Most attributes are `style`, `class`, `width`…: rule the others
        // out by length before building a key.
        if !matches!(name.len(), 3..=7 | 10) {
            return None;
        }
        const HREF: u128 = name_key(b"href");
        const ALT: u128 = name_key(b"alt");
        const SRC: u128 = name_key(b"src");
        const ACTION: u128 = name_key(b"action");
        const BACKGROUND: u128 = name_key(b"background");
        const FORMACTION: u128 = name_key(b"formaction");
        const DATA: u128 = name_key(b"data");
        const HTTP_EQUIV: u128 = name_key(b"http-equiv");
        const CONTENT: u128 = name_key(b"content");
        const STYLE: u128 = name_key(b"style");
        const COLOR: u128 = name_key(b"color");
        const BGCOLOR: u128 = name_key(b"bgcolor");
        const TYPE: u128 = name_key(b"type");
        const REL: u128 = name_key(b"rel");
        const HIDDEN: u128 = name_key(b"hidden");
        const CLASS: u128 = name_key(b"class");
        Some(match name_key(name) {
            HREF => Self::Href,
            ALT => Self::Alt,
            SRC => Self::Src,
            ACTION => Self::Action,
            BACKGROUND => Self::Background,
            FORMACTION => Self::Formaction,
            DATA => Self::Data,
            HTTP_EQUIV => Self::HttpEquiv,
            CONTENT => Self::Content,
            STYLE => Self::Style,
            COLOR => Self::Color,
            BGCOLOR => Self::Bgcolor,
            TYPE => Self::Type,
            REL => Self::Rel,
            HIDDEN => Self::Hidden,
            CLASS => Self::Class,
            _ => return None,
        })
    }
}

/// A tag name as written, and its [`name_key`].
#[derive(Clone, Copy, Default)]
pub(super) struct TagName<'a> {
    raw: &'a [u8],
    key: u128,
}

impl<'a> TagName<'a> {
    /// The [`name_key`] of the name.
    pub(super) fn key(&self) -> u128 {
        self.key
    }

    /// The name as written.
    pub(super) fn raw(&self) -> &'a [u8] {
        self.raw
    }
}

/// A start tag with the attributes of [`Attr`], raw (entities undecoded).
#[derive(Default)]
pub(super) struct Tag<'a> {
    pub(super) name: TagName<'a>,
    pub(super) self_closing: bool,
    attrs: [Option<&'a str>; Attr::COUNT],
}

impl<'a> Tag<'a> {
    /// The raw value of `attr`, as its first occurrence gives it: browsers
    /// drop later duplicates.
    pub(super) fn raw_attr(&self, attr: Attr) -> Option<&'a str> {
        self.attrs[attr as usize]
    }

    fn set(&mut self, name: &[u8], value: &'a str) {
        if let Some(attr) = Attr::from_name(name) {
            self.attrs[attr as usize].get_or_insert(value);
        }
    }
}

/// Byte classes of the tag states, as bits, so that each state's loop is
/// one table load per byte.
const SPACE: u8 = 1;
const SLASH: u8 = 2;
const GT: u8 = 4;
const EQ: u8 = 8;
/// What ends a tag name.
const NAME_END: u8 = SPACE | SLASH | GT;
/// What ends an attribute name.
const ATTR_NAME_END: u8 = SPACE | SLASH | GT | EQ;
/// What ends an unquoted attribute value.
const UNQUOTED_END: u8 = SPACE | GT;

static CLASS: [u8; 256] = {
    let mut table = [0; 256];
    table[b'\t' as usize] = SPACE;
    table[b'\n' as usize] = SPACE;
    table[b'\x0c' as usize] = SPACE;
    table[b'\r' as usize] = SPACE;
    table[b' ' as usize] = SPACE;
    table[b'/' as usize] = SLASH;
    table[b'>' as usize] = GT;
    table[b'=' as usize] = EQ;
    table
};

fn is_space(b: u8) -> bool {
    CLASS[usize::from(b)] == SPACE
}

/// Whether `b` ends a tag name (and so can follow `</name` in raw text).
pub(super) fn ends_name(b: u8) -> bool {
    CLASS[usize::from(b)] & NAME_END != 0
}

/// The first index from `i` whose byte is in `class`, or the end.
fn find_class(bytes: &[u8], mut i: usize, class: u8) -> usize {
    while i < bytes.len() && CLASS[usize::from(bytes[i])] & class == 0 {
        i += 1;
    }
    i
}

/// The first index from `i` that is not a space, or the end.
fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    i
}

/// Reads the tag whose name starts at `start` into `tag`; the index after
/// it, or `None` when the input ends inside it.
pub(super) fn read_tag<'a>(src: &'a str, start: usize, tag: &mut Tag<'a>) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = find_class(bytes, start, NAME_END);
    let raw = &bytes[start..i];
    tag.name = TagName {
        raw,
        key: name_key(raw),
    };
    tag.self_closing = false;
    tag.attrs = [None; Attr::COUNT];
    loop {
        i = skip_spaces(bytes, i);
        match *bytes.get(i)? {
            b'>' => return Some(i + 1),
            b'/' => {
                // `/` only closes when `>` follows; otherwise it is ignored
                // and attribute parsing resumes.
                if bytes.get(i + 1) == Some(&b'>') {
                    tag.self_closing = true;
                    return Some(i + 2);
                }
                i += 1;
            }
            _ => {
                let (name, value, end) = attribute(src, i)?;
                tag.set(name, value);
                i = end;
            }
        }
    }
}

/// One attribute of `src` starting at `i` (not a space, `/` or `>`): its
/// name, raw value and the index after it; `None` if the input ends inside
/// a quoted value.
fn attribute(src: &str, i: usize) -> Option<(&[u8], &str, usize)> {
    let bytes = src.as_bytes();
    let start = i;
    // A leading `=` belongs to the name, as in the spec.
    let i = find_class(bytes, i + 1, ATTR_NAME_END);
    let name = &bytes[start..i];
    let j = skip_spaces(bytes, i);
    if bytes.get(j) != Some(&b'=') {
        return Some((name, "", i));
    }
    let j = skip_spaces(bytes, j + 1);
    match bytes.get(j) {
        None => None,
        Some(&q @ (b'"' | b'\'')) => {
            let end = j + 1 + find_byte(q, &bytes[j + 1..])?;
            Some((name, &src[j + 1..end], end + 1))
        }
        // `name=>`: a missing value; the `>` still closes the tag.
        Some(b'>') => Some((name, "", j)),
        Some(_) => {
            let end = find_class(bytes, j, UNQUOTED_END);
            Some((name, &src[j..end], end))
        }
    }
}
