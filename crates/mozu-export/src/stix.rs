//! STIX 2.1 bundles: campaign, indicators with STIX patterns, malware
//! families, relationships and sightings with counts.
//!
//! Ids are UUIDv5 of stable names, so exporting the same store twice gives
//! the same ids and a consumer de-duplicates instead of piling up copies.

use std::io::Write;

use mozu_campaign::Campaign;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{MAX_INDICATORS_PER_KIND, Result, time};

/// Namespace of mozu's UUIDv5 ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x6d6f_7a75_0000_4000_8000_0000_0000_0001);

/// Export options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `created`/`modified` of every object, UTC (`2024-05-01T00:00:00Z`;
    /// milliseconds are added when missing, as STIX requires).
    pub created: String,
}

impl Options {
    /// Options stamped with the current time.
    pub fn now() -> Options {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Options {
            created: time::format_utc(secs),
        }
    }
}

fn id(kind: &str, name: &str) -> String {
    format!(
        "{kind}--{}",
        Uuid::new_v5(&NAMESPACE, format!("{kind}\u{0}{name}").as_bytes())
    )
}

/// Escapes a value for a STIX pattern string literal.
pub fn pattern_literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// (pattern, name, mails) of a campaign's indicators.
fn patterns(c: &Campaign) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for (p, n) in c
        .payloads
        .iter()
        .filter(|(p, _)| p.sha256.len() == 64)
        .take(MAX_INDICATORS_PER_KIND)
    {
        let pattern = format!("[file:hashes.'SHA-256' = {}]", pattern_literal(&p.sha256));
        out.push((pattern, format!("payload {}", p.name), *n));
    }
    for u in c.urls.iter().take(MAX_INDICATORS_PER_KIND) {
        out.push((
            format!("[url:value = {}]", pattern_literal(&u.value)),
            format!("URL {}", u.value),
            u.count,
        ));
    }
    for h in c.url_hosts.iter().take(MAX_INDICATORS_PER_KIND) {
        let object = if h.value.parse::<std::net::Ipv4Addr>().is_ok() {
            "ipv4-addr"
        } else if h.value.parse::<std::net::Ipv6Addr>().is_ok() {
            "ipv6-addr"
        } else {
            "domain-name"
        };
        out.push((
            format!("[{object}:value = {}]", pattern_literal(&h.value)),
            format!("host {}", h.value),
            h.count,
        ));
    }
    for s in c.senders.iter().filter(|s| s.count >= 2).take(MAX_INDICATORS_PER_KIND) {
        let pattern = format!("[email-message:from_ref.value = {}]", pattern_literal(&s.value));
        out.push((pattern, format!("sender {}", s.value), s.count));
    }
    out
}

/// The bundle of `campaigns`.
pub fn bundle(campaigns: &[Campaign], opts: &Options) -> Value {
    let created_ms = millis(&opts.created);
    let created = created_ms.as_str();
    let identity = id("identity", "mozu");
    let mut objects = vec![json!({
        "type": "identity", "spec_version": "2.1", "id": identity, "created": created, "modified": created,
        "name": "mozu", "identity_class": "system",
    })];
    let mut families_done = std::collections::HashSet::new();
    for c in campaigns {
        let campaign_id = id("campaign", &c.id);
        let mut campaign = json!({
            "type": "campaign", "spec_version": "2.1", "id": campaign_id, "created": created, "modified": created,
            "created_by_ref": identity, "name": format!("{} {}", c.id, c.label),
            "description": format!("{} mails clustered by mozu; subject templates, attachment patterns and sending infrastructure in the mozu report.", c.size),
        });
        let first = c.first_seen.as_deref().and_then(time::to_utc);
        let last = c.last_seen.as_deref().and_then(time::to_utc);
        if let (Some(obj), Some(f)) = (campaign.as_object_mut(), &first) {
            obj.insert("first_seen".into(), json!(f));
        }
        if let (Some(obj), Some(l)) = (campaign.as_object_mut(), &last) {
            obj.insert("last_seen".into(), json!(l));
        }
        objects.push(campaign);
        let valid_from = first.clone().unwrap_or_else(|| created.to_string());
        for (pattern, name, mails) in patterns(c) {
            let ind = id("indicator", &format!("{}\u{0}{pattern}", c.id));
            objects.push(json!({
                "type": "indicator", "spec_version": "2.1", "id": ind, "created": created, "modified": created,
                "created_by_ref": identity, "name": name, "indicator_types": ["malicious-activity"],
                "pattern": pattern, "pattern_type": "stix", "pattern_version": "2.1", "valid_from": valid_from,
            }));
            objects.push(relationship(&ind, "indicates", &campaign_id, created));
            let mut sighting = json!({
                "type": "sighting", "spec_version": "2.1", "id": id("sighting", &ind), "created": created,
                "modified": created, "created_by_ref": identity, "sighting_of_ref": ind,
                "count": mails.min(999_999_999),
            });
            if let (Some(obj), Some(f), Some(l)) = (sighting.as_object_mut(), &first, &last) {
                obj.insert("first_seen".into(), json!(f));
                obj.insert("last_seen".into(), json!(l));
            }
            objects.push(sighting);
        }
        for fam in &c.families {
            let mal = id("malware", &fam.value);
            if families_done.insert(fam.value.clone()) {
                objects.push(json!({
                    "type": "malware", "spec_version": "2.1", "id": mal, "created": created, "modified": created,
                    "created_by_ref": identity, "name": fam.value, "is_family": true,
                }));
            }
            objects.push(relationship(&campaign_id, "uses", &mal, created));
        }
    }
    json!({ "type": "bundle", "id": id("bundle", &campaigns.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(",")), "objects": objects })
}

/// STIX wants `created` and `modified` with at least millisecond precision.
fn millis(ts: &str) -> String {
    match ts.strip_suffix('Z') {
        Some(body) if !body.contains('.') => format!("{body}.000Z"),
        _ => ts.to_string(),
    }
}

fn relationship(source: &str, kind: &str, target: &str, created: &str) -> Value {
    json!({
        "type": "relationship", "spec_version": "2.1", "id": id("relationship", &format!("{source}{kind}{target}")),
        "created": created, "modified": created, "relationship_type": kind, "source_ref": source, "target_ref": target,
    })
}

/// Writes the bundle as pretty JSON.
pub fn write<W: Write>(campaigns: &[Campaign], opts: &Options, mut out: W) -> Result<()> {
    serde_json::to_writer_pretty(&mut out, &bundle(campaigns, opts))?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
