//! SpreadsheetML: Excel 4.0 macro sheets (`xl/macrosheets/*`) with their
//! formulas, sheet visibility and `Auto_Open` names from `xl/workbook.xml`,
//! and DDE in external links and cell formulas.

use mozu_model::Severity;

use crate::MAX_LIST_ITEMS;
use crate::findings::Kind;
use crate::report::Report;

use super::Part;
use super::rels::Relationships;
use super::xml::{self, Event};

use crate::xlm::MAX_FORMULA_BYTES;

/// Most formulas read per part.
const MAX_FORMULAS: usize = 100_000;

/// Analyses the workbook part and every macro sheet, external link and
/// worksheet part.
pub(crate) fn analyse(parts: &[Part<'_>], relationships: &Relationships, report: &mut Report) {
    let mut sheets_named = 0;
    if let Some(workbook) = parts.iter().find(|part| part.lower == "xl/workbook.xml") {
        sheets_named = workbook_sheets(workbook, relationships.of("xl/_rels/workbook.xml.rels"), report);
    }
    for part in parts {
        let lower = part.lower.as_str();
        if lower.starts_with("xl/macrosheets/") || lower.starts_with("xl/intlmacrosheets/") {
            macro_sheet(part, sheets_named == 0, report);
        } else if lower.starts_with("xl/externallinks/") && lower.ends_with(".xml") {
            external_link(part, report);
        } else if lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") {
            for formula in formulas(part.data)
                .into_iter()
                .filter(|formula| is_dde_formula(formula))
            {
                report.dde(&format!("parts[{}]", part.name), &formula);
            }
        }
    }
}

/// Names the macro sheets listed in the workbook (through their
/// relationship type) with their visibility; reports `Auto_Open` names.
/// Returns how many macro sheets were named.
fn workbook_sheets(workbook: &Part<'_>, rels: &[super::rels::Relationship], report: &mut Report) -> usize {
    let text = xml::as_utf8(workbook.data);
    let mut named = 0;
    let mut in_defined_name: Option<String> = None;
    for event in xml::Reader::new(&text) {
        match event {
            Event::Start { name, attrs, .. } if xml::is(name, "sheet") => {
                let id = xml::attr(attrs, "id").unwrap_or_default();
                let is_macro = rels
                    .iter()
                    .any(|rel| rel.id == id && rel.kind.to_ascii_lowercase().contains("macrosheet"));
                if !is_macro {
                    continue;
                }
                let sheet = xml::attr(attrs, "name").unwrap_or_default();
                let state = match xml::attr(attrs, "state").unwrap_or_default().as_str() {
                    "hidden" => "hidden",
                    "veryHidden" => "very hidden",
                    _ => "visible",
                };
                Report::list(&mut report.info.xlm_macro_sheets, &sheet);
                report.text(&sheet);
                let score = if state == "visible" { 50 } else { 60 };
                let value = format!("{sheet} (Excel 4.0 macro sheet, {state})");
                report.signal(Kind::XlmMacrosheet, Severity::High, score, "xlm_macro_sheets", &value);
                named += 1;
            }
            Event::Start {
                name,
                attrs,
                empty: false,
            } if xml::is(name, "definedName") => {
                in_defined_name = xml::attr(attrs, "name");
            }
            Event::Text(raw) => {
                if let Some(defined) = in_defined_name.take() {
                    let lower = defined.to_ascii_lowercase();
                    let bare = lower.trim_start_matches("_xlnm.");
                    if bare.starts_with("auto_open") || bare.starts_with("auto_close") {
                        let value = format!("{defined} = {}", xml::unescape(raw));
                        report.signal(Kind::XlmMacrosheet, Severity::High, 60, "defined_name", &value);
                    }
                }
            }
            Event::End { .. } => in_defined_name = None,
            _ => {}
        }
    }
    named
}

/// A macro sheet part: a finding, its formulas as text, suspicious
/// formulas as evidence.
fn macro_sheet(part: &Part<'_>, name_from_part: bool, report: &mut Report) {
    let field = format!("parts[{}]", part.name);
    if name_from_part {
        let stem = part.name.rsplit('/').next().unwrap_or(part.name);
        Report::list(&mut report.info.xlm_macro_sheets, stem);
    }
    if !part.lower.ends_with(".xml") {
        report.signal(Kind::XlmMacrosheet, Severity::High, 50, &field, "binary macro sheet");
        return;
    }
    let formulas = formulas(part.data);
    crate::xlm::report_formulas(&field, &formulas, report);
}

/// `<ddeLink ddeService="cmd" ddeTopic="/c …">` in an external link part.
fn external_link(part: &Part<'_>, report: &mut Report) {
    let text = xml::as_utf8(part.data);
    let mut found = 0;
    for event in xml::Reader::new(&text) {
        let Event::Start { name, attrs, .. } = event else {
            continue;
        };
        if !xml::is(name, "ddeLink") || found >= MAX_LIST_ITEMS {
            continue;
        }
        let service = xml::attr(attrs, "ddeService").unwrap_or_default();
        let topic = xml::attr(attrs, "ddeTopic").unwrap_or_default();
        report.dde(&format!("parts[{}]", part.name), &format!("{service}|{topic}"));
        found += 1;
    }
}

/// The text of every `<f>` element of a part.
pub(crate) fn formulas(data: &[u8]) -> Vec<String> {
    let text = xml::as_utf8(data);
    let mut formulas = Vec::new();
    let mut current: Option<String> = None;
    for event in xml::Reader::new(&text) {
        match event {
            Event::Start { name, empty: false, .. } if xml::is(name, "f") => current = Some(String::new()),
            Event::Text(raw) | Event::CData(raw) => {
                if let Some(formula) = current.as_mut()
                    && formula.len() < MAX_FORMULA_BYTES
                {
                    let piece = if matches!(event, Event::Text(_)) {
                        xml::unescape(raw)
                    } else {
                        String::from_utf8_lossy(raw).into_owned()
                    };
                    formula.push_str(&piece);
                }
            }
            Event::End { name } if xml::is(name, "f") => {
                if let Some(formula) = current.take().filter(|formula| !formula.trim().is_empty()) {
                    formulas.push(formula);
                    if formulas.len() >= MAX_FORMULAS {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    formulas
}

/// A DDE cell formula: `service|'topic'!item` (`=cmd|'/c calc'!A1`).
fn is_dde_formula(formula: &str) -> bool {
    formula.split_once('|').is_some_and(|(service, rest)| {
        let service = service.trim().trim_start_matches(['=', '+', '-', '@']);
        !service.is_empty()
            && service.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            && rest.trim_start().starts_with(['\'', '"'])
            && rest.contains('!')
    })
}
