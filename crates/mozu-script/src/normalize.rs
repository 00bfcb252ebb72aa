//! Cheap de-obfuscation before pattern matching: what a script host would
//! ignore or join anyway.
//!
//! - batch (`bat`, `cmd`): `^` escapes vanish (`p^ow^ers^hell`);
//! - PowerShell: backtick escapes inside words vanish (`I`E`X`);
//! - every language but batch: adjacent string literals joined by `+` or
//!   `&` (with spaces, newlines and VBScript `_` continuations between) are
//!   merged (`"Wscr"+"ipt.Shell"` → `"WScript.Shell"`).
//!
//! All edits remove ASCII bytes only, so the result stays valid UTF-8.

/// How a language is de-obfuscated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `bat`, `cmd`.
    Batch,
    /// `ps1`, `psm1`.
    PowerShell,
    /// VBScript, JScript and their containers (`wsf`, `wsc`, `hta`, `sct`)
    /// and anything unknown.
    Script,
}

impl Family {
    pub(crate) fn of(language: &str) -> Family {
        match language.to_ascii_lowercase().as_str() {
            "bat" | "cmd" => Family::Batch,
            "ps1" | "psm1" | "psd1" => Family::PowerShell,
            _ => Family::Script,
        }
    }
}

/// De-obfuscated text and how much obfuscation was removed.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    pub(crate) text: String,
    /// String splits joined.
    pub(crate) joins: usize,
    /// Batch carets removed.
    pub(crate) carets: usize,
    /// PowerShell backticks removed.
    pub(crate) backticks: usize,
}

pub(crate) fn normalize(text: &str, family: Family) -> Normalized {
    let mut out = Normalized::default();
    let bytes = match family {
        Family::Batch => {
            let mut bytes = text.as_bytes().to_vec();
            bytes.retain(|&byte| byte != b'^');
            out.carets = text.len() - bytes.len();
            bytes
        }
        Family::PowerShell => {
            let mut bytes = text.as_bytes().to_vec();
            out.backticks = remove_backticks(&mut bytes);
            let (joined, joins) = join_splits(&bytes);
            out.joins = joins;
            joined
        }
        Family::Script => {
            let (joined, joins) = join_splits(text.as_bytes());
            out.joins = joins;
            joined
        }
    };
    out.text = String::from_utf8(bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    out
}

/// Removes a backtick between two word characters (`I`E`X` → `IEX`).
fn remove_backticks(bytes: &mut Vec<u8>) -> usize {
    let mut removed = 0;
    let mut out = Vec::with_capacity(bytes.len());
    for (index, &byte) in bytes.iter().enumerate() {
        let inside_word = index > 0
            && bytes[index - 1].is_ascii_alphanumeric()
            && bytes.get(index + 1).is_some_and(u8::is_ascii_alphanumeric);
        if byte == b'`' && inside_word {
            removed += 1;
        } else {
            out.push(byte);
        }
    }
    *bytes = out;
    removed
}

/// End of a `"` + `"` split starting at the closing quote `at`, if any.
fn split_end(bytes: &[u8], at: usize) -> Option<usize> {
    let quote = bytes[at];
    let mut index = at + 1;
    let mut operators = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => index += 1,
            b'+' | b'&' if operators == 0 => {
                operators += 1;
                index += 1;
            }
            // VBScript line continuation.
            b'_' if operators == 1 || bytes.get(index + 1).is_some_and(|next| matches!(next, b'\r' | b'\n')) => {
                index += 1;
            }
            _ if byte == quote && operators == 1 => return Some(index),
            _ => return None,
        }
    }
    None
}

/// Joins `"a" + "b"` / `'a'+'b'` / `"a" & "b"` into `"ab"`; returns the
/// joined bytes and the number of joins.
fn join_splits(bytes: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut joins, mut copied, mut at) = (0, 0, 0);
    while let Some(found) = memchr::memchr2(b'"', b'\'', &bytes[at..]) {
        let quote = at + found;
        match split_end(bytes, quote) {
            Some(end) => {
                out.extend_from_slice(&bytes[copied..quote]);
                joins += 1;
                copied = end + 1;
                at = end + 1;
            }
            None => at = quote + 1,
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    (out, joins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_concatenations() {
        let got = normalize("CreateObject(\"Wscr\"+\"ipt.Sh\" + \"ell\")", Family::Script);
        assert_eq!(got.text, "CreateObject(\"Wscript.Shell\")");
        assert_eq!(got.joins, 2);
        let vbs = normalize("x = \"Down\" & _\r\n  \"loadFile\"", Family::Script);
        assert_eq!(vbs.text, "x = \"DownloadFile\"");
        let unchanged = normalize("a = \"x\" + y + \"z\"", Family::Script);
        assert_eq!(unchanged.text, "a = \"x\" + y + \"z\"");
        assert_eq!(unchanged.joins, 0);
    }

    #[test]
    fn carets_and_backticks() {
        let bat = normalize("p^ow^er^shell -w h^idden", Family::Batch);
        assert_eq!(bat.text, "powershell -w hidden");
        assert_eq!(bat.carets, 4);
        let ps = normalize(
            "I`E`X (New-Object Net.We`bClient).('Down'+'loadString')",
            Family::PowerShell,
        );
        assert_eq!(ps.text, "IEX (New-Object Net.WebClient).('DownloadString')");
        assert_eq!(ps.backticks, 3);
        assert_eq!(normalize("`n", Family::PowerShell).text, "`n");
    }
}
