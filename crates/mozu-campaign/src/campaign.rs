//! The campaign record: what an analyst asks of a group of mails — since
//! when, how many per day, from which infrastructure, delivering what.

use std::collections::{BTreeMap, HashMap};

use mozu_model::{MessageRecord, SourceRef};
use serde::{Deserialize, Serialize};

use crate::features::{Features, network_of};

/// Distinct values kept per list of a campaign (the most frequent ones).
pub const MAX_LIST_VALUES: usize = 100;

/// The part of a message a campaign needs: small enough to keep for every
/// stored message and to re-aggregate campaigns from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageDigest {
    /// SHA-256 of the raw message.
    pub sha256: String,
    /// `Message-ID`.
    pub message_id: Option<String>,
    /// Where it was read from.
    pub source: Option<SourceRef>,
    /// `Date` (RFC 3339).
    pub date: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// `From` address.
    pub from_address: Option<String>,
    /// `From` domain.
    pub from_domain: Option<String>,
    /// Sending IP (the first `Received` hop with an IP).
    pub sender_ip: Option<String>,
    /// Attachment names.
    pub attachment_names: Vec<String>,
    /// Payload files: (sha256, md5, name or tree path, type).
    pub payloads: Vec<Payload>,
    /// URLs.
    pub urls: Vec<String>,
    /// URL hosts.
    pub url_hosts: Vec<String>,
    /// Organisations the mail pretends to come from (evidence of `spoof.*`
    /// and `brand.*` findings).
    pub spoofed_orgs: Vec<String>,
    /// Finding ids (message and artifacts).
    pub finding_ids: Vec<String>,
    /// Malware family tags.
    pub families: Vec<String>,
    /// `X-Mailer`.
    pub x_mailer: Option<String>,
}

/// A payload file of a campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Payload {
    /// SHA-256.
    pub sha256: String,
    /// MD5.
    pub md5: String,
    /// Attachment name or artifact tree path.
    pub name: String,
    /// Detected type.
    pub kind: String,
}

impl MessageDigest {
    /// The digest of a record.
    pub fn from_record(rec: &MessageRecord) -> MessageDigest {
        let mut d = MessageDigest {
            sha256: rec.sha256.clone(),
            message_id: rec.message_id.clone(),
            source: Some(rec.source.clone()),
            date: rec.date.clone(),
            subject: rec.subject.clone(),
            from_address: rec.from.as_ref().and_then(|a| a.address.clone()),
            from_domain: rec.from.as_ref().and_then(|a| a.domain.clone()),
            sender_ip: rec.received.iter().find_map(|h| h.ip.clone()),
            x_mailer: rec.x_mailer.clone(),
            families: rec.families.clone(),
            ..MessageDigest::default()
        };
        d.attachment_names = rec.attachments.iter().filter_map(|a| a.name.clone()).take(32).collect();
        for a in rec.attachments.iter().take(32) {
            d.payloads.push(Payload {
                sha256: a.sha256.clone(),
                md5: a.md5.clone(),
                name: a.name.clone().unwrap_or_default(),
                kind: a.content_type.clone().unwrap_or_default(),
            });
        }
        for art in rec
            .artifacts
            .iter()
            .filter(|a| a.depth > 0 && !a.sha256.is_empty())
            .take(64)
        {
            d.payloads.push(Payload {
                sha256: art.sha256.clone(),
                md5: art.md5.clone(),
                name: art.path.clone(),
                kind: art.detected_type.clone(),
            });
        }
        for u in rec.urls.iter().take(64) {
            d.urls.push(u.url.clone());
            if let Some(h) = &u.host
                && !d.url_hosts.contains(h)
            {
                d.url_hosts.push(h.clone());
            }
        }
        let findings = rec
            .findings
            .iter()
            .chain(rec.artifacts.iter().flat_map(|a| a.findings.iter()));
        for f in findings.take(256) {
            if !d.finding_ids.contains(&f.id) {
                d.finding_ids.push(f.id.clone());
            }
            if f.id.starts_with("spoof") || f.id.starts_with("brand") || f.id.contains("impersonat") {
                for e in &f.evidence {
                    if !d.spoofed_orgs.contains(&e.value) {
                        d.spoofed_orgs.push(e.value.clone());
                    }
                }
            }
        }
        d
    }

