//! The relationship graph of LAC's figure 3-1: sending infrastructure →
//! campaign → payload host and malware family; and its GraphML form.

use std::collections::HashMap;
use std::io::Write;

use mozu_campaign::{Campaign, Counted};
use serde::Serialize;

use crate::Result;

/// Neighbours of each kind kept per campaign (the most frequent).
pub const MAX_NEIGHBOURS: usize = 8;

/// A node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Unique id (`campaign:C-…`, `net:203.0.113.0/24`, `host:…`, `family:…`).
    pub id: String,
    /// `campaign`, `sender-network`, `x-mailer`, `payload-host`, `family`.
    pub kind: String,
    /// What to show.
    pub label: String,
    /// Mails behind it.
    pub weight: u64,
}

/// An edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Source node id.
    pub source: String,
    /// Target node id.
    pub target: String,
    /// `sends`, `downloads-from`, `delivers`.
    pub kind: String,
    /// Mails behind it.
    pub weight: u64,
}

/// The graph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Nodes, campaigns first.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
}

impl Graph {
    /// The graph of `campaigns`. Infrastructure seen in a single mail only
    /// (a random bot's network) is left out: it relates nothing.
    pub fn from_campaigns(campaigns: &[Campaign]) -> Graph {
        let mut g = Graph::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut node = |g: &mut Graph, id: String, kind: &str, label: &str, weight: u64| {
            match index.get(&id) {
                Some(&i) => {
                    if let Some(n) = g.nodes.get_mut(i) {
                        n.weight += weight;
                    }
                }
                None => {
                    index.insert(id.clone(), g.nodes.len());
                    g.nodes.push(Node {
                        id: id.clone(),
                        kind: kind.into(),
                        label: label.into(),
                        weight,
                    });
                }
            }
            id
        };
        for c in campaigns {
            let cid = node(
                &mut g,
                format!("campaign:{}", c.id),
                "campaign",
                &format!("{} {}", c.id, c.label),
                c.size,
            );
            let sides: [(&[Counted], &str, &str, &str, bool); 4] = [
                (&c.sender_networks, "net", "sender-network", "sends", true),
                (&c.x_mailers, "mailer", "x-mailer", "sends", true),
                (&c.url_hosts, "host", "payload-host", "downloads-from", false),
                (&c.families, "family", "family", "delivers", false),
            ];
            for (values, prefix, kind, edge, inbound) in sides {
                for v in values.iter().filter(|v| v.count >= 2 || !inbound).take(MAX_NEIGHBOURS) {
                    let id = node(&mut g, format!("{prefix}:{}", v.value), kind, &v.value, v.count);
                    let (source, target) = if inbound { (id, cid.clone()) } else { (cid.clone(), id) };
                    g.edges.push(Edge {
                        source,
                        target,
                        kind: edge.into(),
                        weight: v.count,
                    });
                }
            }
        }
        g
    }
}

/// Escapes text for XML content and attribute values; drops characters
/// XML 1.0 cannot carry at all.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes the graph as GraphML.
pub fn graphml<W: Write>(graph: &Graph, mut out: W) -> Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(
        out,
        r#"  <key id="label" for="node" attr.name="label" attr.type="string"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="kind" for="all" attr.name="kind" attr.type="string"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="weight" for="all" attr.name="weight" attr.type="long"/>"#
    )?;
    writeln!(out, r#"  <graph id="mozu-campaigns" edgedefault="directed">"#)?;
    for n in &graph.nodes {
        writeln!(
            out,
            r#"    <node id="{}"><data key="label">{}</data><data key="kind">{}</data><data key="weight">{}</data></node>"#,
            xml_escape(&n.id),
            xml_escape(&n.label),
            xml_escape(&n.kind),
            n.weight
        )?;
    }
    for (i, e) in graph.edges.iter().enumerate() {
        writeln!(
            out,
            r#"    <edge id="e{i}" source="{}" target="{}"><data key="kind">{}</data><data key="weight">{}</data></edge>"#,
            xml_escape(&e.source),
            xml_escape(&e.target),
            xml_escape(&e.kind),
            e.weight
        )?;
    }
    writeln!(out, "  </graph>\n</graphml>")?;
    out.flush()?;
    Ok(())
}
