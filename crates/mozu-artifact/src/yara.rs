//! YARA rules over every artifact (feature `yara`, with yara-x).
//!
//! Rules are compiled once from a directory; each artifact is scanned
//! with a per-file timeout, and every matching rule becomes a finding
//! `yara.<namespace>.<rule>` whose evidence names the rule and its tags.

use std::path::Path;
use std::time::Duration;

use mozu_model::{Finding, Severity};

/// Time one artifact may take in the scanner.
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(5);
/// Rule files read from a directory at most.
pub const MAX_RULE_FILES: usize = 10_000;

/// Errors loading rules.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum YaraError {
    /// The directory or a rule file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The reason.
        source: std::io::Error,
    },
    /// A rule file did not compile.
    #[error("compiling {path}: {message}")]
    Compile {
        /// The file.
        path: String,
        /// The compiler's diagnostic.
        message: String,
    },
}

/// Compiled rules.
pub struct YaraRules {
    rules: yara_x::Rules,
    /// Rule files compiled.
    pub files: usize,
}

impl std::fmt::Debug for YaraRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YaraRules").field("files", &self.files).finish()
    }
}

impl YaraRules {
    /// Compiles every `.yar` / `.yara` file under `dir` (recursively); each
    /// file is its own namespace, named after the file.
    pub fn load(dir: &Path) -> Result<Self, YaraError> {
        let mut compiler = yara_x::Compiler::new();
        let mut stack = vec![dir.to_path_buf()];
        let mut files = 0;
        while let Some(d) = stack.pop() {
            let io = |source| YaraError::Io {
                path: d.display().to_string(),
                source,
            };
            let mut entries: Vec<_> = std::fs::read_dir(&d).map_err(io)?.flatten().map(|e| e.path()).collect();
            entries.sort();
            for p in entries {
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !matches!(ext, "yar" | "yara") || files >= MAX_RULE_FILES {
                    continue;
                }
                let src = std::fs::read_to_string(&p).map_err(|source| YaraError::Io {
                    path: p.display().to_string(),
                    source,
                })?;
                let ns: String = p
                    .file_stem()
                    .map(|s| {
                        s.to_string_lossy()
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                            .collect()
                    })
                    .unwrap_or_else(|| "rules".into());
                compiler.new_namespace(&ns);
                compiler.add_source(src.as_str()).map_err(|e| YaraError::Compile {
                    path: p.display().to_string(),
                    message: e.to_string(),
                })?;
                files += 1;
            }
        }
        Ok(YaraRules {
            rules: compiler.build(),
            files,
        })
    }

    /// Scans `data`; matching rules become findings.
    pub fn scan(&self, data: &[u8]) -> (Vec<Finding>, Option<String>) {
        let mut scanner = yara_x::Scanner::new(&self.rules);
        scanner.set_timeout(SCAN_TIMEOUT);
        match scanner.scan(data) {
            Ok(results) => {
                let findings = results
                    .matching_rules()
                    .map(|r| {
                        let tags: Vec<String> = r.tags().map(|t| t.identifier().to_string()).collect();
                        let shown = if tags.is_empty() {
                            r.identifier().to_string()
                        } else {
                            format!("{} [{}]", r.identifier(), tags.join(", "))
                        };
                        Finding::single(
                            format!("yara.{}.{}", r.namespace(), r.identifier()),
                            Severity::High,
                            40,
                            format!("YARA rule {} matched", r.identifier()),
                            "yara",
                            shown,
                        )
                    })
                    .collect();
                (findings, None)
            }
            Err(e) => (Vec::new(), Some(format!("YARA scan failed: {e}"))),
        }
    }
}
