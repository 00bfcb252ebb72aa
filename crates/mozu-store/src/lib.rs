//! The campaign store: an embedded SQLite database, versioned schema, idempotent ingest.
//!
//! Mails are added with [`Store::ingest`] (one transaction per call; the
//! same message twice — same SHA-256, or same Message-ID, Date and From —
//! is stored once and only gains a sighting). Clustering is a deterministic
//! replay of the stored features in ingest order, run by
//! [`Store::ensure_clustered`] when mail was added since the last run; the
//! campaigns, memberships and explained links it produces are written in
//! one transaction. The database runs in WAL mode, so a process killed in
//! the middle of an ingest leaves every committed batch intact and nothing
//! half-written.
#![warn(missing_docs)]

mod ingest;
mod migrations;
mod query;
mod recluster;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

pub use ingest::IngestReport;
pub use recluster::ClusterReport;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "mozu.db";
/// How long a writer waits for another process's lock before failing.
pub const BUSY_TIMEOUT_MS: u64 = 30_000;
/// Records inserted per transaction by [`Store::ingest`] callers that
/// stream (the CLI): small enough that a kill loses little work.
pub const BATCH_RECORDS: usize = 500;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON column did not decode (a corrupt or foreign database).
    #[error("stored data: {0}")]
    Json(#[from] serde_json::Error),
    /// Creating the database directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The platform has no per-user data directory; pass a path.
    #[error("no user data directory on this system; give --db PATH")]
    NoDataDir,
    /// The database was written by a newer mozu.
    #[error("database schema version {found} is newer than this mozu supports ({supported})")]
    SchemaTooNew {
        /// Version found.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// Campaign assembly failed.
    #[error("campaigns: {0}")]
    Campaign(#[from] mozu_campaign::CampaignError),
}

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// `<user data dir>/mozu/mozu.db` (`~/.local/share/mozu/mozu.db` on Linux).
    pub fn default_path() -> Result<PathBuf> {
        Ok(dirs::data_dir()
            .ok_or(StoreError::NoDataDir)?
            .join("mozu")
            .join(DB_FILE))
    }

    /// Opens (creating if needed) the store at `path` and brings its schema
    /// up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
        // WAL: readers never block the writer and a killed writer loses only
        // its open transaction. NORMAL sync is durable across process crashes.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: `"ok"` for a sound database.
    pub fn integrity_check(&self) -> Result<String> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows.join("; "))
    }

    /// Number of distinct messages stored.
    pub fn message_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?)
    }

    /// True when mail was added since campaigns were last computed.
    pub fn is_dirty(&self) -> Result<bool> {
        Ok(self.dirty_generation()?.is_some_and(|v| v != "0"))
    }

    fn dirty_generation(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'clusters_dirty'", [], |r| r.get(0))
            .optional()?)
    }

    /// Recomputes campaigns if mail was added since the last run; returns
    /// the report when it did.
    pub fn ensure_clustered(&mut self) -> Result<Option<ClusterReport>> {
        if self.is_dirty()? {
            self.recluster().map(Some)
        } else {
            Ok(None)
        }
    }
}
