//! The artifact analyser of mozu.
//!
//! Every attachment of a scanned mail, and every loose file of
//! `mozu file scan`, becomes a tree of [`mozu_model::Artifact`]s: the file,
//! what is unpacked from it (archive entries, macros, embedded objects,
//! decoded payloads, nested mail), each typed by content ([`sniff`]),
//! hashed (MD5, SHA-1, SHA-256, ssdeep, TLSH: [`hashes`]), checked for name
//! tricks ([`names`]), analysed by the analyser registered for its type
//! (`analysers`), with findings and indicators, all under one
//! [`mozu_unpack::Budget`] per tree. Encrypted archives are tried with
//! passwords found in the mail ([`passwords`]).
#![warn(missing_docs)]

mod analysers;
pub mod book;
pub mod extract;
pub mod hashes;
pub mod names;
pub mod passwords;
pub mod sniff;
mod ssdeep;
pub mod tree;
#[cfg(feature = "yara")]
pub mod yara;

use mozu_indicators::IndicatorSet;
use mozu_model::{FileRecord, Location, MessageRecord, SourceRef};
use mozu_unpack::{Budget, Password};

pub use book::PasswordBook;
pub use extract::Extractor;

/// Passwords tried on every encrypted archive after those found in the
/// mail: what malware traders and sample exchanges use.
pub const DEFAULT_PASSWORDS: &[&str] = &[
    "infected", "malware", "virus", "password", "1234", "123456", "0000", "1111",
];

/// How attachments are analysed.
#[derive(Debug, Clone)]
pub struct Options {
    /// Budget limits of one artifact tree.
    pub limits: mozu_unpack::Limits,
    /// The configured password list (tried after passwords from the mail).
    pub passwords: Vec<String>,
    /// YARA rules run over every artifact.
    #[cfg(feature = "yara")]
    pub yara: Option<std::sync::Arc<yara::YaraRules>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: mozu_unpack::Limits::default(),
            passwords: DEFAULT_PASSWORDS.iter().map(|s| s.to_string()).collect(),
            #[cfg(feature = "yara")]
            yara: None,
        }
    }
}

/// What analysing one root produced.
pub struct Analysed {
    /// The artifacts.
    pub tree: tree::TreeOutput,
}

/// Passwords to try for a message: subject, body, other messages (e.g. the
/// follow-up mail that carries the password), then the configured list.
pub fn message_passwords(rec: &MessageRecord, other_messages: &[String], opts: &Options) -> Vec<Password> {
    let mut out: Vec<Password> = Vec::new();
    let mut push = |value: String, source: &str| {
        if !out.iter().any(|p| p.value == value) {
            out.push(Password {
                value,
                source: source.to_string(),
            });
        }
    };
    for p in rec
        .subject
        .as_deref()
        .map(passwords::find_passwords)
        .unwrap_or_default()
    {
        push(p, "subject");
    }
    for text in [&rec.text, &rec.html_text].into_iter().flatten() {
        for p in passwords::find_passwords(text) {
            push(p, "body");
        }
    }
    for p in other_messages {
        push(p.clone(), "other-message");
    }
    for p in &opts.passwords {
        push(p.clone(), "list");
    }
    out
}

/// Analyses one root artifact under its own budget.
pub fn analyse_root(
    data: Vec<u8>,
    name: Option<String>,
    declared: Option<String>,
    passwords: &[Password],
    opts: &Options,
    keep: bool,
) -> tree::TreeOutput {
    analyse_item(tree::Item::root(data, name, declared), passwords, opts, keep)
}

fn analyse_item(item: tree::Item, passwords: &[Password], opts: &Options, keep: bool) -> tree::TreeOutput {
    let budget = Budget::new(opts.limits);
    let walk = tree::Walk {
        budget: &budget,
        passwords,
        keep_contents: keep,
        #[cfg(feature = "yara")]
        yara: opts.yara.as_deref(),
    };
    tree::walk(item, &walk)
}

/// Adds the artifact trees of a parsed message's attachments to its record,
/// and the indicators found inside them to its lists. `extractor`, when
/// given, receives every artifact's bytes.
pub fn analyse_message(
    parsed: mozu_mail::Parsed,
    other_passwords: &[String],
    opts: &Options,
    extractor: Option<&Extractor>,
) -> MessageRecord {
    let mut rec = parsed.record;
    // Passwords matter only where there is something to open.
    let passwords = if parsed.attachment_data.is_empty() {
        Vec::new()
    } else {
        message_passwords(&rec, other_passwords, opts)
    };
    let mut set = IndicatorSet::default();
    for (att, data) in rec.attachments.clone().into_iter().zip(parsed.attachment_data) {
        let mut item = tree::Item::root(data, att.name, att.content_type);
        if att.size == item.data.len() as u64 && !att.sha256.is_empty() {
            item.known_digests = Some(tree::KnownDigests {
                md5: att.md5,
                sha1: att.sha1,
                sha256: att.sha256,
            });
        }
        let out = analyse_item(item, &passwords, opts, extractor.is_some());
        collect(&out, &mut set);
        if let Some(x) = extractor {
            for (index, bytes) in &out.contents {
                let _ = x.write(&rec.source.path, &out.artifacts[*index], bytes);
            }
        }
        rec.artifacts.extend(out.artifacts);
    }
    merge(&mut rec, set);
    rec
}

/// Analyses a loose file.
pub fn analyse_file(data: Vec<u8>, source: SourceRef, opts: &Options, extractor: Option<&Extractor>) -> FileRecord {
    let name = std::path::Path::new(&source.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let passwords: Vec<Password> = opts
        .passwords
        .iter()
        .map(|p| Password {
            value: p.clone(),
            source: "list".into(),
        })
        .collect();
    let out = analyse_root(data, name, None, &passwords, opts, extractor.is_some());
    let mut set = IndicatorSet::default();
    collect(&out, &mut set);
    if let Some(x) = extractor {
        for (index, bytes) in &out.contents {
            let _ = x.write(&source.path, &out.artifacts[*index], bytes);
        }
    }
    FileRecord {
        source,
        artifacts: out.artifacts,
        urls: set.urls,
        domains: set.domains.into_iter().collect(),
        ips: set.ips.into_iter().collect(),
        emails: set.emails.into_iter().collect(),
        findings: Vec::new(),
        verdict: None,
        warnings: Vec::new(),
    }
}

fn collect(out: &tree::TreeOutput, set: &mut IndicatorSet) {
    for (path, text) in &out.texts {
        set.scan_text_in(text, Location::Attachment, Some(path));
    }
}

fn merge(rec: &mut MessageRecord, set: IndicatorSet) {
    let mut merged = IndicatorSet::default();
    for u in std::mem::take(&mut rec.urls).into_iter().chain(set.urls) {
        merged.add_url_indicator(u);
    }
    rec.urls = merged.urls;
    let mut domains: std::collections::BTreeSet<String> = rec.domains.drain(..).collect();
    domains.extend(set.domains);
    rec.domains = domains.into_iter().collect();
    let mut ips: std::collections::BTreeSet<String> = rec.ips.drain(..).collect();
    ips.extend(set.ips);
    rec.ips = ips.into_iter().collect();
    let mut emails: std::collections::BTreeSet<String> = rec.emails.drain(..).collect();
    emails.extend(set.emails);
    rec.emails = emails.into_iter().collect();
}
