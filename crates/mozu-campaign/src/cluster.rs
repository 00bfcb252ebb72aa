//! Incremental clustering: each new mail is scored against the candidates
//! that share a blocking key or an LSH band with it, never against all
//! mails; it joins the campaigns it links to (merging them) or opens one.
//! Every link keeps the features that tied the two mails.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::features::{Features, blocking_keys};
use crate::minhash::stable_hash;

/// Mails remembered per blocking key (the newest ones): bounds the work per
/// new mail, so that the total cost stays linear in the number of mails.
pub const MAX_BUCKET: usize = 32;
/// Candidates scored per new mail at most.
pub const MAX_CANDIDATES: usize = 160;

/// Clustering thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Summed feature weight a link needs.
    pub threshold: f64,
    /// Body similarity (estimated Jaccard) that counts as a tie.
    pub min_body_similarity: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 1.0,
            min_body_similarity: 0.5,
        }
    }
}

/// One feature two mails share, and how much it weighed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Feature name (`subject_template`, `payload_sha256`, `body_minhash` …).
    pub feature: String,
    /// The shared value (or the similarity for `body_minhash`).
    pub value: String,
    /// Weight it added to the link score.
    pub weight: f64,
}

/// An explained link between a new mail and an earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Index of the new mail.
    pub from: usize,
    /// Index of the earlier mail it tied to.
    pub to: usize,
    /// Summed weight.
    pub score: f64,
    /// The features that tied them.
    pub reasons: Vec<Reason>,
}

/// What happened to one added mail.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Index of the mail (its position in insertion order).
    pub index: usize,
    /// The campaign it is in now, named by its first mail's index.
    pub root: usize,
    /// The links that put it there (one per campaign joined); empty when it
    /// opened a campaign of its own.
    pub links: Vec<Link>,
}

/// The incremental clusterer. Mails are added in order; indexes are their
/// insertion positions.
#[derive(Debug, Default)]
pub struct Clusterer {
    config: Config,
    features: Vec<Features>,
    parent: Vec<usize>,
    buckets: HashMap<u64, VecDeque<u32>>,
}

impl Clusterer {
    /// An empty clusterer.
    pub fn new(config: Config) -> Self {
        Clusterer {
            config,
            ..Clusterer::default()
        }
    }

    /// Mails added so far.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// True when no mail was added.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Adds a mail: it joins the campaigns it links to or opens one.
    pub fn add(&mut self, features: Features) -> Assignment {
        let index = self.features.len();
        let keys: Vec<u64> = blocking_keys(&features)
            .iter()
            .map(|k| stable_hash(k.as_bytes()))
            .collect();
        let mut candidates: Vec<u32> = Vec::new();
        for key in &keys {
            if let Some(bucket) = self.buckets.get(key) {
                candidates.extend(bucket.iter().rev());
            }
            if candidates.len() >= MAX_CANDIDATES * 2 {
                break;
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        if candidates.len() > MAX_CANDIDATES {
            // Keep the newest: campaigns are bursty, recent mail is the best evidence.
            candidates.drain(..candidates.len() - MAX_CANDIDATES);
        }
        // Best candidate per campaign, then reasons for those only.
        let mut best: HashMap<usize, (usize, f64)> = HashMap::new();
        for cand in candidates {
            let cand = cand as usize;
            let Some(other) = self.features.get(cand) else { continue };
            let Some(score) = evaluate(&features, other, &self.config, None) else {
                continue;
            };
            let root = self.find(cand);
            if best.get(&root).is_none_or(|&(_, s)| score > s) {
                best.insert(root, (cand, score));
            }
        }
        let mut links: Vec<Link> = best
            .into_values()
            .filter_map(|(to, _)| {
                let (score, reasons) = score(&features, self.features.get(to)?, &self.config)?;
                Some(Link {
                    from: index,
                    to,
                    score,
                    reasons,
                })
            })
            .collect();
        links.sort_by_key(|l| l.to);
        self.features.push(features);
        self.parent.push(index);
        for link in &links {
            self.union(index, link.to);
        }
        for key in keys {
            let bucket = self.buckets.entry(key).or_default();
            if bucket.len() >= MAX_BUCKET {
                bucket.pop_front();
            }
            bucket.push_back(index as u32);
        }
        let root = self.find(index);
        Assignment { index, root, links }
    }

    /// The campaign (first mail's index) of mail `index`.
    pub fn find(&mut self, index: usize) -> usize {
        let mut root = index;
        while let Some(&p) = self.parent.get(root) {
            if p == root {
                break;
            }
            root = p;
        }
        let mut node = index;
        while let Some(&p) = self.parent.get(node) {
            if p == root {
                break;
            }
            if let Some(slot) = self.parent.get_mut(node) {
                *slot = root;
            }
            node = p;
        }
        root
    }

    /// The older campaign absorbs the newer, so that a campaign keeps the
    /// name of its first mail.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (keep, gone) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(gone) {
            *slot = keep;
        }
    }

