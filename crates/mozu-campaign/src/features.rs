//! The campaign features of one mail: what two mails of one campaign have
//! in common even when the sender randomises the rest.

use std::collections::BTreeSet;

use mozu_model::{Artifact, ArtifactDetails, MessageRecord};
use serde::{Deserialize, Serialize};

use crate::mask;
use crate::minhash::{self, Signature};

/// Attachment names, type chains, URLs and hashes kept per mail; a mail
/// with thousands of URLs is not more of a campaign member for it.
pub const MAX_FEATURE_VALUES: usize = 32;

/// The features of one mail. Built by [`Features::extract`]; stored by the
/// store so that clustering can be replayed without the full records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// Subject template (digits, dates, names, kaomoji masked).
    pub subject_template: Option<String>,
    /// Whether the template says more than its placeholders ([`mask::is_informative`]).
    #[serde(default)]
    pub subject_informative: bool,
    /// Attachment-name patterns (`pic_######_2020.zip`).
    pub attachment_patterns: Vec<String>,
    /// Artifact type chains from attachment to leaf (`zip>vbs`, `doc+macro`).
    pub type_chains: Vec<String>,
    /// MinHash signature of the masked body's character shingles.
    pub body: Option<Signature>,
    /// URL hosts.
    pub url_hosts: Vec<String>,
    /// URL host plus path pattern (`198.51.100.7/#.exe`).
    pub url_patterns: Vec<String>,
    /// `X-Mailer` with digits masked.
    pub x_mailer: Option<String>,
    /// Shape of the Message-ID (`9{14}.A{6}@jp`).
    pub message_id_pattern: Option<String>,
    /// Shape of the `Received` chain (protocols and host-name kinds).
    pub received_shape: Option<String>,
    /// The /24 (IPv4) or /48 (IPv6) of the sending IP.
    pub sender_net: Option<String>,
    /// Registrable domain of `From`.
    pub from_domain: Option<String>,
    /// SHA-256 of attachments and unpacked artifacts.
    pub payload_hashes: Vec<String>,
    /// ssdeep and TLSH of attachments and artifacts.
    pub fuzzy_hashes: Vec<String>,
}

fn push_capped(list: &mut Vec<String>, value: String) {
    if list.len() < MAX_FEATURE_VALUES && !value.is_empty() && !list.contains(&value) {
        list.push(value);
    }
}

impl Features {
    /// Extracts the features of `rec`.
    pub fn extract(rec: &MessageRecord) -> Features {
        let mut f = Features::default();
        let names: Vec<&str> = rec
            .to
            .iter()
            .flat_map(|a| {
                let local = a.address.as_deref().and_then(|x| x.split('@').next());
                [a.name.as_deref(), local]
            })
            .flatten()
            .collect();
        f.subject_template = rec
            .subject
            .as_deref()
            .map(|s| mask::subject_template(s, &names))
            .filter(|t| !t.is_empty());
        f.subject_informative = f.subject_template.as_deref().is_some_and(mask::is_informative);
        for a in &rec.attachments {
            if let Some(name) = &a.name {
                push_capped(&mut f.attachment_patterns, mask::name_pattern(name));
            }
            push_capped(&mut f.payload_hashes, a.sha256.clone());
        }
        f.type_chains = type_chains(&rec.artifacts);
        if f.type_chains.is_empty() {
            // Attachments were not analysed: the declared type is all there is.
            for a in &rec.attachments {
                let ext = a
                    .name
                    .as_deref()
                    .and_then(|n| n.rsplit_once('.'))
                    .map(|(_, e)| e.to_lowercase());
                if let Some(ext) = ext {
                    push_capped(&mut f.type_chains, format!("ext:{ext}"));
                }
            }
        }
        for art in &rec.artifacts {
            push_capped(&mut f.payload_hashes, art.sha256.clone());
            if let Some(s) = art.ssdeep.as_ref().filter(|s| s.len() >= 16) {
                push_capped(&mut f.fuzzy_hashes, format!("ssdeep:{s}"));
            }
            if let Some(t) = &art.tlsh {
                push_capped(&mut f.fuzzy_hashes, format!("tlsh:{t}"));
            }
        }
        let body = rec.text.as_deref().or(rec.html_text.as_deref()).unwrap_or("");
        f.body = minhash::signature(&mask::template(&mask::mask_names(body, &names)));
        for u in &rec.urls {
            let Some(host) = &u.host else { continue };
            push_capped(&mut f.url_hosts, host.clone());
            push_capped(&mut f.url_patterns, format!("{host}{}", path_pattern(&u.url)));
        }
        f.x_mailer = rec.x_mailer.as_deref().map(mask::name_pattern);
        f.message_id_pattern = rec.message_id.as_deref().map(message_id_pattern);
        f.received_shape = received_shape(rec);
        f.sender_net = rec.received.iter().find_map(|h| h.ip.as_deref().and_then(network_of));
        f.from_domain = rec
            .from
            .as_ref()
            .and_then(|a| a.registrable_domain.clone().or_else(|| a.domain.clone()));
        f
    }
}

