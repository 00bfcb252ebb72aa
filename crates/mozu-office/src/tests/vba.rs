//! VBA projects: `dir` parsing, module extraction, code pages, keyword
//! scanning and the findings derived from them.

use std::io::Cursor;
use std::path::Path;

use mozu_model::Severity;

use super::{assert_severity, evidence_contains, finding, has_finding};
use crate::fixtures::{self, INVOICE_MACRO, VbaProjectBuilder};
use crate::vba::{dir, scan::Scanned};
use crate::{analyse_ole, vba_compress};

#[test]
fn invoice_project_is_read_with_its_code_page() {
    let analysis = analyse_ole(&fixtures::vba_project_bin()).unwrap();
    assert_eq!(analysis.info.format, "vbaproject");
    assert_eq!(analysis.info.vba_code_page, Some(932));
    let names: Vec<&str> = analysis.info.vba_modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["ThisDocument", "Module1"]);
    let module = &analysis.info.vba_modules[1];
    assert!(module.code.starts_with("Attribute VB_Name = \"Module1\"\r\n"));
    assert!(
        module.code.contains("' 請求書を開く"),
        "Shift_JIS comment: {}",
        module.code
    );
    assert!(module.code.contains(INVOICE_MACRO));
    assert_eq!(module.auto_exec, ["AutoOpen"]);
    for keyword in ["CreateObject", "Run", "WScript.Shell", "PowerShell", "http://"] {
        assert!(
            module.suspicious.iter().any(|k| k == keyword),
            "{keyword} in {:?}",
            module.suspicious
        );
    }
    assert!(analysis.info.vba_modules[0].code.contains("何もしない"));
    assert!(analysis.info.vba_modules[0].auto_exec.is_empty());
    assert!(analysis.texts.iter().any(|text| text.contains("203.0.113.8")));
    assert_severity(&analysis, "office.vba_macros", Severity::Medium);
    assert_severity(&analysis, "office.vba_autoexec", Severity::High);
    assert_severity(&analysis, "office.vba_suspicious", Severity::High);
    let autoexec = finding(&analysis, "office.vba_autoexec");
    assert_eq!(autoexec.evidence[0].field, "vba_modules[Module1].auto_exec");
    assert_eq!(autoexec.evidence[0].value, "AutoOpen");
    assert!(evidence_contains(&analysis, "office.vba_suspicious", "WScript.Shell"));
    assert!(!has_finding(&analysis, "office.vba_obfuscation"));
    assert!(analysis.warnings.is_empty(), "{:?}", analysis.warnings);
}

#[test]
fn default_code_page_is_1252() {
    let bytes = VbaProjectBuilder::new()
        .code_page(1252)
        .module("Modul1", "Sub Test()\r\n MsgBox \"Café\"\r\nEnd Sub\r\n")
        .build();
    let analysis = analyse_ole(&bytes).unwrap();
    assert_eq!(analysis.info.vba_code_page, Some(1252));
    assert!(analysis.info.vba_modules[0].code.contains("Café"));
    // Macros without auto-exec: suspicious keywords would be medium only.
    assert!(!has_finding(&analysis, "office.vba_autoexec"));
    assert!(has_finding(&analysis, "office.vba_macros"));
}

#[test]
fn suspicious_without_auto_exec_is_medium() {
    let bytes = VbaProjectBuilder::new()
        .module("Module1", "Sub Helper()\r\n Shell \"cmd.exe /c dir\"\r\nEnd Sub\r\n")
        .build();
    let analysis = analyse_ole(&bytes).unwrap();
    assert_severity(&analysis, "office.vba_suspicious", Severity::Medium);
}

#[test]
fn scanning_ignores_comments_and_plain_strings() {
    let source = "' Shell CreateObject powershell\r\nRem Kill everything\r\nSub Report()\r\n MsgBox \"Run the report\" ' Exec\r\n x = 1: Rem Shell\r\nEnd Sub\r\n";
    let scanned = Scanned::new(source);
    assert!(scanned.suspicious().is_empty(), "{:?}", scanned.suspicious());
    assert!(scanned.auto_exec(source).is_empty());
}

#[test]
fn auto_exec_names_and_activex_events() {
    let source = "Private Sub InkPicture1_Painted(ByVal hDC As Long)\r\nEnd Sub\r\n\
                  Public Sub workbook_open()\r\nEnd Sub\r\n\
                  Sub Document_Close(): End Sub\r\n\
                  Function Auto_Open()\r\nEnd Function\r\n\
                  Sub NotAutoOpenAtAll()\r\nEnd Sub\r\n\
                  Sub _Click()\r\nEnd Sub\r\n";
    let found = Scanned::new(source).auto_exec(source);
    assert_eq!(
        found,
        ["InkPicture1_Painted", "workbook_open", "Document_Close", "Auto_Open"]
    );
}