    /// The day (`YYYY-MM-DD`, in the sender's time zone) of the `Date`.
    pub fn day(&self) -> Option<String> {
        let date = self.date.as_deref()?;
        let day = date.get(..10)?;
        let ok = day.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        ok.then(|| day.to_string())
    }
}

/// A value and how many member mails had it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    /// The value.
    pub value: String,
    /// Member mails carrying it.
    pub count: u64,
}

/// A member message of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Where it was read from.
    pub source: Option<SourceRef>,
    /// `Message-ID`.
    pub message_id: Option<String>,
    /// SHA-256 of the raw message.
    pub sha256: String,
    /// `Date`.
    #[serde(default)]
    pub date: Option<String>,
    /// Subject.
    #[serde(default)]
    pub subject: Option<String>,
}

/// A campaign: a group of mails tied by explained links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// Stable id: `C-` and the first 12 hex digits of the first member's SHA-256.
    pub id: String,
    /// Dominant subject template and attachment pattern (or URL host).
    pub label: String,
    /// Earliest member `Date`.
    pub first_seen: Option<String>,
    /// Latest member `Date`.
    pub last_seen: Option<String>,
    /// Number of member mails.
    pub size: u64,
    /// Members per day (`YYYY-MM-DD` → count).
    pub per_day: BTreeMap<String, u64>,
    /// Sender addresses.
    pub senders: Vec<Counted>,
    /// Sender domains.
    pub sender_domains: Vec<Counted>,
    /// Sending IPs.
    pub sender_ips: Vec<Counted>,
    /// Sending networks (/24, /48).
    pub sender_networks: Vec<Counted>,
    /// `X-Mailer` values.
    pub x_mailers: Vec<Counted>,
    /// Subject templates.
    pub subject_templates: Vec<Counted>,
    /// Subjects as written.
    pub subjects: Vec<Counted>,
    /// Attachment names.
    pub attachment_names: Vec<Counted>,
    /// Attachment-name patterns.
    pub attachment_patterns: Vec<Counted>,
    /// Artifact type chains.
    pub attachment_types: Vec<Counted>,
    /// URLs.
    pub urls: Vec<Counted>,
    /// URL hosts.
    pub url_hosts: Vec<Counted>,
    /// Payload files with how many mails carried each.
    pub payloads: Vec<(Payload, u64)>,
    /// Spoofed organisations.
    pub spoofed_orgs: Vec<Counted>,
    /// Finding ids.
    pub finding_ids: Vec<Counted>,
    /// Malware family tags.
    pub families: Vec<Counted>,
    /// Which features tied the members, counted over the campaign's links.
    pub link_features: Vec<Counted>,
    /// Member mails, in insertion order.
    pub messages: Vec<Member>,
}

/// Accumulates the members of one campaign.
#[derive(Debug, Default)]
pub struct CampaignBuilder {
    first_sha: Option<String>,
    per_day: BTreeMap<String, u64>,
    first: Option<String>,
    last: Option<String>,
    lists: HashMap<&'static str, HashMap<String, u64>>,
    payloads: HashMap<Payload, u64>,
    messages: Vec<Member>,
}

impl CampaignBuilder {
    fn count(&mut self, list: &'static str, value: &str) {
        if value.is_empty() {
            return;
        }
        *self
            .lists
            .entry(list)
            .or_default()
            .entry(value.to_string())
            .or_default() += 1;
    }

