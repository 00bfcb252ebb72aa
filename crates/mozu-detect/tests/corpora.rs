//! Rates on real mail: phishing-pot-dev (phishing and spam, should be
//! flagged), spamassassin-easy-ham-2 (ham, should not), sisimai (bounces,
//! benign). Prints the rates for the whole corpus and for the development
//! (first half of the sorted file list) and held-out (second half) halves.
//!
//! Targets of issue 4: phishing ≥95 % flagged, ham ≤2 % flagged and ≤0.5 %
//! malicious, sisimai ≤1 % malicious. The phishing assertion holds the rate
//! reached (just above the target) so that a regression fails; the held-out
//! half stays below it (see docs/findings.md).

mod common;

use std::path::Path;

use mozu_detect::{Config, Detectors};
use mozu_mail::Limits;
use mozu_mail::files::parse_bytes;
use mozu_model::{Record, VerdictLevel};

/// Levels of every message under `dir`, in sorted file order.
fn levels(dir: &Path, det: &Detectors) -> Vec<VerdictLevel> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { files.push(p) }
        }
    }
    files.sort();
    let opts = mozu_artifact::Options::default();
    let flattened = std::sync::atomic::AtomicUsize::new(0);
    let finish = |p: mozu_mail::Parsed, _raw: Option<&[u8]>| {
        let mut rec = mozu_artifact::analyse_message(p, &[], &opts, None);
        det.apply(&mut rec);
        if same_event_both_ways(&rec) {
            flattened.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        rec
    };
    let mut out = Vec::new();
    for f in files {
        let data = std::fs::read(&f).unwrap();
        if mozu_mail::sniff(&data) == mozu_mail::InputKind::NotMail {
            continue;
        }
        for r in parse_bytes(&data, &f.display().to_string(), &Limits::default(), &finish) {
            if let Record::Message(m) = r {
                out.push(m.verdict.unwrap().level);
            }
        }
    }
    let compared = flattened.into_inner();
    println!(
        "{}: {compared} of {} records flattened alike both ways",
        dir.display(),
        out.len()
    );
    assert!(compared * 10 >= out.len() * 9, "most records compared");
    out
}

/// The mail rules see a record through `FlatEvent::from_serialize`; it
/// must give the pairs the JSON route gives. Without serde_json's
/// `preserve_order` (switched on by other workspace crates, so a build of
/// this package alone may lack it) JSON objects come out sorted: pairs
/// are then compared per key, and events cut at the field cap are skipped
/// since which fields survive depends on the order.
fn same_event_both_ways(rec: &mozu_model::MessageRecord) -> bool {
    use mozu_sigma::FlatEvent;
    let keeps_order = serde_json::json!({"b": 1, "a": 2})
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .is_some_and(|k| k == "b");
    let pairs = |e: &FlatEvent| {
        let mut v: Vec<(String, String)> = e.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        if !keeps_order {
            v.sort_by(|a, b| a.0.cmp(&b.0));
        }
        v
    };
    let direct = FlatEvent::from_serialize(rec).expect("a record flattens");
    let via_json = FlatEvent::from_json(&serde_json::to_value(rec).expect("a record serialises"));
    assert_eq!(direct.truncated(), via_json.truncated(), "{}", rec.source.path);
    if !keeps_order && direct.truncated() {
        return false;
    }
    let (a, b) = (pairs(&direct), pairs(&via_json));
    let first = a.iter().zip(&b).position(|(x, y)| x != y);
    assert!(
        a == b,
        "{}: {} vs {} pairs, first difference at {first:?}: {:?} vs {:?}",
        rec.source.path,
        a.len(),
        b.len(),
        first.and_then(|i| a.get(i)),
        first.and_then(|i| b.get(i))
    );
    true
}

/// (flagged %, malicious %).
fn rates(levels: &[VerdictLevel]) -> (f64, f64) {
    let n = levels.len().max(1) as f64;
    let flagged = levels.iter().filter(|l| **l != VerdictLevel::Clean).count() as f64;
    let mal = levels.iter().filter(|l| **l == VerdictLevel::Malicious).count() as f64;
    (100.0 * flagged / n, 100.0 * mal / n)
}

fn report(name: &str, levels: &[VerdictLevel]) -> (f64, f64) {
    let half = levels.len() / 2;
    let (all, dev, held) = (rates(levels), rates(&levels[..half]), rates(&levels[half..]));
    println!(
        "{name}: {} mails: flagged {:.1}% malicious {:.1}% | dev half {:.1}%/{:.1}% | held-out half {:.1}%/{:.1}%",
        levels.len(),
        all.0,
        all.1,
        dev.0,
        dev.1,
        held.0,
        held.1
    );
    all
}

#[test]
fn corpus_rates() {
    let det = Detectors::new(&Config::default()).unwrap();
    let corpora = common::shared().join("corpora");
    let pp = levels(&corpora.join("phishing-pot-dev"), &det);
    let ham = levels(&corpora.join("spamassassin-easy-ham-2"), &det);
    let sisi = levels(&corpora.join("sisimai"), &det);
    assert!(
        pp.len() > 1000 && ham.len() > 1000 && sisi.len() > 500,
        "corpora missing"
    );
    let (pp_flag, _) = report("phishing-pot-dev", &pp);
    let (ham_flag, ham_mal) = report("spamassassin-easy-ham-2", &ham);
    let (_, sisi_mal) = report("sisimai", &sisi);
    assert!(ham_flag <= 2.0, "ham flagged {ham_flag:.1}%");
    assert!(ham_mal <= 0.5, "ham malicious {ham_mal:.1}%");
    assert!(sisi_mal <= 1.0, "sisimai malicious {sisi_mal:.1}%");
    // Regression floor just below the rate reached; the target is 95 %.
    assert!(pp_flag >= 95.5, "phishing flagged {pp_flag:.1}%");
}
