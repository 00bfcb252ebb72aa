//! Loading Sigma rules from folders, files and strings, with diagnostics.
//!
//! Loading never stops at a bad rule: each failure becomes a [`Diagnostic`]
//! with a stable code, the file and the line, and the rest still loads.

use std::fmt;
use std::path::Path;

use rsigma_parser::{CorrelationRule, FilterRule, SigmaRule, parse_sigma_yaml};

/// Largest rule file read; bigger files are reported, not parsed.
pub const MAX_RULE_FILE_BYTES: u64 = 1 << 20;
/// Most rule files read from all sources together.
pub const MAX_RULE_FILES: usize = 50_000;
/// Deepest folder level walked under a rule folder.
pub const MAX_RULE_DIR_DEPTH: usize = 32;

/// Stable diagnostic codes, printed as `SIGMA001` … so analysts can grep and suppress them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DiagCode {
    /// The file or folder could not be read.
    Io,
    /// The YAML or the Sigma structure of a document is invalid.
    Parse,
    /// A rule parsed but could not be compiled into a matcher.
    Compile,
    /// A correlation rule could not be compiled or references a missing rule.
    Correlation,
    /// The file is larger than [`MAX_RULE_FILE_BYTES`] or the file limit was reached.
    Limit,
    /// Two rules share one id; the later one is still loaded.
    DuplicateId,
    /// A feature of the rule that mozu does not apply (e.g. filter rules).
    Unsupported,
}

impl DiagCode {
    /// The stable code, e.g. `SIGMA002`.
    pub fn code(self) -> &'static str {
        match self {
            DiagCode::Io => "SIGMA001",
            DiagCode::Parse => "SIGMA002",
            DiagCode::Compile => "SIGMA003",
            DiagCode::Correlation => "SIGMA004",
            DiagCode::Limit => "SIGMA005",
            DiagCode::DuplicateId => "SIGMA006",
            DiagCode::Unsupported => "SIGMA007",
        }
    }

    /// Whether the affected rule was left out (as opposed to a warning).
    pub fn is_failure(self) -> bool {
        !matches!(self, DiagCode::DuplicateId)
    }
}

impl fmt::Display for DiagCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem found while loading or compiling rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: DiagCode,
    /// Rule file (or the name given to a rule string).
    pub path: String,
    /// 1-based line of the offending document or rule; 0 when unknown.
    pub line: u32,
    /// Human-readable reason.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}:{}: {}", self.code, self.path, self.line, self.message)
    }
}

/// Where a rule came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOrigin {
    /// File path or string name.
    pub path: String,
    /// 1-based line of the rule's `title:`.
    pub line: u32,
}

/// A parsed detection rule and its origin.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    /// The parsed rule.
    pub rule: SigmaRule,
    /// Where it came from.
    pub origin: RuleOrigin,
}

/// A parsed correlation rule and its origin.
#[derive(Debug, Clone)]
pub struct LoadedCorrelation {
    /// The parsed correlation.
    pub rule: CorrelationRule,
    /// Where it came from.
    pub origin: RuleOrigin,
}

/// Every rule read so far, with the diagnostics of what could not be read.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Detection rules.
    pub rules: Vec<LoadedRule>,
    /// Correlation rules.
    pub correlations: Vec<LoadedCorrelation>,
    /// Problems found, in reading order.
    pub diagnostics: Vec<Diagnostic>,
    /// Rule files read.
    pub files_read: usize,
    filters_seen: usize,
}

