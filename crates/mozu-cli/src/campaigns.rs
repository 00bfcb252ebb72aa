//! `mozu ingest`, `mozu campaigns`, `mozu report`: the campaign store.

use std::process::ExitCode;

use anyhow::Result;

/// Arguments of `mozu ingest`.
#[derive(clap::Args, Debug)]
pub struct IngestArgs {
    /// Mail files or directories.
    #[arg(required = true)]
    pub paths: Vec<String>,
}

/// Arguments of `mozu campaigns`.
#[derive(clap::Args, Debug)]
pub struct CampaignsArgs {}

/// Arguments of `mozu report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {}

/// Runs `mozu ingest`.
pub fn ingest(_args: &IngestArgs) -> Result<ExitCode> {
    anyhow::bail!("mozu ingest is not built yet")
}

/// Runs `mozu campaigns`.
pub fn run(_args: &CampaignsArgs) -> Result<ExitCode> {
    anyhow::bail!("mozu campaigns is not built yet")
}

/// Runs `mozu report`.
pub fn report(_args: &ReportArgs) -> Result<ExitCode> {
    anyhow::bail!("mozu report is not built yet")
}
