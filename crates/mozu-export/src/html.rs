//! The self-contained HTML report: campaign table, a per-day chart per
//! campaign and the relationship graph. Styles, script and data are
//! inline; the charts are SVG drawn by the embedded script. Every
//! attacker-controlled string is escaped for HTML, and the embedded JSON
//! cannot close its `<script>` element.

use std::collections::BTreeMap;
use std::io::Write;

use mozu_campaign::{Campaign, Counted};
use serde::Serialize;

use crate::Result;
use crate::graph::{Graph, xml_escape};

const SCRIPT: &str = include_str!("report.js");

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;font-size:13px}\
th{background:#f3f3f3;text-align:left}.bar{fill:#3b6ea5}.axis{stroke:#555}.tick{font-size:10px;fill:#555}\
.edge{stroke:#999;opacity:.7}.node{fill:#888}.node.campaign{fill:#c0392b}.node.family{fill:#8e44ad}\
.node.payload-host{fill:#d35400}.node.sender-network,.node.x-mailer{fill:#2c7a7b}.label{font-size:11px}\
section.campaign{margin:1.5em 0;border-top:1px solid #ddd}code{font-size:12px}";

/// Report options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Page title.
    pub title: String,
    /// When the report was made (shown as given).
    pub generated: String,
}

#[derive(Serialize)]
struct ChartData<'a> {
    id: &'a str,
    per_day: &'a BTreeMap<String, u64>,
}

#[derive(Serialize)]
struct Data<'a> {
    campaigns: Vec<ChartData<'a>>,
    graph: &'a Graph,
}

/// JSON that is safe inside `<script>`: no `<`, `>` or `&` survive literally.
fn script_json<T: Serialize>(value: &T) -> Result<String> {
    let json = serde_json::to_string(value)?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

fn list(values: &[Counted], n: usize) -> String {
    values
        .iter()
        .take(n)
        .map(|v| format!("{} ({})", xml_escape(&v.value), v.count))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Writes the report.
pub fn write<W: Write>(campaigns: &[Campaign], opts: &Options, mut out: W) -> Result<()> {
    let graph = Graph::from_campaigns(campaigns);
    let data = Data {
        campaigns: campaigns
            .iter()
            .map(|c| ChartData {
                id: &c.id,
                per_day: &c.per_day,
            })
            .collect(),
        graph: &graph,
    };
    let title = xml_escape(&opts.title);
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">"
    )?;
    writeln!(out, "<title>{title}</title><style>{STYLE}</style></head><body>")?;
    writeln!(
        out,
        "<h1>{title}</h1><p>Generated {}. {} campaigns.</p>",
        xml_escape(&opts.generated),
        campaigns.len()
    )?;
    writeln!(
        out,
        "<noscript><p>Charts and graph need JavaScript; the tables below do not.</p></noscript>"
    )?;
    writeln!(
        out,
        "<table><thead><tr><th>id</th><th>label</th><th>mails</th><th>first seen</th><th>last seen</th><th>families</th><th>payload hosts</th></tr></thead><tbody>"
    )?;
    for c in campaigns {
        writeln!(
            out,
            "<tr><td><a href=\"#{id}\"><code>{id}</code></a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            xml_escape(&c.label),
            c.size,
            xml_escape(c.first_seen.as_deref().unwrap_or("")),
            xml_escape(c.last_seen.as_deref().unwrap_or("")),
            list(&c.families, 5),
            list(&c.url_hosts, 5),
            id = xml_escape(&c.id),
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(
        out,
        "<h2>Relationships</h2><p>Sending infrastructure → campaign → payload host and family.</p><div id=\"graph\"></div>"
    )?;
    for c in campaigns {
        section(c, &mut out)?;
    }
    writeln!(
        out,
        "<script type=\"application/json\" id=\"mozu-data\">{}</script>",
        script_json(&data)?
    )?;
    writeln!(out, "<script>{SCRIPT}</script></body></html>")?;
    out.flush()?;
    Ok(())
}

fn section<W: Write>(c: &Campaign, out: &mut W) -> Result<()> {
    let id = xml_escape(&c.id);
    writeln!(
        out,
        "<section class=\"campaign\" id=\"{id}\"><h3><code>{id}</code> {}</h3>",
        xml_escape(&c.label)
    )?;
    writeln!(out, "<div class=\"chart-holder\" id=\"chart-{id}\"></div><table>")?;
    let rows: [(&str, &[Counted]); 9] = [
        ("subject templates", &c.subject_templates),
        ("attachment patterns", &c.attachment_patterns),
        ("attachment types", &c.attachment_types),
        ("senders", &c.senders),
        ("sending networks", &c.sender_networks),
        ("X-Mailer", &c.x_mailers),
        ("spoofed organisations", &c.spoofed_orgs),
        ("findings", &c.finding_ids),
        ("linked by", &c.link_features),
    ];
    for (name, values) in rows {
        if !values.is_empty() {
            writeln!(out, "<tr><th>{name}</th><td>{}</td></tr>", list(values, 10))?;
        }
    }
    writeln!(out, "</table></section>")?;
    Ok(())
}
