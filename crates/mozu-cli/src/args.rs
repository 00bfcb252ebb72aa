//! Arguments shared by the scanning subcommands, and their common set-up.

use std::io::{self, IsTerminal};

use anyhow::{Context, Result};
use clap::ValueEnum;
use mozu_model::VerdictLevel;

use crate::output::Writer;

/// Output format of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line (default when stdout is not a terminal).
    Jsonl,
    /// A readable summary per message (default on a terminal).
    Table,
}

/// Inputs, output and parallelism: the same for every scanning subcommand.
#[derive(clap::Args, Debug, Clone)]
pub struct CommonArgs {
    /// Files or directories to scan (directories are walked); `-` reads
    /// one input from stdin.
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

impl CommonArgs {
    /// The chosen format, or the default for where stdout goes.
    pub fn format(&self) -> Format {
        self.format.unwrap_or(if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Jsonl
        })
    }

    /// A thread pool of `--jobs` threads.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs.unwrap_or(0))
            .build()?)
    }

    /// A record writer on stdout in the chosen format.
    pub fn writer(&self) -> Writer<io::BufWriter<io::StdoutLock<'static>>> {
        Writer::new(io::BufWriter::new(io::stdout().lock()), self.format())
    }
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

/// Level names for `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 3 when any record is suspicious or malicious.
    Suspicious,
    /// Exit 3 when any record is malicious.
    Malicious,
}

impl FailOn {
    /// The verdict level this option stands for.
    pub fn level(self) -> VerdictLevel {
        match self {
            FailOn::Suspicious => VerdictLevel::Suspicious,
            FailOn::Malicious => VerdictLevel::Malicious,
        }
    }
}

/// Detector options: verdict thresholds, extra data, the exit status.
#[derive(clap::Args, Debug, Clone)]
pub struct DetectArgs {
    /// Exit with status 3 when any record reaches LEVEL (for gateway scripts).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Score from which a record is suspicious.
    #[arg(long, default_value_t = mozu_detect::DEFAULT_SUSPICIOUS_AT)]
    pub suspicious_at: i32,
    /// Score from which a record is malicious.
    #[arg(long, default_value_t = mozu_detect::DEFAULT_MALICIOUS_AT)]
    pub malicious_at: i32,
    /// Extra detector data (organisations, freemail, lure phrases …; same
    /// file names and format as crates/mozu-detect/data), repeatable.
    #[arg(long = "data", value_name = "DIR")]
    pub data_dirs: Vec<std::path::PathBuf>,
    /// Add the Sigma-format mail rules (.yml) under DIR (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<std::path::PathBuf>,
    /// Do not load the mail rules shipped with mozu (rules/mail).
    #[arg(long)]
    pub no_builtin_rules: bool,
    /// Also verify SPF, DKIM and DMARC live against today's DNS (needs a
    /// build with the `live-auth` feature). Keys and policies change, so
    /// a live failure on old mail is weaker than a recorded one.
    #[arg(long)]
    pub verify_auth: bool,
    /// Name server for --verify-auth, IP or IP:PORT (repeatable; default:
    /// the system configuration).
    #[arg(long = "dns-server", value_name = "IP[:PORT]", requires = "verify_auth")]
    pub dns_servers: Vec<String>,
}

/// Detectors, mail rules and the live verifier (with `--verify-auth`),
/// built once and shared by the workers.
pub struct Detection {
    detectors: mozu_detect::Detectors,
    rules: mozu_detect::MailRules,
    #[cfg(feature = "live-auth")]
    live: Option<mozu_auth::LiveAuth>,
}

impl Detection {
    /// Findings, family tags and the verdict for one message; `raw` is the
    /// message as received, which live verification needs (`None`: not
    /// available, e.g. Outlook .msg). Live findings join before the verdict.
    pub fn apply(&self, record: &mut mozu_model::MessageRecord, raw: Option<&[u8]>) {
        self.detectors.apply(record);
        self.rules.apply(record);
        #[cfg(feature = "live-auth")]
        if let Some(live) = &self.live {
            let found = match raw {
                Some(raw) => live.findings(raw, record),
                None => {
                    mozu_auth::LiveAuthReport::not_checked("the message as received is not available (.msg, or cut)")
                        .findings(record)
                }
            };
            record.findings.extend(found);
        }
        #[cfg(not(feature = "live-auth"))]
        let _ = raw;
        record.verdict = Some(self.detectors.verdict(&record.findings));
    }

    /// Findings and the verdict for one loose file.
    pub fn apply_file(&self, record: &mut mozu_model::FileRecord) {
        self.detectors.apply_file(record);
    }
}

/// Everything a parsed message goes through after parsing: the artifact
/// analyser (unless attachments are skipped), then detectors and rules.
/// Shared by `mail scan` and `ingest` so that both store the same record.
pub struct MessagePipeline {
    no_attachments: bool,
    opts: mozu_artifact::Options,
    extractor: Option<mozu_artifact::Extractor>,
    detection: Detection,
}

