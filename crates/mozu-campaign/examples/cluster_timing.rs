//! Times feature extraction and clustering alone (no store).
use std::time::Instant;

use mozu_campaign::synth::Generator;
use mozu_campaign::{Clusterer, Config, Features};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let t = Instant::now();
    let recs: Vec<_> = Generator::new(0xbe4c, n).map(|m| m.to_record()).collect();
    let gen_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let feats: Vec<Features> = recs.iter().map(Features::extract).collect();
    let feat_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut c = Clusterer::new(Config::default());
    let mut links = 0;
    for f in feats {
        links += c.add(f).links.len();
    }
    let roots = c.roots();
    let mut distinct = roots.clone();
    distinct.sort_unstable();
    distinct.dedup();
    println!(
        "{n}: generate {gen_s:.1}s, features {feat_s:.1}s, cluster {:.1}s, {links} links, {} clusters",
        t.elapsed().as_secs_f64(),
        distinct.len()
    );
}
