//! The free-text scanner.
//!
//! Text is cut into tokens: maximal runs of printable ASCII other than
//! `<>"'` and backtick. Any other byte ends a token, so a URL glued to
//! Japanese text (`URL:https://example.jp/a。詳細は`) or to full-width
//! punctuation stops there. Only tokens around an anchor byte (`.`, `:`,
//! `@`, or the closing bracket of `[dot]` / `[at]`) are looked at; memchr
//! skips everything else (Japanese prose, base64) at memory speed. A token
//! is refanged when it may be defanged, then searched in turn for scheme
//! URLs, `www.` URLs, e-mail addresses, and finally dotted words (domains,
//! IPv4) and IPv6 addresses in whatever the earlier passes did not claim.
//! Every pass is linear in the token, and URL candidates are capped at
//! [`MAX_URL_LEN`], so hostile input cannot make a scan quadratic.

use memchr::memchr3;
use mozu_model::Location;

use crate::email::email_at;
use crate::host::{bare_domain, registrable_of_normalized};
use crate::ip::{ipv4_in_word, ipv6_in};
use crate::refang::{has_defanged_scheme, refang_into};
use crate::url::{authority_len, build_url, cap_len, quick_host, scheme_before, trim_tail};
use crate::{IndicatorSet, MAX_SCAN_BYTES, MAX_URL_LEN};

const DELIM: u8 = 1;
const DOT: u8 = 2;
const COLON: u8 = 4;
const AT: u8 = 8;
const OPEN: u8 = 16;
/// Most URLs reported inside one URL's span (see `scan_token`).
const MAX_NESTED_URLS: usize = 8;
/// A token holding none of these cannot contain an indicator.
const INTERESTING: u8 = DOT | COLON | AT | OPEN;

/// Byte classes; immutable, built at compile time.
const CLASS: [u8; 256] = build_class();

const fn build_class() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        table[i] = match c {
            0..=b' ' | 0x7f..=0xff | b'<' | b'>' | b'"' | b'\'' | b'`' => DELIM,
            b'.' => DOT,
            b':' => COLON,
            b'@' => AT,
            b'[' | b'(' | b'{' => OPEN,
            _ => 0,
        };
        i += 1;
    }
    table
}

/// Offsets of `needle` in `hay`. Tokens are short, where a plain loop beats
/// memchr's set-up cost.
pub(crate) fn positions(needle: u8, hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    hay.iter()
        .enumerate()
        .filter(move |&(_, &c)| c == needle)
        .map(|(i, _)| i)
}

fn class(c: u8) -> u8 {
    CLASS[usize::from(c)]
}

/// Characters of a dotted word (host name or IPv4 address) in prose.
fn is_host_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_')
}

/// Characters that, right before `www.`, mean it is not the start of a URL
/// (`info@www.example.com`, `/path/www.x`).
fn glues_to_www(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'=' | b'-' | b'@' | b'/')
}

/// Where the indicators of one scan go.
pub(crate) struct Origin<'a> {
    pub location: &'a Location,
    pub artifact: Option<&'a str>,
}

/// A URL candidate in a (refanged) token.
struct Candidate<'t> {
    /// Start of the span: the scheme, or the `www.` of a scheme-less URL.
    start: usize,
    /// Offset of `rest` in the token.
    rest_start: usize,
    /// Text after `://` (or from `www.`) to the end of the token or gap.
    rest: &'t str,
    /// Scheme of the reported URL, lower-case.
    scheme: &'static str,
}

/// Buffers reused across the tokens of one scan.
#[derive(Default)]
struct Scratch {
    refanged: String,
    marks: Vec<usize>,
}

/// Class flags of every byte of `t` (after refanging changed the token).
fn token_flags(t: &[u8]) -> u8 {
    t.iter().fold(0, |acc, &c| acc | class(c))
}

/// A token being searched: its (refanged) text, the refang marks, and the
/// class flags of its bytes, which let passes for absent characters be
/// skipped.
struct Tok<'a> {
    t: &'a str,
    marks: &'a [usize],
    flags: u8,
}

impl Tok<'_> {
    fn bytes(&self) -> &[u8] {
        self.t.as_bytes()
    }

    fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// True when a refang replacement happened inside `start..end`.
fn defanged_within(marks: &[usize], start: usize, end: usize) -> bool {
    let first = marks.partition_point(|&m| m < start);
    marks.get(first).is_some_and(|&m| m < end)
}

