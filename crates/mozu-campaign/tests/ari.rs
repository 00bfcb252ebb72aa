//! The clustering scored against the synthetic corpus's ground truth.

use std::collections::{HashMap, HashSet};

use mozu_campaign::synth::Generator;
use mozu_campaign::{Clusterer, Config, Features, MessageDigest, assemble, metrics};

/// Mails in the scored corpus: enough for every campaign shape to show its
/// variations, small enough for a debug build.
const MAILS: usize = 6000;

#[test]
fn adjusted_rand_index_against_ground_truth() {
    let mut clusterer = Clusterer::new(Config::default());
    let mut truth = Vec::new();
    let mut digests = Vec::new();
    let mut features = Vec::new();
    let mut links = Vec::new();
    for mail in Generator::new(0x6d6f_7a75, MAILS) {
        let rec = mail.to_record();
        let f = Features::extract(&rec);
        features.push(f.clone());
        digests.push(MessageDigest::from_record(&rec));
        links.extend(clusterer.add(f).links);
        truth.push(mail.truth);
    }
    assert_eq!(truth.len(), MAILS, "cases run");
    let roots = clusterer.roots();
    let ari = metrics::adjusted_rand_index(&truth, &roots);
    eprintln!("ARI over {MAILS} synthetic mails: {ari:.4}");

    // Per truth group: how many predicted clusters it is split into.
    let mut split: HashMap<&str, HashSet<usize>> = HashMap::new();
    for (t, r) in truth.iter().zip(&roots) {
        if !t.starts_with("benign") {
            split.entry(t).or_default().insert(*r);
        }
    }
    for (t, rs) in &split {
        eprintln!("  {t}: {} clusters", rs.len());
    }
    assert!(split.len() >= 8, "at least 8 campaigns generated, got {}", split.len());
    assert!(ari >= 0.9, "ARI {ari:.4} < 0.9");

    // The kaomoji campaign is one campaign across the PIC_ → IMG change.
    let campaigns = assemble(&roots, &digests, &features, &links, 2).unwrap();
    let kaomoji = campaigns
        .iter()
        .find(|c| c.attachment_patterns.iter().any(|p| p.value.starts_with("pic_")))
        .expect("kaomoji campaign");
    let patterns: Vec<&str> = kaomoji.attachment_patterns.iter().map(|p| p.value.as_str()).collect();
    assert!(patterns.contains(&"pic_######_2020.zip"), "{patterns:?}");
    assert!(patterns.contains(&"img######2020_jpg.zip"), "{patterns:?}");
    assert!(kaomoji.per_day.contains_key("2020-02-11"));
    assert!(kaomoji.families.iter().any(|f| f.value == "nemty"));
    assert!(!kaomoji.link_features.is_empty());
}
