//! The risky-pattern table and the obfuscation measures.
//!
//! Patterns are ASCII, case-insensitive byte regexes, compiled once. Each
//! has literal anchors; one Aho-Corasick pass finds which anchors occur and
//! only those patterns' regexes run (each linear time, with its own literal
//! prefilter), so a benign script costs about one pass.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, Input, MatchKind};
use regex::bytes::Regex;

/// What a pattern says a script does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Category {
    /// Fetches something from the network.
    Download,
    /// Runs a program or evaluates code.
    Execute,
    /// Survives a reboot or hides from defences.
    Persistence,
    /// Destroys shadow copies or backups (ransomware preparation).
    ShadowDelete,
}

/// `(name, category, anchors, regex)`; names are what `ScriptInfo::patterns`
/// lists. A pattern's regex runs only where one of its anchors (literal,
/// ASCII case-insensitive) occurs: one Aho-Corasick pass over the text
/// finds them all.
const TABLE: &[(&str, Category, &[&str], &str)] = &[
    (
        "Net.WebClient",
        Category::Download,
        &["net.webclient"],
        r"net\.webclient",
    ),
    (
        "DownloadString",
        Category::Download,
        &["downloadstring"],
        r"downloadstring",
    ),
    ("DownloadFile", Category::Download, &["downloadfile"], r"downloadfile"),
    ("DownloadData", Category::Download, &["downloaddata"], r"downloaddata"),
    (
        "Invoke-WebRequest",
        Category::Download,
        &["invoke-webrequest"],
        r"invoke-webrequest",
    ),
    (
        "Invoke-RestMethod",
        Category::Download,
        &["invoke-restmethod"],
        r"invoke-restmethod",
    ),
    ("iwr", Category::Download, &["iwr"], r"\biwr\b"),
    ("curl", Category::Download, &["curl"], r"\bcurl(?:\.exe)?\s"),
    ("wget", Category::Download, &["wget"], r"\bwget(?:\.exe)?\s"),
    (
        "Start-BitsTransfer",
        Category::Download,
        &["start-bitstransfer"],
        r"start-bitstransfer",
    ),
    (
        "bitsadmin /transfer",
        Category::Download,
        &["bitsadmin"],
        r"bitsadmin(?:\.exe)?[^\n]{0,100}[/-]transfer",
    ),
    (
        "certutil -urlcache",
        Category::Download,
        &["certutil"],
        r"certutil(?:\.exe)?[^\n]{0,100}[/-]urlcache",
    ),
    (
        "MSXML2.XMLHTTP",
        Category::Download,
        &["msxml2."],
        r"msxml2\.(?:server)?xmlhttp",
    ),
    (
        "Microsoft.XMLHTTP",
        Category::Download,
        &["microsoft.xmlhttp"],
        r"microsoft\.xmlhttp",
    ),
    (
        "WinHttp.WinHttpRequest",
        Category::Download,
        &["winhttp.winhttprequest"],
        r"winhttp\.winhttprequest",
    ),
    ("ADODB.Stream", Category::Download, &["adodb.stream"], r"adodb\.stream"),
    (
        "URLDownloadToFile",
        Category::Download,
        &["urldownloadtofile"],
        r"urldownloadtofile",
    ),
    (
        "WScript.Shell",
        Category::Execute,
        &["wscript.shell"],
        r"wscript\.shell",
    ),
    (
        "Shell.Application",
        Category::Execute,
        &["shell.application"],
        r"shell\.application",
    ),
    (".Run", Category::Execute, &[".run"], r"\.run\b"),
    (".Exec", Category::Execute, &[".exec"], r"\.exec\b"),
    ("ShellExecute", Category::Execute, &["shellexecute"], r"shellexecute"),
    ("Start-Process", Category::Execute, &["start-process"], r"start-process"),
    ("IEX", Category::Execute, &["iex"], r"\biex\b"),
    (
        "Invoke-Expression",
        Category::Execute,
        &["invoke-expression"],
        r"invoke-expression",
    ),
    (
        "cmd /c",
        Category::Execute,
        &["cmd"],
        r#"\bcmd(?:\.exe)?["']?\s+/[ck]\b"#,
    ),
    (
        "powershell -w hidden",
        Category::Execute,
        &["-w", "/w"],
        r#"\s[-/]w[a-z]{0,10}\s+["']?(?:hidden|h|1)\b"#,
    ),
    ("-nop", Category::Execute, &["-nop", "/nop"], r"\s[-/]nop(?:rofile)?\b"),
    (
        "-ep bypass",
        Category::Execute,
        &["bypass"],
        r#"\s[-/]e(?:p|x[a-z]{0,14})\s+["']?bypass\b"#,
    ),
    ("mshta", Category::Execute, &["mshta"], r"\bmshta(?:\.exe)?\b"),
    (
        "regsvr32 /i:http",
        Category::Execute,
        &["regsvr32"],
        r#"regsvr32(?:\.exe)?[^\n]{0,100}/i:\s*["']?https?:"#,
    ),
    ("rundll32", Category::Execute, &["rundll32"], r"\brundll32(?:\.exe)?\b"),
    ("eval", Category::Execute, &["eval"], r"\beval\s*\("),
    // Case-sensitive: the `Function` constructor, not `function (…) {…}`.
    ("Function(", Category::Execute, &["function"], r"(?-i)\bFunction\s*\("),
    (
        "Execute",
        Category::Execute,
        &["execute"],
        r"\bexecuteglobal\b|\bexecute\s*\(",
    ),
    (
        "schtasks",
        Category::Persistence,
        &["schtasks"],
        r"\bschtasks(?:\.exe)?\b",
    ),
    (
        "Run registry key",
        Category::Persistence,
        &["currentversion"],
        r"currentversion\\+run(?:once)?\b",
    ),
    (
        "Startup folder",
        Category::Persistence,
        &["startup"],
        r"programs\\+startup\b|shell:startup",
    ),
    (
        "Zone.Identifier",
        Category::Persistence,
        &["zone.identifier"],
        r"zone\.identifier",
    ),
    (
        "bcdedit recoveryenabled no",
        Category::Persistence,
        &["bcdedit"],
        r"bcdedit[^\n]{0,100}recoveryenabled\s+no",
    ),
    (
        "vssadmin delete shadows",
        Category::ShadowDelete,
        &["vssadmin"],
        r"vssadmin(?:\.exe)?[^\n]{0,60}delete\s+shadows",
    ),
    (
        "wmic shadowcopy delete",
        Category::ShadowDelete,
        &["wmic"],
        r"wmic(?:\.exe)?[^\n]{0,60}shadowcopy[^\n]{0,60}delete",
    ),
    (
        "Win32_ShadowCopy Delete",
        Category::ShadowDelete,
        &["win32_shadowcopy"],
        r"win32_shadowcopy[^\n]{0,200}\.delete\s*\(",
    ),
    (
        "wbadmin delete catalog",
        Category::ShadowDelete,
        &["wbadmin"],
        r"wbadmin(?:\.exe)?[^\n]{0,60}delete\s+catalog",
    ),
];

