//! MISP events: one event per campaign, attributes for its indicators,
//! tags for its families. The output is a JSON array of `{"Event": …}`
//! objects, each importable on its own.

use std::io::Write;

use mozu_campaign::Campaign;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{MAX_INDICATORS_PER_KIND, Result};

const NAMESPACE: Uuid = Uuid::from_u128(0x6d6f_7a75_0000_4000_8000_0000_0000_0002);

fn uuid(name: &str) -> String {
    Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

fn attribute(event: &str, kind: &str, category: &str, value: &str, to_ids: bool, comment: &str) -> Value {
    json!({
        "uuid": uuid(&format!("{event}\u{0}{kind}\u{0}{value}")),
        "type": kind, "category": category, "value": value, "to_ids": to_ids, "comment": comment,
    })
}

/// The MISP event of one campaign.
pub fn event(c: &Campaign) -> Value {
    let e = c.id.as_str();
    let mut attrs = Vec::new();
    for (p, n) in c.payloads.iter().take(MAX_INDICATORS_PER_KIND) {
        let note = format!("{} ({} mails)", p.name, n);
        if p.sha256.len() == 64 {
            attrs.push(attribute(e, "sha256", "Payload delivery", &p.sha256, true, &note));
        }
        if p.md5.len() == 32 {
            attrs.push(attribute(e, "md5", "Payload delivery", &p.md5, true, &note));
        }
    }
    let lists = [
        ("url", "Network activity", &c.urls, true),
        ("hostname", "Network activity", &c.url_hosts, true),
        ("ip-src", "Network activity", &c.sender_ips, false),
        ("email-src", "Payload delivery", &c.senders, false),
        ("email-subject", "Payload delivery", &c.subjects, false),
        ("email-attachment", "Payload delivery", &c.attachment_names, false),
    ];
    for (kind, category, list, to_ids) in lists {
        for v in list.iter().take(MAX_INDICATORS_PER_KIND) {
            attrs.push(attribute(
                e,
                kind,
                category,
                &v.value,
                to_ids,
                &format!("{} mails", v.count),
            ));
        }
    }
    let mut tags = vec![
        json!({"name": "tlp:amber"}),
        json!({"name": format!("mozu:campaign=\"{}\"", c.id)}),
    ];
    tags.extend(
        c.families
            .iter()
            .map(|f| json!({"name": format!("mozu:family=\"{}\"", f.value)})),
    );
    let date = c
        .first_seen
        .as_deref()
        .and_then(|d| d.get(..10))
        .unwrap_or("1970-01-01");
    json!({
        "Event": {
            "uuid": uuid(e),
            "info": format!("mozu campaign {}: {} ({} mails)", c.id, c.label, c.size),
            "date": date,
            "threat_level_id": "2",
            "analysis": "1",
            "distribution": "0",
            "published": false,
            "Attribute": attrs,
            "Tag": tags,
        }
    })
}

/// Writes the events of `campaigns` as a JSON array.
pub fn write<W: Write>(campaigns: &[Campaign], mut out: W) -> Result<()> {
    let events: Vec<Value> = campaigns.iter().map(event).collect();
    serde_json::to_writer_pretty(&mut out, &events)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