    /// The campaign of every mail, in insertion order.
    pub fn roots(&mut self) -> Vec<usize> {
        (0..self.len()).map(|i| self.find(i)).collect()
    }

    /// The features of mail `index`.
    pub fn features(&self, index: usize) -> Option<&Features> {
        self.features.get(index)
    }
}

fn first_shared<'a>(a: &'a [String], b: &[String]) -> Option<&'a String> {
    a.iter().find(|x| b.contains(x))
}

fn same<'a>(a: &'a Option<String>, b: &Option<String>) -> Option<&'a String> {
    a.as_ref().filter(|x| b.as_ref() == Some(*x))
}

/// Scores a pair: `None` unless the weights reach the threshold and at
/// least one content feature (payload, subject, attachment name, body, URL
/// path) ties them — shared sending infrastructure alone is not a campaign.
pub fn score(a: &Features, b: &Features, config: &Config) -> Option<(f64, Vec<Reason>)> {
    let mut reasons = Vec::new();
    let total = evaluate(a, b, config, Some(&mut reasons))?;
    Some((total, reasons))
}

/// The link score of a pair, filling `explain` with the reasons when given.
/// Scoring without reasons allocates nothing: most candidates fail.
fn evaluate(a: &Features, b: &Features, config: &Config, mut explain: Option<&mut Vec<Reason>>) -> Option<f64> {
    let mut total = 0.0;
    let mut strong = false;
    let mut add = |feature: &str, value: &dyn Fn() -> String, weight: f64, is_strong: bool| {
        strong |= is_strong;
        total += weight;
        if let Some(r) = explain.as_deref_mut() {
            r.push(Reason {
                feature: feature.to_string(),
                value: value(),
                weight,
            });
        }
    };
    if let Some(h) = first_shared(&a.payload_hashes, &b.payload_hashes) {
        add("payload_sha256", &|| h.clone(), 1.0, true);
    } else if let Some(h) = first_shared(&a.fuzzy_hashes, &b.fuzzy_hashes) {
        add("fuzzy_hash", &|| h.clone(), 0.7, true);
    }
    if let Some(t) = same(&a.subject_template, &b.subject_template) {
        let informative = a.subject_informative;
        add(
            "subject_template",
            &|| t.clone(),
            if informative { 0.6 } else { 0.3 },
            informative,
        );
    }
    if let Some(p) = first_shared(&a.attachment_patterns, &b.attachment_patterns) {
        let stem = p.rsplit_once('.').map_or(p.as_str(), |(s, _)| s);
        let informative = stem.chars().filter(|c| c.is_alphabetic()).count() >= 3;
        add(
            "attachment_pattern",
            &|| p.clone(),
            if informative { 0.5 } else { 0.25 },
            informative,
        );
    }
    if let (Some(x), Some(y)) = (&a.body, &b.body) {
        let sim = x.similarity(y);
        if sim >= config.min_body_similarity {
            add("body_minhash", &|| format!("{sim:.2}"), 0.8 * sim, sim >= 0.6);
        }
    }
    if let Some(u) = first_shared(&a.url_patterns, &b.url_patterns).filter(|u| !u.ends_with('/')) {
        add("url_pattern", &|| u.clone(), 0.5, true);
    } else if let Some(h) = first_shared(&a.url_hosts, &b.url_hosts) {
        let own = a.from_domain.as_ref().is_some_and(|d| h.ends_with(d.as_str()));
        add("url_host", &|| h.clone(), if own { 0.1 } else { 0.35 }, false);
    }
    if let Some(t) = first_shared(&a.type_chains, &b.type_chains) {
        add("type_chain", &|| t.clone(), 0.2, false);
    }
    if let Some(x) = same(&a.x_mailer, &b.x_mailer) {
        add("x_mailer", &|| x.clone(), 0.15, false);
    }
    if let Some(m) = same(&a.message_id_pattern, &b.message_id_pattern) {
        add("message_id_pattern", &|| m.clone(), 0.2, false);
    }
    if let Some(r) = same(&a.received_shape, &b.received_shape) {
        add("received_shape", &|| r.clone(), 0.1, false);
    }
    if let Some(n) = same(&a.sender_net, &b.sender_net) {
        add("sender_net", &|| n.clone(), 0.2, false);
    }
    if let Some(d) = same(&a.from_domain, &b.from_domain) {
        add("from_domain", &|| d.clone(), 0.15, false);
    }
    (strong && total >= config.threshold).then_some(total)
}
