//! Quoted-thread parsing: who took part in the conversation a reply quotes.
//!
//! Mail clients write the quoted thread in a few fixed shapes, in English and
//! Japanese: Outlook's header block (`差出人:` / `送信日時:` / `宛先:` /
//! `件名:` and `From:` / `Sent:` / `To:` / `Subject:`), `-----Original
//! Message-----` and `----- 元のメッセージ -----` separators, Gmail's
//! attribution lines (`2019年10月11日(金) 10:00 山田太郎 <taro@example.jp>:`,
//! `On … wrote:`), and `>` quoting. The parser reads lines only, never
//! recurses, and stops at [`MAX_TEXT_BYTES`] and [`MAX_PARTICIPANTS`].

/// Body bytes read at most.
pub const MAX_TEXT_BYTES: usize = 512 * 1024;
/// Lines read at most.
pub const MAX_LINES: usize = 20_000;
/// Participants kept at most.
pub const MAX_PARTICIPANTS: usize = 64;

/// Someone named in a quoted header or attribution line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    /// Display name, trimmed (may be empty).
    pub name: String,
    /// Address, lower-cased, when one was written.
    pub address: Option<String>,
}

/// What the quoted part of a body says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotedThread {
    /// Participants in order of appearance, without duplicates.
    pub participants: Vec<Participant>,
    /// Quoted header blocks or attribution lines found.
    pub headers: usize,
    /// Lines quoted with `>`.
    pub quoted_lines: usize,
    /// Quoted subjects (`件名:` / `Subject:` lines).
    pub subjects: Vec<String>,
}

impl QuotedThread {
    /// True when the body quotes an earlier message.
    pub fn has_quote(&self) -> bool {
        self.headers > 0 || self.quoted_lines >= 2
    }
}

const FROM_KEYS: &[&str] = &["差出人", "送信者", "送信元", "from", "de", "von", "da", "van"];
const TO_KEYS: &[&str] = &["宛先", "to", "cc", "ｃｃ", "bcc", "para", "an", "aan", "à"];
const SUBJECT_KEYS: &[&str] = &[
    "件名",
    "subject",
    "題名",
    "assunto",
    "asunto",
    "objet",
    "betreff",
    "oggetto",
    "onderwerp",
];
const SEPARATORS: &[&str] = &[
    "original message",
    "元のメッセージ",
    "forwarded message",
    "転送されたメッセージ",
    "原始邮件",
];

