//! RFC 5322 address lists parsed from raw header bytes.
//!
//! The display name is collected as raw bytes (quoted strings unquoted,
//! comments dropped) and only then decoded, so that encoded-words, raw
//! 8-bit Shift_JIS and raw ISO-2022-JP names all come out right, whatever
//! punctuation the decoded name holds.

use encoding_rs::Encoding;

use crate::rfc2047;
use mozu_model::Address;

/// Mailboxes per header at most; more are ignored (with a warning).
pub const MAX_ADDRESSES: usize = 1000;
/// Comment nesting depth tracked; deeper parentheses count as text.
pub const MAX_COMMENT_DEPTH: u32 = 32;

/// A parsed list and whether it was cut or malformed.
#[derive(Debug, Default)]
pub struct AddressList {
    /// Mailboxes in order, group members flattened.
    pub addresses: Vec<Address>,
    /// More than [`MAX_ADDRESSES`] were present.
    pub truncated: bool,
    /// Some name or address needed a charset guess or was malformed.
    pub warnings: Vec<String>,
}

#[derive(Default)]
struct Mailbox {
    phrase: Vec<u8>,
    comment: Vec<u8>,
    angle: Option<Vec<u8>>,
}

/// Parses a raw address header value.
pub fn parse_address_list(raw: &[u8], hint: Option<&'static Encoding>) -> AddressList {
    let raw = rfc2047::unfold(&raw[..raw.len().min(rfc2047::MAX_HEADER_DECODE_BYTES)]);
    let mut list = AddressList::default();
    for mailbox in merge_split_names(tokenize(&raw)) {
        if list.addresses.len() >= MAX_ADDRESSES {
            list.truncated = true;
            break;
        }
        if let Some(addr) = finish(mailbox, hint, &mut list.warnings) {
            list.addresses.push(addr);
        }
    }
    list
}

fn tokenize(raw: &[u8]) -> Vec<Mailbox> {
    let mut out = Vec::new();
    let mut cur = Mailbox::default();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        match b {
            0x1b => {
                // Raw ISO-2022-JP: its double-byte pairs contain `(`, `,`,
                // `<` and `"`, so the run is opaque until it returns to ASCII.
                let end = crate::charset::iso2022_run_end(raw, i);
                cur.phrase.extend_from_slice(&raw[i..end]);
                i = end;
                continue;
            }
            b'"' => {
                let (text, next) = quoted(raw, i + 1);
                cur.phrase.extend_from_slice(&text);
                i = next;
                continue;
            }
            b'(' => {
                let (text, next) = comment(raw, i + 1);
                if !cur.comment.is_empty() {
                    cur.comment.push(b' ');
                }
                cur.comment.extend_from_slice(&text);
                i = next;
                continue;
            }
            b'<' => {
                let end = memchr::memchr(b'>', &raw[i + 1..]).map_or(raw.len(), |e| i + 1 + e);
                cur.angle = Some(raw[i + 1..end].to_vec());
                i = end + 1;
                continue;
            }
            b',' => out.push(std::mem::take(&mut cur)),
            // `group-name:` starts a group; the name is not a mailbox.
            b':' if cur.angle.is_none() && !looks_like_addr(&cur.phrase) => cur = Mailbox::default(),
            b';' => out.push(std::mem::take(&mut cur)),
            _ => cur.phrase.push(b),
        }
        i += 1;
    }
    out.push(cur);
    out
}

/// `From: Facebook ,_<evil@example.com>`: a display name cut by a bare
/// comma is a spoofing trick; mail clients show the whole text as the name
/// of the one real mailbox, and so does mozu.
fn merge_split_names(list: Vec<Mailbox>) -> Vec<Mailbox> {
    let mut out: Vec<Mailbox> = Vec::with_capacity(list.len());
    let mut pending: Option<Vec<u8>> = None;
    let mut iter = list.into_iter().peekable();
    while let Some(mut mb) = iter.next() {
        if let Some(prefix) = pending.take() {
            let mut phrase = prefix;
            phrase.push(b',');
            phrase.extend_from_slice(&mb.phrase);
            mb.phrase = phrase;
        }
        let bare_name = mb.angle.is_none() && !mb.phrase.contains(&b'@') && !trim(&mb.phrase).is_empty();
        if bare_name && iter.peek().is_some_and(|next| next.angle.is_some()) {
            pending = Some(mb.phrase);
            continue;
        }
        out.push(mb);
    }
    out
}

fn looks_like_addr(phrase: &[u8]) -> bool {
    phrase.contains(&b'@')
}

/// Reads a quoted string starting after the opening quote.
fn quoted(raw: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut text = Vec::new();
    while i < raw.len() {
        match raw[i] {
            b'\\' if i + 1 < raw.len() => {
                text.push(raw[i + 1]);
                i += 2;
                continue;
            }
            b'"' => return (text, i + 1),
            b => text.push(b),
        }
        i += 1;
    }
    (text, i)
}

