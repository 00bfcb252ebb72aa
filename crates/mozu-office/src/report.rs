//! The collector every analyser writes into, and its conversion into an
//! [`Analysis`].

use mozu_model::{OfficeInfo, Severity, VbaModule};

use crate::findings::{self, Kind, Signal};
use crate::{Analysis, Child, MAX_LIST_ITEMS, MAX_MODULES, MAX_OBJECTS};

/// Most characters of a name (child, module, sheet) kept.
const MAX_NAME_CHARS: usize = 255;
/// Most characters kept of one evidence value or list item.
const MAX_VALUE_CHARS: usize = 2_000;

/// Facts, signals, payloads and warnings gathered during one call.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) budget: Budget,
    pub(crate) info: OfficeInfo,
    signals: Vec<Signal>,
    children: Vec<Child>,
    texts: Vec<String>,
    warnings: Vec<String>,
    dropped_warnings: usize,
    dropped_children: usize,
    dropped_modules: usize,
}

impl Report {
    /// An empty report with a budget of `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            budget: Budget::new(limit),
            info: OfficeInfo::default(),
            signals: Vec::new(),
            children: Vec::new(),
            texts: Vec::new(),
            warnings: Vec::new(),
            dropped_warnings: 0,
            dropped_children: 0,
            dropped_modules: 0,
        }
    }

    /// Records a warning (the first [`MAX_LIST_ITEMS`]; the rest are counted).
    pub(crate) fn warn(&mut self, warning: impl Into<String>) {
        if self.warnings.len() < MAX_LIST_ITEMS {
            self.warnings.push(warning.into());
        } else {
            self.dropped_warnings += 1;
        }
    }

    /// Raises a signal for a finding.
    pub(crate) fn signal(&mut self, kind: Kind, severity: Severity, score: i32, field: &str, value: &str) {
        if self.signals.len() < MAX_LIST_ITEMS * 4 {
            self.signals
                .push(Signal::new(kind, severity, score, field, clip(value, MAX_VALUE_CHARS)));
        }
    }

    /// Adds text for indicator scanning; empty and repeated texts are skipped.
    pub(crate) fn text(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() || self.texts.len() >= MAX_LIST_ITEMS || self.texts.iter().any(|known| known == text) {
            return;
        }
        self.texts.push(text.to_owned());
    }

    /// Adds an embedded payload (the first [`MAX_OBJECTS`]).
    pub(crate) fn child(&mut self, name: &str, data: Vec<u8>) {
        if self.children.len() >= MAX_OBJECTS {
            self.dropped_children += 1;
            return;
        }
        self.children.push(Child {
            name: clean_name(name),
            data,
        });
    }

    /// Adds a VBA module (the first [`MAX_MODULES`]); its source is also a text.
    pub(crate) fn module(&mut self, module: VbaModule) {
        if self.info.vba_modules.len() >= MAX_MODULES {
            self.dropped_modules += 1;
            return;
        }
        self.text(&module.code);
        self.info.vba_modules.push(module);
    }

    /// Appends to one of the [`OfficeInfo`] lists, skipping repeats and
    /// stopping at [`MAX_LIST_ITEMS`].
    pub(crate) fn list(list: &mut Vec<String>, item: &str) {
        let item = clip(item.trim(), MAX_VALUE_CHARS);
        if !item.is_empty() && list.len() < MAX_LIST_ITEMS && !list.contains(&item) {
            list.push(item);
        }
    }

    /// Records a DDE / DDEAUTO instruction found in `field`.
    pub(crate) fn dde(&mut self, field: &str, instruction: &str) {
        let instruction = instruction.trim();
        if instruction.is_empty() {
            return;
        }
        Self::list(&mut self.info.dde, instruction);
        self.text(instruction);
        self.signal(Kind::Dde, Severity::High, 50, field, instruction);
    }

    /// Records an embedded object's class; exploit and dropper carriers
    /// (Equation Editor, Package, OLE2Link) are high severity.
    pub(crate) fn embedded_object(&mut self, kind: Kind, field: &str, class: &str, extra: &str) {
        Self::list(&mut self.info.embedded_objects, class);
        let risky = crate::oleobj::is_risky_class(class) || !extra.is_empty();
        let (severity, score) = if risky {
            (Severity::High, 45)
        } else {
            (Severity::Medium, 20)
        };
        let value = if extra.is_empty() {
            class.to_owned()
        } else {
            format!("{class} ({extra})")
        };
        self.signal(kind, severity, score, field, &value);
    }

    /// Records the file a `Package` object carries: a payload and a finding
    /// (high severity when the file type runs code).
    pub(crate) fn package(&mut self, field: &str, package: &crate::oleobj::Package<'_>) {
        let name = package.file_name().to_owned();
        let (severity, score) = if package.is_risky() {
            (Severity::High, 50)
        } else {
            (Severity::Medium, 25)
        };
        let mut value = name.clone();
        for path in [&package.source_path, &package.temp_path] {
            if !path.is_empty() && path != &name {
                value.push_str(&format!(" <- {path}"));
                self.text(path);
            }
        }
        self.signal(Kind::OleNativePackage, severity, score, field, &value);
        if !package.data.is_empty() {
            self.child(&name, package.data.to_vec());
        }
    }

    /// How many payloads were kept so far.
    pub(crate) fn child_count(&self) -> usize {
        self.children.len()
    }

    /// Derives the VBA findings, merges all signals into findings and
    /// returns the analysis.
    pub(crate) fn finish(mut self) -> Analysis {
        crate::vba::scan::raise_findings(&mut self);
        if self.dropped_modules > 0 {
            let dropped = self.dropped_modules;
            self.warn(format!(
                "{dropped} VBA modules beyond the limit of {MAX_MODULES} were not read"
            ));
        }
        if self.dropped_children > 0 {
            let dropped = self.dropped_children;
            self.warn(format!(
                "{dropped} embedded payloads beyond the limit of {MAX_OBJECTS} were dropped"
            ));
        }
        if self.dropped_warnings > 0 {
            self.warnings
                .push(format!("{} further warnings suppressed", self.dropped_warnings));
        }
        Analysis {
            info: self.info,
            findings: findings::merge(self.signals),
            children: self.children,
            texts: self.texts,
            warnings: self.warnings,
        }
    }
}

/// At most `max` characters of `text`.
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

/// A payload name: the last path component, control characters replaced,
/// at most [`MAX_NAME_CHARS`] characters, never empty.
pub(crate) fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "object.bin".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Bytes that may still be read from streams and parts or produced by
/// decompression in one call. Spending is saturating: once exhausted, every
/// further request is refused, and the caller records a warning.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    remaining: usize,
    limit: usize,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            remaining: limit,
            limit,
        }
    }

    /// Bytes still available.
    pub(crate) fn remaining(&self) -> usize {
        self.remaining
    }

    /// The budget's original size, for warnings.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Takes `bytes` if that many are left; refuses (and takes nothing)
    /// otherwise.
    pub(crate) fn take(&mut self, bytes: usize) -> bool {
        if bytes <= self.remaining {
            self.remaining -= bytes;
            true
        } else {
            false
        }
    }

    /// Spends up to `bytes`, stopping at zero.
    pub(crate) fn spend(&mut self, bytes: usize) {
        self.remaining = self.remaining.saturating_sub(bytes);
    }
}
