//! Firewall logs as CSV with a header row; columns are mapped by name.
//!
//! | field     | accepted header names (case-insensitive)                          |
//! |-----------|-------------------------------------------------------------------|
//! | timestamp | `time`, `timestamp`, `datetime`, `date_time`, `@timestamp`, `date` |
//! | src_ip    | `src`, `src_ip`, `source`, `source_ip`, `source_address`, `srcaddr`|
//! | dst_ip    | `dst`, `dst_ip`, `destination`, `destination_ip`, `dest_ip`, `dstaddr` |
//! | src_port  | `src_port`, `sport`, `source_port`, `srcport`                      |
//! | dst_port  | `dst_port`, `dport`, `destination_port`, `dest_port`, `dstport`    |
//! | protocol  | `proto`, `protocol`                                                |
//! | action    | `action`, `disposition`, `verdict`                                 |
//!
//! Other columns are kept under their header name. Quoting follows RFC 4180.

use mozu_sigma::FlatEvent;

use crate::time::parse_timestamp;

/// Most columns read.
pub const MAX_CSV_COLUMNS: usize = 256;

fn canonical(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    let c = match lower.as_str() {
        "time" | "timestamp" | "datetime" | "date_time" | "@timestamp" | "date" => "timestamp",
        "src" | "src_ip" | "source" | "source_ip" | "source_address" | "srcaddr" => "src_ip",
        "dst" | "dst_ip" | "destination" | "destination_ip" | "dest_ip" | "dstaddr" => "dst_ip",
        "src_port" | "sport" | "source_port" | "srcport" => "src_port",
        "dst_port" | "dport" | "destination_port" | "dest_port" | "dstport" => "dst_port",
        "proto" | "protocol" => "protocol",
        "action" | "disposition" | "verdict" => "action",
        _ => return lower,
    };
    c.to_owned()
}

/// Splits one CSV record (no embedded newlines) honouring `"quoted, fields"` and `""` escapes.
pub fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => {
                out.push(std::mem::take(&mut cur));
                if out.len() >= MAX_CSV_COLUMNS {
                    return out;
                }
            }
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Whether a first line looks like a firewall CSV header (has a source and a destination column).
pub fn looks_like_header(line: &str) -> bool {
    let cols: Vec<String> = split_csv(line).iter().map(|c| canonical(c)).collect();
    cols.len() >= 3 && cols.iter().any(|c| c == "src_ip") && cols.iter().any(|c| c == "dst_ip")
}

/// Reads firewall CSV lines after the header.
#[derive(Debug, Clone)]
pub struct FirewallReader {
    columns: Vec<String>,
}

impl FirewallReader {
    /// A reader for the given header line.
    pub fn new(header: &str) -> Self {
        Self {
            columns: split_csv(header).iter().map(|c| canonical(c)).collect(),
        }
    }

    /// One data line to an event; blank lines give `None`.
    pub fn line(&self, line: &str) -> Option<(FlatEvent, Option<i64>)> {
        if line.trim().is_empty() {
            return None;
        }
        let values = split_csv(line);
        let mut ev = FlatEvent::with_capacity(self.columns.len(), line.len() * 2);
        let mut ts = None;
        for (name, value) in self.columns.iter().zip(values.iter()) {
            let value = value.trim();
            if name == "timestamp" {
                ts = parse_timestamp(value);
            }
            if !value.is_empty() && value != "-" {
                ev.push(name, value);
            }
        }
        Some((ev, ts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_columns() {
        let header = "Time,Source Address,Destination,dport,Protocol,Action,note";
        assert!(looks_like_header(header));
        let r = FirewallReader::new(header);
        let (ev, ts) = r
            .line("2018-09-01T01:02:03Z,10.0.0.9,10.0.0.1,445,tcp,allow,\"a, b\"")
            .unwrap_or_default();
        assert!(ts.is_some());
        assert_eq!(ev.get("src_ip"), Some("10.0.0.9"));
        assert_eq!(ev.get("dst_port"), Some("445"));
        assert_eq!(ev.get("note"), Some("a, b"));
        assert!(!looks_like_header("a,b,c"));
    }
}
