//! Reading campaigns back.

use mozu_campaign::{Campaign, Link, Member, Reason};
use mozu_model::{MessageRecord, SourceFormat, SourceRef};
use rusqlite::{OptionalExtension, params};

use crate::{Result, Store};

impl Store {
    /// Every campaign, largest first, without member lists (see
    /// [`Store::campaign`] and [`Store::campaigns_with_members`]).
    pub fn campaigns(&self) -> Result<Vec<Campaign>> {
        let mut stmt = self.conn.prepare("SELECT data FROM campaigns ORDER BY size DESC, id")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        rows.iter().map(|d| Ok(serde_json::from_str(d)?)).collect()
    }

    /// Every campaign with its member messages.
    pub fn campaigns_with_members(&self) -> Result<Vec<Campaign>> {
        let mut campaigns = self.campaigns()?;
        for c in &mut campaigns {
            c.messages = self.members(&c.id)?;
        }
        Ok(campaigns)
    }

    /// One campaign with its member messages. `id` may be a unique prefix.
    pub fn campaign(&self, id: &str) -> Result<Option<Campaign>> {
        let pattern = format!("{}%", id.replace(['%', '_'], ""));
        let mut stmt = self
            .conn
            .prepare("SELECT data FROM campaigns WHERE id LIKE ?1 ORDER BY id LIMIT 2")?;
        let rows: Vec<String> = stmt
            .query_map([pattern], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        let [data] = rows.as_slice() else { return Ok(None) };
        let mut c: Campaign = serde_json::from_str(data)?;
        c.messages = self.members(&c.id)?;
        Ok(Some(c))
    }

    fn members(&self, id: &str) -> Result<Vec<Member>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT source_path, source_index, source_format, message_id, sha256, date, subject
             FROM messages WHERE campaign = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([id], |r| {
            let format: String = r.get(2)?;
            let index: Option<i64> = r.get(1)?;
            Ok(Member {
                source: Some(SourceRef {
                    path: r.get(0)?,
                    index: index.and_then(|i| u64::try_from(i).ok()),
                    format: serde_json::from_value(serde_json::Value::String(format)).unwrap_or(SourceFormat::Eml),
                }),
                message_id: r.get(3)?,
                sha256: r.get(4)?,
                date: r.get(5)?,
                subject: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Up to `limit` explained links of a campaign, strongest first.
    /// Indexes in the links are store sequence numbers.
    pub fn links(&self, campaign: &str, limit: usize) -> Result<Vec<Link>> {
        let mut stmt = self
            .conn
            .prepare("SELECT a, b, score, reasons FROM links WHERE campaign = ?1 ORDER BY score DESC, a LIMIT ?2")?;
        let rows: Vec<(i64, i64, f64, String)> = stmt
            .query_map(params![campaign, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<std::result::Result<_, _>>()?;
        rows.into_iter()
            .map(|(a, b, score, reasons)| {
                let reasons: Vec<Reason> = serde_json::from_str(&reasons)?;
                Ok(Link {
                    from: a as usize,
                    to: b as usize,
                    score,
                    reasons,
                })
            })
            .collect()
    }

    /// The stored record of a message by its SHA-256.
    pub fn message(&self, sha256: &str) -> Result<Option<MessageRecord>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT r.record FROM records r JOIN messages m ON m.seq = r.seq WHERE m.sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| Ok(serde_json::from_str(&j)?)).transpose()
    }

    /// Number of sightings (sources) of all messages: at least the message count.
    pub fn sighting_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM sightings", [], |r| r.get(0))?)
    }
}
