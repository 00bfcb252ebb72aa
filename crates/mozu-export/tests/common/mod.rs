//! Campaigns from the synthetic corpus, shared by the export tests.

use mozu_campaign::synth::Generator;
use mozu_campaign::{Campaign, Clusterer, Config, Features, MessageDigest, assemble};

/// Campaigns of `n` generated mails.
pub fn campaigns(n: usize) -> Vec<Campaign> {
    let mut clusterer = Clusterer::new(Config::default());
    let (mut digests, mut features, mut links) = (Vec::new(), Vec::new(), Vec::new());
    for mail in Generator::new(11, n) {
        let rec = mail.to_record();
        let f = Features::extract(&rec);
        digests.push(MessageDigest::from_record(&rec));
        links.extend(clusterer.add(f.clone()).links);
        features.push(f);
    }
    let roots = clusterer.roots();
    assemble(&roots, &digests, &features, &links, 2).expect("assemble")
}
