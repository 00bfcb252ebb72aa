//! The indicator set: what a message points at, de-duplicated and capped.

use std::collections::{BTreeSet, HashMap};

use mozu_model::{Location, UrlIndicator};

use crate::email::canonical_email;
use crate::host::{is_ip, normalize_host, registrable_of_normalized};
use crate::ip::canonical_ip;
use crate::refang::refang;
use crate::scan::Origin;
use crate::url::{Href, MAX_HREF_LEN, ParsedUrl, build_url, cap_len, classify_href, percent_decode};
use crate::{MAX_DOMAINS, MAX_EMAILS, MAX_IPS, MAX_URL_LEN, MAX_URLS};

/// Identity of a URL entry: the same URL at another location or in another
/// artifact is a separate entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct UrlKey {
    url: String,
    location: Location,
    artifact: Option<String>,
}

impl UrlKey {
    fn of(u: &UrlIndicator) -> Self {
        UrlKey {
            url: u.url.clone(),
            location: u.location.clone(),
            artifact: u.artifact.clone(),
        }
    }

    fn matches(&self, u: &UrlIndicator) -> bool {
        self.url == u.url && self.location == u.location && self.artifact == u.artifact
    }
}

/// Indicators gathered from the texts of one message.
///
/// Feed it with [`scan_text`](Self::scan_text) (free text),
/// [`add_url`](Self::add_url) (attribute values) and the explicit `add_*`
/// methods; then move the public fields into the record. URLs keep insertion
/// order and are de-duplicated by (url, location, artifact); the other lists
/// are sorted sets. Every list is capped ([`MAX_URLS`], [`MAX_DOMAINS`],
/// [`MAX_IPS`], [`MAX_EMAILS`]) and `truncated` records that a cap or
/// [`MAX_SCAN_BYTES`](crate::MAX_SCAN_BYTES) was hit.
///
/// Entries pushed onto `urls` directly are seen by later de-duplication;
/// prefer [`add_url_indicator`](Self::add_url_indicator), which also applies
/// the cap.
#[derive(Default, Debug, Clone)]
pub struct IndicatorSet {
    /// URLs, refanged and normalised, in the order found.
    pub urls: Vec<UrlIndicator>,
    /// URL hosts, e-mail domains and bare domains in text; lower-case ASCII
    /// (punycode).
    pub domains: BTreeSet<String>,
    /// IPv4 and IPv6 addresses in canonical text form.
    pub ips: BTreeSet<String>,
    /// E-mail addresses, lower-cased.
    pub emails: BTreeSet<String>,
    /// A limit was hit: some indicators may be missing or cut.
    pub truncated: bool,
    /// Position in `urls` of each key, for the first `indexed` entries.
    url_index: HashMap<UrlKey, usize>,
    indexed: usize,
}

impl IndicatorSet {
    /// Finds URLs, bare domains, IP addresses and e-mail addresses in free
    /// text (a body, a subject, rendered HTML), refanging defanged forms.
    /// Only the first [`MAX_SCAN_BYTES`](crate::MAX_SCAN_BYTES) are scanned.
    pub fn scan_text(&mut self, text: &str, location: Location) {
        self.scan_text_in(text, location, None);
    }

    /// [`scan_text`](Self::scan_text), recording `artifact` (the attachment
    /// or path inside it) on every URL found, for [`Location::Attachment`].
    pub fn scan_text_in(&mut self, text: &str, location: Location, artifact: Option<&str>) {
        self.scan(
            text,
            &Origin {
                location: &location,
                artifact,
            },
        );
    }

    /// Adds the URL an attribute value (`href`, `src`, `action`) points at.
    ///
    /// Surrounding spaces and embedded tabs and newlines are dropped and
    /// defanged forms undone, as a browser would. http, https and ftp URLs
    /// are added (`//host/…` and `www.host/…` as http); `mailto:` targets go
    /// to `emails`; `javascript:`, `cid:`, `data:`, fragments and relative
    /// paths are ignored. Returns true when the URL is (now) in the set:
    /// false for non-URLs and when [`MAX_URLS`] was reached.
    pub fn add_url(&mut self, raw: &str, location: Location) -> bool {
        self.add_url_in(raw, location, None)
    }

