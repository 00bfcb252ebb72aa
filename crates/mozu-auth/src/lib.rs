//! Live SPF, DKIM and DMARC verification of a message, on request.
//!
//! mozu normally trusts only what the receiving server recorded in
//! `Authentication-Results`. When the analyst asks for it (`mozu mail scan
//! --verify-auth`), [`LiveAuth`] checks the message again against today's
//! DNS with [mail-auth](https://docs.rs/mail-auth): every `DKIM-Signature`
//! (up to [`MAX_DKIM_SIGNATURES`]), SPF for the connection the receiver
//! recorded (see [`identity`] for which `Received` hop and why), and DMARC
//! for the `From` domain. Results for old mail reflect today's DNS — keys
//! rotate and SPF policies change — so a live failure on old mail is weaker
//! evidence than a recorded one; the findings say so.
//!
//! A verification never panics and never hangs: every look-up has a
//! timeout, each message an overall deadline, and DNS answers are cached
//! (bounded) across the messages of a batch.

#![warn(missing_docs)]

mod cache;
pub mod identity;
mod report;
mod verify;

use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use mail_auth::MessageAuthenticator;
use mail_auth::hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use mail_auth::hickory_resolver::system_conf::read_system_conf;
use mozu_model::{Finding, MessageRecord};

pub use cache::{DnsCache, MemCache};
pub use report::{CheckResult, DkimCheck, DmarcCheck, LiveAuthReport, SpfCheck};

/// Largest message verified; bigger ones are reported as not checked.
pub const MAX_MESSAGE_BYTES: usize = 32 << 20;
/// `DKIM-Signature` headers verified per message; the rest are reported.
pub const MAX_DKIM_SIGNATURES: usize = 8;
/// TXT look-ups that may go to DNS per message (cache hits are free);
/// further ones fail as a temporary error. SPF additionally stops after
/// the 10 DNS-querying mechanisms RFC 7208 allows.
pub const MAX_TXT_LOOKUPS: u32 = 32;
/// Longest timeout of one DNS query.
pub const MAX_LOOKUP_TIME: Duration = Duration::from_secs(10);
/// Longest overall deadline of one message.
pub const MAX_MESSAGE_TIME: Duration = Duration::from_secs(60);
/// DNS answers kept per record type.
pub const MAX_CACHE_ENTRIES: usize = 65_536;
/// Name servers used at most.
pub const MAX_NAMESERVERS: usize = 8;
/// Messages in a row whose DNS questions all went unanswered after which
/// DNS is considered unreachable: later messages use cached answers only,
/// so a batch behind a dead resolver is not slowed down by every timeout.
/// This lasts for the life of the [`LiveAuth`] (one run of mozu).
pub const MAX_SILENT_MESSAGES: u32 = 3;

/// Errors setting up live verification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The system resolver configuration could not be read.
    #[error("reading the system DNS configuration: {0}")]
    SystemConfig(String),
    /// The resolver or its runtime could not be built.
    #[error("building the DNS resolver: {0}")]
    Resolver(String),
    /// A record given to [`DnsCache::seed_txt`] does not parse.
    #[error("TXT record for {name} does not parse: {text}")]
    BadRecord {
        /// The DNS name.
        name: String,
        /// The record text (cut).
        text: String,
    },
}

/// Where DNS questions go and how long they may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveAuthConfig {
    /// Name servers to ask (UDP, then TCP); empty means the system
    /// configuration (`/etc/resolv.conf`).
    pub nameservers: Vec<SocketAddr>,
    /// Timeout of one DNS query (capped at [`MAX_LOOKUP_TIME`]).
    pub lookup_timeout: Duration,
    /// Overall deadline of one message (capped at [`MAX_MESSAGE_TIME`]).
    pub message_deadline: Duration,
}

impl Default for LiveAuthConfig {
    fn default() -> Self {
        LiveAuthConfig {
            nameservers: Vec::new(),
            lookup_timeout: Duration::from_secs(3),
            message_deadline: Duration::from_secs(15),
        }
    }
}

/// A live verifier: resolver, runtime and DNS cache, built once and shared
/// by the workers of a batch (`verify` takes `&self`).
pub struct LiveAuth {
    runtime: tokio::runtime::Runtime,
    authenticator: MessageAuthenticator,
    cache: DnsCache,
    deadline: Duration,
    silent_streak: AtomicU32,
}

impl LiveAuth {
    /// A verifier asking the name servers of `config`.
    pub fn new(config: &LiveAuthConfig) -> Result<LiveAuth, AuthError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| AuthError::Resolver(e.to_string()))?;
        let timeout = config.lookup_timeout.min(MAX_LOOKUP_TIME);
        let (resolver_config, mut opts) = if config.nameservers.is_empty() {
            read_system_conf().map_err(|e| AuthError::SystemConfig(e.to_string()))?
        } else {
            let servers = config.nameservers.iter().take(MAX_NAMESERVERS).map(|addr| {
                let mut udp = ConnectionConfig::udp();
                udp.port = addr.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = addr.port();
                let mut server = NameServerConfig::udp_and_tcp(addr.ip());
                server.connections = vec![udp, tcp];
                server
            });
            (
                ResolverConfig::from_name_servers(servers.collect()),
                ResolverOpts::default(),
            )
        };
        opts.timeout = timeout;
        opts.attempts = 1;
        let authenticator = {
            let _guard = runtime.enter();
            MessageAuthenticator::new(resolver_config, opts).map_err(|e| AuthError::Resolver(e.to_string()))?
        };
        Ok(LiveAuth {
            runtime,
            authenticator,
            cache: DnsCache::default(),
            deadline: config.message_deadline.min(MAX_MESSAGE_TIME),
            silent_streak: AtomicU32::new(0),
        })
    }

    /// The DNS cache, e.g. to seed records for offline use.
    pub fn cache(&self) -> &DnsCache {
        &self.cache
    }

    /// Verifies `raw` (the message as received) with the SMTP identities
    /// of `record` (its parsed record). Never panics; returns within the
    /// message deadline plus one look-up timeout.
    pub fn verify(&self, raw: &[u8], record: &MessageRecord) -> LiveAuthReport {
        if raw.len() > MAX_MESSAGE_BYTES {
            return LiveAuthReport::not_checked(&format!("message larger than {MAX_MESSAGE_BYTES} bytes"));
        }
        let deadline = Instant::now() + self.deadline;
        let work = verify::Work {
            authenticator: &self.authenticator,
            cache: &self.cache,
            deadline,
            dns_usable: self.silent_streak.load(Ordering::Relaxed) < MAX_SILENT_MESSAGES,
        };
        // mail-auth parses hostile headers and DNS data; a bug there must
        // cost one message's live result, not the batch.
        let run = catch_unwind(AssertUnwindSafe(|| self.runtime.block_on(work.run(raw, record))));
        match run {
            Ok((report, silent)) => {
                if silent {
                    self.silent_streak.fetch_add(1, Ordering::Relaxed);
                } else if work.dns_usable {
                    self.silent_streak.store(0, Ordering::Relaxed);
                }
                report
            }
            Err(_) => LiveAuthReport::not_checked("internal error in the verifier"),
        }
    }

    /// [`LiveAuth::verify`] and then [`LiveAuthReport::findings`].
    pub fn findings(&self, raw: &[u8], record: &MessageRecord) -> Vec<Finding> {
        self.verify(raw, record).findings(record)
    }
}
