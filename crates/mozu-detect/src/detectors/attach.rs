//! Attachment risk over the artifact trees: artifact findings lifted into
//! the message (counted once per id), file types the Gmail and Outlook
//! gateways block anywhere in a tree, scripts and executables inside
//! archives, Office web queries (.iqy) and SYLK, HTML and SVG attachments,
//! PDFs that are little more than a link.

use mozu_model::{Artifact, ArtifactDetails, Evidence, Finding, Severity};

use crate::{Context, finding};

/// Lifted artifact findings kept per message at most (one per id anyway).
pub const MAX_LIFTED: usize = 64;

/// Extensions blocked by the Gmail and Outlook attachment lists.
pub const GATEWAY_BLOCKED: &[&str] = &[
    "ade",
    "adp",
    "apk",
    "app",
    "appx",
    "appxbundle",
    "application",
    "appref-ms",
    "bas",
    "bat",
    "cab",
    "chm",
    "cmd",
    "com",
    "cpl",
    "diagcab",
    "diagcfg",
    "diagpkg",
    "dll",
    "dmg",
    "ex_",
    "exe",
    "gadget",
    "hlp",
    "hta",
    "htc",
    "img",
    "inf",
    "ins",
    "iso",
    "isp",
    "jar",
    "jnlp",
    "js",
    "jse",
    "lib",
    "lnk",
    "mde",
    "mjs",
    "msc",
    "msh",
    "msi",
    "msix",
    "msixbundle",
    "msp",
    "mst",
    "nsh",
    "pif",
    "pl",
    "ps1",
    "ps1xml",
    "ps2",
    "psc1",
    "py",
    "pyw",
    "reg",
    "scf",
    "scr",
    "sct",
    "settingcontent-ms",
    "shb",
    "shs",
    "sys",
    "url",
    "vb",
    "vbe",
    "vbp",
    "vbs",
    "vhd",
    "vhdx",
    "vxd",
    "website",
    "ws",
    "wsb",
    "wsc",
    "wsf",
    "wsh",
    "xbap",
    "xll",
    "xnk",
    "iqy",
    "slk",
];

/// Detected types that run code when opened.
const CODE_TYPES: &[&str] = &["pe", "elf", "lnk", "script", "text-lure"];
/// Detected types of containers.
const ARCHIVE_TYPES: &[&str] = &["zip", "7z", "rar", "gzip", "bzip2", "xz", "tar", "cab", "iso"];

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    lift(&ctx.rec.artifacts, out);
    tree_risks(&ctx.rec.artifacts, false, out);
}

/// Lifts the findings of `artifacts` into `out`: one finding per id, the
/// highest score, evidence naming the tree path(s).
pub fn lift(artifacts: &[Artifact], out: &mut Vec<Finding>) {
    let mut lifted: Vec<Finding> = Vec::new();
    for a in artifacts {
        for f in &a.findings {
            let value = f.evidence.first().map(|e| e.value.as_str()).unwrap_or_default();
            let ev = Evidence {
                field: format!("artifacts[{}]", a.path),
                value: crate::text::clip(value, 200),
            };
            if let Some(l) = lifted.iter_mut().find(|l| l.id == f.id) {
                if f.score > l.score {
                    l.score = f.score;
                    l.severity = f.severity;
                }
                if l.evidence.len() < 8 {
                    l.evidence.push(ev);
                }
            } else if lifted.len() < MAX_LIFTED {
                lifted.push(Finding {
                    id: f.id.clone(),
                    severity: f.severity,
                    score: f.score,
                    title: f.title.clone(),
                    evidence: vec![ev],
                });
            }
        }
    }
    out.extend(lifted);
}

/// The lower-cased extension of an artifact's own name.
pub fn extension(a: &Artifact) -> String {
    let name = a.name.as_deref().unwrap_or(&a.path);
    let last = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim_end_matches(['.', ' ']);
    last.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Findings about the tree as a whole. `loose` is true for a loose file,
/// whose own type is not a finding.
pub fn tree_risks(artifacts: &[Artifact], loose: bool, out: &mut Vec<Finding>) {
    // One finding per id: ten scripts in one archive are one risk.
    let push = |out: &mut Vec<Finding>, f: Finding| {
        if !out.iter().any(|o| o.id == f.id) {
            out.push(f);
        }
    };
    for a in artifacts {
        let ext = extension(a);
        let code = CODE_TYPES.contains(&a.detected_type.as_str());
        let blocked = GATEWAY_BLOCKED.contains(&ext.as_str()) || code;
        if ext == "iqy" || ext == "slk" || a.detected_type == "text-lure" && !matches!(ext.as_str(), "url") {
            push(
                out,
                finding(
                    "attach.web_query",
                    Severity::High,
                    60,
                    "Office web query or SYLK file (downloads and runs content)",
                    "artifacts",
                    &a.path,
                ),
            );
        }
        if a.depth > 0 && blocked && !ARCHIVE_TYPES.contains(&ext.as_str()) {
            push(
                out,
                finding(
                    "attach.code_in_archive",
                    Severity::High,
                    60,
                    "script or executable inside an archive",
                    "artifacts",
                    &a.path,
                ),
            );
        } else if a.depth == 0 && blocked && !loose {
            push(
                out,
                finding(
                    "attach.blocked_type",
                    Severity::High,
                    50,
                    "attachment type that mail gateways block",
                    "artifacts",
                    &a.path,
                ),
            );
        }
        if a.depth == 0
            && !loose
            && (a.detected_type == "html" || matches!(ext.as_str(), "htm" | "html" | "shtml" | "xhtml" | "svg"))
        {
            push(
                out,
                finding(
                    "attach.html",
                    Severity::Medium,
                    20,
                    "HTML or SVG attachment (opens a local page, often a fake login)",
                    "artifacts",
                    &a.path,
                ),
            );
        }
        if let Some(ArtifactDetails::Pdf(p)) = &a.details
            && !p.uris.is_empty()
            && p.pages.unwrap_or(1) <= 2
        {
            push(
                out,
                finding(
                    "attach.pdf_link",
                    Severity::Medium,
                    20,
                    "short PDF whose purpose is a link",
                    "artifacts",
                    &format!("{}: {}", a.path, p.uris.first().map(String::as_str).unwrap_or_default()),
                ),
            );
        }
    }
}

/// A depth-0 attachment that can carry malware, for the thread detector.
pub fn risky_attachment(artifacts: &[Artifact]) -> Option<String> {
    const RISKY: &[&str] = &[
        "zip",
        "7z",
        "rar",
        "gzip",
        "iso",
        "cab",
        "ole",
        "ooxml",
        "rtf",
        "pdf",
        "pe",
        "lnk",
        "script",
        "text-lure",
        "html",
    ];
    artifacts
        .iter()
        .find(|a| {
            a.depth == 0
                && (RISKY.contains(&a.detected_type.as_str()) || GATEWAY_BLOCKED.contains(&extension(a).as_str()))
        })
        .map(|a| a.path.clone())
}

/// A depth-0 archive or script, for the empty-body lure.
pub fn archive_or_script(artifacts: &[Artifact]) -> Option<String> {
    artifacts
        .iter()
        .find(|a| {
            a.depth == 0
                && (ARCHIVE_TYPES.contains(&a.detected_type.as_str())
                    || CODE_TYPES.contains(&a.detected_type.as_str())
                    || ARCHIVE_TYPES.contains(&extension(a).as_str()))
        })
        .map(|a| a.path.clone())
}
