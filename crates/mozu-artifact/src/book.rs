//! Passwords sent in a second mail (the PPAP habit): a book of the
//! passwords every message of a batch wrote, consulted when another
//! message's encrypted archive needs one.
//!
//! The book is filled by a pre-pass over the batch and read during the
//! analysis pass. Passwords from the same sender (or the same thread) are
//! offered first; others of the batch follow, up to a cap, since malspam
//! often sends the password from a different freemail account.

use mozu_model::MessageRecord;

use crate::passwords::find_passwords;

/// Messages remembered at most (the oldest are kept; a batch this large
/// has long since filled the per-message cap with related mails).
pub const MAX_BOOK_MESSAGES: usize = 100_000;
/// Passwords offered to one message at most.
pub const MAX_OFFERED: usize = 16;

#[derive(Debug, Clone)]
struct Entry {
    sender: Option<String>,
    thread: Option<String>,
    passwords: Vec<String>,
}

/// Passwords found in the messages of a batch.
#[derive(Debug, Clone, Default)]
pub struct PasswordBook {
    entries: Vec<Entry>,
}

impl PasswordBook {
    /// Remembers the passwords `rec` writes in its subject or body, if any.
    pub fn add_message(&mut self, rec: &MessageRecord) {
        if self.entries.len() >= MAX_BOOK_MESSAGES {
            return;
        }
        let mut passwords = Vec::new();
        let texts = [&rec.subject, &rec.text, &rec.html_text];
        for text in texts.into_iter().flatten() {
            for p in find_passwords(text) {
                if !passwords.contains(&p) {
                    passwords.push(p);
                }
            }
        }
        if passwords.is_empty() {
            return;
        }
        self.entries.push(Entry {
            sender: sender_of(rec),
            thread: thread_of(rec),
            passwords,
        });
    }

    /// Number of messages that wrote a password.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no message wrote a password.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Passwords from other messages to try on `rec`'s archives: same
    /// sender or thread first, then the rest of the batch.
    pub fn offered_to(&self, rec: &MessageRecord) -> Vec<String> {
        let sender = sender_of(rec);
        let thread = thread_of(rec);
        let related = |e: &Entry| (sender.is_some() && e.sender == sender) || (thread.is_some() && e.thread == thread);
        let mut out: Vec<String> = Vec::new();
        let ordered = self
            .entries
            .iter()
            .filter(|e| related(e))
            .chain(self.entries.iter().filter(|e| !related(e)));
        for p in ordered.flat_map(|e| e.passwords.iter()) {
            if out.len() >= MAX_OFFERED {
                break;
            }
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }
}

fn sender_of(rec: &MessageRecord) -> Option<String> {
    rec.from
        .as_ref()
        .and_then(|a| a.address.as_ref())
        .map(|a| a.to_ascii_lowercase())
}

/// The subject without reply/forward prefixes and bracketed tags, so that
/// 「【パスワード】見積書」 and 「見積書」 fall in one thread.
fn thread_of(rec: &MessageRecord) -> Option<String> {
    let mut s = rec.subject.as_deref()?.trim();
    loop {
        let before = s;
        for prefix in ["re:", "fw:", "fwd:", "返信:", "転送:", "ｒｅ：", "re：", "fw："] {
            if s.len() >= prefix.len()
                && s.is_char_boundary(prefix.len())
                && s[..prefix.len()].eq_ignore_ascii_case(prefix)
            {
                s = s[prefix.len()..].trim_start();
            }
        }
        if let Some(rest) = s.strip_prefix('【').and_then(|r| r.split_once('】')) {
            s = rest.1.trim_start();
        } else if let Some(rest) = s.strip_prefix('[').and_then(|r| r.split_once(']')) {
            s = rest.1.trim_start();
        }
        if s == before {
            break;
        }
    }
    let key: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use mozu_model::{Address, SourceFormat, SourceRef};

    use super::*;

    fn mail(from: &str, subject: &str, body: &str) -> MessageRecord {
        let mut rec = MessageRecord::new(SourceRef {
            path: "t".into(),
            index: None,
            format: SourceFormat::Eml,
        });
        rec.from = Some(Address {
            address: Some(from.into()),
            ..Address::default()
        });
        rec.subject = Some(subject.into());
        rec.text = Some(body.into());
        rec
    }

    #[test]
    fn related_passwords_come_first() {
        let mut book = PasswordBook::default();
        book.add_message(&mail("x@other.example", "別件", "パスワード：Zz99zz"));
        book.add_message(&mail(
            "a@corp.example",
            "【パスワード】見積書の件",
            "解凍パスワードは「Ab12cd」です。",
        ));
        book.add_message(&mail("b@corp.example", "無関係", "本文のみ"));
        assert_eq!(book.len(), 2);
        let zip_mail = mail("a@corp.example", "見積書の件", "添付をご確認ください。");
        assert_eq!(
            book.offered_to(&zip_mail),
            vec!["Ab12cd".to_string(), "Zz99zz".to_string()]
        );
        let thread_mail = mail("c@else.example", "Re: 見積書の件", "");
        assert_eq!(book.offered_to(&thread_mail)[0], "Ab12cd");
    }
}
