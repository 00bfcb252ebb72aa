//! Refanging: undoing the "defanged" spellings that analysts, vendors and
//! incident write-ups use so that an indicator is not clickable.

/// Bracketed forms, matched case-insensitively, and what they stand for.
const BRACKET_FORMS: &[(&[u8], &str)] = &[
    (b"[.]", "."),
    (b"(.)", "."),
    (b"{.}", "."),
    (b"[dot]", "."),
    (b"(dot)", "."),
    (b"{dot}", "."),
    (b"[://]", "://"),
    (b"[:]", ":"),
    (b"[/]", "/"),
    (b"[at]", "@"),
    (b"[@]", "@"),
    (b"(at)", "@"),
    (b"(@)", "@"),
    (b"{at}", "@"),
];

/// Undoes defanging and reports whether anything was defanged.
///
/// Recognised forms: `hxxp`, `hxxps`, `hXXp`, `h**p`, `h**ps`, `htxp`,
/// `fxp` and a leading `ttp` (only before `:` or a bracket form, so plain
/// words are untouched); `[.]`, `(.)`, `{.}`, `[dot]`, `(dot)`, `{dot}`;
/// `[:]`, `[://]`, `[/]`; `[at]`, `[@]`, `(at)`, `(@)`, `{at}`. Words are
/// matched case-insensitively; defanged schemes come out lower-case.
///
/// ```
/// let (url, defanged) = mozu_indicators::refang("hxxp://abbeykurtz[.]com/VZZQNZJIZD9113942");
/// assert_eq!(url, "http://abbeykurtz.com/VZZQNZJIZD9113942");
/// assert!(defanged);
/// ```
pub fn refang(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut marks = Vec::new();
    if refang_into(s, &mut out, &mut marks) {
        (out, true)
    } else {
        (s.to_owned(), false)
    }
}

/// Writes the refanged form of `s` into `out` and, into `marks`, the offset
/// in `out` of every replacement (ascending), so that a caller can tell which
/// indicator was written defanged. Returns false, with `out` and `marks`
/// empty, when `s` holds no defanged form.
pub(crate) fn refang_into(s: &str, out: &mut String, marks: &mut Vec<usize>) -> bool {
    out.clear();
    marks.clear();
    let bytes = s.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        let hit = match c {
            b'[' | b'(' | b'{' => bracket_form(bytes.get(i..).unwrap_or_default()),
            b'h' | b'H' | b'f' | b'F' | b't' | b'T' => defanged_scheme(bytes, i),
            _ => None,
        };
        match hit {
            Some((consumed, replacement)) => {
                // `copied` and `i` both sit on ASCII bytes, hence on char
                // boundaries.
                out.push_str(s.get(copied..i).unwrap_or_default());
                marks.push(out.len());
                out.push_str(replacement);
                i += consumed;
                copied = i;
            }
            None => i += 1,
        }
    }
    if marks.is_empty() {
        return false;
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    true
}

/// True when `s` may hold a defanged scheme (`hxxp://`, `h**ps://` …):
/// lets a scanner skip [`refang_into`] for tokens without brackets, since
/// every other form starts with one.
pub(crate) fn has_defanged_scheme(s: &[u8]) -> bool {
    crate::scan::positions(b':', s).any(|colon| {
        s.get(colon..).is_some_and(|sep| sep.starts_with(b"://"))
            && (3..=5).any(|len| {
                colon
                    .checked_sub(len)
                    .and_then(|i| defanged_scheme(s, i))
                    .is_some_and(|(n, _)| n == len)
            })
    })
}

fn bracket_form(rest: &[u8]) -> Option<(usize, &'static str)> {
    BRACKET_FORMS.iter().find_map(|&(pattern, replacement)| {
        let head = rest.get(..pattern.len())?;
        head.eq_ignore_ascii_case(pattern)
            .then_some((pattern.len(), replacement))
    })
}

