//! CSV of indicators: one row per (campaign, kind, value).

use std::io::Write;

use mozu_campaign::Campaign;

use crate::{MAX_INDICATORS_PER_KIND, Result};

/// Header of the indicator CSV.
pub const HEADER: &str = "campaign_id,campaign_label,kind,value,mails,first_seen,last_seen";

/// Quotes a field; a value a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) gets a leading apostrophe.
pub fn field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) || guarded != value {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The indicators of a campaign as (kind, value, mails).
pub fn indicators(c: &Campaign) -> Vec<(&'static str, String, u64)> {
    let mut rows = Vec::new();
    for (p, n) in c.payloads.iter().take(MAX_INDICATORS_PER_KIND) {
        if !p.sha256.is_empty() {
            rows.push(("sha256", p.sha256.clone(), *n));
        }
        if !p.md5.is_empty() {
            rows.push(("md5", p.md5.clone(), *n));
        }
    }
    let lists = [
        ("url", &c.urls),
        ("host", &c.url_hosts),
        ("sender-ip", &c.sender_ips),
        ("sender-email", &c.senders),
        ("attachment-name", &c.attachment_names),
        ("subject", &c.subjects),
    ];
    for (kind, list) in lists {
        for v in list.iter().take(MAX_INDICATORS_PER_KIND) {
            rows.push((kind, v.value.clone(), v.count));
        }
    }
    rows
}

/// Writes the indicator CSV of `campaigns`.
pub fn write<W: Write>(campaigns: &[Campaign], mut out: W) -> Result<()> {
    writeln!(out, "{HEADER}")?;
    for c in campaigns {
        for (kind, value, mails) in indicators(c) {
            writeln!(
                out,
                "{},{},{kind},{},{mails},{},{}",
                field(&c.id),
                field(&c.label),
                field(&value),
                field(c.first_seen.as_deref().unwrap_or("")),
                field(c.last_seen.as_deref().unwrap_or(""))
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
