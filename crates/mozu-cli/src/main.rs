//! `mozu`: malspam triage for SOC and CSIRT analysts.

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Mail {
            command: MailCommand::Scan(args),
        } => scan::run(&args),
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
