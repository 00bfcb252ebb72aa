//! Times feature extraction and clustering alone (no store).
use std::time::Instant;

use mozu_campaign::synth::Generator;
use mozu_campaign::{Clusterer, Config, Features};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let t = Instant::now();
    let mails: Vec<_> = Generator::new(0xbe4c, n).collect();
    let truth: Vec<String> = mails.iter().map(|m| m.truth.clone()).collect();
    let recs: Vec<_> = mails.iter().map(|m| m.to_record()).collect();
    drop(mails);
    let gen_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let feats: Vec<Features> = recs.iter().map(Features::extract).collect();
    let feat_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut c = Clusterer::new(Config::default());
    let mut links = 0;
    let mut why: std::collections::HashMap<String, usize> = Default::default();
    for f in feats {
        let a = c.add(f);
        links += a.links.len();
        for l in &a.links {
            if truth[l.from].starts_with("benign") && truth[l.to].starts_with("benign") {
                let mut k: Vec<&str> = l.reasons.iter().map(|r| r.feature.as_str()).collect();
                k.sort_unstable();
                *why.entry(k.join("+")).or_default() += 1;
            }
        }
    }
    if std::env::var("MOZU_DIAG").is_ok() {
        let mut w: Vec<_> = why.into_iter().collect();
        w.sort_by_key(|x| std::cmp::Reverse(x.1));
        for (k, n) in w.iter().take(8) {
            println!("benign link {n}: {k}");
        }
    }
    let roots = c.roots();
    let mut distinct = roots.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let cluster_s = t.elapsed().as_secs_f64();
    if std::env::var("MOZU_DIAG").is_ok() {
        let mut comp: std::collections::HashMap<usize, std::collections::HashMap<String, usize>> = Default::default();
        for (r, t) in roots.iter().zip(&truth) {
            let key = if t.starts_with("benign") {
                "benign".to_string()
            } else {
                t.clone()
            };
            *comp.entry(*r).or_default().entry(key).or_default() += 1;
        }
        let mut big: Vec<_> = comp
            .into_iter()
            .filter(|(_, m)| m.values().sum::<usize>() > 50)
            .collect();
        big.sort_by_key(|(_, m)| std::cmp::Reverse(m.values().sum::<usize>()));
        for (r, m) in big.iter().take(15) {
            println!("cluster {r}: {m:?}");
        }
    }
    let ari = mozu_campaign::metrics::adjusted_rand_index(&truth, &roots);
    println!(
        "{n}: generate {gen_s:.1}s, features {feat_s:.1}s, cluster {cluster_s:.1}s, {links} links, {} clusters, ARI {ari:.4}",
        distinct.len()
    );
}
