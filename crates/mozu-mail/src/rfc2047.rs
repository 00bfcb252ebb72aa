//! Header text decoding: RFC 2047 encoded-words, raw 8-bit and raw
//! ISO-2022-JP.
//!
//! Unlike mail-parser, adjacent encoded-words are joined *as bytes* before
//! the charset decoder runs, because Japanese mailers split one multibyte
//! character (or one ISO-2022-JP escape run, or even one base64 quantum)
//! across two words.

use encoding_rs::Encoding;

use crate::charset::{self, Decoded};
use mozu_model::WarningCode;

/// Longest header value decoded; longer values are cut (with a warning by
/// the caller).
pub const MAX_HEADER_DECODE_BYTES: usize = 64 << 10;

/// Encoded-words per header at most; more are left as text.
pub const MAX_ENCODED_WORDS: usize = 1024;

enum Segment<'a> {
    Raw(&'a [u8]),
    Word { charset: &'a str, b: bool, text: &'a [u8] },
}

/// Decodes a raw header value (unfolded or not) to text.
pub fn decode_header(raw: &[u8], hint: Option<&'static Encoding>) -> Decoded {
    let raw = &raw[..raw.len().min(MAX_HEADER_DECODE_BYTES)];
    let unfolded = unfold(raw);
    let segments = split_words(&unfolded);
    let mut out = String::with_capacity(unfolded.len());
    let mut warning = None;
    let mut i = 0;
    while i < segments.len() {
        match &segments[i] {
            Segment::Raw(bytes) => {
                let d = charset::decode(bytes, None, hint);
                out.push_str(&d.text);
                warning = warning.or(d.warning);
                i += 1;
            }
            Segment::Word { charset, .. } => {
                let run_end = same_charset_run(&segments, i, charset);
                let d = decode_run(&segments[i..run_end], charset, hint);
                out.push_str(&d.text);
                warning = warning.or(d.warning);
                i = run_end;
            }
        }
    }
    if out.contains('\u{1b}') {
        warning = warning.or(Some((
            WarningCode::UndecodableText,
            "escape byte left in header".into(),
        )));
        out.retain(|c| c != '\u{1b}');
    }
    Decoded {
        text: out.trim().to_string(),
        warning,
    }
}

/// Removes CRLF / LF line folds (the whitespace after them stays).
pub fn unfold(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for &b in raw {
        if b != b'\r' && b != b'\n' {
            out.push(b);
        }
    }
    out
}

fn same_charset_run(segments: &[Segment<'_>], start: usize, charset: &str) -> usize {
    let key = charset::resolve(charset);
    let mut end = start + 1;
    while end < segments.len() {
        match &segments[end] {
            Segment::Word { charset: c, .. }
                if c.eq_ignore_ascii_case(charset) || (key.is_some() && charset::resolve(c) == key) =>
            {
                end += 1
            }
            _ => break,
        }
    }
    end
}

fn decode_run(run: &[Segment<'_>], charset: &str, hint: Option<&'static Encoding>) -> Decoded {
    let mut bytes = Vec::new();
    let mut pending_b64: Vec<u8> = Vec::new();
    for seg in run {
        if let Segment::Word { b, text, .. } = seg {
            if *b {
                pending_b64.extend(text.iter().filter(|c| !c.is_ascii_whitespace()));
                // A word whose base64 ends on a quantum boundary can be
                // decoded now; otherwise the next word completes it.
                if pending_b64.len().is_multiple_of(4) {
                    bytes.extend(decode_b64(&pending_b64));
                    pending_b64.clear();
                }
            } else {
                if !pending_b64.is_empty() {
                    bytes.extend(decode_b64(&pending_b64));
                    pending_b64.clear();
                }
                bytes.extend(decode_q(text));
            }
        }
    }
    if !pending_b64.is_empty() {
        bytes.extend(decode_b64(&pending_b64));
    }
    charset::decode(&bytes, Some(charset), hint)
}

/// Lenient base64: ignores characters outside the alphabet (line breaks,
/// junk) and padding in the middle, accepts the URL-safe alphabet, and
/// decodes a dangling partial quantum as far as it goes.
pub fn decode_b64(text: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let mut clean: Vec<u8> = Vec::with_capacity(text.len());
    for &c in text {
        match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => clean.push(c),
            b'-' => clean.push(b'+'),
            b'_' => clean.push(b'/'),
            _ => {}
        }
    }
    if clean.len() % 4 == 1 {
        clean.pop();
    }
    LENIENT.decode(&clean).unwrap_or_default()
}

fn decode_q(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => match (hex(text.get(i + 1)), hex(text.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'='),
            },
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex(c: Option<&u8>) -> Option<u8> {
    let c = *c?;
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Splits a header into raw runs and encoded-words. Whitespace between two
/// encoded-words is dropped (RFC 2047 section 6.2).
fn split_words(input: &[u8]) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut raw_start = 0;
    let mut pos = 0;
    let mut words = 0;
    while let Some(off) = memchr::memmem::find(&input[pos..], b"=?") {
        let start = pos + off;
        let Some((word, end)) = parse_word(input, start) else {
            pos = start + 2;
            continue;
        };
        words += 1;
        if words > MAX_ENCODED_WORDS {
            break;
        }
        let between = &input[raw_start..start];
        let after_word = matches!(segments.last(), Some(Segment::Word { .. }));
        let joins_words = after_word && between.iter().all(|b| b.is_ascii_whitespace());
        if !between.is_empty() && !joins_words {
            segments.push(Segment::Raw(between));
        }
        segments.push(word);
        raw_start = end;
        pos = end;
    }
    if raw_start < input.len() {
        segments.push(Segment::Raw(&input[raw_start..]));
    }
    segments
}

/// Parses `=?charset[*lang]?B|Q?text?=` at `start`; returns the word and the
/// offset after it.
fn parse_word(input: &[u8], start: usize) -> Option<(Segment<'_>, usize)> {
    let rest = &input[start + 2..];
    let q1 = memchr::memchr(b'?', rest)?;
    let charset = std::str::from_utf8(&rest[..q1]).ok()?;
    if charset.is_empty() || charset.len() > 64 || charset.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let charset = charset.split('*').next().unwrap_or(charset);
    let enc = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let b = match enc {
        b'B' | b'b' => true,
        b'Q' | b'q' => false,
        _ => return None,
    };
    let text_start = q1 + 3;
    let close = memchr::memmem::find(&rest[text_start..], b"?=")?;
    let text = &rest[text_start..text_start + close];
    // An encoded-word never spans a space in B encoding; a Q word may be
    // sloppy, but a run of spaces means we latched onto a false `=?`.
    if b && text.contains(&b' ') {
        return None;
    }
    Some((Segment::Word { charset, b, text }, start + 2 + text_start + close + 2))
}
