//! Archive passwords the sender wrote into the mail.
//!
//! Japanese business mail sends the zip and its password together (or the
//! password in a second mail, the PPAP habit): 「パスワード：Ab12cd」,
//! 「解凍パスワードは【x7Kp2】です」, `PW: abc`, `Password = abc`. Malspam
//! copies the habit to get its encrypted zips past gateway scanners.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Candidate passwords kept per text at most.
pub const MAX_CANDIDATES: usize = 16;
/// Bytes of text searched at most.
pub const MAX_SEARCH_BYTES: usize = 256 << 10;

/// Bytes after a keyword in which its password must appear.
const WINDOW_BYTES: usize = 256;

const KEYWORDS: &[&str] = &[
    "解凍パスワード",
    "パスワード",
    "ﾊﾟｽﾜｰﾄﾞ",
    "暗証番号",
    "解凍キー",
    "解凍コード",
    "password",
    "passwd",
    "passcode",
    "pass",
    "pwd",
    "pw",
    "密码",
    "senha",
    "kennwort",
];
const OPEN_CLOSE: &[(char, char)] = &[
    ('「', '」'),
    ('『', '』'),
    ('【', '】'),
    ('"', '"'),
    ('\'', '\''),
    ('(', ')'),
    ('（', '）'),
    ('<', '>'),
    ('〔', '〕'),
    ('[', ']'),
];
/// Characters allowed between a keyword and the password.
const SEPARATORS: &[char] = &[':', '：', '=', '＝', ' ', '\t', 'は', 'を', '　', '-', '→', '⇒', '…'];

/// Full-width ASCII to half-width, so `ｐａｓｓ１２３` matches.
fn halfwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// One pass finds every keyword; ASCII folding keeps byte offsets equal
/// between the searched and the original text (full Unicode lower-casing
/// can change lengths, e.g. `İ`, and offsets would then split characters).
static KEYWORD_FINDER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| AhoCorasick::new(KEYWORDS).ok());

/// Keyword matches examined per text at most (the window after each is
/// bounded, so this bounds the work).
const MAX_KEYWORD_HITS: usize = 4096;

/// Passwords written in `text`, best first: by keyword rank (the order of
/// `KEYWORDS`), then by position.
pub fn find_passwords(text: &str) -> Vec<String> {
    let mut end = text.len().min(MAX_SEARCH_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = halfwidth(&text[..end]);
    let lower = text.to_ascii_lowercase();
    let Some(finder) = KEYWORD_FINDER.as_ref() else {
        return Vec::new();
    };
    let mut hits: Vec<(usize, usize)> = finder
        .find_overlapping_iter(&lower)
        .take(MAX_KEYWORD_HITS)
        .map(|m| (m.pattern().as_usize(), m.end()))
        .collect();
    hits.sort_unstable();
    let mut out: Vec<String> = Vec::new();
    for (kw, at) in hits {
        let Some(kw) = KEYWORDS.get(kw) else { continue };
        if !keyword_stands_alone(&lower, kw, at) {
            continue;
        }
        if let Some(pw) = take_password(&text[at..]) {
            if !out.contains(&pw) {
                out.push(pw);
            }
            if out.len() >= MAX_CANDIDATES {
                return out;
            }
        }
    }
    out
}

/// Whether the keyword ending at `at` in `lower` announces a password.
fn keyword_stands_alone(lower: &str, kw: &str, at: usize) -> bool {
    // `pw` inside `pwd`, `pass` inside `password`: let the longer
    // keyword speak, and skip words that merely contain the keyword.
    let next = lower[at..].chars().next();
    if next.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let before = lower[..at - kw.len()].chars().next_back();
    if kw.is_ascii() && before.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    // English prose mentions passwords all the time; only `PW:`,
    // `password = x`, `password is x` announce one.
    let announced = lower[at..].trim_start_matches([' ', '\t']);
    !kw.is_ascii() || announced.starts_with([':', '=', '：', '＝']) || announced.starts_with("is ")
}

/// The password right after a keyword, on the same line or, when the
/// line only announces it (`パスワードは下記の通りです。`), the next one.
fn take_password(rest: &str) -> Option<String> {
    // Look a short way ahead only: keeps the search linear in the text.
    let mut window = rest.len().min(WINDOW_BYTES);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let rest = &rest[..window];
    let (line, after) = match rest.find(['\r', '\n']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if let Some(pw) = value_at(strip_lead(line)) {
        return Some(pw);
    }
    if line.chars().any(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let next = after.lines().map(str::trim).find(|l| !l.is_empty())?;
    value_at(strip_lead(next))
}

fn strip_lead(s: &str) -> &str {
    let mut s = s.trim_start_matches(|c: char| SEPARATORS.contains(&c));
    if let Some(r) = s.strip_prefix("is ") {
        s = r.trim_start();
    }
    for filler in ["です", "になります"] {
        if let Some(r) = s.strip_prefix(filler) {
            s = r.trim_start_matches(|c: char| SEPARATORS.contains(&c));
        }
    }
    s
}

/// A bracketed value or an ASCII token at the start of `s`.
fn value_at(s: &str) -> Option<String> {
    let first = s.chars().next()?;
    if let Some(&(_, close)) = OPEN_CLOSE.iter().find(|(o, _)| *o == first) {
        let inner = &s[first.len_utf8()..];
        let end = inner.find(close)?;
        let pw = inner[..end].trim();
        return valid(pw).then(|| pw.to_string());
    }
    let token: String = s.chars().take_while(|c| c.is_ascii_graphic()).collect();
    let token = token.trim_end_matches(['.', ',', ';', ')', ']']);
    valid(token).then(|| token.to_string())
}

fn valid(pw: &str) -> bool {
    let n = pw.chars().count();
    (3..=64).contains(&n) && !pw.chars().any(char::is_whitespace) && !pw.starts_with("http")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_english_forms() {
        assert_eq!(
            find_passwords("添付ファイルのパスワード：Ab12cd\r\nよろしく"),
            vec!["Ab12cd"]
        );
        assert_eq!(find_passwords("解凍パスワードは【x7Kp2】です。"), vec!["x7Kp2"]);
        assert_eq!(find_passwords("パスワードは「ｉｎｖ２０２０」です"), vec!["inv2020"]);
        assert_eq!(
            find_passwords("パスワードは下記の通りです。\r\n\r\n  Qw3rty!\r\n"),
            vec!["Qw3rty!"]
        );
        assert_eq!(find_passwords("PW: 1234abc."), vec!["1234abc"]);
        assert_eq!(find_passwords("Password = \"s3cr3t\""), vec!["s3cr3t"]);
        assert_eq!(find_passwords("Your password has expired"), Vec::<String>::new());
        assert!(find_passwords("passport number").is_empty());
        assert!(find_passwords(&"パスワード ".repeat(100_000)).is_empty());
        // Lower-casing `İ` grows it by a byte: offsets must still hold.
        assert_eq!(find_passwords(&format!("{}PW: x7Kp2", "İ".repeat(50))), vec!["x7Kp2"]);
        assert_eq!(
            find_passwords("パスワード：first\n解凍パスワード：second"),
            vec!["second", "first"]
        );
    }
}
