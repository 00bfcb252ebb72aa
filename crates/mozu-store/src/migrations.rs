//! Versioned schema: migration `n` takes the database from version `n` to
//! `n + 1` (`PRAGMA user_version`). Migrations only ever get appended.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Result, StoreError};

/// The migrations, oldest first.
const MIGRATIONS: &[&str] = &[
    // 1: messages and what was found in them; campaign inputs and outputs.
    r"
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        message_id TEXT,
        date TEXT,
        subject TEXT,
        from_addr TEXT,
        source_path TEXT NOT NULL,
        source_index INTEGER,
        source_format TEXT NOT NULL,
        campaign TEXT,
        ingested_at INTEGER NOT NULL
    );
    -- The full records live apart so that rewriting a message's campaign
    -- does not rewrite kilobytes of JSON.
    CREATE TABLE records (
        seq INTEGER PRIMARY KEY REFERENCES messages(seq),
        record TEXT NOT NULL
    );
    CREATE INDEX messages_message_id ON messages(message_id);
    CREATE INDEX messages_campaign ON messages(campaign);
    CREATE TABLE sightings (
        seq INTEGER NOT NULL REFERENCES messages(seq),
        source_path TEXT NOT NULL,
        source_index INTEGER NOT NULL DEFAULT -1,
        UNIQUE (seq, source_path, source_index)
    );
    CREATE TABLE artifacts (
        seq INTEGER NOT NULL REFERENCES messages(seq),
        path TEXT NOT NULL,
        name TEXT,
        detected_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        md5 TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        ssdeep TEXT,
        tlsh TEXT
    );
    CREATE INDEX artifacts_sha256 ON artifacts(sha256);
    CREATE TABLE indicators (
        seq INTEGER NOT NULL REFERENCES messages(seq),
        kind TEXT NOT NULL,
        value TEXT NOT NULL
    );
    CREATE INDEX indicators_value ON indicators(kind, value);
    CREATE TABLE findings (
        seq INTEGER NOT NULL REFERENCES messages(seq),
        id TEXT NOT NULL,
        severity TEXT NOT NULL,
        score INTEGER NOT NULL,
        title TEXT NOT NULL
    );
    CREATE TABLE families (
        seq INTEGER NOT NULL REFERENCES messages(seq),
        name TEXT NOT NULL
    );
    CREATE TABLE campaign_inputs (
        seq INTEGER PRIMARY KEY REFERENCES messages(seq),
        features TEXT NOT NULL,
        digest TEXT NOT NULL
    );
    CREATE TABLE campaigns (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        size INTEGER NOT NULL,
        first_seen TEXT,
        last_seen TEXT,
        data TEXT NOT NULL
    );
    CREATE TABLE links (
        a INTEGER NOT NULL,
        b INTEGER NOT NULL,
        campaign TEXT,
        score REAL NOT NULL,
        reasons TEXT NOT NULL
    );
    CREATE INDEX links_campaign ON links(campaign);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    ",
    // 2: finding and family look-ups for exports and hunting.
    r"
    CREATE INDEX findings_id ON findings(id);
    CREATE INDEX families_name ON families(name);
    ",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Applies the missing migrations, each in its own immediate transaction
/// that re-reads the version: two processes opening a new store at once
/// must not both run migration 1.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(sql) = MIGRATIONS.get(found as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
    }
}
