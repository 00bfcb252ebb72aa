//! `mozu ingest`, `mozu campaigns`, `mozu report`: the campaign store.

mod show;

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use mozu_mail::files::{self, FileScan};
use mozu_mail::{Limits, MboxReader};
use mozu_model::{MessageRecord, Record};
use mozu_store::{BATCH_RECORDS, IngestReport, Store};
use rayon::prelude::*;

use crate::args::{ArtifactArgs, MessagePipeline};

/// Files parsed in parallel at once.
const CHUNK_FILES: usize = 128;

/// The store option shared by every store command.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// The store (default: the user's data directory, e.g. ~/.local/share/mozu/mozu.db).
    #[arg(long, value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,
}

impl DbArgs {
    fn open(&self) -> Result<Store> {
        let path = match &self.db {
            Some(p) => p.clone(),
            None => Store::default_path()?,
        };
        Store::open(&path).with_context(|| format!("opening store {}", path.display()))
    }
}

/// Arguments of `mozu ingest`.
#[derive(clap::Args, Debug)]
pub struct IngestArgs {
    /// Mail files or directories.
    #[arg(required = true)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub db: DbArgs,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Do not analyse attachments.
    #[arg(long)]
    pub no_attachments: bool,
    #[command(flatten)]
    pub artifacts: ArtifactArgs,
    #[command(flatten)]
    pub detect: crate::args::DetectArgs,
}

/// Arguments of `mozu campaigns`.
#[derive(clap::Args, Debug)]
pub struct CampaignsArgs {
    #[command(subcommand)]
    pub command: CampaignsCommand,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `mozu campaigns` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum CampaignsCommand {
    /// One line per campaign: id, mails, first and last seen, label.
    List,
    /// A campaign in full: per-day chart, infrastructure, payloads, links.
    Show {
        /// Campaign id (or a unique prefix).
        id: String,
    },
    /// Export every campaign.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        /// Write here instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Export formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per campaign with its messages.
    Jsonl,
    /// Indicators as CSV.
    Csv,
    /// A STIX 2.1 bundle.
    Stix,
    /// MISP events (JSON array).
    Misp,
    /// The relationship graph as GraphML.
    Graphml,
}

/// Arguments of `mozu report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Write the self-contained HTML report here.
    #[arg(long, value_name = "FILE", required = true)]
    pub html: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `mozu mail scan --store`: message records go to the store in batches
/// of [`BATCH_RECORDS`] (one transaction each), and the campaigns are
/// brought up to date once at the end.
pub struct StoreSink {
    store: Store,
    pending: Vec<MessageRecord>,
    report: IngestReport,
}

impl StoreSink {
    /// Opens the store of `db`.
    pub fn open(db: &DbArgs) -> Result<Self> {
        Ok(StoreSink {
            store: db.open()?,
            pending: Vec::new(),
            report: IngestReport::default(),
        })
    }

    /// Queues one message; writes a batch when it is full.
    pub fn push(&mut self, record: &MessageRecord) -> Result<()> {
        self.pending.push(record.clone());
        if self.pending.len() >= BATCH_RECORDS {
            self.write_batch()?;
        }
        Ok(())
    }

    fn write_batch(&mut self) -> Result<()> {
        if !self.pending.is_empty() {
            let r = self.store.ingest(&self.pending)?;
            self.report.added += r.added;
            self.report.duplicates += r.duplicates;
            self.pending.clear();
        }
        Ok(())
    }

    /// Writes the last batch and clusters; reports the counts on stderr.
    pub fn finish(&mut self) -> Result<()> {
        self.write_batch()?;
        self.store.ensure_clustered()?;
        eprintln!(
            "mozu: store: {} added, {} already stored",
            self.report.added, self.report.duplicates
        );
        Ok(())
    }
}

#[derive(Default)]
struct Totals {
    report: IngestReport,
    failed: u64,
    skipped: u64,
}

fn flush(store: &mut Store, pending: &mut Vec<MessageRecord>, totals: &mut Totals) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let r = store.ingest(pending)?;
    totals.report.added += r.added;
    totals.report.duplicates += r.duplicates;
    pending.clear();
    Ok(())
}

fn take(records: Vec<Record>, pending: &mut Vec<MessageRecord>, totals: &mut Totals) {
    for r in records {
        match r {
            Record::Message(m) => pending.push(m),
            Record::Error(e) => {
                totals.failed += 1;
                eprintln!("mozu: {}: {}", e.source.path, e.message);
            }
            Record::File(_) => {}
        }
    }
}