    /// Adds one member with its features.
    pub fn add(&mut self, d: &MessageDigest, f: &Features) {
        self.first_sha.get_or_insert_with(|| d.sha256.clone());
        if let Some(day) = d.day() {
            *self.per_day.entry(day).or_default() += 1;
        }
        if let Some(date) = &d.date {
            // RFC 3339 strings of one offset sort as times; mixed offsets
            // are close enough for a first/last-seen summary.
            if self.first.as_ref().is_none_or(|f| date < f) {
                self.first = Some(date.clone());
            }
            if self.last.as_ref().is_none_or(|l| date > l) {
                self.last = Some(date.clone());
            }
        }
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        self.count("senders", &opt(&d.from_address).to_lowercase());
        self.count("sender_domains", &opt(&d.from_domain));
        self.count("sender_ips", &opt(&d.sender_ip));
        self.count(
            "sender_networks",
            &d.sender_ip.as_deref().and_then(network_of).unwrap_or_default(),
        );
        self.count("x_mailers", &opt(&d.x_mailer));
        self.count("subject_templates", &opt(&f.subject_template));
        self.count("subjects", &opt(&d.subject));
        let lists: [(&'static str, &[String]); 8] = [
            ("attachment_names", &d.attachment_names),
            ("attachment_patterns", &f.attachment_patterns),
            ("attachment_types", &f.type_chains),
            ("urls", &d.urls),
            ("url_hosts", &d.url_hosts),
            ("spoofed_orgs", &d.spoofed_orgs),
            ("finding_ids", &d.finding_ids),
            ("families", &d.families),
        ];
        for (name, values) in lists {
            for v in values {
                self.count(name, v);
            }
        }
        for p in &d.payloads {
            *self.payloads.entry(p.clone()).or_default() += 1;
        }
        self.messages.push(Member {
            source: d.source.clone(),
            message_id: d.message_id.clone(),
            sha256: d.sha256.clone(),
            date: d.date.clone(),
            subject: d.subject.clone(),
        });
    }

    /// Counts one link's reasons.
    pub fn add_link_reasons<'a>(&mut self, features: impl IntoIterator<Item = &'a str>) {
        for f in features {
            self.count("link_features", f);
        }
    }

    /// The finished campaign.
    pub fn finish(mut self) -> Campaign {
        let mut take = |name: &str| top(self.lists.remove(name).unwrap_or_default());
        let subject_templates = take("subject_templates");
        let attachment_patterns = take("attachment_patterns");
        let url_hosts = take("url_hosts");
        let label = make_label(&subject_templates, &attachment_patterns, &url_hosts);
        let mut payloads: Vec<(Payload, u64)> = self.payloads.into_iter().collect();
        payloads.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        payloads.truncate(MAX_LIST_VALUES);
        let sha = self.first_sha.unwrap_or_default();
        Campaign {
            id: format!("C-{}", sha.get(..12).unwrap_or(&sha)),
            label,
            first_seen: self.first,
            last_seen: self.last,
            size: self.messages.len() as u64,
            per_day: self.per_day,
            senders: take("senders"),
            sender_domains: take("sender_domains"),
            sender_ips: take("sender_ips"),
            sender_networks: take("sender_networks"),
            x_mailers: take("x_mailers"),
            subject_templates,
            subjects: take("subjects"),
            attachment_names: take("attachment_names"),
            attachment_patterns,
            attachment_types: take("attachment_types"),
            urls: take("urls"),
            url_hosts,
            payloads,
            spoofed_orgs: take("spoofed_orgs"),
            finding_ids: take("finding_ids"),
            families: take("families"),
            link_features: take("link_features"),
            messages: self.messages,
        }
    }
}

fn top(map: HashMap<String, u64>) -> Vec<Counted> {
    let mut list: Vec<Counted> = map.into_iter().map(|(value, count)| Counted { value, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    list.truncate(MAX_LIST_VALUES);
    list
}

fn make_label(subjects: &[Counted], patterns: &[Counted], hosts: &[Counted]) -> String {
    let subject = subjects.first().map_or("(no subject)", |c| c.value.as_str());
    match patterns.first().or(hosts.first()) {
        Some(second) => format!("{subject} / {}", second.value),
        None => subject.to_string(),
    }
}
