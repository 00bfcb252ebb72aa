//! Log readers of mozu: EVTX, JSON, proxy and firewall logs as flattened events.
//!
//! Every input becomes a stream of [`LogEvent`]s whose fields are already in
//! the Sigma taxonomy of their kind (Windows, proxy, firewall), flattened once
//! into a [`mozu_sigma::FlatEvent`]. Formats are detected by content, `.gz`
//! goes through a capped decompressor, and a file that cannot be read is an
//! error for that file only.
#![warn(missing_docs)]

mod binxml;
mod evtx_reader;
pub mod firewall;
mod input;
pub mod proxy;
pub mod time;
pub mod windows;

pub use input::{
    DecodeCache, FileReport, Limits, collect_inputs, detect, read_bytes, read_file, read_file_cached, read_slice,
    read_slice_cached,
};
pub use mozu_sigma::FlatEvent;

/// Input formats recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogFormat {
    /// Windows XML event log (binary `.evtx`).
    Evtx,
    /// JSON, JSON Lines or concatenated JSON objects (evtx-JSON, Winlogbeat/ECS, other).
    Json,
    /// Squid native access log.
    SquidNative,
    /// Squid/Apache combined access log.
    Combined,
    /// W3C extended / ELFF proxy log.
    W3c,
    /// Firewall CSV with a header row.
    FirewallCsv,
}

impl LogFormat {
    /// Short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            LogFormat::Evtx => "evtx",
            LogFormat::Json => "json",
            LogFormat::SquidNative => "squid",
            LogFormat::Combined => "combined",
            LogFormat::W3c => "w3c",
            LogFormat::FirewallCsv => "firewall-csv",
        }
    }
}

/// What kind of log an event came from; decides its logsource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogKind {
    /// A Windows event (fields `Channel`, `EventID`, `Computer`, EventData names).
    Windows,
    /// A proxy request (Sigma `category: proxy`).
    Proxy,
    /// A firewall connection (Sigma `category: firewall`).
    Firewall,
    /// Any other JSON object, flattened to dotted keys.
    Json,
}

/// One event read from a log.
#[derive(Debug, Clone)]
pub struct LogEvent {
    /// Its kind.
    pub kind: LogKind,
    /// Time, Unix milliseconds (UTC), when the record has one.
    pub ts_ms: Option<i64>,
    /// Fields in the Sigma taxonomy of its kind.
    pub fields: FlatEvent,
}

/// Errors that stop the reading of one file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The content is not a log format mozu reads.
    #[error("{path}: unrecognised log format")]
    UnknownFormat {
        /// File.
        path: String,
    },
    /// The file or its decompressed content is over a limit.
    #[error("{path}: {what} over the limit of {limit} bytes")]
    TooLarge {
        /// File.
        path: String,
        /// What was too large.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// The EVTX header or structure is broken.
    #[error("{path}: evtx: {message}")]
    Evtx {
        /// File.
        path: String,
        /// Cause.
        message: String,
    },
    /// The JSON document (array form) is invalid.
    #[error("{path}: json: {message}")]
    Json {
        /// File.
        path: String,
        /// Cause.
        message: String,
    },
}
