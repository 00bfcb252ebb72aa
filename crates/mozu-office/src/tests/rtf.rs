//! RTF documents: objects, objupdate, DDE, obfuscated object data.

use mozu_model::Severity;

use super::{assert_severity, evidence_contains, has_finding};
use crate::analyse_rtf;
use crate::fixtures::{self, PACKAGE_FILE_NAME, PACKAGE_SCRIPT, hex, ole1_object};

#[test]
fn package_object_with_objupdate() {
    let analysis = analyse_rtf(&fixtures::rtf_package_object());
    assert_eq!(analysis.info.format, "rtf");
    assert_eq!(analysis.info.embedded_objects, ["Package"]);
    assert_severity(&analysis, "office.rtf_object", Severity::High);
    assert!(evidence_contains(&analysis, "office.rtf_object", "objupdate"));
    assert_severity(&analysis, "office.ole_native_package", Severity::High);
    assert_eq!(analysis.children.len(), 1);
    assert_eq!(analysis.children[0].name, PACKAGE_FILE_NAME);
    assert_eq!(analysis.children[0].data, PACKAGE_SCRIPT);
    assert!(analysis.warnings.is_empty(), "{:?}", analysis.warnings);
}

#[test]
fn dde_field() {
    let analysis = analyse_rtf(&fixtures::rtf_dde());
    assert_eq!(analysis.info.dde.len(), 1);
    assert!(analysis.info.dde[0].starts_with("DDEAUTO c:\\windows\\system32\\cmd.exe \"/k powershell"));
    assert_severity(&analysis, "office.dde", Severity::High);
}

#[test]
fn equation_object_hidden_among_junk() {
    let data = hex(&ole1_object(
        "Equation.3",
        &[0x1C, 0x00, 0x00, 0x00, 0x02, 0x00, 0x9E, 0xC4],
    ));
    let (head, tail) = data.split_at(11);
    // Junk control words, an ignorable group and stray characters inside
    // \objdata, no \objclass, no closing braces.
    let rtf = format!("{{\\rtf1{{\\object\\objocx{{\\*\\objdata {head}\\par\\bogus12 {{\\*\\junk ABCDEF}}zz\r\n{tail}");
    let analysis = analyse_rtf(rtf.as_bytes());
    assert_eq!(analysis.info.embedded_objects, ["Equation.3"]);
    assert_severity(&analysis, "office.rtf_object", Severity::High);
    assert_eq!(analysis.children.len(), 1);
    assert_eq!(analysis.children[0].name, "rtf_object_0_Equation.3.bin");
    assert_eq!(
        analysis.children[0].data,
        [0x1C, 0x00, 0x00, 0x00, 0x02, 0x00, 0x9E, 0xC4]
    );
}

#[test]
fn binary_object_data_and_bare_cfb() {
    let object = ole1_object("Word.Document.8", &crate::ole::CFB_MAGIC);
    let mut rtf = b"{\\rtf1{\\object\\objemb{\\*\\objdata \\bin".to_vec();
    rtf.extend_from_slice(object.len().to_string().as_bytes());
    rtf.push(b' ');
    rtf.extend_from_slice(&object);
    rtf.extend_from_slice(b"}}}");
    let analysis = analyse_rtf(&rtf);
    assert_eq!(analysis.info.embedded_objects, ["Word.Document.8"]);
    assert_severity(&analysis, "office.rtf_object", Severity::Medium);
    assert_eq!(analysis.children[0].data, crate::ole::CFB_MAGIC);

    let bare = format!("{{\\rtf1{{\\object{{\\*\\objdata {}}}}}}}", hex(&crate::ole::CFB_MAGIC));
    let analysis = analyse_rtf(bare.as_bytes());
    assert_eq!(analysis.info.embedded_objects, ["OLE2 storage"]);
    assert_eq!(analysis.children[0].name, "rtf_object_0.bin");
}

#[test]
fn plain_rtf_has_no_findings() {
    let analysis = analyse_rtf(b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Hello {\\field{\\*\\fldinst HYPERLINK \"http://example.jp\"}{\\fldrslt x}}\\par}");
    assert!(analysis.findings.is_empty(), "{:?}", analysis.findings);
    assert!(!has_finding(&analysis, "office.dde"));
    let not_rtf = analyse_rtf(b"hello");
    assert!(not_rtf.warnings[0].contains("does not start"));
}
