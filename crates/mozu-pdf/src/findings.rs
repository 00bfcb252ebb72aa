//! Merges the raw scan with the structure layer and states the findings.

use mozu_model::{Evidence, Finding, PdfInfo, Severity};

use crate::raw::{InfoFields, RawScan};
use crate::structure::{OpenAction, Structure};
use crate::text::pdf_date_to_rfc3339;
use crate::{Analysis, MAX_URIS};

/// Extensions of files Windows runs or hands to a script host.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe", "scr", "com", "pif", "bat", "cmd", "vbs", "vbe", "js", "jse", "wsf", "wsh", "wsc", "hta", "ps1", "psm1",
    "lnk", "msi", "dll", "jar", "reg", "sct", "cpl", "iso", "img", "vhd", "vhdx", "chm", "inf", "url", "iqy", "slk",
];
/// Evidence entries listed per finding.
const MAX_EVIDENCE: usize = 20;
/// Characters of a script quoted as evidence.
const SNIPPET_CHARS: usize = 200;

fn evidence(field: &str, value: impl Into<String>) -> Evidence {
    Evidence {
        field: field.to_string(),
        value: value.into(),
    }
}

/// One evidence entry per item, at most [`MAX_EVIDENCE`].
fn listed(field: &str, items: &[String]) -> Vec<Evidence> {
    items
        .iter()
        .take(MAX_EVIDENCE)
        .map(|item| evidence(field, item.clone()))
        .collect()
}

fn finding(id: &str, severity: Severity, score: i32, title: &str, evidence: Vec<Evidence>) -> Finding {
    Finding {
        id: id.to_string(),
        severity,
        score,
        title: title.to_string(),
        evidence,
    }
}

/// Text that reads as text: what a ciphertext string of an encrypted PDF
/// almost never does.
fn plausible(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
}

fn push_unique(list: &mut Vec<String>, value: String, cap: usize) {
    if list.len() < cap && !list.contains(&value) {
        list.push(value);
    }
}

fn is_executable_name(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.')
        .is_some_and(|(_, ext)| EXECUTABLE_EXTENSIONS.contains(&ext.trim().to_ascii_lowercase().as_str()))
}

fn info_fields(raw: &RawScan, structure: Option<&Structure>) -> InfoFields {
    let mut fields = raw.info.clone();
    if raw.encrypted {
        for slot in [
            &mut fields.title,
            &mut fields.author,
            &mut fields.creator,
            &mut fields.producer,
            &mut fields.creation_date,
            &mut fields.mod_date,
        ] {
            if slot.as_deref().is_some_and(|text| !plausible(text)) {
                *slot = None;
            }
        }
    }
    if let Some(structure) = structure {
        fields.overlay(structure.info.clone());
    }
    fields
}

/// Builds the [`Analysis`] from both layers.
pub(crate) fn assemble(raw: RawScan, structure: Option<Structure>, mut warnings: Vec<String>) -> Analysis {
    let fields = info_fields(&raw, structure.as_ref());
    let date = |date: Option<String>| date.map(|date| pdf_date_to_rfc3339(&date).unwrap_or(date));
    let keep_raw = |text: &String| !raw.encrypted || plausible(text);
    let mut info = PdfInfo {
        title: fields.title,
        author: fields.author,
        creator: fields.creator,
        producer: fields.producer,
        creation_date: date(fields.creation_date),
        mod_date: date(fields.mod_date),
        keywords: raw.keywords.clone(),
        pages: structure.as_ref().map(|found| found.pages),
        ..PdfInfo::default()
    };
    let mut javascript = Vec::new();
    let (mut children, mut launches, mut open_action) = (Vec::new(), Vec::new(), None);
    if let Some(found) = structure {
        info.uris = found.uris;
        javascript = found.javascript;
        for child in &found.embedded {
            push_unique(&mut info.embedded_files, child.name.clone(), usize::MAX);
        }
        for name in found.embedded_names {
            push_unique(&mut info.embedded_files, name, usize::MAX);
        }
        children = found.embedded;
        launches = found.launches;
        open_action = found.open_action;
        warnings.extend(found.warnings);
    } else if raw.encrypted {
        warnings.push("encrypted PDF without a parsed structure: only plausible raw strings kept".to_string());
    }
    for uri in raw.uris.iter().filter(|uri| keep_raw(uri)) {
        push_unique(&mut info.uris, uri.clone(), MAX_URIS);
    }
    for script in raw.javascript.iter().filter(|script| keep_raw(script)) {
        push_unique(&mut javascript, script.clone(), crate::MAX_SCRIPTS);
    }
    for name in raw.embedded_names.iter().filter(|name| keep_raw(name)) {
        push_unique(&mut info.embedded_files, name.clone(), crate::MAX_EMBEDDED_FILES * 4);
    }
    let facts = Facts {
        raw: &raw,
        info: &info,
        javascript: &javascript,
        launches: &launches,
        open_action,
    };
    let mut findings = facts.findings();
    if children.iter().any(|child| child.data.starts_with(b"MZ"))
        && let Some(embedded) = findings.iter_mut().find(|finding| finding.id == "pdf.embedded_file")
    {
        embedded.severity = Severity::High;
        embedded.score = 40;
        embedded
            .evidence
            .push(evidence("embedded_files.content", "PE executable (MZ header)"));
    }
    let texts = info.uris.iter().cloned().chain(javascript).chain(launches).collect();
    Analysis {
        info,
        findings,
        children,
        texts,
        warnings,
    }
}