/// Characters of matched text quoted as evidence.
const QUOTE_CHARS: usize = 120;

struct Compiled {
    anchors: AhoCorasick,
    /// Table index of each anchor.
    owner: Vec<usize>,
    each: Vec<Regex>,
}

fn source(pattern: &str) -> String {
    format!("(?i-u){pattern}")
}

static COMPILED: LazyLock<Option<Compiled>> = LazyLock::new(|| {
    let each = TABLE
        .iter()
        .map(|(_, _, _, pattern)| Regex::new(&source(pattern)))
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    let (owner, literals): (Vec<usize>, Vec<&str>) = TABLE
        .iter()
        .enumerate()
        .flat_map(|(index, (_, _, anchors, _))| anchors.iter().map(move |anchor| (index, *anchor)))
        .unzip();
    let anchors = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(literals)
        .ok()?;
    Some(Compiled { anchors, owner, each })
});

/// One pattern that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index into the pattern table.
    index: usize,
    pub(crate) name: &'static str,
    pub(crate) category: Category,
    /// The first matching text, shortened.
    pub(crate) quote: String,
}

/// Indices into the table of the patterns that match `text`.
fn matching(text: &str) -> Vec<usize> {
    let Some(compiled) = COMPILED.as_ref() else {
        return Vec::new();
    };
    let mut anchored = vec![false; TABLE.len()];
    // Leftmost-longest search restarted one byte after each match start:
    // every anchor occurrence is found (no anchor is a prefix of another,
    // see the tests) while the searcher's prefilter skips plain text, which
    // an overlapping search cannot.
    let mut at = 0;
    while let Some(found) = compiled.anchors.find(Input::new(text.as_bytes()).range(at..)) {
        anchored[compiled.owner[found.pattern().as_usize()]] = true;
        at = found.start() + 1;
    }
    (0..TABLE.len())
        .filter(|&index| anchored[index] && compiled.each[index].is_match(text.as_bytes()))
        .collect()
}

