//! CFB documents: Word, Excel, encryption, embedded Package objects.

use mozu_model::Severity;

use super::{assert_severity, evidence_contains, finding, has_finding};
use crate::fixtures::{self, PACKAGE_FILE_NAME, PACKAGE_SCRIPT};
use crate::{OfficeError, analyse_ole};

#[test]
fn word_document_with_macros() {
    let analysis = analyse_ole(&fixtures::doc_with_macros()).unwrap();
    assert_eq!(analysis.info.format, "doc");
    assert_eq!(analysis.info.vba_code_page, Some(932));
    assert_eq!(analysis.info.vba_modules.len(), 2);
    assert_eq!(analysis.info.vba_modules[1].auto_exec, ["AutoOpen"]);
    assert_severity(&analysis, "office.vba_autoexec", Severity::High);
    assert!(analysis.info.dde.is_empty());
    assert!(analysis.warnings.is_empty(), "{:?}", analysis.warnings);
}

#[test]
fn word_document_dde_fields() {
    let analysis = analyse_ole(&fixtures::doc_with_dde()).unwrap();
    assert_eq!(analysis.info.format, "doc");
    assert_eq!(analysis.info.dde.len(), 2, "{:?}", analysis.info.dde);
    assert!(analysis.info.dde[0].starts_with("DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe"));
    assert!(analysis.info.dde[1].contains("mshta.exe"));
    assert_severity(&analysis, "office.dde", Severity::High);
    assert!(
        analysis
            .texts
            .iter()
            .any(|text| text.contains("http://203.0.113.10/p.hta"))
    );
}

#[test]
fn excel_very_hidden_macro_sheet() {
    let analysis = analyse_ole(&fixtures::xls_with_macro_sheet()).unwrap();
    assert_eq!(analysis.info.format, "xls");
    assert_eq!(analysis.info.xlm_macro_sheets, ["Auto_Open1"]);
    assert_severity(&analysis, "office.xlm_macrosheet", Severity::High);
    assert!(evidence_contains(
        &analysis,
        "office.xlm_macrosheet",
        "Auto_Open1 (Excel 4.0 macro sheet, very hidden)"
    ));
    assert!(evidence_contains(
        &analysis,
        "office.xlm_macrosheet",
        "Auto_Open (built-in name)"
    ));
    // The formulas are decoded: the CHAR() chain folds into the URL.
    assert!(evidence_contains(&analysis, "office.xlm_macrosheet", "3 formulas"));
    assert!(evidence_contains(
        &analysis,
        "office.xlm_macrosheet",
        "CALL(\"urlmon\",\"URLDownloadToFileA\""
    ));
    assert!(evidence_contains(&analysis, "office.xlm_macrosheet", "EXEC(\"rundll32"));
    assert!(
        analysis.texts.iter().any(|t| t.contains(fixtures::XLM_URL)),
        "{:?}",
        analysis.texts
    );
    assert!(!has_finding(&analysis, "office.encrypted"));
}

#[test]
fn encrypted_documents() {
    let xls = analyse_ole(&fixtures::encrypted_xls()).unwrap();
    assert_eq!(xls.info.format, "xls-encrypted");
    assert!(evidence_contains(&xls, "office.encrypted", "FILEPASS"));
    let doc = analyse_ole(&fixtures::encrypted_doc()).unwrap();
    assert_eq!(doc.info.format, "doc-encrypted");
    assert!(evidence_contains(&doc, "office.encrypted", "fEncrypted"));
    let ooxml = analyse_ole(&fixtures::encrypted_ooxml()).unwrap();
    assert_eq!(ooxml.info.format, "ooxml-encrypted");
    assert!(evidence_contains(&ooxml, "office.encrypted", "EncryptedPackage"));
}

#[test]
fn package_object_file_yields_the_dropped_script() {
    let analysis = analyse_ole(&fixtures::ole_package_file()).unwrap();
    assert_eq!(analysis.info.format, "ole");
    assert!(analysis.info.embedded_objects.contains(&"Package".to_owned()));
    assert_eq!(analysis.children.len(), 1);
    assert_eq!(analysis.children[0].name, PACKAGE_FILE_NAME);
    assert_eq!(analysis.children[0].data, PACKAGE_SCRIPT);
    assert_severity(&analysis, "office.ole_native_package", Severity::High);
    let package = finding(&analysis, "office.ole_native_package");
    assert!(
        package.evidence[0]
            .value
            .starts_with("invoice.vbs <- C:\\tmp\\invoice.vbs")
    );
    assert_severity(&analysis, "office.embedded_object", Severity::High);
}

#[test]
fn not_a_compound_file() {
    assert!(matches!(analyse_ole(b"PK\x03\x04 not ole"), Err(OfficeError::Cfb(_))));
    assert!(matches!(analyse_ole(&[]), Err(OfficeError::Cfb(_))));
}

#[test]
fn package_helpers() {
    let native = fixtures::package_native("請求書.exe", "C:\\a\\b.exe", b"MZ", true);
    let package = crate::oleobj::parse_package(&native, true).unwrap();
    assert_eq!(package.file_name(), "請求書.exe");
    assert!(package.is_risky());
    assert_eq!(package.data, b"MZ");
    assert!(crate::oleobj::parse_package(&native[..20], true).is_none());
    let harmless = fixtures::package_native("memo.txt", "", b"hi", false);
    assert!(!crate::oleobj::parse_package(&harmless, false).unwrap().is_risky());
}

#[test]
fn excel_vba_project_cur() {
    let analysis = analyse_ole(&fixtures::xls_with_vba()).unwrap();
    assert_eq!(analysis.info.format, "xls");
    assert_eq!(analysis.info.vba_modules.len(), 1);
    assert_eq!(analysis.info.vba_modules[0].name, "ThisWorkbook");
    assert_eq!(analysis.info.vba_modules[0].auto_exec, ["Workbook_Open"]);
    assert_eq!(analysis.info.vba_modules[0].suspicious, ["Shell", "mshta", "http://"]);
    assert_eq!(analysis.info.xlm_macro_sheets, ["Macro1"]);
    assert!(evidence_contains(
        &analysis,
        "office.xlm_macrosheet",
        "Macro1 (Excel 4.0 macro sheet, visible)"
    ));
    assert_severity(&analysis, "office.vba_suspicious", Severity::High);
}