    /// [`add_url`](Self::add_url) with an artifact name, for
    /// [`Location::Attachment`].
    pub fn add_url_in(&mut self, raw: &str, location: Location, artifact: Option<&str>) -> bool {
        let trimmed = raw.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_control());
        let (head, cut) = cap_len(trimmed, MAX_HREF_LEN);
        let cleaned: String = head.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let (value, defanged) = refang(&cleaned);
        match classify_href(&value) {
            Href::Url(scheme, rest) => {
                let (rest, rest_cut) = cap_len(rest, MAX_URL_LEN.saturating_sub(scheme.len() + 3));
                let Some(parsed) = build_url(scheme, rest) else {
                    return false;
                };
                if cut || rest_cut {
                    self.truncated = true;
                }
                self.push_url(parsed, &location, artifact, defanged)
            }
            Href::Mailto(targets) => {
                let addresses = targets.split('?').next().unwrap_or_default();
                for address in addresses.split(',') {
                    if let Some(decoded) = percent_decode(address) {
                        self.add_email(&decoded);
                    }
                }
                false
            }
            Href::Other => false,
        }
    }

    /// Adds an already built URL entry (from a nested message, say) with the
    /// same de-duplication and cap as the other methods; its host goes to
    /// `domains` or `ips`. Returns false when the cap was reached.
    pub fn add_url_indicator(&mut self, url: UrlIndicator) -> bool {
        if let Some(host) = &url.host {
            self.insert_host(host);
        }
        let key = UrlKey::of(&url);
        if let Some(i) = self.find_url(&key) {
            if let Some(existing) = self.urls.get_mut(i) {
                existing.defanged |= url.defanged;
            }
            return true;
        }
        if self.urls_full() {
            self.truncated = true;
            return false;
        }
        self.urls.push(url);
        self.url_index.insert(key, self.urls.len() - 1);
        self.indexed = self.urls.len();
        true
    }

    /// Adds an e-mail address given on its own (a header value): trimmed,
    /// `<>`, `mailto:` and `[at]` forms removed, lower-cased; its domain goes
    /// to `domains`. Returns false when it is not an address.
    pub fn add_email(&mut self, addr: &str) -> bool {
        let Some((address, domain)) = canonical_email(addr) else {
            return false;
        };
        self.insert_domain(domain);
        self.insert_email(address)
    }

    /// Adds an IPv4 or IPv6 address (brackets and an `IPv6:` prefix are
    /// accepted) in canonical form. Returns false when it is not one.
    pub fn add_ip(&mut self, ip: &str) -> bool {
        match canonical_ip(ip) {
            Some(ip) => self.insert_ip(ip),
            None => false,
        }
    }

    /// Adds a host name, normalised (see [`normalize_host`]); an IP literal
    /// goes to `ips`. Returns false when it is not a valid host.
    pub fn add_domain(&mut self, host: &str) -> bool {
        match normalize_host(host) {
            Some(host) => self.insert_host(&host),
            None => false,
        }
    }

    /// True when nothing has been found.
    pub fn is_empty(&self) -> bool {
        self.urls.is_empty() && self.domains.is_empty() && self.ips.is_empty() && self.emails.is_empty()
    }

    pub(crate) fn urls_full(&self) -> bool {
        self.urls.len() >= MAX_URLS
    }

    /// Adds a parsed URL found at `location`.
    pub(crate) fn push_url(
        &mut self,
        parsed: ParsedUrl,
        location: &Location,
        artifact: Option<&str>,
        defanged: bool,
    ) -> bool {
        let registrable_domain = registrable_of_normalized(&parsed.host);
        self.add_url_indicator(UrlIndicator {
            url: parsed.url,
            host: Some(parsed.host),
            registrable_domain,
            location: location.clone(),
            defanged,
            artifact: artifact.map(str::to_owned),
        })
    }

    /// Index of the entry with `key`, bringing the index up to date with
    /// entries pushed onto `urls` directly.
    fn find_url(&mut self, key: &UrlKey) -> Option<usize> {
        // Two rounds at most: if the index is stale because `urls` was
        // edited in place, it is rebuilt once from scratch.
        for _ in 0..2 {
            if self.indexed > self.urls.len() {
                self.url_index.clear();
                self.indexed = 0;
            }
            while let Some(u) = self.urls.get(self.indexed) {
                self.url_index.entry(UrlKey::of(u)).or_insert(self.indexed);
                self.indexed += 1;
            }
            let i = *self.url_index.get(key)?;
            if self.urls.get(i).is_some_and(|u| key.matches(u)) {
                return Some(i);
            }
            self.url_index.clear();
            self.indexed = 0;
        }
        None
    }

    /// Adds a normalised host to `ips` or `domains`.
    pub(crate) fn insert_host(&mut self, host: &str) -> bool {
        if is_ip(host) {
            self.insert_ip(host.to_owned())
        } else {
            self.insert_domain(host.to_owned())
        }
    }

    pub(crate) fn insert_domain(&mut self, domain: String) -> bool {
        insert_capped(&mut self.domains, domain, MAX_DOMAINS, &mut self.truncated)
    }

    pub(crate) fn insert_ip(&mut self, ip: String) -> bool {
        insert_capped(&mut self.ips, ip, MAX_IPS, &mut self.truncated)
    }

    pub(crate) fn insert_email(&mut self, email: String) -> bool {
        insert_capped(&mut self.emails, email, MAX_EMAILS, &mut self.truncated)
    }
}

/// Inserts into a capped set; true when `value` is (now) in it.
fn insert_capped(set: &mut BTreeSet<String>, value: String, cap: usize, truncated: &mut bool) -> bool {
    if set.contains(&value) {
        return true;
    }
    if set.len() >= cap {
        *truncated = true;
        return false;
    }
    set.insert(value)
}
