//! Export throughput: every format over the campaigns of a generated corpus.
//!
//! `cargo bench -p mozu-export --bench export` clusters 20,000 synthetic
//! mails once, then times each export (output discarded) and prints MB/s.
//! Under `cargo test` one small pass proves it runs.

use std::io::{self, Write};
use std::time::Instant;

use mozu_campaign::synth::Generator;
use mozu_campaign::{Clusterer, Config, Features, MessageDigest, assemble};
use mozu_export::{csv, graph, html, jsonl, misp, stix};

/// Counts bytes written.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let n = if measuring { 20_000 } else { 300 };
    let mut clusterer = Clusterer::new(Config::default());
    let (mut digests, mut features, mut links) = (Vec::new(), Vec::new(), Vec::new());
    for mail in Generator::new(5, n) {
        let rec = mail.to_record();
        let f = Features::extract(&rec);
        digests.push(MessageDigest::from_record(&rec));
        links.extend(clusterer.add(f.clone()).links);
        features.push(f);
    }
    let roots = clusterer.roots();
    let campaigns = assemble(&roots, &digests, &features, &links, 2).expect("assemble");
    let opts = stix::Options {
        created: "2024-05-01T00:00:00Z".into(),
    };
    let html_opts = html::Options {
        title: "bench".into(),
        generated: "now".into(),
    };
    type Export<'a> = Box<dyn Fn(&mut Counter) -> mozu_export::Result<()> + 'a>;
    let exports: Vec<(&str, Export<'_>)> = vec![
        ("jsonl", Box::new(|w: &mut Counter| jsonl(&campaigns, w))),
        ("csv", Box::new(|w: &mut Counter| csv::write(&campaigns, w))),
        ("stix", Box::new(|w: &mut Counter| stix::write(&campaigns, &opts, w))),
        ("misp", Box::new(|w: &mut Counter| misp::write(&campaigns, w))),
        (
            "graphml",
            Box::new(|w: &mut Counter| graph::graphml(&graph::Graph::from_campaigns(&campaigns), w)),
        ),
        (
            "html",
            Box::new(|w: &mut Counter| html::write(&campaigns, &html_opts, w)),
        ),
    ];
    for (name, export) in &exports {
        let start = Instant::now();
        let mut out = Counter(0);
        export(&mut out).expect("export");
        let secs = start.elapsed().as_secs_f64().max(1e-9);
        println!(
            "export {name}: {} campaigns of {n} mails, {:.1} MB in {:.3}s ({:.0} MB/s)",
            campaigns.len(),
            out.0 as f64 / 1e6,
            secs,
            out.0 as f64 / 1e6 / secs
        );
    }
}
