//! Terminal views of campaigns: the list and one campaign in full.

use std::collections::BTreeMap;
use std::io::{self, Write};

use anyhow::Result;
use mozu_campaign::{Campaign, Counted, Link};

/// Width of the longest bar of the per-day chart.
const BAR_WIDTH: u64 = 50;
/// More days than this are shown per week.
const MAX_DAY_ROWS: usize = 90;

/// Characters of a label shown in the list.
const LABEL_CHARS: usize = 70;

/// Strips control characters: subjects are attacker-written and must not
/// drive the terminal.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

pub fn list(campaigns: &[Campaign]) -> Result<()> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<15} {:>7}  {:<10}  {:<10}  label",
        "id", "mails", "first", "last"
    )?;
    for c in campaigns {
        let day = |d: &Option<String>| d.as_deref().and_then(|d| d.get(..10)).unwrap_or("-").to_string();
        let label: String = clean(&c.label).chars().take(LABEL_CHARS).collect();
        writeln!(
            out,
            "{:<15} {:>7}  {:<10}  {:<10}  {label}",
            c.id,
            c.size,
            day(&c.first_seen),
            day(&c.last_seen)
        )?;
    }
    Ok(())
}

/// Per-day counts, or per-week (from the first day) when there are many days.
fn rows(per_day: &BTreeMap<String, u64>) -> (Vec<(String, u64)>, &'static str) {
    if per_day.len() <= MAX_DAY_ROWS {
        return (per_day.iter().map(|(d, n)| (d.clone(), *n)).collect(), "day");
    }
    let mut weeks: Vec<(String, u64)> = Vec::new();
    let first = per_day
        .keys()
        .next()
        .and_then(|d| mozu_export::time_epoch_day(d))
        .unwrap_or(0);
    for (d, n) in per_day {
        let day = mozu_export::time_epoch_day(d).unwrap_or(first);
        let week = ((day - first) / 7) as usize;
        while weeks.len() <= week {
            let start = first + 7 * weeks.len() as i64;
            weeks.push((mozu_export::day_string(start), 0));
        }
        if let Some(w) = weeks.get_mut(week) {
            w.1 += n;
        }
    }
    (weeks, "week from")
}

fn counted(out: &mut impl Write, name: &str, values: &[Counted], n: usize) -> io::Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    writeln!(out, "{name}:")?;
    for v in values.iter().take(n) {
        writeln!(out, "  {:>6}  {}", v.count, clean(&v.value))?;
    }
    if values.len() > n {
        writeln!(out, "  … {} more", values.len() - n)?;
    }
    Ok(())
}

pub fn show(c: &Campaign, links: &[Link]) -> Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}  {}", c.id, clean(&c.label))?;
    writeln!(
        out,
        "{} mails, first seen {}, last seen {}",
        c.size,
        c.first_seen.as_deref().unwrap_or("-"),
        c.last_seen.as_deref().unwrap_or("-")
    )?;
    let (rows, unit) = rows(&c.per_day);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    writeln!(out, "\nmails per {unit}:")?;
    for (day, n) in &rows {
        let len = (n * BAR_WIDTH).div_ceil(max) as usize;
        writeln!(out, "  {day} {:>6} {}", n, "█".repeat(len))?;
    }
    writeln!(out)?;
    counted(&mut out, "subject templates", &c.subject_templates, 10)?;
    counted(&mut out, "attachment patterns", &c.attachment_patterns, 10)?;
    counted(&mut out, "attachment types", &c.attachment_types, 10)?;
    counted(&mut out, "senders", &c.senders, 10)?;
    counted(&mut out, "sender domains", &c.sender_domains, 10)?;
    counted(&mut out, "sending IPs", &c.sender_ips, 10)?;
    counted(&mut out, "sending networks", &c.sender_networks, 10)?;
    counted(&mut out, "X-Mailer", &c.x_mailers, 5)?;
    counted(&mut out, "URL hosts", &c.url_hosts, 10)?;
    counted(&mut out, "URLs", &c.urls, 10)?;
    counted(&mut out, "spoofed organisations", &c.spoofed_orgs, 10)?;
    counted(&mut out, "findings", &c.finding_ids, 10)?;
    counted(&mut out, "families", &c.families, 10)?;
    if !c.payloads.is_empty() {
        writeln!(out, "payloads:")?;
        for (p, n) in c.payloads.iter().take(10) {
            writeln!(out, "  {n:>6}  {}  {}  {}", p.sha256, p.kind, clean(&p.name))?;
        }
    }
    counted(&mut out, "linked by (feature, links)", &c.link_features, 15)?;
    if !links.is_empty() {
        writeln!(out, "strongest links (store message numbers):")?;
        for l in links {
            let why: Vec<String> = l
                .reasons
                .iter()
                .map(|r| format!("{}={}", r.feature, clean(&r.value)))
                .collect();
            writeln!(out, "  #{} ~ #{}  {:.2}  {}", l.from, l.to, l.score, why.join(", "))?;
        }
    }
    writeln!(out, "messages:")?;
    for m in c.messages.iter().take(20) {
        let path = m.source.as_ref().map_or("-", |s| s.path.as_str());
        writeln!(
            out,
            "  {}  {}  {}",
            m.date.as_deref().unwrap_or("-"),
            path,
            clean(m.subject.as_deref().unwrap_or(""))
        )?;
    }
    if c.messages.len() > 20 {
        writeln!(out, "  … {} more (mozu campaigns export)", c.messages.len() - 20)?;
    }
    Ok(())
}