/// Patterns matching `text`, in table order.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    let Some(compiled) = COMPILED.as_ref() else {
        return Vec::new();
    };
    matching(text)
        .into_iter()
        .map(|index| {
            let (name, category, _, _) = TABLE[index];
            let quote = compiled.each[index]
                .find(text.as_bytes())
                .map(|found| {
                    String::from_utf8_lossy(found.as_bytes())
                        .trim()
                        .chars()
                        .take(QUOTE_CHARS)
                        .collect()
                })
                .unwrap_or_default();
            Hit {
                index,
                name,
                category,
                quote,
            }
        })
        .collect()
}

/// Names of the patterns that match `text` (no quotes).
#[cfg(test)]
pub(crate) fn names(text: &str) -> Vec<&'static str> {
    matching(text).into_iter().map(|index| TABLE[index].0).collect()
}

/// True when `hit`'s pattern also matches `text` (used to tell which hits
/// only de-obfuscation revealed).
pub(crate) fn still_matches(hit: &Hit, text: &str) -> bool {
    COMPILED
        .as_ref()
        .is_some_and(|compiled| compiled.each[hit.index].is_match(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_compiles() {
        assert!(COMPILED.is_some());
        let anchors: Vec<&str> = TABLE
            .iter()
            .flat_map(|(_, _, anchors, _)| anchors.iter().copied())
            .collect();
        for a in &anchors {
            assert_eq!(a.to_ascii_lowercase(), *a);
            for b in &anchors {
                assert!(a == b || !b.starts_with(a), "anchor {a} is a prefix of {b}");
            }
        }
    }

    #[test]
    fn overlapping_anchors_are_all_seen() {
        // `-w` inside `invoke-webrequest`, `.exec` overlapping `execute`.
        assert_eq!(
            names("Invoke-WebRequest -Uri u -w hidden"),
            vec!["Invoke-WebRequest", "powershell -w hidden"]
        );
        assert_eq!(names("ShellExecute x: Execute(y)"), vec!["ShellExecute", "Execute"]);
    }

    #[test]
    fn finds_categories() {
        let hits = find("Set s = CreateObject(\"WScript.Shell\"): s.Run \"cmd /c vssadmin delete shadows /all\"");
        let names: Vec<&str> = hits.iter().map(|hit| hit.name).collect();
        assert_eq!(
            names,
            vec!["WScript.Shell", ".Run", "cmd /c", "vssadmin delete shadows"]
        );
        assert_eq!(hits[3].category, Category::ShadowDelete);
        assert!(find("function (a) { return a; }").is_empty());
        assert_eq!(names_of("new Function(\"x\")"), vec!["Function("]);
        assert_eq!(
            names_of("powershell -w hidden -nop -ep bypass"),
            vec!["powershell -w hidden", "-nop", "-ep bypass"]
        );
        assert_eq!(names_of("curly braces; iwrite"), Vec::<&str>::new());
    }

    fn names_of(text: &str) -> Vec<&'static str> {
        names(text)
    }
}
