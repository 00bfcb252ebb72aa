//! The artifact tree walk: an explicit stack of work items under one
//! budget; each item is hashed, typed, named-checked and handed to the
//! analyser registered for its type, whose children are pushed back.

use mozu_model::{Artifact, Finding, Severity, Warning, WarningCode};
use mozu_unpack::{Budget, Password};

use crate::analysers::{self, Outcome};
use crate::hashes::{Hashes, hash_all, ssdeep, tlsh};
use crate::names::name_findings;
use crate::sniff::{self, FileType};

/// Characters kept of one name in a tree path.
pub const MAX_PATH_NAME: usize = 120;
/// Artifacts per tree at most (beyond the unpack budget's entry count,
/// which only counts archive entries).
pub const MAX_ARTIFACTS: usize = 20_000;

/// One pending artifact.
pub struct Item {
    /// Content.
    pub data: Vec<u8>,
    /// Name as the attacker wrote it.
    pub name: Option<String>,
    /// Declared MIME type.
    pub declared_type: Option<String>,
    /// Tree depth.
    pub depth: u32,
    /// Path of the parent ("" for the root).
    pub parent_path: String,
    /// Type forced by the parent (an OOXML part known to be OLE, a decoded
    /// PowerShell payload known to be script text).
    pub hint: Option<FileType>,
    /// Script language known from the parent.
    pub language: Option<String>,
    /// Why the content could not be extracted (encrypted, over budget,
    /// unsupported method); the node is kept so its name is seen.
    pub not_extracted: Option<String>,
    /// MD5, SHA-1 and SHA-256 already computed by the mail parser for this
    /// content (a root attachment), so they are not computed twice.
    pub known_digests: Option<KnownDigests>,
}

/// Cryptographic digests of an item's content, lower-case hex.
#[derive(Debug, Clone, Default)]
pub struct KnownDigests {
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
}

impl Item {
    /// The root item of a tree.
    pub fn root(data: Vec<u8>, name: Option<String>, declared_type: Option<String>) -> Self {
        Item {
            data,
            name,
            declared_type,
            depth: 0,
            parent_path: String::new(),
            hint: None,
            language: None,
            not_extracted: None,
            known_digests: None,
        }
    }
}

/// What the walk produced.
#[derive(Default)]
pub struct TreeOutput {
    /// Every artifact in tree (depth-first, pre-order) order.
    pub artifacts: Vec<Artifact>,
    /// (artifact path, text) pairs to scan for indicators.
    pub texts: Vec<(String, String)>,
    /// (artifact path, bytes) of every extracted artifact, for
    /// `--extract-dir` and YARA.
    pub contents: Vec<(usize, Vec<u8>)>,
}

/// Everything one walk needs.
pub struct Walk<'a> {
    /// The budget shared by the whole tree.
    pub budget: &'a Budget,
    /// Passwords to try on encrypted archives, best first.
    pub passwords: &'a [Password],
    /// Keep every artifact's bytes in [`TreeOutput::contents`].
    pub keep_contents: bool,
    /// YARA rules to run on every artifact.
    #[cfg(feature = "yara")]
    pub yara: Option<&'a crate::yara::YaraRules>,
}

/// A path component: the name with `/`, control characters and bidi
/// controls replaced, cut to [`MAX_PATH_NAME`] characters.
pub fn path_name(name: Option<&str>, fallback: &str) -> String {
    let name = name.filter(|n| !n.trim().is_empty()).unwrap_or(fallback);
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                '_'
            } else {
                c
            }
        })
        .take(MAX_PATH_NAME)
        .collect()
}

/// Walks the tree rooted at `root`.
pub fn walk(root: Item, ctx: &Walk<'_>) -> TreeOutput {
    let mut out = TreeOutput::default();
    let mut stack = vec![root];
    while let Some(item) = stack.pop() {
        if out.artifacts.len() >= MAX_ARTIFACTS {
            break;
        }
        let index = out.artifacts.len();
        let (artifact, children, texts) = visit(item, ctx, index, &mut out);
        let path = artifact.path.clone();
        out.texts.extend(texts.into_iter().map(|t| (path.clone(), t)));
        out.artifacts.push(artifact);
        // Reverse so that children come out in their natural order.
        stack.extend(children.into_iter().rev());
    }
    out
}

