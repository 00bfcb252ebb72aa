//! `mozu`: malspam triage for SOC and CSIRT analysts.

mod file_scan;
mod output;
mod scan;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// mozu — triage malicious mail, see the campaigns behind it, hunt the logs.
#[derive(Parser)]
#[command(name = "mozu", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with mail messages.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Work with loose files (attachments saved to disk, samples).
    File {
        #[command(subcommand)]
        command: FileCommand,
    },
}

#[derive(Subcommand)]
enum FileCommand {
    /// Analyse files (archives unpacked, documents, scripts, shortcuts,
    /// executables): one record per file with its artifact tree.
    Scan(FileScanArgs),
}

/// Options of the attachment analyser, shared by `mail scan` and `file scan`.
#[derive(clap::Args, Debug, Clone)]
pub struct ArtifactArgs {
    /// Write every unpacked artifact into DIR as <sha256>.bin (no execute
    /// bits) with DIR/index.jsonl mapping them to their tree paths.
    #[arg(long, value_name = "DIR")]
    pub extract_dir: Option<std::path::PathBuf>,
    /// Also try this password on encrypted archives (repeatable).
    #[arg(long = "password", value_name = "PW")]
    pub passwords: Vec<String>,
    /// Scan every artifact with the YARA rules (.yar/.yara) under DIR
    /// (needs a build with the `yara` feature).
    #[arg(long, value_name = "DIR")]
    pub yara: Option<std::path::PathBuf>,
    /// Maximum nesting depth of the artifact tree.
    #[arg(long, default_value_t = 8)]
    pub max_depth: u32,
    /// Maximum bytes unpacked per attachment tree (MiB).
    #[arg(long, default_value_t = 256)]
    pub max_expanded_mib: u64,
}

/// Arguments of `mozu file scan`.
#[derive(clap::Args, Debug)]
pub struct FileScanArgs {
    /// Files or directories to analyse.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub artifacts: ArtifactArgs,
}

#[derive(Subcommand)]
enum MailCommand {
    /// Parse messages (.eml, mbox, Maildir, .msg; directories walked) and
    /// print one record per message.
    Scan(ScanArgs),
}

/// Output format of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line (default when stdout is not a terminal).
    Jsonl,
    /// A readable summary per message (default on a terminal).
    Table,
}

/// Arguments of `mozu mail scan`.
#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads one message from stdin.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Do not analyse attachments (headers, bodies and indicators only).
    #[arg(long)]
    pub no_attachments: bool,
    #[command(flatten)]
    pub artifacts: ArtifactArgs,
}

impl ArtifactArgs {
    /// The analyser options these arguments describe.
    pub fn options(&self) -> anyhow::Result<mozu_artifact::Options> {
        let mut opts = mozu_artifact::Options::default();
        if let Some(dir) = &self.yara {
            #[cfg(feature = "yara")]
            {
                let rules = mozu_artifact::yara::YaraRules::load(dir)?;
                eprintln!("mozu: {} YARA rule files compiled", rules.files);
                opts.yara = Some(std::sync::Arc::new(rules));
            }
            #[cfg(not(feature = "yara"))]
            anyhow::bail!(
                "--yara {}: this mozu was built without the `yara` feature",
                dir.display()
            );
        }
        opts.limits.max_depth = self.max_depth;
        opts.limits.max_total_bytes = self.max_expanded_mib.saturating_mul(1 << 20);
        let mut passwords = self.passwords.clone();
        passwords.extend(opts.passwords);
        opts.passwords = passwords;
        Ok(opts)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Mail {
            command: MailCommand::Scan(args),
        } => scan::run(&args),
        Command::File {
            command: FileCommand::Scan(args),
        } => file_scan::run(&args),
    };
    match result {
        Ok(summary) if summary.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(err) => {
            eprintln!("mozu: {err:#}");
            ExitCode::from(1)
        }
    }
}
