//! The hunt: read logs, route each event to its rules, correlate in time order, build the timeline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use mozu_logs::{DecodeCache, FileReport, Limits, LogEvent, LogKind};
use mozu_sigma::{Correlator, Detector, FlatEvent, Level, Match, Route, Rules};
use rayon::prelude::*;

use crate::routing::{add_aliases, logsources, route_key, service_of};

/// Longest value shown in a timeline's key fields.
pub const MAX_KEY_FIELD_CHARS: usize = 300;

/// Fields shown in the timeline when present, in this order.
const KEY_FIELDS: &[&str] = &[
    "Image",
    "CommandLine",
    "ParentImage",
    "TargetFilename",
    "TargetObject",
    "Details",
    "ImageLoaded",
    "PipeName",
    "QueryName",
    "DestinationIp",
    "DestinationPort",
    "ServiceName",
    "ImagePath",
    "TargetUserName",
    "Workstation",
    "WorkstationName",
    "IpAddress",
    "LogonType",
    "Status",
    "SubStatus",
    "ScriptBlockText",
    "src_ip",
    "dst_ip",
    "dst_port",
    "cs-method",
    "c-uri",
    "cs-host",
    "c-useragent",
    "sc-status",
    "action",
];

/// Whether a timeline row is a single-event detection or a correlation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    /// One event matched one detection rule.
    Detection,
    /// A correlation rule fired over several detections.
    Correlation,
}

/// One row of the timeline.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Event time (Unix ms); for a correlation the time of the event that completed it.
    pub ts_ms: Option<i64>,
    /// `Computer` (Windows) or the client address (proxy, firewall).
    pub computer: String,
    /// Channel or log kind (`proxy`, `firewall`, `json`).
    pub channel: String,
    /// Event id (Windows), else empty.
    pub event_id: String,
    /// Rule id.
    pub rule_id: String,
    /// Rule title.
    pub rule_title: String,
    /// Rule level.
    pub level: Level,
    /// Rule tags.
    pub tags: Vec<String>,
    /// Detection or correlation.
    pub kind: HitKind,
    /// Key fields of the event (or the group-by values and count of a correlation).
    pub fields: Vec<(String, String)>,
    /// Input file.
    pub source: String,
}

/// Outcome of reading one input file.
#[derive(Debug)]
pub struct FileOutcome {
    /// The file.
    pub path: PathBuf,
    /// Its report, or why it could not be read.
    pub result: Result<FileReport, String>,
}

/// Everything a hunt produced.
#[derive(Debug, Default)]
pub struct HuntReport {
    /// Timeline rows, ordered by time (rows without time last).
    pub hits: Vec<Hit>,
    /// One outcome per input file.
    pub files: Vec<FileOutcome>,
    /// Events read.
    pub events: u64,
}

impl HuntReport {
    /// Files that could not be read.
    pub fn failed_files(&self) -> usize {
        self.files.iter().filter(|f| f.result.is_err()).count()
    }
}

/// An event that matched at least one rule, kept until correlation.
struct Matched {
    ts_ms: Option<i64>,
    kind: LogKind,
    fields: FlatEvent,
    matches: Vec<Match>,
    source: usize,
}

/// Compiled rules plus the routing cache: the reusable part of a hunt.
pub struct Hunter {
    rules: Rules,
    limits: Limits,
}

impl Hunter {
    /// A hunter over compiled rules.
    pub fn new(rules: Rules, limits: Limits) -> Self {
        Self { rules, limits }
    }

    /// The compiled rules (diagnostics, counts).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Reads `files` in parallel, detects, correlates and returns the timeline.
    /// `progress` is called with the number of files finished so far.
    pub fn hunt(&self, files: &[PathBuf], progress: &(dyn Fn(u64) + Sync)) -> HuntReport {
        let done = AtomicU64::new(0);
        let per_file: Vec<(FileOutcome, Vec<Matched>, u64)> = files
            .par_iter()
            .enumerate()
            // One route cache per worker: most inputs hold few kinds of events.
            .map_init(
                || (RouteCache::default(), DecodeCache::default()),
                |(routes, decoding), (i, path)| {
                    let out = self.hunt_file(routes, decoding, i, path);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    out
                },
            )
            .collect();
        let mut report = HuntReport::default();
        let mut matched = Vec::new();
        for (outcome, m, events) in per_file {
            report.files.push(outcome);
            report.events += events;
            matched.extend(m);
        }
        let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        report.hits = self.timeline(matched, &names);
        report
    }

    /// Runs detection and correlation over events already in memory (any order) and returns the timeline.
    pub fn hunt_events(&self, events: impl IntoIterator<Item = LogEvent>) -> Vec<Hit> {
        let mut cache = RouteCache::default();
        let matched = events
            .into_iter()
            .filter_map(|ev| detect_one(&self.rules.detector, &mut cache, ev, 0))
            .collect();
        self.timeline(matched, &["<events>".to_owned()])
    }