fn visit(mut item: Item, ctx: &Walk<'_>, index: usize, out: &mut TreeOutput) -> (Artifact, Vec<Item>, Vec<String>) {
    let fallback = if item.depth == 0 {
        "attachment".to_string()
    } else {
        format!("entry-{index}")
    };
    let component = path_name(item.name.as_deref(), &fallback);
    let path = if item.parent_path.is_empty() {
        component
    } else {
        format!("{}/{component}", item.parent_path)
    };
    if let Some(why) = &item.not_extracted {
        return (not_extracted(&item, path, why), Vec::new(), Vec::new());
    }
    let ftype = item
        .hint
        .unwrap_or_else(|| sniff::detect(&item.data, item.name.as_deref()));
    let hashes = match item.known_digests.take() {
        Some(d) => Hashes {
            md5: d.md5,
            sha1: d.sha1,
            sha256: d.sha256,
            ssdeep: ssdeep(&item.data),
            tlsh: tlsh(&item.data),
        },
        None => hash_all(&item.data),
    };
    let mut artifact = Artifact {
        path: path.clone(),
        name: item.name.clone(),
        declared_type: item.declared_type.clone(),
        detected_type: ftype.as_str().to_string(),
        depth: item.depth,
        size: item.data.len() as u64,
        md5: hashes.md5,
        sha1: hashes.sha1,
        sha256: hashes.sha256,
        ssdeep: hashes.ssdeep,
        tlsh: hashes.tlsh,
        ..Artifact::default()
    };
    if let Some(name) = &item.name {
        artifact.findings.extend(name_findings(name, ftype, "name"));
    }
    if ctx.budget.expired() {
        artifact.findings.push(budget_finding("the deadline passed"));
        return (artifact, Vec::new(), Vec::new());
    }
    let outcome = if item.depth >= ctx.budget.limits().max_depth && ftype != FileType::Unknown {
        artifact
            .findings
            .push(budget_finding("the tree is deeper than the depth limit"));
        Outcome::default()
    } else {
        analysers::analyse(ftype, &item, ctx)
    };
    let Outcome {
        details,
        findings,
        warnings,
        encryption,
        children,
        texts,
    } = outcome;
    #[cfg(feature = "yara")]
    if let Some(rules) = ctx.yara {
        let (matches, error) = rules.scan(&item.data);
        artifact.findings.extend(matches);
        artifact
            .warnings
            .extend(error.map(|e| Warning::new(WarningCode::EmbeddedMessage, e)));
    }
    artifact.details = details;
    artifact.findings.extend(findings);
    artifact.encryption = encryption;
    artifact.warnings.extend(
        warnings
            .into_iter()
            .map(|w| Warning::new(WarningCode::EmbeddedMessage, w)),
    );
    let children = children
        .into_iter()
        .map(|mut c| {
            c.depth = item.depth + 1;
            c.parent_path = path.clone();
            c
        })
        .collect();
    if ctx.keep_contents {
        out.contents.push((index, item.data));
    }
    (artifact, children, texts)
}

fn not_extracted(item: &Item, path: String, why: &str) -> Artifact {
    let mut artifact = Artifact {
        path,
        name: item.name.clone(),
        declared_type: item.declared_type.clone(),
        detected_type: "not-extracted".to_string(),
        depth: item.depth,
        warnings: vec![Warning::new(
            WarningCode::LimitBodySize,
            format!("not extracted: {why}"),
        )],
        ..Artifact::default()
    };
    if let Some(name) = &item.name {
        // The name alone still tells: `invoice.js` inside a locked zip.
        let guess = crate::names::extension(name)
            .and_then(|e| FileType::expected_for_extension(&e))
            .unwrap_or(FileType::Unknown);
        artifact.findings.extend(name_findings(name, guess, "name"));
    }
    artifact
}

/// The finding for a budget that stopped the walk.
pub fn budget_finding(why: &str) -> Finding {
    Finding::single(
        "artifact.budget_exceeded",
        Severity::High,
        30,
        "unpacking stopped at the budget (possible archive bomb)",
        "budget",
        why,
    )
}
