//! Exports: STIX 2.1 bundles, MISP events, CSV indicators, GraphML graphs and the offline HTML report.
//!
//! Every export takes the campaign records of `mozu-campaign` and writes
//! to any `io::Write`. Nothing here fetches anything: the HTML report
//! carries its script, styles and data inline and draws its charts as SVG.
#![warn(missing_docs)]

pub mod csv;
pub mod graph;
pub mod html;
pub mod misp;
pub mod stix;
mod time;

use std::io::Write;

use mozu_campaign::Campaign;

pub use time::to_utc;

/// Errors of the exporters.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Writing the output failed.
    #[error("writing export: {0}")]
    Io(#[from] std::io::Error),
    /// Encoding JSON failed.
    #[error("encoding JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A time stamp the export needs is not RFC 3339.
    #[error("not an RFC 3339 time stamp: {0}")]
    BadTimestamp(String),
}

/// Result of the exporters.
pub type Result<T> = std::result::Result<T, ExportError>;

/// Indicator values exported per campaign and kind (the most frequent):
/// a 20,000-mail campaign must not produce a 20,000-line STIX bundle of
/// one-off URLs.
pub const MAX_INDICATORS_PER_KIND: usize = 50;

/// JSON Lines: one campaign per line with `id`, `label`, the summary and
/// `messages` (each with `source.path` and `message_id`).
pub fn jsonl<W: Write>(campaigns: &[Campaign], mut out: W) -> Result<()> {
    for c in campaigns {
        serde_json::to_writer(&mut out, c)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` day.
pub fn time_epoch_day(day: &str) -> Option<i64> {
    time::epoch(&format!("{day}T00:00:00Z")).map(|s| s.div_euclid(86_400))
}

/// The `YYYY-MM-DD` of a day number (days since 1970-01-01).
pub fn day_string(day: i64) -> String {
    let ts = time::format_utc(day.saturating_mul(86_400));
    ts.get(..10).unwrap_or(&ts).to_string()
}
