//! Clustering: replay the stored features in ingest order through the
//! incremental clusterer, then write campaigns, memberships and links in
//! one transaction.
//!
//! Replaying instead of persisting the LSH index keeps the store simple
//! and the result a pure function of the stored mail; the replay is linear
//! in the number of mails.

use std::collections::HashMap;

use mozu_campaign::{Clusterer, Config, Features, Link, MIN_CAMPAIGN_SIZE, MessageDigest, assemble};
use rayon::prelude::*;
use rusqlite::params;

use crate::{Result, Store};

/// What a clustering run found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterReport {
    /// Messages clustered.
    pub messages: u64,
    /// Campaigns of at least [`MIN_CAMPAIGN_SIZE`] mails.
    pub campaigns: u64,
    /// Messages in those campaigns.
    pub clustered: u64,
    /// Explained links written.
    pub links: u64,
}

type Inputs = (Vec<i64>, Vec<Features>, Vec<MessageDigest>);

impl Store {
    fn load_inputs(&self) -> Result<Inputs> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, features, digest FROM campaign_inputs ORDER BY seq")?;
        let rows: Vec<(i64, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let decoded: Vec<(i64, Features, MessageDigest)> = rows
            .into_par_iter()
            .map(|(seq, f, d)| Ok((seq, serde_json::from_str(&f)?, serde_json::from_str(&d)?)))
            .collect::<Result<_>>()?;
        let mut seqs = Vec::with_capacity(decoded.len());
        let mut features = Vec::with_capacity(decoded.len());
        let mut digests = Vec::with_capacity(decoded.len());
        for (s, f, d) in decoded {
            seqs.push(s);
            features.push(f);
            digests.push(d);
        }
        Ok((seqs, features, digests))
    }

    /// Recomputes every campaign from the stored mail.
    pub fn recluster(&mut self) -> Result<ClusterReport> {
        let generation = self.dirty_generation()?;
        let (seqs, features, digests) = self.load_inputs()?;
        let mut clusterer = Clusterer::new(Config::default());
        let mut links: Vec<Link> = Vec::new();
        for f in &features {
            links.extend(clusterer.add(f.clone()).links);
        }
        let roots = clusterer.roots();
        drop(clusterer);
        let campaigns = assemble(&roots, &digests, &features, &links, MIN_CAMPAIGN_SIZE)?;
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for &r in &roots {
            *sizes.entry(r).or_default() += 1;
        }
        // A campaign is named by its first member, which is its root.
        let campaign_of = |i: usize| -> Option<String> {
            let root = *roots.get(i)?;
            if sizes.get(&root).copied().unwrap_or(0) < MIN_CAMPAIGN_SIZE {
                return None;
            }
            let sha = &digests.get(root)?.sha256;
            Some(format!("C-{}", sha.get(..12).unwrap_or(sha)))
        };
        let report = ClusterReport {
            messages: seqs.len() as u64,
            campaigns: campaigns.len() as u64,
            clustered: campaigns.iter().map(|c| c.size).sum(),
            links: links.len() as u64,
        };
        let current: HashMap<i64, Option<String>> = self
            .conn
            .prepare("SELECT seq, campaign FROM messages")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM campaigns", [])?;
        tx.execute("DELETE FROM links", [])?;
        {
            let mut upd = tx.prepare("UPDATE messages SET campaign = ?1 WHERE seq = ?2")?;
            for (i, seq) in seqs.iter().enumerate() {
                let id = campaign_of(i);
                if current.get(seq) != Some(&id) {
                    upd.execute(params![id, seq])?;
                }
            }
            let mut ins = tx.prepare(
                "INSERT INTO campaigns (id, label, size, first_seen, last_seen, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for mut summary in campaigns {
                // Members are read back from `messages.campaign`.
                summary.messages = Vec::new();
                let c = &summary;
                ins.execute(params![
                    c.id,
                    c.label,
                    c.size as i64,
                    c.first_seen,
                    c.last_seen,
                    serde_json::to_string(&summary)?
                ])?;
            }
            let mut lnk =
                tx.prepare("INSERT INTO links (a, b, campaign, score, reasons) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for l in &links {
                let (Some(a), Some(b)) = (seqs.get(l.from), seqs.get(l.to)) else {
                    continue;
                };
                lnk.execute(params![
                    a,
                    b,
                    campaign_of(l.from),
                    l.score,
                    serde_json::to_string(&l.reasons)?
                ])?;
            }
        }
        tx.execute(
            "UPDATE meta SET value = '0' WHERE key = 'clusters_dirty' AND value = ?1",
            [generation.unwrap_or_default()],
        )?;
        tx.commit()?;
        Ok(report)
    }
}