/// Parses the quoted thread out of a plain-text body.
pub fn parse(text: &str) -> QuotedThread {
    let mut out = QuotedThread::default();
    let end = floor_char_boundary(text, MAX_TEXT_BYTES);
    for raw in text.get(..end).unwrap_or_default().lines().take(MAX_LINES) {
        let quoted = raw.trim_start().starts_with(['>', '＞', '|']);
        let line = raw.trim_start_matches(|c: char| c == '>' || c == '＞' || c == '|' || c.is_whitespace());
        if quoted && !line.is_empty() {
            out.quoted_lines += 1;
        }
        if line.starts_with(['-', '_', '=']) && SEPARATORS.iter().any(|s| line.to_lowercase().contains(s)) {
            out.headers += 1;
            continue;
        }
        if let Some((key, value)) = header_field(line) {
            let key = key.to_lowercase();
            if FROM_KEYS.contains(&key.as_str()) {
                out.headers += 1;
                add_people(&mut out, value);
            } else if TO_KEYS.contains(&key.as_str()) {
                add_people(&mut out, value);
            } else if SUBJECT_KEYS.contains(&key.as_str()) && out.subjects.len() < MAX_PARTICIPANTS {
                out.subjects.push(value.trim().to_string());
            }
            continue;
        }
        if let Some(who) = attribution(line) {
            out.headers += 1;
            add_people(&mut out, who);
        }
    }
    out
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// `Key: value` with an ASCII or full-width colon, key at most 12 characters.
fn header_field(line: &str) -> Option<(&str, &str)> {
    let (i, c) = line.char_indices().take(14).find(|(_, c)| *c == ':' || *c == '：')?;
    let key = line.get(..i)?.trim();
    if key.is_empty() || key.contains(char::is_whitespace) && !key.eq_ignore_ascii_case("reply to") {
        return None;
    }
    Some((key, line.get(i + c.len_utf8()..)?))
}

/// Who an attribution line names: `On <date>, Name <a@b> wrote:`,
/// `2019年10月11日(金) 10:00 山田太郎 <taro@example.jp>:`, `山田様は書きました:`.
fn attribution(line: &str) -> Option<&str> {
    let t = line.trim_end();
    if t.len() > 400 {
        return None;
    }
    let lower = t.to_lowercase();
    if let Some(body) = lower.strip_suffix("wrote:") {
        let start = if lower.starts_with("on ") {
            body.rfind(", ").map_or(3, |i| i + 2)
        } else {
            0
        };
        return t.get(start..body.len());
    }
    if t.ends_with("書きました:") || t.ends_with("書きました：") || t.ends_with("wrote：") {
        return t.get(..t.rfind("さんは").or_else(|| t.rfind('は'))?);
    }
    if (t.ends_with(">:") || t.ends_with(">：")) && t.contains('年') && t.contains('日') && t.contains('@') {
        let open = t.rfind('<')?;
        let before = t.get(..open)?;
        // The name follows the time stamp, which ends with the last `hh:mm`.
        let name_start = before.rfind(|c: char| c.is_ascii_digit()).map_or(0, |i| i + 1);
        return t.get(name_start..t.len() - if t.ends_with(">:") { 1 } else { 3 });
    }
    None
}

/// Adds the people of an address list (`A <a@b>; B [mailto:b@c], c@d`).
fn add_people(out: &mut QuotedThread, value: &str) {
    for item in value
        .split([';', '；', '、'])
        .flat_map(split_commas)
        .take(MAX_PARTICIPANTS)
    {
        let p = person(item);
        if p.name.is_empty() && p.address.is_none() {
            continue;
        }
        if out.participants.len() >= MAX_PARTICIPANTS || out.participants.contains(&p) {
            continue;
        }
        out.participants.push(p);
    }
}

/// Splits on commas outside quotes and angle brackets.
fn split_commas(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' | '[' => depth += 1,
            '>' | ']' => depth -= 1,
            ',' if depth <= 0 && !quoted => {
                parts.push(s.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s.get(start..).unwrap_or_default());
    parts
}

fn person(item: &str) -> Participant {
    let item = item.trim();
    let addr_span = item
        .find('<')
        .and_then(|a| item.get(a + 1..).and_then(|r| r.find('>')).map(|b| (a, a + 1 + b)))
        .or_else(|| {
            let a = item.find("[mailto:")?;
            item.get(a..)?.find(']').map(|b| (a, a + b))
        });
    let (name, address) = match addr_span {
        Some((a, b)) => {
            let inner = item.get(a + 1..b).unwrap_or_default().trim_start_matches("mailto:");
            (item.get(..a).unwrap_or_default(), Some(inner))
        }
        None if item.contains('@') && !item.contains(' ') => ("", Some(item)),
        None => (item, None),
    };
    let address = address
        .map(|a| a.trim().trim_matches(['"', '\'']).to_lowercase())
        .filter(|a| a.contains('@') && a.len() <= 254);
    let name = name.trim().trim_matches(['"', '\'', ' ']).to_string();
    let name = if name.contains('@') && address.is_some() {
        String::new()
    } else {
        name
    };
    Participant { name, address }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlook_japanese_block() {
        let t = parse(
            "お世話になっております。\n\n差出人: 山田 太郎 <taro@example.co.jp>\n送信日時: 2019年10月11日 10:00\n宛先: 佐藤 花子 <hanako@example.jp>; 鈴木 <suzuki@example.jp>\n件名: 見積の件\n\n本文",
        );
        assert_eq!(t.headers, 1);
        assert_eq!(t.participants.len(), 3);
        assert_eq!(t.participants[0].name, "山田 太郎");
        assert_eq!(t.participants[0].address.as_deref(), Some("taro@example.co.jp"));
        assert_eq!(t.subjects, vec!["見積の件"]);
    }

    #[test]
    fn english_outlook_gmail_and_quotes() {
        let t = parse(
            "Hi\n-----Original Message-----\nFrom: Bob Smith [mailto:Bob@Example.com]\nSent: Monday\nTo: alice@example.org\nSubject: Re: plan\n> old\n> text\n",
        );
        assert_eq!(t.headers, 2);
        assert_eq!(t.participants[0].address.as_deref(), Some("bob@example.com"));
        assert_eq!(t.participants[1].address.as_deref(), Some("alice@example.org"));
        assert_eq!(t.quoted_lines, 2);
        let g = parse("ok\n\n2019年10月11日(金) 10:00 山田太郎 <taro@example.jp>:\n> 前回の件");
        assert_eq!(
            g.participants,
            vec![Participant {
                name: "山田太郎".into(),
                address: Some("taro@example.jp".into())
            }]
        );
        let e = parse("On Mon, 1 Jan 2024 at 10:00, Jane Doe <jane@example.com> wrote:\n> hi\n> there");
        assert_eq!(e.participants[0].address.as_deref(), Some("jane@example.com"));
        assert_eq!(e.participants[0].name, "Jane Doe");
        assert!(e.has_quote());
        assert!(!parse("plain text: no quote at all").has_quote());
    }

    #[test]
    fn portuguese_outlook_block() {
        let t = parse(
            "________________________________\nDe: Banco X <suporte.x@mail.example>\nEnviado: quarta-feira, 11 de outubro de 2023 22:29\nPara: cliente@example.org\nAssunto: Extrato\n\ntexto",
        );
        assert_eq!(t.headers, 1);
        assert_eq!(t.participants[0].address.as_deref(), Some("suporte.x@mail.example"));
        assert_eq!(t.participants[1].address.as_deref(), Some("cliente@example.org"));
        assert_eq!(t.subjects, vec!["Extrato"]);
    }

    #[test]
    fn hostile_input_is_bounded() {
        let big = "From: a@b.c, ".repeat(100_000);
        let t = parse(&big);
        assert!(t.participants.len() <= MAX_PARTICIPANTS);
        let _ = parse("<<<<]]]]>>>>\u{FF1A}：：>:>:年日@");
        let _ = parse("2019年1日 <:");
    }
}
