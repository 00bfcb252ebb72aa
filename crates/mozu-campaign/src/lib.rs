//! Campaign clustering: per-mail features, candidate search by LSH and blocking, explained links, incremental clusters.
//!
//! A mail's [`Features`] (subject template, attachment-name pattern, type
//! chain, body MinHash, URL patterns, sending fingerprint, payload hashes)
//! are added to a [`Clusterer`] one at a time: it finds candidates through
//! blocking keys and LSH bands — never all pairs — scores them, and the mail
//! joins the campaigns it links to or opens one. [`assemble`] turns the
//! clusters into [`Campaign`] records. [`synth`] generates corpora with
//! ground truth and [`metrics`] scores a clustering against it.
#![warn(missing_docs)]

pub mod campaign;
pub mod cluster;
pub mod features;
pub mod mask;
pub mod metrics;
pub mod minhash;
pub mod synth;

use std::collections::HashMap;

pub use campaign::{Campaign, CampaignBuilder, Counted, Member, MessageDigest, Payload};
pub use cluster::{Assignment, Clusterer, Config, Link, Reason};
pub use features::Features;

/// Errors of the campaign crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CampaignError {
    /// Inputs of different lengths were given where one per mail is needed.
    #[error("{what}: {got} entries for {expected} mails")]
    Mismatch {
        /// Which input.
        what: &'static str,
        /// Entries given.
        got: usize,
        /// Mails.
        expected: usize,
    },
}

/// Campaigns smaller than this are not reported (a lone mail is not a campaign).
pub const MIN_CAMPAIGN_SIZE: usize = 2;

/// Builds the campaign records: `roots[i]` is mail `i`'s cluster (from
/// [`Clusterer::roots`]), `digests` and `features` are per mail, `links`
/// the links the clusterer explained. Campaigns come largest first.
pub fn assemble(
    roots: &[usize],
    digests: &[MessageDigest],
    features: &[Features],
    links: &[Link],
    min_size: usize,
) -> Result<Vec<Campaign>, CampaignError> {
    for (what, got) in [("digests", digests.len()), ("features", features.len())] {
        if got != roots.len() {
            return Err(CampaignError::Mismatch {
                what,
                got,
                expected: roots.len(),
            });
        }
    }
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for &r in roots {
        *sizes.entry(r).or_default() += 1;
    }
    let mut builders: HashMap<usize, CampaignBuilder> = HashMap::new();
    for ((&root, d), f) in roots.iter().zip(digests).zip(features) {
        if sizes.get(&root).copied().unwrap_or(0) >= min_size {
            builders.entry(root).or_default().add(d, f);
        }
    }
    for link in links {
        let Some(&root) = roots.get(link.from) else { continue };
        if let Some(b) = builders.get_mut(&root) {
            b.add_link_reasons(link.reasons.iter().map(|r| r.feature.as_str()));
        }
    }
    let mut campaigns: Vec<Campaign> = builders.into_values().map(CampaignBuilder::finish).collect();
    campaigns.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.id.cmp(&b.id)));
    Ok(campaigns)
}