impl IndicatorSet {
    /// Scans `text` up to [`MAX_SCAN_BYTES`].
    pub(crate) fn scan(&mut self, text: &str, origin: &Origin<'_>) {
        let bytes = text.as_bytes();
        let mut limit = bytes.len();
        if limit > MAX_SCAN_BYTES {
            self.truncated = true;
            // Stop at a token boundary rather than half-way through a URL.
            limit = MAX_SCAN_BYTES;
            while limit > 0 && bytes.get(limit).is_some_and(|&c| class(c) & DELIM == 0) {
                limit -= 1;
            }
        }
        let hay = bytes.get(..limit).unwrap_or_default();
        let mut scratch = Scratch::default();
        // Tokens are found from anchors: a byte that any indicator must
        // contain (`.`, `:`, `@`, or the closing bracket of `[dot]`/`[at]`).
        // memchr skips the rest (Japanese prose, base64) at memory speed.
        let find_plain = |from: usize| memchr3(b'.', b':', b'@', hay.get(from..)?).map(|i| i + from);
        let find_closer = |from: usize| memchr3(b']', b')', b'}', hay.get(from..)?).map(|i| i + from);
        let mut next_plain = find_plain(0);
        let mut next_closer = find_closer(0);
        let mut pos = 0;
        loop {
            let anchor = match (next_plain, next_closer) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => break,
            };
            let mut start = anchor;
            while start > pos && hay.get(start - 1).is_some_and(|&c| class(c) & DELIM == 0) {
                start -= 1;
            }
            let mut end = anchor;
            let mut flags = 0;
            while let Some(&c) = hay.get(end) {
                let k = class(c);
                if k & DELIM != 0 {
                    break;
                }
                flags |= k;
                end += 1;
            }
            flags |= token_flags(hay.get(start..anchor).unwrap_or_default());
            if flags & INTERESTING != 0
                && let Some(token) = text.get(start..end)
            {
                self.scan_token(token, flags, origin, &mut scratch);
            }
            pos = end + 1;
            if next_plain.is_some_and(|a| a < pos) {
                next_plain = find_plain(pos);
            }
            if next_closer.is_some_and(|a| a < pos) {
                next_closer = find_closer(pos);
            }
        }
    }

    fn scan_token(&mut self, token: &str, flags: u8, origin: &Origin<'_>, scratch: &mut Scratch) {
        let Scratch { refanged, marks } = scratch;
        marks.clear();
        // Every bracket-free defanged form is a scheme before `://`.
        let may_be_defanged = flags & OPEN != 0 || (flags & COLON != 0 && has_defanged_scheme(token.as_bytes()));
        let tok = if may_be_defanged && refang_into(token, refanged, marks) {
            Tok {
                t: refanged,
                marks,
                flags: token_flags(refanged.as_bytes()),
            }
        } else {
            Tok { t: token, marks, flags }
        };
        if !tok.has(DOT | COLON | AT) {
            return;
        }
        let b = tok.bytes();
        let mut cursor = 0;
        let mut nested = 0;
        let colons = if tok.has(COLON) { b } else { &[] };
        for colon in positions(b':', colons) {
            if b.get(colon + 1..colon + 3) != Some(b"//") {
                continue;
            }
            let Some((start, scheme)) = scheme_before(b, colon) else {
                continue;
            };
            // URLs nested in a URL (redirectors) are reported too, but only
            // a few per URL: each costs up to MAX_URL_LEN, and a periodic
            // token ("http://http://…") would otherwise be quadratic.
            let is_nested = start < cursor;
            if is_nested && nested >= MAX_NESTED_URLS {
                continue;
            }
            let rest_start = start + scheme.len() + 3;
            let Some(rest) = tok.t.get(rest_start..) else {
                continue;
            };
            let candidate = Candidate {
                start,
                rest_start,
                rest,
                scheme,
            };
            let Some(end) = self.accept_url(candidate, &tok, origin, |_| true) else {
                continue;
            };
            if is_nested {
                nested += 1;
            } else {
                nested = 0;
                if start > cursor {
                    // Only text outside every URL goes on to the other passes.
                    self.scan_gap(&tok, cursor, start, origin);
                }
            }
            cursor = cursor.max(end);
        }
        if cursor < b.len() {
            self.scan_gap(&tok, cursor, b.len(), origin);
        }
    }

    /// Shared tail of scheme and `www.` URLs; returns the end of the span.
    fn accept_url(
        &mut self,
        c: Candidate<'_>,
        tok: &Tok<'_>,
        origin: &Origin<'_>,
        host_ok: impl Fn(&str) -> bool,
    ) -> Option<usize> {
        let (capped, cut) = cap_len(c.rest, MAX_URL_LEN.saturating_sub(c.scheme.len() + 3));
        // Rejecting on the host first keeps hostile tokens linear: the tail
        // trim below walks the whole candidate.
        let host = quick_host(capped).filter(|h| host_ok(h))?;
        if self.urls_full() {
            self.truncated = true;
            self.insert_host(&host);
            return Some(c.rest_start + authority_len(capped));
        }
        let kept = trim_tail(capped);
        let parsed = build_url(c.scheme, kept)?;
        let end = if cut {
            // Too long: cut, flagged, and the rest of it is not scanned.
            self.truncated = true;
            c.rest_start + c.rest.len()
        } else {
            c.rest_start + kept.len()
        };
        let defanged = defanged_within(tok.marks, c.start, end);
        self.push_url(parsed, origin.location, origin.artifact, defanged);
        Some(end)
    }

    /// Text outside scheme URLs: `www.` URLs, then the plain passes.
    fn scan_gap(&mut self, tok: &Tok<'_>, from: usize, to: usize, origin: &Origin<'_>) {
        let b = tok.bytes();
        let seg = match b.get(from..to) {
            Some(seg) if tok.has(DOT) => seg,
            _ => &[],
        };
        let mut cursor = from;
        for dot in positions(b'.', seg).map(|d| d + from) {
            let Some(w) = dot.checked_sub(3).filter(|&w| w >= cursor) else {
                continue;
            };
            let is_www = b.get(w..dot).is_some_and(|x| x.eq_ignore_ascii_case(b"www"));
            let glued = w > from && b.get(w - 1).copied().is_some_and(glues_to_www);
            if !is_www || glued {
                continue;
            }
            // The host is the dotted word at `www.`, maybe with a port; only
            // a path, query or fragment right after it extends the URL. This
            // bounds the work per candidate by the (short) host.
            let mut auth_end = w;
            while auth_end < to && b.get(auth_end).copied().is_some_and(is_host_char) {
                auth_end += 1;
            }
            if b.get(auth_end) == Some(&b':') {
                auth_end += 1;
                while auth_end < to && b.get(auth_end).is_some_and(u8::is_ascii_digit) {
                    auth_end += 1;
                }
            }
            let continues = auth_end < to && b.get(auth_end).is_some_and(|c| matches!(c, b'/' | b'?' | b'#'));
            let Some(rest) = tok.t.get(w..if continues { to } else { auth_end }) else {
                continue;
            };
            let has_registrable = |h: &str| registrable_of_normalized(h).is_some();
            let candidate = Candidate {
                start: w,
                rest_start: w,
                rest,
                scheme: "http",
            };
            let Some(end) = self.accept_url(candidate, tok, origin, has_registrable) else {
                continue;
            };
            self.scan_plain(tok, cursor, w);
            cursor = end;
        }
        self.scan_plain(tok, cursor, to);
    }

    /// E-mail addresses, then dotted words and IPv6 in between.
    fn scan_plain(&mut self, tok: &Tok<'_>, from: usize, to: usize) {
        let Some(bounded) = tok.bytes().get(..to) else {
            return;
        };
        let seg = match bounded.get(from..) {
            Some(seg) if tok.has(AT) => seg,
            _ => &[],
        };
        let mut cursor = from;
        for at in positions(b'@', seg).map(|p| p + from) {
            if at < cursor {
                continue;
            }
            let Some(found) = email_at(bounded, cursor, at) else {
                continue;
            };
            self.scan_words(tok, cursor, found.start);
            self.insert_email(found.address);
            self.insert_domain(found.domain);
            cursor = found.end;
        }
        self.scan_words(tok, cursor, to);
    }

    /// Dotted words (domains, IPv4) and IPv6 addresses in `tok.t[from..to]`.
    fn scan_words(&mut self, tok: &Tok<'_>, from: usize, to: usize) {
        let Some(text) = tok.t.get(from..to) else {
            return;
        };
        let seg = text.as_bytes();
        let dots = if tok.has(DOT) { seg } else { &[] };
        let mut next = 0;
        for dot in positions(b'.', dots) {
            if dot < next {
                continue;
            }
            let mut start = dot;
            while start > 0 && seg.get(start - 1).copied().is_some_and(is_host_char) {
                start -= 1;
            }
            let mut end = dot;
            while seg.get(end).copied().is_some_and(is_host_char) {
                end += 1;
            }
            next = end;
            // Host characters are ASCII, so these are char boundaries.
            let Some(word) = text.get(start..end) else {
                continue;
            };
            let word = word.trim_matches(['.', '-', '_']);
            if word.bytes().all(|c| c.is_ascii_digit() || c == b'.' || c == b'-') {
                ipv4_in_word(word, |ip| {
                    self.insert_ip(ip.to_string());
                });
            } else if let Some(domain) = bare_domain(word) {
                self.insert_domain(domain);
            }
        }
        if tok.has(COLON) && positions(b':', seg).nth(1).is_some() {
            ipv6_in(seg, |ip| {
                self.insert_ip(ip.to_string());
            });
        }
    }
}