struct Facts<'a> {
    raw: &'a RawScan,
    info: &'a PdfInfo,
    javascript: &'a [String],
    launches: &'a [String],
    open_action: Option<OpenAction>,
}

impl Facts<'_> {
    fn count(&self, name: &str) -> u32 {
        self.raw.keywords.get(name).copied().unwrap_or(0)
    }

    fn count_evidence(&self, names: &[&str]) -> Vec<Evidence> {
        names
            .iter()
            .filter(|name| self.count(name) > 0)
            .map(|name| evidence(&format!("keywords./{name}"), self.count(name).to_string()))
            .collect()
    }

    fn has_javascript(&self) -> bool {
        self.count("JavaScript") + self.count("JS") > 0 || !self.javascript.is_empty()
    }

    fn findings(&self) -> Vec<Finding> {
        let has_js = self.has_javascript();
        let mut out = Vec::new();
        if has_js {
            let mut found = self.count_evidence(&["JavaScript", "JS"]);
            let snippet = self
                .javascript
                .first()
                .map(|script| script.chars().take(SNIPPET_CHARS).collect::<String>());
            found.extend(snippet.map(|snippet| evidence("javascript", snippet)));
            out.push(finding(
                "pdf.javascript",
                Severity::High,
                40,
                "PDF contains JavaScript",
                found,
            ));
        }
        if self.count("OpenAction") + self.count("AA") > 0 {
            out.push(self.open_action_finding(has_js));
        }
        if self.count("Launch") > 0 || !self.launches.is_empty() {
            let mut found = self.count_evidence(&["Launch"]);
            found.extend(listed("launch", self.launches));
            let title = "PDF has a Launch action that runs a program";
            out.push(finding("pdf.launch", Severity::High, 45, title, found));
        }
        out.extend(self.embedded_finding());
        if !self.info.uris.is_empty() {
            out.push(finding(
                "pdf.uri",
                Severity::Low,
                5,
                "PDF links to URIs",
                listed("uris", &self.info.uris),
            ));
        }
        if !self.raw.obfuscated.is_empty() {
            let title = "risky PDF names hidden with #xx escapes";
            let found = listed("name", &self.raw.obfuscated);
            out.push(finding("pdf.name_obfuscation", Severity::Medium, 25, title, found));
        }
        if self.count("XFA") > 0 {
            out.push(finding(
                "pdf.xfa",
                Severity::Low,
                5,
                "PDF has an XFA form",
                self.count_evidence(&["XFA"]),
            ));
        }
        if self.count("AcroForm") > 0 {
            let found = self.count_evidence(&["AcroForm"]);
            out.push(finding(
                "pdf.acroform",
                Severity::Low,
                5,
                "PDF has an interactive form",
                found,
            ));
        }
        out
    }

    fn embedded_finding(&self) -> Option<Finding> {
        if self.count("EmbeddedFile") == 0 && self.info.embedded_files.is_empty() {
            return None;
        }
        let executable = self.info.embedded_files.iter().any(|name| is_executable_name(name));
        let (severity, score) = if executable {
            (Severity::High, 40)
        } else {
            (Severity::Medium, 20)
        };
        let mut found = self.count_evidence(&["EmbeddedFile"]);
        found.extend(listed("embedded_files", &self.info.embedded_files));
        Some(finding(
            "pdf.embedded_file",
            severity,
            score,
            "PDF carries an embedded file",
            found,
        ))
    }

    fn open_action_finding(&self, has_js: bool) -> Finding {
        let mut found = self.count_evidence(&["OpenAction", "AA"]);
        let kind = match &self.open_action {
            Some(OpenAction::Destination) => Some("page destination".to_string()),
            Some(OpenAction::Action(kind)) => Some(format!("/{kind} action")),
            None => None,
        };
        if let Some(kind) = &kind {
            found.push(evidence("open_action", kind.clone()));
        }
        let destination_only = self.open_action == Some(OpenAction::Destination) && self.count("AA") == 0;
        if has_js {
            finding(
                "pdf.open_action",
                Severity::High,
                35,
                "PDF runs an action on opening, and has JavaScript",
                found,
            )
        } else if destination_only {
            finding(
                "pdf.open_action",
                Severity::Low,
                5,
                "PDF opens at a page destination",
                found,
            )
        } else {
            finding(
                "pdf.open_action",
                Severity::Medium,
                20,
                "PDF runs an action on opening",
                found,
            )
        }
    }
}
