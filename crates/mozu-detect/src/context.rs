//! What every detector needs about a message, computed once.

use std::cell::OnceCell;

use mozu_model::MessageRecord;

use crate::lists::{Lists, PhraseHits};
use crate::text::fold;
use crate::thread::{self, QuotedThread};

/// Body bytes folded for phrase and name matching; lures sit at the top.
pub const MAX_BODY_FOLD_BYTES: usize = 64 * 1024;

/// A message prepared for the detectors.
pub struct Context<'a> {
    /// The record.
    pub rec: &'a MessageRecord,
    /// The tables.
    pub lists: &'a Lists,
    /// Registrable domain of `From` (lower-case ASCII).
    pub from_domain: Option<String>,
    /// Full domain of `From`.
    pub from_host: Option<String>,
    /// `From` address, lower-cased.
    pub from_address: Option<String>,
    /// Folded display name; letter-spaced runs (`c o i n b a s e`) are
    /// appended joined, so that directory names match them.
    pub from_name: String,
    /// Folded subject.
    pub subject: String,
    /// Body text: the text/plain part, else the rendered HTML.
    pub body: &'a str,
    /// Folded body (first [`MAX_BODY_FOLD_BYTES`]).
    pub body_folded: String,
    /// The quoted thread of the text body.
    pub thread: QuotedThread,
    /// Directory names and lure phrases in `from_name`, `subject` and
    /// `body_folded`, searched when a detector first asks.
    hits: [OnceCell<PhraseHits>; 3],
}

/// A folded text of the message that is searched for names and phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The sender's display name.
    FromName,
    /// The subject.
    Subject,
    /// The body.
    Body,
}

impl<'a> Context<'a> {
    /// Addresses in `To` and `Cc`, as written.
    pub fn recipient_addresses(&self) -> impl Iterator<Item = &'a str> {
        let rec: &'a MessageRecord = self.rec;
        rec.to.iter().chain(&rec.cc).filter_map(|a| a.address.as_deref())
    }

    /// Prepares `rec`.
    pub fn new(rec: &'a MessageRecord, lists: &'a Lists) -> Self {
        let from = rec.from.as_ref();
        let from_host = from.and_then(|a| a.domain.clone());
        let from_domain = from
            .and_then(|a| a.registrable_domain.clone())
            .or_else(|| from_host.as_deref().and_then(mozu_indicators::registrable_domain));
        let body = match (rec.text.as_deref(), rec.html_text.as_deref()) {
            (Some(t), _) if !t.trim().is_empty() => t,
            (_, Some(h)) => h,
            (Some(t), None) => t,
            (None, None) => "",
        };
        Context {
            rec,
            lists,
            from_domain,
            from_host,
            from_address: from.and_then(|a| a.address.as_deref()).map(str::to_lowercase),
            from_name: with_spaced_joined(fold(from.and_then(|a| a.name.as_deref()).unwrap_or_default(), 1024)),
            subject: fold(rec.subject.as_deref().unwrap_or_default(), 4096),
            body,
            body_folded: fold(body, MAX_BODY_FOLD_BYTES),
            thread: thread::parse(rec.text.as_deref().unwrap_or(body)),
            hits: Default::default(),
        }
    }

    /// Organisations and lure phrases in one zone (ordinary-word names and
    /// subject-only phrases do not count in the body), searched once.
    pub fn hits(&self, zone: Zone) -> &PhraseHits {
        let (text, slot) = match zone {
            Zone::FromName => (&self.from_name, &self.hits[0]),
            Zone::Subject => (&self.subject, &self.hits[1]),
            Zone::Body => (&self.body_folded, &self.hits[2]),
        };
        slot.get_or_init(|| self.lists.phrases_in(text, zone == Zone::Body))
    }

    /// True when the subject marks a reply or forward.
    pub fn is_reply(&self) -> bool {
        reply_prefix(&self.subject).is_some()
    }

    /// True when the registrable domain of the sender belongs to `org`.
    pub fn sender_is(&self, org: usize) -> bool {
        self.from_domain.as_deref().is_some_and(|d| self.lists.org_owns(org, d))
    }
}

/// The reply or forward prefix of a folded subject (`re:`, `fw:`, `返信:`,
/// `転送:`, `aw:`, `wg:`), if any.
pub fn reply_prefix(folded_subject: &str) -> Option<&'static str> {
    const PREFIXES: &[&str] = &[
        "re:", "re :", "fw:", "fwd:", "fw :", "返信:", "転送:", "aw:", "wg:", "res:", "rv:", "tr:", "sv:", "vs:", "r:",
        "re[", "ｒｅ:", "enc:", "rif:", "fwd :",
    ];
    let s = folded_subject.trim_start_matches(|c: char| c == '[' || c.is_whitespace());
    PREFIXES.iter().copied().find(|p| s.starts_with(p))
}

/// `folded` plus, when it spells a word letter by letter, that word joined.
fn with_spaced_joined(folded: String) -> String {
    let mut joined = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, joined: &mut String| {
        if run.chars().count() >= 4 {
            joined.push(' ');
            joined.push_str(run);
        }
        run.clear();
    };
    for w in folded.split(' ') {
        let mut chars = w.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_alphanumeric() => run.push(c),
            _ => flush(&mut run, &mut joined),
        }
    }
    flush(&mut run, &mut joined);
    if joined.is_empty() { folded } else { folded + &joined }
}
