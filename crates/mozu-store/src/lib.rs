//! The campaign store: an embedded SQLite database, versioned schema, idempotent ingest.
#![warn(missing_docs)]
