//! Every mail of `../shared/corpora` yields exactly one record, and the
//! Japanese in the sisimai set decodes to the hand-checked golden values.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use mozu_mail::Limits;
use mozu_mail::files::scan_path_all;
use mozu_model::{MessageRecord, Record};

fn messages(records: Vec<Record>) -> Vec<MessageRecord> {
    records
        .into_iter()
        .map(|r| match r {
            Record::Message(m) => m,
            other => panic!("not a message record: {other:?}"),
        })
        .collect()
}

fn files_with_ext(dir: &Path, ext: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(ext))
        .count()
}

#[test]
fn phishing_pot_one_record_per_file() {
    let dir = common::shared().join("corpora/phishing-pot-dev");
    let (records, _skipped) = scan_path_all(&dir, &Limits::default());
    let msgs = messages(records);
    let expected = files_with_ext(&dir, ".eml");
    assert!(expected > 1000);
    assert_eq!(msgs.len(), expected);
    let mut paths: Vec<&str> = msgs.iter().map(|m| m.source.path.as_str()).collect();
    paths.dedup();
    assert_eq!(paths.len(), expected, "a file gave more than one record");
    assert!(
        msgs.iter().filter(|m| !m.urls.is_empty()).count() > expected / 2,
        "URLs missing"
    );
}

#[test]
fn spamassassin_one_record_per_txt() {
    let dir = common::shared().join("corpora/spamassassin-easy-ham-2");
    let (records, skipped) = scan_path_all(&dir, &Limits::default());
    let msgs = messages(records);
    let expected = files_with_ext(&dir, ".txt");
    assert!(expected > 1000);
    assert_eq!(msgs.len(), expected, "skipped {skipped}");
    assert!(msgs.iter().all(|m| m.source.path.ends_with(".txt")));
}

/// Decoded subjects, display names and attachment names of one record.
fn decoded_names(m: &MessageRecord) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(s) = &m.subject {
        out.push(("subject".to_string(), s.clone()));
    }
    let addrs = [
        ("from", m.from.iter().collect::<Vec<_>>()),
        ("to", m.to.iter().collect()),
        ("cc", m.cc.iter().collect()),
    ];
    for (field, list) in addrs {
        for a in list {
            if let Some(n) = &a.name {
                out.push((format!("{field}.name"), n.clone()));
            }
        }
    }
    for a in &m.attachments {
        if let Some(n) = &a.name {
            out.push(("attachment.name".to_string(), n.clone()));
        }
    }
    out
}

#[test]
fn sisimai_every_message_parses_and_japanese_matches_golden() {
    let dir = common::shared().join("corpora/sisimai");
    let (records, skipped) = scan_path_all(&dir, &Limits::default());
    let msgs = messages(records);
    // 832 Maildir files + 37 + 1 messages in the two mbox files, plus one
    // more message in each of rfc3464-28.eml and rb-issue-368-bug.eml,
    // which are two-message mbox files despite their names; README,
    // LICENSE and the three size-N files are not mail.
    assert_eq!(msgs.len(), 872, "skipped {skipped}");
    assert_eq!(skipped, 5);

    let root = dir.display().to_string();
    let mut actual = String::new();
    let mut garbled = BTreeMap::new();
    for m in &msgs {
        let key = match m.source.index {
            Some(i) => format!("{}#{i}", m.source.path.trim_start_matches(&root)),
            None => m.source.path.trim_start_matches(&root).to_string(),
        };
        for (field, value) in decoded_names(m) {
            if value.contains('\u{fffd}') || value.contains('\u{1b}') {
                garbled.insert(format!("{key}\t{field}"), value.clone());
            }
            if !value.is_ascii() {
                actual.push_str(&format!("{key}\t{field}\t{}\n", value.replace(['\t', '\n'], " ")));
            }
        }
    }
    let golden = common::repo_root().join("testdata/golden/sisimai-decoded.tsv");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("golden missing: UPDATE_GOLDEN=1");
    assert!(expected.lines().count() >= 30, "too few non-ASCII values in golden");
    assert_eq!(
        expected, actual,
        "sisimai decoded values differ from the hand-checked golden"
    );
    // Values where no correct decoding exists (the bytes themselves are
    // broken) are listed with the reason; everything else must be clean.
    let allowed = std::fs::read_to_string(common::repo_root().join("testdata/golden/sisimai-undecodable.tsv"))
        .unwrap_or_default();
    let allowed: Vec<&str> = allowed
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once('\t').map(|(k, _)| k))
        .collect();
    let unexpected: Vec<_> = garbled.keys().filter(|k| !allowed.contains(&k.as_str())).collect();
    assert!(
        unexpected.is_empty(),
        "U+FFFD or ESC in decoded values: {unexpected:?} {garbled:?}"
    );
}
