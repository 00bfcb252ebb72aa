//! Idempotent ingest: one transaction per call.

use mozu_campaign::{Features, MessageDigest};
use mozu_model::MessageRecord;
use rayon::prelude::*;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::{Result, Store};

/// What one ingest call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Messages stored for the first time.
    pub added: u64,
    /// Messages already stored (only their source was recorded).
    pub duplicates: u64,
}

/// A record with everything derived from it, computed off the writer.
struct Prepared<'a> {
    rec: &'a MessageRecord,
    record_json: String,
    features_json: String,
    digest_json: String,
}

fn prepare(rec: &MessageRecord) -> Result<Prepared<'_>> {
    let features = Features::extract(rec);
    Ok(Prepared {
        rec,
        record_json: serde_json::to_string(rec)?,
        features_json: serde_json::to_string(&features)?,
        digest_json: serde_json::to_string(&MessageDigest::from_record(rec))?,
    })
}

impl Store {
    /// Adds `records` in one transaction. A message already stored (same
    /// SHA-256, or same Message-ID, Date and From) is not added again; its
    /// new source is remembered as a sighting. Marks campaigns for
    /// recomputation when anything was added.
    pub fn ingest(&mut self, records: &[MessageRecord]) -> Result<IngestReport> {
        // Feature extraction and JSON encoding are the expensive part and
        // need no database: do them on all cores, then write in order.
        let prepared: Vec<Prepared<'_>> = records.par_iter().map(prepare).collect::<Result<_>>()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let tx = self.conn.transaction()?;
        let mut report = IngestReport::default();
        for p in &prepared {
            if let Some(seq) = existing(&tx, p.rec)? {
                add_sighting(&tx, seq, p.rec)?;
                report.duplicates += 1;
                continue;
            }
            insert(&tx, p, now)?;
            report.added += 1;
        }
        if report.added > 0 {
            tx.execute(
                // A counter rather than a flag, so that a clustering run that
                // started before this batch does not mark it clustered.
                "INSERT INTO meta (key, value) VALUES ('clusters_dirty', '1')
                 ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
                [],
            )?;
        }
        tx.commit()?;
        Ok(report)
    }
}

fn existing(tx: &Transaction<'_>, rec: &MessageRecord) -> Result<Option<i64>> {
    let by_hash: Option<i64> = tx
        .prepare_cached("SELECT seq FROM messages WHERE sha256 = ?1")?
        .query_row([&rec.sha256], |r| r.get(0))
        .optional()?;
    if by_hash.is_some() {
        return Ok(by_hash);
    }
    let Some(id) = rec.message_id.as_deref().filter(|id| !id.is_empty()) else {
        return Ok(None);
    };
    // The same message delivered twice differs in its Received headers and
    // so in its hash; Message-ID with Date and From still identify it.
    let from = rec.from.as_ref().and_then(|a| a.address.as_deref());
    Ok(tx
        .prepare_cached("SELECT seq FROM messages WHERE message_id = ?1 AND date IS ?2 AND from_addr IS ?3")?
        .query_row(params![id, rec.date, from], |r| r.get(0))
        .optional()?)
}

fn add_sighting(tx: &Transaction<'_>, seq: i64, rec: &MessageRecord) -> Result<()> {
    let index = rec.source.index.map_or(-1, |i| i as i64);
    tx.prepare_cached("INSERT OR IGNORE INTO sightings (seq, source_path, source_index) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, rec.source.path, index])?;
    Ok(())
}

fn insert(tx: &Transaction<'_>, p: &Prepared<'_>, now: i64) -> Result<()> {
    let rec = p.rec;
    let format = serde_json::to_value(rec.source.format)?;
    tx.prepare_cached(
        "INSERT INTO messages (sha256, message_id, date, subject, from_addr, source_path, source_index,
                               source_format, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        rec.sha256,
        rec.message_id,
        rec.date,
        rec.subject,
        rec.from.as_ref().and_then(|a| a.address.as_deref()),
        rec.source.path,
        rec.source.index.map(|i| i as i64),
        format.as_str().unwrap_or("eml"),
        now
    ])?;
    let seq = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO records (seq, record) VALUES (?1, ?2)")?
        .execute(params![seq, p.record_json])?;
    add_sighting(tx, seq, rec)?;
    let mut art = tx.prepare_cached(
        "INSERT INTO artifacts (seq, path, name, detected_type, size, md5, sha256, ssdeep, tlsh)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for a in &rec.artifacts {
        art.execute(params![
            seq,
            a.path,
            a.name,
            a.detected_type,
            a.size as i64,
            a.md5,
            a.sha256,
            a.ssdeep,
            a.tlsh
        ])?;
    }
    let mut ind = tx.prepare_cached("INSERT INTO indicators (seq, kind, value) VALUES (?1, ?2, ?3)")?;
    for u in &rec.urls {
        ind.execute(params![seq, "url", u.url])?;
    }
    for (kind, values) in [("domain", &rec.domains), ("ip", &rec.ips), ("email", &rec.emails)] {
        for v in values {
            ind.execute(params![seq, kind, v])?;
        }
    }
    for a in &rec.attachments {
        ind.execute(params![seq, "sha256", a.sha256])?;
    }
    let mut fnd =
        tx.prepare_cached("INSERT INTO findings (seq, id, severity, score, title) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let findings = rec
        .findings
        .iter()
        .chain(rec.artifacts.iter().flat_map(|a| a.findings.iter()));
    for f in findings {
        let severity = serde_json::to_value(f.severity)?;
        fnd.execute(params![seq, f.id, severity.as_str().unwrap_or(""), f.score, f.title])?;
    }
    let mut fam = tx.prepare_cached("INSERT INTO families (seq, name) VALUES (?1, ?2)")?;
    for name in &rec.families {
        fam.execute(params![seq, name])?;
    }
    tx.prepare_cached("INSERT INTO campaign_inputs (seq, features, digest) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, p.features_json, p.digest_json])?;
    Ok(())
}
