//! `mozu hunt`: Sigma rules over event, proxy and firewall logs; `mozu hunt attribute`: who is behind 4776.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use mozu_hunt::attribution::{AttributionConfig, Attributor, Candidate};
use mozu_hunt::{Hit, HitKind, HuntReport, Hunter};
use mozu_logs::{Limits, collect_inputs, time::format_timestamp};
use serde_json::json;

use crate::scan::progress_bar;

/// Output format of the hunt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HuntFormat {
    /// Aligned columns.
    Table,
    /// Comma-separated values with a header.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Arguments of `mozu hunt`.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct HuntArgs {
    /// Other hunt commands.
    #[command(subcommand)]
    pub command: Option<HuntCommand>,
    /// Log files or directories (EVTX, JSON/JSONL, Squid, W3C, firewall CSV; .gz accepted).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Add a Sigma rule folder or file (repeatable), e.g. ../shared/sigma/rules.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load mozu's own rule pack.
    #[arg(long)]
    pub no_builtin_rules: bool,
    /// Print every rule that failed to load, with its code, file and line.
    #[arg(long)]
    pub rule_diagnostics: bool,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    pub format: Option<HuntFormat>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// Subcommands of `mozu hunt`.
#[derive(Subcommand, Debug)]
pub enum HuntCommand {
    /// Rank the likely source address of address-less events (4776 failures on a DC)
    /// by their co-occurrence with connection events (5156, firewall logs).
    Attribute(AttributeArgs),
}

/// Arguments of `mozu hunt attribute`.
#[derive(clap::Args, Debug)]
pub struct AttributeArgs {
    /// Log files or directories holding both the targets and the connections.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Event id of the address-less targets.
    #[arg(long, default_value_t = 4776)]
    pub target_event_id: u32,
    /// Count successful targets too (default: failures only).
    #[arg(long)]
    pub all_statuses: bool,
    /// Event id of the Windows connection events.
    #[arg(long, default_value_t = 5156)]
    pub connection_event_id: u32,
    /// Ignore firewall log lines.
    #[arg(long)]
    pub no_firewall: bool,
    /// Keep only connections to this destination (the DC's address).
    #[arg(long, value_name = "IP")]
    pub destination: Option<String>,
    /// Window half-width in seconds to scan (repeatable; default 1,2,5,10,30,60,120).
    #[arg(long = "window", value_name = "SECS")]
    pub windows: Vec<u32>,
    /// Show only the best N candidates.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Output format (table or jsonl; csv is treated as table).
    #[arg(long, value_enum)]
    pub format: Option<HuntFormat>,
}

fn default_format(f: Option<HuntFormat>) -> HuntFormat {
    use std::io::IsTerminal;
    f.unwrap_or(if io::stdout().is_terminal() {
        HuntFormat::Table
    } else {
        HuntFormat::Jsonl
    })
}