/// Type chains from each attachment down to each leaf of its artifact tree.
fn type_chains(artifacts: &[Artifact]) -> Vec<String> {
    let mut chains = Vec::new();
    for (i, art) in artifacts.iter().enumerate() {
        let prefix = format!("{}/", art.path);
        let has_child = artifacts
            .get(i + 1..)
            .unwrap_or(&[])
            .iter()
            .any(|o| o.path.starts_with(&prefix));
        if has_child {
            continue;
        }
        // Ancestors are the artifacts whose path is a prefix of this one.
        let mut parts: Vec<String> = artifacts
            .get(..=i)
            .unwrap_or(&[])
            .iter()
            .filter(|a| a.path == art.path || art.path.starts_with(&format!("{}/", a.path)))
            .map(kind_of)
            .collect();
        parts.dedup();
        push_capped(&mut chains, parts.join(">"));
    }
    chains
}

/// The type of one artifact as a campaign sees it: a script by its
/// language, an Office document by format and whether it carries macros.
fn kind_of(art: &Artifact) -> String {
    match &art.details {
        Some(ArtifactDetails::Script(s)) => s.language.clone(),
        Some(ArtifactDetails::Office(o)) => {
            let macros = !o.vba_modules.is_empty() || !o.xlm_macro_sheets.is_empty();
            if macros {
                format!("{}+macro", o.format)
            } else {
                o.format.clone()
            }
        }
        Some(ArtifactDetails::Archive(a)) => a.format.clone(),
        _ => art.detected_type.clone(),
    }
}

/// The path of a URL with digits and long random segments masked.
fn path_pattern(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let path = after_scheme
        .find('/')
        .and_then(|p| after_scheme.get(p..))
        .unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let masked: Vec<String> = path
        .split('/')
        .take(8)
        .map(|seg| {
            let p = mask::name_pattern(seg);
            let alnum = seg.chars().filter(char::is_ascii_alphanumeric).count();
            let mixed = seg.chars().any(|c| c.is_ascii_digit()) && seg.chars().any(|c| c.is_ascii_alphabetic());
            if alnum >= 12 && mixed { "*".to_string() } else { p }
        })
        .collect();
    masked.join("/")
}

fn message_id_pattern(id: &str) -> String {
    let (local, domain) = id.rsplit_once('@').unwrap_or((id, ""));
    let tld = domain.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    format!("{}@{}", mask::shape(local), mask::shape(&tld))
}

fn received_shape(rec: &MessageRecord) -> Option<String> {
    if rec.received.is_empty() {
        return None;
    }
    let hops: Vec<String> = rec
        .received
        .iter()
        .take(8)
        .map(|h| {
            let kind = match h.from_host.as_deref() {
                None => "-",
                Some(x) if x.starts_with('[') || x.parse::<std::net::IpAddr>().is_ok() => "ip",
                Some(x) if !x.contains('.') => "bare",
                Some(_) => "fqdn",
            };
            format!("{}:{}", h.with.as_deref().unwrap_or("-").to_ascii_lowercase(), kind)
        })
        .collect();
    Some(hops.join("|"))
}

/// The /24 of an IPv4 address or the /48 of an IPv6 one.
pub fn network_of(ip: &str) -> Option<String> {
    match ip.trim_matches(['[', ']']).parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]))
        }
    }
}

/// The informative blocking keys of a mail: the values exact enough that
/// sharing one makes two mails worth scoring.
pub(crate) fn blocking_keys(f: &Features) -> Vec<String> {
    let mut keys = BTreeSet::new();
    if let Some(t) = &f.subject_template {
        keys.insert(format!("s:{t}"));
    }
    for p in &f.attachment_patterns {
        keys.insert(format!("a:{p}"));
    }
    for h in &f.payload_hashes {
        keys.insert(format!("h:{h}"));
    }
    for h in &f.fuzzy_hashes {
        keys.insert(format!("f:{h}"));
    }
    for u in &f.url_patterns {
        keys.insert(format!("u:{u}"));
    }
    if let Some(b) = &f.body {
        for k in b.band_keys() {
            keys.insert(format!("b:{k:016x}"));
        }
    }
    keys.into_iter().collect()
}
