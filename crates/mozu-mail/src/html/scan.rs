//! A single-pass, byte-oriented HTML tokenizer.
//!
//! It follows the WHATWG tokenizer states that change what a reader sees
//! or where a link leads — tags, attribute quoting, comments, raw text —
//! and folds the rest (doctype, CDATA, processing instructions) into
//! "skip to `>`". Every state moves forward over the input; loops only
//! ever advance, so the work is linear in the input whatever its shape,
//! and nothing recurses.

use memchr::{memchr, memchr_iter, memchr2};

use super::tag::{Tag, TagName, ends_name, read_tag};

/// How the content after a start tag is read, as the tree builder would
/// switch the tokenizer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum RawMode {
    /// RAWTEXT: text up to the matching end tag, no entities.
    Rawtext,
    /// Script data: RAWTEXT whose `<!--<script>` escapes can hide an end tag.
    Script,
    /// RCDATA: text up to the matching end tag, entities decoded.
    Rcdata,
    /// PLAINTEXT: everything to the end is text.
    Plaintext,
}

/// One piece of the input.
pub(super) enum Token<'a> {
    /// Text between tags; entities still encoded.
    Text(&'a str),
    /// Content of a raw-text element; `decode` says whether entities apply.
    Raw { text: &'a str, decode: bool },
    /// A start tag, read with [`Scanner::start_tag`]: kept in the scanner
    /// rather than moved out, as it is the largest token.
    Start,
    /// An end tag.
    End(TagName<'a>),
}

/// The tokenizer: a position in the input and, after a raw-text start tag,
/// the mode and name that end it.
pub(super) struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    raw: Option<(RawMode, TagName<'a>)>,
    tag: Tag<'a>,
}

/// `memchr` with a scalar look at the first bytes first: most texts
/// between tags and most quoted values are a few bytes long, where
/// memchr's setup costs more than the scan.
pub(super) fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    let head = hay.len().min(16);
    match hay[..head].iter().position(|&b| b == needle) {
        Some(k) => Some(k),
        None => memchr(needle, &hay[head..]).map(|k| head + k),
    }
}

impl<'a> Scanner<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Self {
            src,
            pos: 0,
            raw: None,
            tag: Tag::default(),
        }
    }

    /// Reads the following content in `mode`, up to `</name`.
    pub(super) fn enter(&mut self, mode: RawMode, name: TagName<'a>) {
        self.raw = Some((mode, name));
    }

    /// The next token, or `None` at the end of the input.
    pub(super) fn next_token(&mut self) -> Option<Token<'a>> {
        let bytes = self.src.as_bytes();
        loop {
            if let Some((mode, name)) = self.raw.take() {
                let start = self.pos;
                self.pos = match mode {
                    RawMode::Plaintext => bytes.len(),
                    RawMode::Script => self.find_script_end(),
                    RawMode::Rawtext | RawMode::Rcdata => self.find_end_tag(name.raw()),
                };
                if self.pos > start {
                    let text = &self.src[start..self.pos];
                    return Some(Token::Raw {
                        text,
                        decode: mode == RawMode::Rcdata,
                    });
                }
            }
            let start = self.pos;
            if start >= bytes.len() {
                return None;
            }
            if !self.is_markup(start) {
                self.pos = self.find_markup(start + 1);
                return Some(Token::Text(&self.src[start..self.pos]));
            }
            if let Some(token) = self.markup(start) {
                return Some(token);
            }
        }
    }

    /// Whether the `<` (if any) at `i` opens markup; any other `<` is text.
    fn is_markup(&self, i: usize) -> bool {
        let bytes = self.src.as_bytes();
        if bytes[i] != b'<' {
            return false;
        }
        match bytes.get(i + 1) {
            Some(b) if b.is_ascii_alphabetic() || *b == b'!' || *b == b'?' => true,
            // `</` at the very end is text, as in the spec.
            Some(b'/') => i + 2 < bytes.len(),
            _ => false,
        }
    }

    fn find_markup(&self, mut from: usize) -> usize {
        let bytes = self.src.as_bytes();
        while let Some(k) = find_byte(b'<', &bytes[from..]) {
            let i = from + k;
            if self.is_markup(i) {
                return i;
            }
            from = i + 1;
        }
        bytes.len()
    }

    /// Consumes the markup at `i` (a `<` for which `is_markup` holds);
    /// comments and declarations give no token.
    fn markup(&mut self, i: usize) -> Option<Token<'a>> {
        let bytes = self.src.as_bytes();
        let next = bytes[i + 1];
        if next.is_ascii_alphabetic() {
            return self.read_tag(i + 1).then_some(Token::Start);
        }
        if next == b'/' {
            let first = bytes[i + 2];
            if first.is_ascii_alphabetic() {
                if !self.read_tag(i + 2) {
                    return None;
                }
                return Some(Token::End(self.tag.name));
            }
            if first == b'>' {
                self.pos = i + 3;
            } else {
                self.skip_past_gt(i + 2);
            }
            return None;
        }
        if next == b'!' && bytes[i + 2..].starts_with(b"--") {
            self.comment(i + 4);
        } else {
            // Doctype, CDATA (bogus outside foreign content), `<?…>`.
            self.skip_past_gt(i + 2);
        }
        None
    }

    fn skip_past_gt(&mut self, from: usize) {
        let bytes = self.src.as_bytes();
        self.pos = memchr(b'>', &bytes[from..]).map_or(bytes.len(), |k| from + k + 1);
    }

    /// A comment whose body starts at `body`: it ends at `-->` or `--!>`,
    /// `<!-->` and `<!--->` are empty, and an unterminated one runs to the end.
    fn comment(&mut self, body: usize) {
        let bytes = self.src.as_bytes();
        let rest = &bytes[body.min(bytes.len())..];
        if rest.starts_with(b">") {
            self.pos = body + 1;
            return;
        }
        if rest.starts_with(b"->") {
            self.pos = body + 2;
            return;
        }
        let close = memchr_iter(b'>', rest)
            .find(|&k| (k >= 2 && &rest[k - 2..k] == b"--") || (k >= 3 && &rest[k - 3..k] == b"--!"));
        self.pos = close.map_or(bytes.len(), |k| body + k + 1);
    }

    /// Whether `<` + `prefix` (`/name` or `name`, lower case) is at `i`,
    /// ASCII case-insensitively, followed by a tag delimiter.
    fn tag_at(&self, i: usize, prefix: &[u8]) -> bool {
        let bytes = self.src.as_bytes();
        let after = i + 1 + prefix.len();
        bytes.get(i + 1..after).is_some_and(|n| n.eq_ignore_ascii_case(prefix))
            && bytes.get(after).is_some_and(|&b| ends_name(b))
    }

    /// The start of the first `</name` followed by a tag delimiter, or the
    /// end of the input.
    fn find_end_tag(&self, name: &[u8]) -> usize {
        let bytes = self.src.as_bytes();
        let from = self.pos;
        memchr_iter(b'<', &bytes[from..])
            .map(|k| from + k)
            .find(|&i| {
                bytes.get(i + 1) == Some(&b'/')
                    && bytes
                        .get(i + 2..i + 2 + name.len())
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    && bytes.get(i + 2 + name.len()).is_some_and(|&b| ends_name(b))
            })
            .unwrap_or(bytes.len())
    }

    /// The end of script data, with the spec's escape states: `<!--` enters
    /// "escaped", where `<script` enters "double escaped", where
    /// `</script` only goes back to "escaped"; `-->` leaves both. So
    /// `<script><!--<script></script>…</script>` hides the `…` from a
    /// browser, and from this renderer too.
    fn find_script_end(&self) -> usize {
        let bytes = self.src.as_bytes();
        let (mut escaped, mut double) = (false, false);
        let mut i = self.pos;
        while let Some(k) = memchr2(b'<', b'-', &bytes[i..]) {
            let p = i + k;
            i = p + 1;
            if bytes[p] == b'-' {
                if escaped && bytes[p..].starts_with(b"-->") {
                    (escaped, double) = (false, false);
                    i = p + 3;
                }
            } else if !escaped && bytes[p..].starts_with(b"<!--") {
                // The dashes may also open `-->`, as in `<!-->`.
                escaped = true;
                i = p + 2;
            } else if self.tag_at(p, b"/script") {
                if !double {
                    return p;
                }
                double = false;
            } else if escaped && self.tag_at(p, b"script") {
                double = true;
            }
        }
        bytes.len()
    }

    /// Reads the tag whose name starts at `start` into `self.tag`; `false`
    /// when the input ends inside it: a browser drops such a tag, and so
    /// does this.
    fn read_tag(&mut self, start: usize) -> bool {
        match read_tag(self.src, start, &mut self.tag) {
            Some(end) => {
                self.pos = end;
                true
            }
            None => {
                self.pos = self.src.len();
                false
            }
        }
    }

    /// The start tag of the last [`Token::Start`].
    pub(super) fn start_tag(&self) -> &Tag<'a> {
        &self.tag
    }
}
