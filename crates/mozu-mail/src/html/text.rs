//! Character references and whitespace: from raw HTML text to what a
//! reader sees.
//!
//! Entity decoding is htmlize's (`unescape` feature, MIT OR Apache-2.0):
//! it carries the full WHATWG named-reference table (generated from the
//! spec's entities.json), applies the spec's rules for legacy references
//! without `;` in text and in attributes, maps invalid, zero, surrogate and
//! C1 numeric references as the spec does, and is linear (each `&` looks
//! ahead a bounded entity length or over a run of digits it then skips).
//! html-escape was the alternative; its decoder leaves legacy references
//! and invalid code points untouched, which a browser does not.

use std::borrow::Cow;

use memchr::{memchr, memchr2};

use super::scan::find_byte;

/// Whether `raw` has an `&` that can start a character reference (one
/// followed by a letter, digit or `#`); a lone `&`, as in "R&D" or a run of
/// `&&&`, never can, and then the decoder is not called at all.
fn may_have_reference(raw: &[u8]) -> bool {
    let mut from = 0;
    while let Some(k) = find_byte(b'&', &raw[from..]) {
        let next = raw.get(from + k + 1).copied().unwrap_or(b' ');
        if next.is_ascii_alphanumeric() || next == b'#' {
            return true;
        }
        from += k + 1;
    }
    false
}

/// Text of the data state, entities decoded. Borrows unless a reference
/// is present, so plain text costs no allocation.
pub(super) fn decode_text(raw: &str) -> Cow<'_, str> {
    if may_have_reference(raw.as_bytes()) {
        htmlize::unescape(raw)
    } else {
        Cow::Borrowed(raw)
    }
}

/// Content of a raw-text (`decode == false`) or RCDATA element. NUL reads
/// as U+FFFD there, as in the spec.
pub(super) fn decode_raw(raw: &str, decode: bool) -> Cow<'_, str> {
    let text = if decode { decode_text(raw) } else { Cow::Borrowed(raw) };
    if memchr(0, text.as_bytes()).is_some() {
        Cow::Owned(text.replace('\0', "\u{fffd}"))
    } else {
        text
    }
}

/// An attribute value as a browser stores it: entities decoded by the
/// attribute rules, NUL as U+FFFD, CR and CR LF as LF.
pub(super) fn decode_attr(raw: &str) -> Cow<'_, str> {
    let value = if may_have_reference(raw.as_bytes()) {
        htmlize::unescape_attribute(raw)
    } else {
        Cow::Borrowed(raw)
    };
    if memchr2(0, b'\r', value.as_bytes()).is_none() {
        return value;
    }
    Cow::Owned(
        value
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\0', "\u{fffd}"),
    )
}

/// Byte classes for whitespace collapsing, one table load per byte.
const PLAIN: u8 = 0;
/// ASCII whitespace.
const SPACE: u8 = 1;
/// Lead byte of U+0085, U+00A0, U+1680 or U+2000–U+205F.
const LEAD: u8 = 2;
/// Lead byte of U+3000, but also of kana and CJK punctuation, too common
/// in Japanese mail to leave the fast path for.
const LEAD_E3: u8 = 3;
/// NUL: in text between tags a browser drops it (in raw text and
/// attributes it was already replaced by U+FFFD).
const NUL: u8 = 4;

static CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'\t'..=b'\r' | b' ' => SPACE,
            0xC2 | 0xE1 | 0xE2 => LEAD,
            0xE3 => LEAD_E3,
            0 => NUL,
            _ => PLAIN,
        };
        b += 1;
    }
    table
};

/// The end of the run from `i` that needs no rewriting, so that it can be
/// copied in one go: no whitespace character or NBSP, except single
/// spaces between two plain bytes (the gaps between words). It never
/// stops at a continuation byte, so the end is a char boundary.
fn plain_run_end(bytes: &[u8], mut i: usize) -> usize {
    let start = i;
    loop {
        // Printable ASCII, the bulk of Western text, in a tight loop.
        while i < bytes.len() && bytes[i].wrapping_sub(0x21) < 0x5e {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { return i };
        match CLASS[usize::from(b)] {
            PLAIN => i += 1,
            SPACE if b == b' ' && i > start && bytes.get(i + 1).is_some_and(|&n| CLASS[usize::from(n)] == PLAIN) => {
                i += 2;
            }
            LEAD_E3 if bytes.get(i + 1..i + 3) != Some(&[0x80, 0x80][..]) => i += 1,
            _ => return i,
        }
    }
}

/// Appends `s` to `dst` with each whitespace run (NBSP included) as one
/// space, none at the start when `last_space`. Stops once `dst` holds `cap`
/// bytes and then returns `true`.
pub(super) fn push_collapsed(dst: &mut String, s: &str, mut last_space: bool, cap: usize) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let room = cap.saturating_sub(dst.len());
        if room == 0 {
            return true;
        }
        // Markup indentation makes ASCII whitespace runs the bulk of most
        // text between tags: skip a run in one go.
        if CLASS[usize::from(bytes[i])] == SPACE {
            i += 1;
            while i < bytes.len() && CLASS[usize::from(bytes[i])] == SPACE {
                i += 1;
            }
            if !last_space {
                dst.push(' ');
                last_space = true;
            }
            continue;
        }
        if bytes[i] == 0 {
            i += 1;
            continue;
        }
        let run_end = plain_run_end(bytes, i);
        if run_end > i {
            if run_end - i > room {
                dst.push_str(&s[i..s.floor_char_boundary(i + room)]);
                return true;
            }
            dst.push_str(&s[i..run_end]);
            last_space = false;
            i = run_end;
            continue;
        }
        let Some(c) = s[i..].chars().next() else { break };
        i += c.len_utf8();
        if c == '\u{a0}' || c.is_whitespace() {
            if !last_space {
                dst.push(' ');
                last_space = true;
            }
        } else {
            dst.push(c);
            last_space = false;
        }
    }
    false
}

/// Ends the current line (dropping trailing spaces) unless at a line start.
pub(super) fn newline(text: &mut String) {
    while text.ends_with(' ') {
        text.pop();
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

/// Separates table cells by one space.
pub(super) fn push_space(text: &mut String) {
    if !text.is_empty() && !text.ends_with([' ', '\n']) {
        text.push(' ');
    }
}

/// Trims each line and collapses runs of blank lines.
pub(super) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}
