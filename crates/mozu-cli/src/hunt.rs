//! `mozu hunt`: Sigma rules over event, proxy and firewall logs.

use std::process::ExitCode;

use anyhow::Result;

/// Arguments of `mozu hunt`.
#[derive(clap::Args, Debug)]
pub struct HuntArgs {
    /// Log files or directories.
    #[arg(required = true)]
    pub paths: Vec<String>,
}

/// Runs the hunt.
pub fn run(_args: &HuntArgs) -> Result<ExitCode> {
    anyhow::bail!("mozu hunt is not built yet")
}
