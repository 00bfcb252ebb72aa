//! The DNS answers kept between messages of a batch, and the way tests,
//! benchmarks and offline analysts put known records into them.
//!
//! mail-auth asks a [`ResolverCache`] before every look-up and stores what
//! the resolver answered; a batch of mail from one campaign asks the same
//! names again and again, so one cache per [`crate::LiveAuth`] saves most of
//! the traffic. Every map is bounded by [`crate::MAX_CACHE_ENTRIES`].

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::resolver::ToFqdn;
use mail_auth::common::verify::DomainKey;
use mail_auth::dmarc::Dmarc;
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::spf::Spf;
use mail_auth::{DnsError, DnssecStatus, Error, MX, RecordSet, ResolverCache, Txt};

use crate::{AuthError, MAX_CACHE_ENTRIES};

/// How long a seeded record stays valid: longer than any batch runs.
const SEEDED_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// A bounded map from a DNS name (or address) to an answer with its expiry.
pub struct MemCache<K, V> {
    map: Mutex<HashMap<K, (V, Instant)>>,
}

impl<K: Hash + Eq, V: Clone> MemCache<K, V> {
    fn new() -> Self {
        MemCache {
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Number of answers held (expired ones included until evicted).
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Hash + Eq, V: Clone> ResolverCache<K, V> for MemCache<K, V> {
    fn get<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get(name) {
            Some((value, until)) if *until > Instant::now() => Some(value.clone()),
            _ => None,
        }
    }

    fn remove<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(name).map(|(value, _)| value)
    }

    fn insert(&self, key: K, value: V, valid_until: Instant) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_CACHE_ENTRIES && !map.contains_key(&key) {
            // Expired answers go first; a cache still full of live answers
            // is cleared rather than grown: correctness never depends on it.
            let now = Instant::now();
            map.retain(|_, (_, until)| *until > now);
            if map.len() >= MAX_CACHE_ENTRIES {
                map.clear();
            }
        }
        map.insert(key, (value, valid_until));
    }
}

/// The five caches mail-auth consults, shared by every message verified
/// through one [`crate::LiveAuth`].
pub struct DnsCache {
    pub(crate) txt: MemCache<Box<str>, Txt>,
    pub(crate) mx: MemCache<Box<str>, RecordSet<MX>>,
    pub(crate) ipv4: MemCache<Box<str>, RecordSet<Ipv4Addr>>,
    pub(crate) ipv6: MemCache<Box<str>, RecordSet<Ipv6Addr>>,
    pub(crate) ptr: MemCache<IpAddr, RecordSet<Box<str>>>,
}

impl Default for DnsCache {
    fn default() -> Self {
        DnsCache {
            txt: MemCache::new(),
            mx: MemCache::new(),
            ipv4: MemCache::new(),
            ipv6: MemCache::new(),
            ptr: MemCache::new(),
        }
    }
}

fn seeded_until() -> Instant {
    let now = Instant::now();
    now.checked_add(SEEDED_TTL).unwrap_or(now)
}

fn key(name: &str) -> Box<str> {
    name.to_ascii_lowercase().to_fqdn().into_owned().into_boxed_str()
}

fn record_set<T>(items: Vec<T>) -> RecordSet<T> {
    RecordSet {
        rrset: Arc::from(items.into_boxed_slice()),
        dnssec_status: DnssecStatus::Indeterminate,
    }
}

impl DnsCache {
    /// Stores the TXT record `text` at `name` as if DNS had answered it.
    /// What the record is follows from the name, as mail-auth asks for it:
    /// `sel._domainkey.dom` is a DKIM key, `_dmarc.dom` a DMARC policy,
    /// anything else an SPF policy.
    pub fn seed_txt(&self, name: &str, text: &str) -> Result<(), AuthError> {
        let lower = name.to_ascii_lowercase();
        let bad = |_| AuthError::BadRecord {
            name: name.to_string(),
            text: text.chars().take(200).collect(),
        };
        let value: Txt = if lower.contains("._domainkey.") {
            DomainKey::parse(text.as_bytes()).map_err(bad)?.into()
        } else if lower.starts_with("_dmarc.") {
            Dmarc::parse(text.as_bytes()).map_err(bad)?.into()
        } else {
            Spf::parse(text.as_bytes()).map_err(bad)?.into()
        };
        self.txt.insert(key(name), value, seeded_until());
        Ok(())
    }

    /// Records that `name` has no TXT record (NXDOMAIN), so that verifying
    /// never asks DNS for it.
    pub fn seed_no_txt(&self, name: &str) {
        let absent = Txt::Error(Error::Dns(DnsError::RecordNotFound(ResponseCode::NXDomain)));
        self.txt.insert(key(name), absent, seeded_until());
    }

    /// Stores the addresses of `name` (for SPF `a`, `mx` and `exists`).
    pub fn seed_addresses(&self, name: &str, addrs: &[IpAddr]) {
        let v4: Vec<Ipv4Addr> = addrs
            .iter()
            .filter_map(|a| match a {
                IpAddr::V4(v4) => Some(*v4),
                IpAddr::V6(_) => None,
            })
            .collect();
        let v6: Vec<Ipv6Addr> = addrs
            .iter()
            .filter_map(|a| match a {
                IpAddr::V6(v6) => Some(*v6),
                IpAddr::V4(_) => None,
            })
            .collect();
        self.ipv4.insert(key(name), record_set(v4), seeded_until());
        self.ipv6.insert(key(name), record_set(v6), seeded_until());
    }

    /// Stores the mail exchangers of `name`, most preferred first.
    pub fn seed_mx(&self, name: &str, exchanges: &[&str]) {
        let rrset = exchanges
            .iter()
            .zip(0u16..)
            .map(|(host, i)| MX {
                exchanges: vec![key(host)].into_boxed_slice(),
                preference: i.saturating_mul(10),
            })
            .collect();
        self.mx.insert(key(name), record_set(rrset), seeded_until());
    }

    /// Number of TXT answers held.
    pub fn txt_len(&self) -> usize {
        self.txt.len()
    }
}