/// A defanged scheme word starting at `bytes[i]`, if it is followed by a
/// scheme separator (`:` or a bracket form such as `[:]` or `[://]`).
fn defanged_scheme(bytes: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let rest = bytes.get(i..)?;
    let at = |k: usize| rest.get(k).map(u8::to_ascii_lowercase);
    let (len, replacement) = match at(0)? {
        b'h' => {
            let (a, b) = (at(1)?, at(2)?);
            let masked = |c: u8| matches!(c, b'x' | b'*' | b't');
            // `http` itself is not defanged; at least one letter must be masked.
            if !masked(a) || !masked(b) || (a == b't' && b == b't') || at(3)? != b'p' {
                return None;
            }
            if at(4) == Some(b's') { (5, "https") } else { (4, "http") }
        }
        b'f' if at(1)? == b'x' && at(2)? == b'p' => (3, "ftp"),
        b't' => {
            // `ttp://` with the `h` dropped; the letter before must not be
            // part of a word, or every `http` would match.
            let after_letter = i
                .checked_sub(1)
                .and_then(|p| bytes.get(p))
                .is_some_and(u8::is_ascii_alphabetic);
            if after_letter || at(1)? != b't' || at(2)? != b'p' {
                return None;
            }
            if at(3) == Some(b's') { (4, "https") } else { (3, "http") }
        }
        _ => return None,
    };
    let sep = rest.get(len..)?;
    (sep.starts_with(b"://") || sep.starts_with(b"[:") || sep.starts_with(b"[://]")).then_some((len, replacement))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refang_table() {
        let cases = [
            (
                "hxxp://abbeykurtz[.]com/VZZQNZJIZD9113942",
                "http://abbeykurtz.com/VZZQNZJIZD9113942",
            ),
            ("hxxps://evil.com/", "https://evil.com/"),
            ("hXXp://evil.com/", "http://evil.com/"),
            ("HXXPS://evil.com/", "https://evil.com/"),
            ("h**p://evil.com/", "http://evil.com/"),
            ("h**ps://evil.com/", "https://evil.com/"),
            ("htxp://evil.com/", "http://evil.com/"),
            ("fxp://files.example.com/", "ftp://files.example.com/"),
            ("ttps://evil.com/", "https://evil.com/"),
            ("http[:]//evil.com/", "http://evil.com/"),
            ("hxxp[://]evil.com/", "http://evil.com/"),
            ("evil[.]example[.]com", "evil.example.com"),
            ("evil(.)com", "evil.com"),
            ("evil{.}com", "evil.com"),
            ("evil[dot]com", "evil.com"),
            ("evil(DOT)com", "evil.com"),
            ("1.2.3[.]4", "1.2.3.4"),
            ("user[at]example.com", "user@example.com"),
            ("user[@]example.com", "user@example.com"),
            ("user(at)example[.]com", "user@example.com"),
            ("URL：hxxps://例え[.]jp/パス", "URL：https://例え.jp/パス"),
        ];
        for (input, expected) in cases {
            assert_eq!(refang(input), (expected.to_owned(), true), "{input:?}");
        }
    }

    #[test]
    fn plain_text_is_untouched() {
        for input in [
            "http://example.com/",
            "https://example.com/",
            "ftp://x",
            "HTTP://EXAMPLE.COM",
            "hxxp without colon",
            "Shttp://x",
            "[link](x)",
            "(a) [b] {c}",
            "ttp",
            "",
            "日本語のテキスト",
        ] {
            assert_eq!(refang(input), (input.to_owned(), false), "{input:?}");
        }
    }

    #[test]
    fn defanged_scheme_precheck() {
        for yes in ["hxxp://x", "URL:h**ps://x", "ttp://x", "fxp://x"] {
            assert!(has_defanged_scheme(yes.as_bytes()), "{yes:?}");
        }
        for no in ["http://x", "https://x", "ftp://x", "hxxp:x", "hxxp[:]//x", "a:b"] {
            assert!(!has_defanged_scheme(no.as_bytes()), "{no:?}");
        }
    }

    #[test]
    fn marks_point_at_replacements() {
        let mut out = String::new();
        let mut marks = Vec::new();
        assert!(refang_into("a.com hxxp://b[.]com", &mut out, &mut marks));
        assert_eq!(out, "a.com http://b.com");
        assert_eq!(marks, vec![6, 14]);
        assert!(!refang_into("plain", &mut out, &mut marks));
        assert!(out.is_empty() && marks.is_empty());
    }
}