/// Reads a (possibly nested) comment starting after the opening paren.
fn comment(raw: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut text = Vec::new();
    let mut depth = 1u32;
    while i < raw.len() {
        match raw[i] {
            b'\\' if i + 1 < raw.len() => {
                text.push(raw[i + 1]);
                i += 2;
                continue;
            }
            b'(' if depth < MAX_COMMENT_DEPTH => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (text, i + 1);
                }
            }
            b => text.push(b),
        }
        i += 1;
    }
    (text, i)
}

fn finish(mb: Mailbox, hint: Option<&'static Encoding>, warnings: &mut Vec<String>) -> Option<Address> {
    let (name_raw, addr_raw) = match mb.angle {
        Some(angle) => (mb.phrase, angle),
        None => {
            // Bare addr-spec; a trailing comment is the legacy name form.
            let phrase = trim(&mb.phrase).to_vec();
            let bare_word =
                phrase.iter().all(|b| b.is_ascii_graphic()) && memchr::memmem::find(&phrase, b"=?").is_none();
            if phrase.contains(&b'@') || bare_word {
                (mb.comment, phrase)
            } else {
                // A name with no address at all.
                (phrase, Vec::new())
            }
        }
    };
    let name = decode_name(&name_raw, hint, warnings);
    let address = clean_addr(&addr_raw);
    if name.is_none() && address.is_none() {
        return None;
    }
    let domain = address.as_deref().and_then(Address::domain_of);
    let registrable_domain = domain.as_deref().and_then(|d| psl::domain_str(d).map(str::to_owned));
    Some(Address {
        name,
        address,
        domain,
        registrable_domain,
    })
}

fn decode_name(raw: &[u8], hint: Option<&'static Encoding>, warnings: &mut Vec<String>) -> Option<String> {
    let raw = trim(raw);
    if raw.is_empty() {
        return None;
    }
    let decoded = rfc2047::decode_header(raw, hint);
    if let Some((_, msg)) = decoded.warning {
        warnings.push(msg);
    }
    let name = decoded.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_matches(|c| c == '"' || c == '\'').trim().to_string();
    (!name.is_empty()).then_some(name)
}

fn clean_addr(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(trim(raw)).into_owned();
    // Source routes (`@a,@b:user@host`) keep only the mailbox.
    let text = text.rsplit_once(':').map_or(text.as_str(), |(_, a)| a);
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let text = text.trim_matches(|c| c == '<' || c == '>' || c == '"' || c == '\'');
    (!text.is_empty()).then(|| text.to_string())
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &v[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Vec<Address> {
        parse_address_list(raw, None).addresses
    }

    #[test]
    fn forms() {
        let a = parse(b"\"Yamada, Taro\" <taro@Example.CO.JP>, hanako@example.jp (Hanako), undisclosed-recipients:;");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].name.as_deref(), Some("Yamada, Taro"));
        assert_eq!(a[0].domain.as_deref(), Some("example.co.jp"));
        assert_eq!(a[0].registrable_domain.as_deref(), Some("example.co.jp"));
        assert_eq!(a[1].name.as_deref(), Some("Hanako"));
        let g = parse(b"team: a@x.example, b@y.example;");
        assert_eq!(g.len(), 2);
        assert_eq!(parse(b"MAILER-DAEMON")[0].address.as_deref(), Some("MAILER-DAEMON"));
        assert!(parse(b"").is_empty());
    }

    #[test]
    fn comma_split_display_name_is_one_mailbox() {
        let a = parse(b"Facebook ,_<gatmu@yua1ekvi1o.com>");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].name.as_deref(), Some("Facebook ,_"));
        assert_eq!(a[0].address.as_deref(), Some("gatmu@yua1ekvi1o.com"));
        assert_eq!(parse(b"postmaster, a@b.example").len(), 2);
    }

    #[test]
    fn raw_iso2022jp_name_with_special_bytes() {
        // 「（株）」 in JIS holds `(` `,` and `<`-like bytes inside the escape run.
        let mut raw = b"\x1b$B!J3t!K!\"!c\x1b(B <kabu@example.jp>".to_vec();
        raw.extend_from_slice(b", other@example.jp");
        let a = parse(&raw);
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].name.as_deref(), Some("（株）、＜"));
        assert_eq!(a[0].address.as_deref(), Some("kabu@example.jp"));
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        for raw in [
            &b"<<<<"[..],
            b"((((((((",
            b"\"unterminated",
            b"\x1b$B",
            b"a@b,,,,;;;::",
            b"<@a,@b:user@host>",
        ] {
            let _ = parse(raw);
        }
        assert_eq!(parse(b"<@a,@b:user@host>")[0].address.as_deref(), Some("user@host"));
    }
}