#[test]
fn suspicious_keywords_case_insensitive() {
    let source = "Private Declare PtrSafe Function URLDownloadToFileA Lib \"URLMON\" (ByVal a As Long) As Long\r\n\
                  Sub x()\r\n Set o = createobject(\"msxml2.xmlhttp\")\r\n Set st = CreateObject(\"ADODB.Stream\")\r\n\
                  st.savetofile Environ$(\"TEMP\") & \"\\a.exe\"\r\n CallByName o, \"Open\", VbMethod\r\nEnd Sub\r\n";
    let found = Scanned::new(source).suspicious();
    for keyword in [
        "CreateObject",
        "Environ",
        "CallByName",
        "SaveToFile",
        "URLDownloadToFile",
        "XMLHTTP",
        "MSXML2",
        "ADODB.Stream",
        "Lib \"urlmon\"",
    ] {
        assert!(found.iter().any(|k| k == keyword), "{keyword} in {found:?}");
    }
}

#[test]
fn chr_density_and_encoded_literals_are_obfuscation() {
    let chars: String = (0..40).map(|i| format!("Chr({}) & ", 65 + i % 26)).collect();
    let blob = "QUJD".repeat(80);
    let source =
        format!("Sub AutoOpen()\r\n s = {chars}\"\"\r\n t = StrReverse(\"exe.dmc\")\r\n u = \"{blob}\"\r\nEnd Sub\r\n");
    let reasons = Scanned::new(&source).obfuscation();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].starts_with("40 Chr"));
    let analysis = analyse_ole(&VbaProjectBuilder::new().module("M", &source).build()).unwrap();
    assert!(evidence_contains(&analysis, "office.vba_obfuscation", "StrReverse"));
}

#[test]
fn dir_parser_reads_modules_and_handles_project_version() {
    let builder = fixtures::invoice_project();
    let info = dir::parse(&builder.dir_stream(), 512);
    assert_eq!(info.code_page, Some(932));
    assert_eq!(info.project_name.as_deref(), Some("VBAProject"));
    assert_eq!(info.modules.len(), 2);
    assert_eq!(info.modules[1].name, "Module1");
    assert_eq!(info.modules[1].stream_names, ["Module1"]);
    assert_eq!(info.modules[1].offset, 0x60);
    assert!(info.problems.is_empty(), "{:?}", info.problems);
    let capped = dir::parse(&builder.dir_stream(), 1);
    assert_eq!((capped.modules.len(), capped.skipped_modules), (1, 1));
}

#[test]
fn dir_record_with_huge_length_keeps_earlier_modules() {
    let mut stream = fixtures::invoice_project().dir_stream();
    stream.truncate(stream.len() - 6); // drop the terminator
    stream.extend_from_slice(&0x0019u16.to_le_bytes());
    stream.extend_from_slice(&u32::MAX.to_le_bytes());
    stream.extend_from_slice(b"Evil");
    let info = dir::parse(&stream, 512);
    assert_eq!(info.modules.len(), 2);
    assert!(
        info.problems[0].contains("declares 4294967295 bytes"),
        "{:?}",
        info.problems
    );
}

/// Rewrites one stream of a CFB file.
fn replace_stream(bytes: &[u8], path: &str, data: &[u8]) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes.to_vec())).unwrap();
    crate::fixtures::write_stream(&mut cfb, Path::new(path), data).unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

#[test]
fn wrong_module_offset_is_recovered_by_signature_scan() {
    let builder = fixtures::invoice_project();
    let mut dir_stream = builder.dir_stream();
    // MODULEOFFSET records: id 0x0031, size 4, value 0x60 -> 0x10.
    let record = [0x31, 0x00, 0x04, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00];
    let at = crate::vba::memfind(&dir_stream, &record).unwrap();
    dir_stream[at + 6] = 0x10;
    let bytes = replace_stream(&builder.build(), "/VBA/dir", &vba_compress(&dir_stream));
    let analysis = analyse_ole(&bytes).unwrap();
    assert_eq!(analysis.info.vba_modules.len(), 2);
    assert!(analysis.info.vba_modules[0].code.contains("何もしない"));
    assert!(
        analysis.warnings.iter().any(|w| w.contains("signature scan")),
        "{:?}",
        analysis.warnings
    );
}

#[test]
fn damaged_dir_falls_back_to_scanning_streams() {
    let bytes = replace_stream(&fixtures::vba_project_bin(), "/VBA/dir", b"\x01garbage");
    let analysis = analyse_ole(&bytes).unwrap();
    let names: Vec<&str> = analysis.info.vba_modules.iter().map(|m| m.name.as_str()).collect();
    assert!(names.contains(&"Module1"), "{names:?} {:?}", analysis.warnings);
    assert!(has_finding(&analysis, "office.vba_autoexec"));
    assert!(analysis.warnings.iter().any(|w| w.contains("recovered")));
}
