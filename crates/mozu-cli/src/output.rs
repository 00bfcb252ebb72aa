//! Record writers: JSON Lines and a readable table on stdout, and, with
//! `mail scan --store`, the campaign store beside them.

use std::io::{self, Write};

use mozu_model::{Address, Artifact, FileRecord, Finding, MessageRecord, Record, Verdict};

use crate::args::Format;

/// Writes records in one format.
pub struct Writer<W: Write> {
    out: W,
    format: Format,
    store: Option<crate::campaigns::StoreSink>,
}

impl<W: Write> Writer<W> {
    /// A writer of `format` to `out`.
    pub fn new(out: W, format: Format) -> Self {
        Writer {
            out,
            format,
            store: None,
        }
    }

    /// Also adds every message record to the campaign store.
    pub fn with_store(mut self, store: Option<crate::campaigns::StoreSink>) -> Self {
        self.store = store;
        self
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        if let (Some(store), Record::Message(m)) = (&mut self.store, record) {
            store.push(m).map_err(io::Error::other)?;
        }
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")
            }
            Format::Table => match record {
                Record::Message(m) => table(&mut self.out, m),
                Record::File(f) => file_table(&mut self.out, f),
                Record::Error(e) => writeln!(self.out, "!! {}: {:?}: {}\n", e.source.path, e.kind, e.message),
            },
        }
    }

    /// Flushes the output (and the store's last batch, then clusters).
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(store) = &mut self.store {
            store.finish().map_err(io::Error::other)?;
        }
        self.out.flush()
    }
}

fn addr(a: &Address) -> String {
    match (&a.name, &a.address) {
        (Some(n), Some(ad)) => format!("{n} <{ad}>"),
        (Some(n), None) => n.clone(),
        (None, Some(ad)) => ad.clone(),
        (None, None) => String::new(),
    }
}

fn list(addrs: &[Address]) -> String {
    addrs.iter().map(addr).collect::<Vec<_>>().join(", ")
}

fn table(out: &mut impl Write, m: &MessageRecord) -> io::Result<()> {
    let index = m.source.index.map(|i| format!(" #{i}")).unwrap_or_default();
    writeln!(out, "── {}{index}", m.source.path)?;
    verdict(out, m.verdict.as_ref(), &m.findings, &m.families)?;
    field(out, "Date", m.date.as_deref().unwrap_or(""))?;
    field(out, "From", &m.from.as_ref().map(addr).unwrap_or_default())?;
    field(out, "Reply-To", &list(&m.reply_to))?;
    field(out, "To", &list(&m.to))?;
    field(out, "Subject", m.subject.as_deref().unwrap_or(""))?;
    field(out, "X-Mailer", m.x_mailer.as_deref().unwrap_or(""))?;
    let auth = [("spf", &m.auth.spf), ("dkim", &m.auth.dkim), ("dmarc", &m.auth.dmarc)]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(" ");
    field(out, "Auth", &auth)?;
    for a in &m.attachments {
        let name = a.name.as_deref().unwrap_or("(no name)");
        let ctype = a.content_type.as_deref().unwrap_or("?");
        field(
            out,
            "Attach",
            &format!("{name}  {ctype}  {} bytes  sha256:{}", a.size, &a.sha256),
        )?;
    }
    for u in m.urls.iter().take(10) {
        let defanged = if u.defanged { " (defanged)" } else { "" };
        let place = serde_json::to_value(&u.location)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        field(out, "URL", &format!("{}  [{place}]{defanged}", u.url))?;
    }
    if m.urls.len() > 10 {
        field(out, "URL", &format!("… {} more", m.urls.len() - 10))?;
    }
    artifacts(out, &m.artifacts)?;
    field(out, "IPs", &m.ips.join(" "))?;
    for w in &m.warnings {
        field(out, "Warning", &format!("{:?}: {}", w.code, w.message))?;
    }
    writeln!(out)
}

fn field(out: &mut dyn Write, name: &str, value: &str) -> io::Result<()> {
    if value.is_empty() {
        Ok(())
    } else {
        writeln!(out, "  {name:<10} {value}")
    }
}

/// The verdict line and one line per finding with its evidence, so the
/// analyst sees why before the details.
fn verdict(
    out: &mut dyn Write,
    verdict: Option<&Verdict>,
    findings: &[Finding],
    families: &[String],
) -> io::Result<()> {
    if let Some(v) = verdict {
        let families = if families.is_empty() {
            String::new()
        } else {
            format!("  family: {}", families.join(", "))
        };
        field(
            out,
            "Verdict",
            &format!("{} (score {}){families}", v.level.as_str().to_uppercase(), v.score),
        )?;
    }
    for f in findings {
        let evidence: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{}={}", e.field, clip(&e.value, 80)))
            .collect();
        field(
            out,
            "Finding",
            &format!("{} {:+} {} — {}", f.id, f.score, f.title, evidence.join("; ")),
        )?;
    }
    Ok(())
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn artifacts(out: &mut impl Write, list: &[Artifact]) -> io::Result<()> {
    for a in list {
        let indent = "  ".repeat(a.depth as usize);
        writeln!(
            out,
            "  {:<10} {indent}{}  [{}]  {} bytes  {}",
            "Artifact", a.path, a.detected_type, a.size, a.sha256
        )?;
        for f in &a.findings {
            writeln!(out, "  {:<10} {indent}  ! {} ({:?}): {}", "", f.id, f.severity, f.title)?;
        }
    }
    Ok(())
}

fn file_table(out: &mut impl Write, f: &FileRecord) -> io::Result<()> {
    writeln!(out, "── {}", f.source.path)?;
    verdict(out, f.verdict.as_ref(), &f.findings, &[])?;
    artifacts(out, &f.artifacts)?;
    for u in f.urls.iter().take(20) {
        writeln!(
            out,
            "  {:<10} {}  [{}]",
            "URL",
            u.url,
            u.artifact.as_deref().unwrap_or("")
        )?;
    }
    writeln!(out)
}