/// Runs the hunt.
pub fn run(args: &HuntArgs) -> Result<ExitCode> {
    if let Some(HuntCommand::Attribute(a)) = &args.command {
        return attribute(a);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    let started = std::time::Instant::now();
    let rules = mozu_hunt::load_rules(!args.no_builtin_rules, &args.rules);
    let load_time = started.elapsed();
    eprintln!(
        "rules: {} detection + {} correlation loaded in {:.2}s, {} failed{}",
        rules.detector.rule_count(),
        rules.set.correlations.len(),
        load_time.as_secs_f64(),
        rules.failure_count(),
        if rules.failure_count() > 0 && !args.rule_diagnostics {
            " (--rule-diagnostics for details)"
        } else {
            ""
        }
    );
    if args.rule_diagnostics {
        for d in &rules.diagnostics {
            eprintln!("  {d}");
        }
    }
    let (files, walk_errors) = collect_inputs(&args.paths);
    let bar = progress_bar(files.len() as u64, args.no_progress);
    let hunter = Hunter::new(rules, Limits::default());
    let report = pool.install(|| hunter.hunt(&files, &|n| bar.set_position(n)));
    bar.finish_and_clear();
    let mut out = io::BufWriter::new(io::stdout().lock());
    write_timeline(&mut out, &report.hits, default_format(args.format))?;
    out.flush()?;
    summary(&report, walk_errors.len(), started.elapsed());
    for e in &walk_errors {
        eprintln!("error: {e}");
    }
    Ok(ExitCode::from(u8::from(report.failed_files() + walk_errors.len() > 0)))
}

fn time_of(h: &Hit) -> String {
    h.ts_ms.map(format_timestamp).unwrap_or_default()
}

fn fields_text(h: &Hit) -> String {
    h.fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn write_timeline(out: &mut impl Write, hits: &[Hit], format: HuntFormat) -> io::Result<()> {
    match format {
        HuntFormat::Jsonl => {
            for h in hits {
                let fields: serde_json::Map<String, serde_json::Value> =
                    h.fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                let row = json!({
                    "timestamp": time_of(h),
                    "computer": h.computer,
                    "channel": h.channel,
                    "event_id": h.event_id,
                    "rule_id": h.rule_id,
                    "rule_title": h.rule_title,
                    "level": h.level.as_str(),
                    "kind": if h.kind == HitKind::Correlation { "correlation" } else { "detection" },
                    "tags": h.tags,
                    "fields": fields,
                    "source": h.source,
                });
                serde_json::to_writer(&mut *out, &row)?;
                out.write_all(b"\n")?;
            }
        }
        HuntFormat::Csv => {
            writeln!(
                out,
                "timestamp,computer,channel,event_id,rule_id,rule_title,level,kind,fields"
            )?;
            for h in hits {
                let kind = if h.kind == HitKind::Correlation {
                    "correlation"
                } else {
                    "detection"
                };
                let cols = [
                    time_of(h),
                    h.computer.clone(),
                    h.channel.clone(),
                    h.event_id.clone(),
                    h.rule_id.clone(),
                    h.rule_title.clone(),
                    h.level.as_str().to_owned(),
                    kind.to_owned(),
                    fields_text(h),
                ];
                let line: Vec<String> = cols.iter().map(|c| csv_quote(c)).collect();
                writeln!(out, "{}", line.join(","))?;
            }
        }
        HuntFormat::Table => {
            for h in hits {
                let mark = if h.kind == HitKind::Correlation { "∑" } else { " " };
                writeln!(
                    out,
                    "{:<24} {:<8} {mark} {:<20} {:<28} {:>5}  {}  {}",
                    time_of(h),
                    h.level.as_str(),
                    trunc(&h.computer, 20),
                    trunc(&h.channel, 28),
                    h.event_id,
                    h.rule_title,
                    trunc(&fields_text(h), 160)
                )?;
            }
        }
    }
    Ok(())
}

fn trunc(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n.saturating_sub(1)).chain(['…']).collect()
    }
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn summary(report: &HuntReport, walk_errors: usize, elapsed: std::time::Duration) {
    let mut per_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut per_host: BTreeMap<&str, usize> = BTreeMap::new();
    for h in &report.hits {
        *per_rule.entry((h.level.as_str(), h.rule_title.as_str())).or_default() += 1;
        *per_host.entry(h.computer.as_str()).or_default() += 1;
    }
    eprintln!(
        "hunt: {} files ({} failed), {} events, {} hits in {:.2}s",
        report.files.len() + walk_errors,
        report.failed_files() + walk_errors,
        report.events,
        report.hits.len(),
        elapsed.as_secs_f64()
    );
    let mut rules: Vec<_> = per_rule.into_iter().collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((level, title), n) in rules.iter().take(30) {
        eprintln!("  {n:>7}  {level:<13} {title}");
    }
    let mut hosts: Vec<_> = per_host.into_iter().collect();
    hosts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (host, n) in hosts.iter().take(15) {
        eprintln!("  {n:>7}  host {host}");
    }
    for f in &report.files {
        match &f.result {
            Err(e) => eprintln!("error: {e}"),
            Ok(r) if r.skipped > 0 => {
                eprintln!(
                    "warning: {}: {} records skipped; first: {}",
                    f.path.display(),
                    r.skipped,
                    r.problems.first().map_or("", String::as_str)
                );
            }
            Ok(_) => {}
        }
    }
}

fn attribute(args: &AttributeArgs) -> Result<ExitCode> {
    let mut config = AttributionConfig {
        target_event_id: args.target_event_id,
        failures_only: !args.all_statuses,
        connection_event_id: args.connection_event_id,
        use_firewall: !args.no_firewall,
        destination: args.destination.clone(),
        ..AttributionConfig::default()
    };
    if !args.windows.is_empty() {
        config.windows_secs = args.windows.clone();
    }
    let mut attributor = Attributor::new(config);
    let (files, walk_errors) = collect_inputs(&args.paths);
    let mut failed = walk_errors.len();
    for e in &walk_errors {
        eprintln!("error: {e}");
    }
    for path in &files {
        if let Err(e) = mozu_logs::read_file(path, &Limits::default(), &mut |ev| attributor.observe(&ev)) {
            eprintln!("error: {e}");
            failed += 1;
        }
    }
    eprintln!(
        "attribute: {} targets, {} candidate sources from {} files",
        attributor.target_count(),
        attributor.source_count(),
        files.len()
    );
    let ranked = attributor.rank();
    let mut out = io::BufWriter::new(io::stdout().lock());
    write_candidates(&mut out, ranked.iter().take(args.top), default_format(args.format))?;
    out.flush()?;
    Ok(ExitCode::from(u8::from(failed > 0)))
}

fn write_candidates<'a>(
    out: &mut impl Write,
    ranked: impl Iterator<Item = &'a Candidate>,
    format: HuntFormat,
) -> io::Result<()> {
    if format != HuntFormat::Jsonl {
        writeln!(
            out,
            "{:<4} {:<16} {:>8} {:>6} {:>9} {:>7} {:>6}  explanation",
            "rank", "source_ip", "score", "hits", "expected", "conns", "win_s"
        )?;
    }
    for (i, c) in ranked.enumerate() {
        if format == HuntFormat::Jsonl {
            let row = json!({
                "rank": i + 1, "source_ip": c.source_ip, "score": c.score, "p_value": c.p_value,
                "hits": c.hits, "expected": c.expected, "targets": c.targets, "connections": c.connections,
                "window_secs": c.window_secs, "explanation": c.explanation,
            });
            serde_json::to_writer(&mut *out, &row)?;
            out.write_all(b"\n")?;
        } else {
            writeln!(
                out,
                "{:<4} {:<16} {:>8.2} {:>6} {:>9.2} {:>7} {:>6}  {}",
                i + 1,
                c.source_ip,
                c.score,
                c.hits,
                c.expected,
                c.connections,
                c.window_secs,
                c.explanation
            )?;
        }
    }
    Ok(())
}