/// Runs `mozu ingest`.
pub fn ingest(args: &IngestArgs) -> Result<ExitCode> {
    let mut store = args.db.open()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    let limits = Limits::default();
    // Findings, families and verdicts are stored with each message: the
    // campaign record aggregates them (spoofed organisations, families).
    let pipeline = MessagePipeline::new(args.no_attachments, &args.artifacts, &args.detect)?;
    let analyse = |parsed: mozu_mail::Parsed, raw: Option<&[u8]>| pipeline.record(parsed, &[], raw);
    let (inputs, walk_errors) = crate::scan::collect_inputs(&args.paths);
    let mut totals = Totals::default();
    let mut pending = Vec::new();
    take(walk_errors, &mut pending, &mut totals);
    for chunk in inputs.chunks(CHUNK_FILES) {
        let results: Vec<FileScan> = pool.install(|| {
            chunk
                .par_iter()
                .map(|(p, explicit)| files::scan_file(p, *explicit, &limits, &analyse))
                .collect()
        });
        for result in results {
            match result {
                FileScan::Records(records) => take(records, &mut pending, &mut totals),
                FileScan::Mbox(path) => {
                    ingest_mbox(&path, &limits, &analyse, &mut store, &mut pending, &mut totals)?;
                }
                FileScan::Skipped => totals.skipped += 1,
            }
            if pending.len() >= BATCH_RECORDS {
                flush(&mut store, &mut pending, &mut totals)?;
            }
        }
    }
    flush(&mut store, &mut pending, &mut totals)?;
    let clusters = store.ensure_clustered()?.unwrap_or_default();
    eprintln!(
        "mozu: {} messages added, {} already stored, {} skipped (not mail), {} failed; {} campaigns over {} messages in {}",
        totals.report.added,
        totals.report.duplicates,
        totals.skipped,
        totals.failed,
        clusters.campaigns,
        store.message_count()?,
        store.path().display()
    );
    Ok(ExitCode::from(u8::from(totals.failed > 0)))
}

fn ingest_mbox(
    path: &Path,
    limits: &Limits,
    finish: files::Finish<'_>,
    store: &mut Store,
    pending: &mut Vec<MessageRecord>,
    totals: &mut Totals,
) -> Result<()> {
    let display = path.display().to_string();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            // One unreadable mbox is an error record, not the end of the batch.
            totals.failed += 1;
            eprintln!("mozu: {display}: {e}");
            return Ok(());
        }
    };
    let mut reader = MboxReader::new(BufReader::new(file), limits.max_message_bytes);
    loop {
        let batch: Vec<_> = reader.by_ref().take(CHUNK_FILES).collect();
        if batch.is_empty() {
            return Ok(());
        }
        let records: Vec<Record> = batch
            .into_par_iter()
            .map(|m| files::mbox_record(m, &display, limits, finish))
            .collect();
        take(records, pending, totals);
        if pending.len() >= BATCH_RECORDS {
            flush(store, pending, totals)?;
        }
    }
}

/// Runs `mozu campaigns`.
pub fn run(args: &CampaignsArgs) -> Result<ExitCode> {
    let mut store = args.db.open()?;
    store.ensure_clustered()?;
    match &args.command {
        CampaignsCommand::List => show::list(&store.campaigns()?)?,
        CampaignsCommand::Show { id } => {
            let Some(c) = store.campaign(id)? else {
                eprintln!("mozu: no campaign {id} (or the prefix is ambiguous)");
                return Ok(ExitCode::from(1));
            };
            let links = store.links(&c.id, 10)?;
            show::show(&c, &links)?;
        }
        CampaignsCommand::Export { format, output } => {
            let campaigns = store.campaigns_with_members()?;
            let out: Box<dyn Write> = match output {
                Some(p) => Box::new(File::create(p).with_context(|| p.display().to_string())?),
                None => Box::new(io::stdout().lock()),
            };
            let out = BufWriter::new(out);
            match format {
                ExportFormat::Jsonl => mozu_export::jsonl(&campaigns, out)?,
                ExportFormat::Csv => mozu_export::csv::write(&campaigns, out)?,
                ExportFormat::Stix => mozu_export::stix::write(&campaigns, &mozu_export::stix::Options::now(), out)?,
                ExportFormat::Misp => mozu_export::misp::write(&campaigns, out)?,
                ExportFormat::Graphml => {
                    mozu_export::graph::graphml(&mozu_export::graph::Graph::from_campaigns(&campaigns), out)?
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mozu report`.
pub fn report(args: &ReportArgs) -> Result<ExitCode> {
    let mut store = args.db.open()?;
    store.ensure_clustered()?;
    let campaigns = store.campaigns()?;
    let file = File::create(&args.html).with_context(|| args.html.display().to_string())?;
    let opts = mozu_export::html::Options {
        title: "mozu campaign report".into(),
        generated: mozu_export::stix::Options::now().created,
    };
    mozu_export::html::write(&campaigns, &opts, BufWriter::new(file))?;
    eprintln!("mozu: {} campaigns written to {}", campaigns.len(), args.html.display());
    Ok(ExitCode::SUCCESS)
}