impl RuleSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every `.yml`/`.yaml` file under `dir` (walked recursively, sorted for stable output).
    pub fn add_dir(&mut self, dir: &Path) {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir)
            .max_depth(MAX_RULE_DIR_DEPTH)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() && is_rule_file(e.path()) => files.push(e.into_path()),
                Ok(_) => {}
                Err(err) => self.diag(DiagCode::Io, &dir.display().to_string(), 0, err.to_string()),
            }
        }
        // Reading and YAML parsing dominate load time: do both in parallel, merge in order.
        use rayon::prelude::*;
        let parsed: Vec<_> = files
            .par_iter()
            .map(|path| read_rule_file(path).map(|text| (parse_sigma_yaml(&text), text)))
            .collect();
        for (path, result) in files.iter().zip(parsed) {
            let name = path.display().to_string();
            match result {
                Ok((collection, text)) => self.add_parsed(&name, &text, collection),
                Err(diag) => self.diagnostics.push(diag),
            }
        }
    }

    /// Adds one rule file, or all rule files under a folder.
    pub fn add_path(&mut self, path: &Path) {
        if path.is_dir() {
            self.add_dir(path);
            return;
        }
        match read_rule_file(path) {
            Ok(text) => self.add_str(&path.display().to_string(), &text),
            Err(diag) => self.diagnostics.push(diag),
        }
    }

    /// Adds the rules of one YAML text (possibly several `---` documents); `name` labels diagnostics.
    pub fn add_str(&mut self, name: &str, yaml: &str) {
        let parsed = parse_sigma_yaml(yaml);
        self.add_parsed(name, yaml, parsed);
    }

    fn add_parsed(&mut self, name: &str, yaml: &str, parsed: rsigma_parser::Result<rsigma_parser::SigmaCollection>) {
        if self.files_read >= MAX_RULE_FILES {
            self.diag(
                DiagCode::Limit,
                name,
                0,
                format!("more than {MAX_RULE_FILES} rule files"),
            );
            return;
        }
        self.files_read += 1;
        let collection = match parsed {
            Ok(c) => c,
            Err(err) => {
                let line = err
                    .location()
                    .map_or_else(|| line_in_message(&err.to_string()), |l| l.line);
                self.diag(DiagCode::Parse, name, line, err.to_string());
                return;
            }
        };
        let loaded: std::collections::HashSet<&str> = collection
            .rules
            .iter()
            .map(|r| r.title.as_str())
            .chain(collection.correlations.iter().map(|c| c.title.as_str()))
            .chain(collection.filters.iter().map(|f| f.title.as_str()))
            .collect();
        // rsigma's per-document errors carry no position: pair them, in order,
        // with the documents whose title did not load.
        let mut failed_docs = document_titles(yaml)
            .into_iter()
            .filter(|(t, _)| !loaded.contains(t.as_str()));
        for message in &collection.errors {
            let line = match line_in_message(message) {
                0 => failed_docs.next().map_or(1, |(_, l)| l),
                n => n,
            };
            self.diag(DiagCode::Parse, name, line, message.clone());
        }
        for rule in collection.rules {
            let origin = RuleOrigin {
                path: name.to_owned(),
                line: title_line(yaml, &rule.title),
            };
            self.rules.push(LoadedRule { rule, origin });
        }
        for rule in collection.correlations {
            let origin = RuleOrigin {
                path: name.to_owned(),
                line: title_line(yaml, &rule.title),
            };
            self.correlations.push(LoadedCorrelation { rule, origin });
        }
        for filter in collection.filters {
            self.note_filter(name, yaml, &filter);
        }
    }

    fn note_filter(&mut self, name: &str, yaml: &str, filter: &FilterRule) {
        self.filters_seen += 1;
        let line = title_line(yaml, &filter.title);
        self.diag(
            DiagCode::Unsupported,
            name,
            line,
            format!("filter rule '{}' is not applied", filter.title),
        );
    }

    /// Number of filter rules seen (reported as `SIGMA007`, not applied).
    pub fn filter_count(&self) -> usize {
        self.filters_seen
    }

    /// Number of rules (detection plus correlation) loaded.
    pub fn rule_count(&self) -> usize {
        self.rules.len() + self.correlations.len()
    }

    /// Number of diagnostics that left a rule or a file out.
    pub fn failure_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.code.is_failure()).count()
    }

    pub(crate) fn diag(&mut self, code: DiagCode, path: &str, line: u32, message: String) {
        self.diagnostics.push(Diagnostic {
            code,
            path: path.to_owned(),
            line,
            message,
        });
    }
}

fn is_rule_file(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
}

fn read_rule_file(path: &Path) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    let fail = |code, message: String| Diagnostic {
        code,
        path: name.clone(),
        line: 0,
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(DiagCode::Io, e.to_string()))?;
    if meta.len() > MAX_RULE_FILE_BYTES {
        return Err(fail(
            DiagCode::Limit,
            format!("{} bytes, over {MAX_RULE_FILE_BYTES}", meta.len()),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(DiagCode::Io, e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| fail(DiagCode::Parse, format!("not UTF-8: {e}")))
}

/// Line of `title: <title>` in the source, so diagnostics point at the rule in multi-document files.
pub(crate) fn title_line(yaml: &str, title: &str) -> u32 {
    let mut fallback = 0;
    for (i, line) in yaml.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if let Some(rest) = line.strip_prefix("title:") {
            if fallback == 0 {
                fallback = n;
            }
            if rest.trim().trim_matches(|c| c == '\'' || c == '"') == title {
                return n;
            }
        }
    }
    fallback.max(1)
}

/// (title, line of `title:`) of every `---`-separated document that has one.
fn document_titles(yaml: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut seen_in_doc = false;
    for (i, line) in yaml.lines().enumerate() {
        if line.trim_end() == "---" {
            seen_in_doc = false;
        } else if let Some(rest) = line.strip_prefix("title:")
            && !seen_in_doc
        {
            seen_in_doc = true;
            let title = rest.trim().trim_matches(|c| c == '\'' || c == '"').to_owned();
            out.push((title, u32::try_from(i + 1).unwrap_or(u32::MAX)));
        }
    }
    out
}

/// Extracts `line N` from a YAML error message; 0 when absent.
fn line_in_message(message: &str) -> u32 {
    let Some(pos) = message.find("line ") else { return 0 };
    let digits: String = message
        .get(pos + 5..)
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_yaml_is_reported_with_line() {
        let mut set = RuleSet::new();
        set.add_str("bad.yml", "title: x\ndetection: [\n  - : :\n");
        assert_eq!(set.rules.len(), 0);
        assert_eq!(set.diagnostics.len(), 1);
        assert_eq!(set.diagnostics[0].code.code(), "SIGMA002");
    }

    #[test]
    fn title_line_finds_second_document() {
        let yaml = "title: a\n---\ntitle: 'b'\n";
        assert_eq!(title_line(yaml, "b"), 3);
        assert_eq!(line_in_message("bad at line 12 column 3"), 12);
    }
}