impl MessagePipeline {
    /// Builds the analyser options, the extractor and the detectors.
    pub fn new(no_attachments: bool, artifacts: &ArtifactArgs, detect: &DetectArgs) -> Result<Self> {
        Ok(MessagePipeline {
            no_attachments,
            opts: artifacts.options()?,
            extractor: artifacts.extractor()?,
            detection: detect.detection()?,
        })
    }

    /// The finished record of `parsed`; `offered` are passwords other
    /// messages of the batch wrote; `raw` is the message as received, for
    /// `--verify-auth` (`None` when not at hand).
    pub fn record(
        &self,
        parsed: mozu_mail::Parsed,
        offered: &[String],
        raw: Option<&[u8]>,
    ) -> mozu_model::MessageRecord {
        let mut record = if self.no_attachments {
            parsed.record
        } else {
            mozu_artifact::analyse_message(parsed, offered, &self.opts, self.extractor.as_ref())
        };
        self.detection.apply(&mut record, raw);
        record
    }
}

impl DetectArgs {
    /// The detectors and rules these arguments describe; rule problems are
    /// reported on stderr (a count always, each problem with its code,
    /// file and line).
    pub fn detection(&self) -> Result<Detection> {
        #[cfg(not(feature = "live-auth"))]
        self.check_live_auth()?;
        let config = mozu_detect::Config {
            suspicious_at: self.suspicious_at,
            malicious_at: self.malicious_at,
            extra_directories: self.data_dirs.clone(),
        };
        let detectors = mozu_detect::Detectors::new(&config)?;
        let rules = mozu_detect::MailRules::load(!self.no_builtin_rules, &self.rule_dirs);
        for d in rules.diagnostics() {
            eprintln!("mozu: rule {d}");
        }
        if !self.rule_dirs.is_empty() || rules.failure_count() > 0 {
            eprintln!(
                "mozu: {} mail rules loaded, {} failed",
                rules.rule_count(),
                rules.failure_count()
            );
        }
        Ok(Detection {
            detectors,
            rules,
            #[cfg(feature = "live-auth")]
            live: self.live_auth()?,
        })
    }

    /// The live verifier `--verify-auth` asks for.
    #[cfg(feature = "live-auth")]
    fn live_auth(&self) -> Result<Option<mozu_auth::LiveAuth>> {
        if !self.verify_auth {
            return Ok(None);
        }
        let nameservers = self
            .dns_servers
            .iter()
            .map(|s| parse_dns_server(s))
            .collect::<Result<Vec<_>>>()?;
        let config = mozu_auth::LiveAuthConfig {
            nameservers,
            ..mozu_auth::LiveAuthConfig::default()
        };
        let live = mozu_auth::LiveAuth::new(&config).context("--verify-auth")?;
        eprintln!("mozu: --verify-auth: SPF/DKIM/DMARC checked live against today's DNS");
        Ok(Some(live))
    }

    /// Stops at start when live verification was asked of a build without it.
    #[cfg(not(feature = "live-auth"))]
    fn check_live_auth(&self) -> Result<()> {
        if self.verify_auth {
            anyhow::bail!("--verify-auth: this mozu was built without live-auth; rebuild with --features live-auth");
        }
        Ok(())
    }
}

/// `IP`, `IP:PORT` or `[IPv6]:PORT`; port 53 when none is given.
#[cfg(feature = "live-auth")]
fn parse_dns_server(text: &str) -> Result<std::net::SocketAddr> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<std::net::SocketAddr>() {
        return Ok(addr);
    }
    let ip: std::net::IpAddr = text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .with_context(|| format!("--dns-server {text}: not an IP or IP:PORT"))?;
    Ok(std::net::SocketAddr::new(ip, 53))
}

/// Arguments of `mozu file scan`.
#[derive(clap::Args, Debug)]
pub struct FileScanArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub detect: DetectArgs,
    #[command(flatten)]
    pub artifacts: ArtifactArgs,
}

/// Arguments of `mozu mail scan`.
#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub detect: DetectArgs,
    /// Do not analyse attachments (headers, bodies and indicators only).
    #[arg(long)]
    pub no_attachments: bool,
    /// Do not read the batch first for passwords that one mail writes for
    /// another mail's encrypted archive.
    #[arg(long)]
    pub no_cross_message_passwords: bool,
    /// Also add every scanned message to the campaign store (see `--db`).
    #[arg(long)]
    pub store: bool,
    #[command(flatten)]
    pub db: crate::campaigns::DbArgs,
    #[command(flatten)]
    pub artifacts: ArtifactArgs,
}

impl ArtifactArgs {
    /// The analyser options these arguments describe.
    pub fn options(&self) -> Result<mozu_artifact::Options> {
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

    /// The `--extract-dir` extractor, created (directory made) if asked for.
    pub fn extractor(&self) -> Result<Option<mozu_artifact::Extractor>> {
        self.extract_dir
            .as_ref()
            .map(|dir| mozu_artifact::Extractor::new(dir).with_context(|| format!("extract dir {}", dir.display())))
            .transpose()
    }
}