    fn hunt_file(
        &self,
        cache: &mut RouteCache,
        decoding: &mut DecodeCache,
        index: usize,
        path: &Path,
    ) -> (FileOutcome, Vec<Matched>, u64) {
        let mut matched = Vec::new();
        let mut events = 0;
        let detector = &self.rules.detector;
        let result = mozu_logs::read_file_cached(path, &self.limits, decoding, &mut |ev: LogEvent| {
            events += 1;
            if let Some(m) = detect_one(detector, cache, ev, index) {
                matched.push(m);
            }
        });
        let outcome = FileOutcome {
            path: path.to_owned(),
            result: result.map_err(|e| e.to_string()),
        };
        (outcome, matched, events)
    }

    /// Sorts matched events by time, feeds the correlator, and renders rows.
    fn timeline(&self, mut matched: Vec<Matched>, sources: &[String]) -> Vec<Hit> {
        // Stable sort keeps file order for equal or missing times.
        matched.sort_by_key(|m| m.ts_ms.unwrap_or(i64::MAX));
        let (mut correlator, _) = Correlator::build(&self.rules.set);
        let mut hits = Vec::new();
        for m in &matched {
            let source = sources.get(m.source).cloned().unwrap_or_default();
            let (computer, channel, event_id) = where_of(m.kind, &m.fields);
            if let Some(ts) = m.ts_ms {
                for c in correlator.feed(&m.fields, &m.matches, ts.div_euclid(1000)) {
                    let mut fields = c.group.clone();
                    fields.push((c.kind.clone(), format!("{}", c.value)));
                    fields.push(("timespan_secs".into(), c.timespan_secs.to_string()));
                    hits.push(Hit {
                        ts_ms: m.ts_ms,
                        computer: computer.clone(),
                        channel: channel.clone(),
                        event_id: event_id.clone(),
                        rule_id: c.rule_id,
                        rule_title: c.title,
                        level: c.level,
                        tags: c.tags,
                        kind: HitKind::Correlation,
                        fields,
                        source: source.clone(),
                    });
                }
            }
            for d in m.matches.iter().filter(|d| !correlator.is_correlation_only(d)) {
                hits.push(Hit {
                    ts_ms: m.ts_ms,
                    computer: computer.clone(),
                    channel: channel.clone(),
                    event_id: event_id.clone(),
                    rule_id: d.rule_id.clone(),
                    rule_title: d.title.clone(),
                    level: d.level,
                    tags: d.tags.clone(),
                    kind: HitKind::Detection,
                    fields: key_fields(&m.fields),
                    source: source.clone(),
                });
            }
        }
        hits
    }
}

/// Routes (with a per-file cache), aliases and evaluates one event.
fn detect_one(detector: &Detector, cache: &mut RouteCache, ev: LogEvent, source: usize) -> Option<Matched> {
    let LogEvent {
        kind,
        ts_ms,
        mut fields,
    } = ev;
    let key = route_key(kind, &fields);
    if key.0 == LogKind::Windows {
        add_aliases(&service_of(&key.1), key.2, &mut fields);
    }
    let route = match cache.0.get(&key) {
        Some(r) => r,
        None => {
            let r = detector.route(&logsources(key.0, &key.1, key.2));
            cache.0.entry(key).or_insert(r)
        }
    };
    if route.is_empty() {
        return None;
    }
    let matches = detector.evaluate(&fields, route);
    if matches.is_empty() {
        return None;
    }
    Some(Matched {
        ts_ms,
        kind,
        fields,
        matches,
        source,
    })
}

/// Evaluates one already-read event; for tests and library callers.
pub fn detect_event(detector: &Detector, ev: LogEvent) -> Vec<Match> {
    detect_event_cached(detector, &mut RouteCache::default(), ev)
}

/// Routes computed so far, by event kind, channel and event id; reuse one
/// per thread across events and files.
#[derive(Default)]
pub struct RouteCache(HashMap<(LogKind, String, u32), Route>);

/// [`detect_event`] with a route cache kept by the caller.
pub fn detect_event_cached(detector: &Detector, cache: &mut RouteCache, ev: LogEvent) -> Vec<Match> {
    detect_one(detector, cache, ev, 0)
        .map(|m| m.matches)
        .unwrap_or_default()
}

fn where_of(kind: LogKind, f: &FlatEvent) -> (String, String, String) {
    let get = |k: &str| f.get(k).unwrap_or("").to_owned();
    match kind {
        LogKind::Windows => (get("Computer"), get("Channel"), get("EventID")),
        LogKind::Proxy => (get("src_ip"), "proxy".into(), String::new()),
        LogKind::Firewall => (get("src_ip"), "firewall".into(), String::new()),
        _ => (get("host.name"), "json".into(), String::new()),
    }
}

fn key_fields(f: &FlatEvent) -> Vec<(String, String)> {
    KEY_FIELDS
        .iter()
        .filter_map(|k| {
            let v = f.get(k)?;
            let v: String = v.chars().take(MAX_KEY_FIELD_CHARS).collect();
            Some(((*k).to_owned(), v))
        })
        .collect()
}
