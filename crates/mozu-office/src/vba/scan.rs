//! Keyword scanning of VBA source: auto-exec entry points, suspicious APIs
//! and obfuscation, case-insensitively and ignoring comments.

use mozu_model::Severity;

use super::keywords::{AUTO_EXEC, EVENT_SUFFIXES, IDENTIFIERS, SUBSTRINGS};
use crate::findings::Kind;
use crate::report::Report;

/// Identifiers that are only suspicious together (`Open … For Binary` +
/// `Put` writes a file); `Open` alone is far too common.
const FILE_WRITE: &[&str] = &["Open", "Put", "Binary"];

/// Chr/ChrW/ChrB calls needed (with the density below) to call source
/// obfuscated.
const CHR_MIN_CALLS: usize = 20;
/// Chr calls per 1,000 characters of code that count as dense.
const CHR_MIN_PER_KCHAR: usize = 4;
/// Length of a string literal of Base64 or hex characters that counts as an
/// encoded payload.
const ENCODED_LITERAL_CHARS: usize = 200;

/// VBA source split for matching: code without comments, which catalogue
/// identifiers occur outside string literals, and counts for the
/// obfuscation heuristics. Built in one byte-wise pass without per-token
/// allocation.
pub(crate) struct Scanned {
    /// Code without comments, ASCII lower-cased (still valid UTF-8: only
    /// ASCII bytes change and cuts happen at ASCII characters).
    code_lower: String,
    /// Bit `i` set when `IDENTIFIERS[i]` occurs outside string literals.
    identifiers: u64,
    /// Chr/ChrW/ChrB calls.
    chr_calls: usize,
    /// String literals that look like Base64 or hex payloads.
    encoded_literals: usize,
}

// `Scanned::identifiers` is a 64-bit set over the catalogue.
const _: () = assert!(IDENTIFIERS.len() <= 64);

/// The state of [`Scanned::new`].
struct Scanner {
    code: Vec<u8>,
    word: Vec<u8>,
    statement_start: bool,
    identifiers: u64,
    chr_calls: usize,
    encoded_literals: usize,
}

impl Scanned {
    /// Scans `source`; linear in its length.
    pub(crate) fn new(source: &str) -> Self {
        let mut scanner = Scanner {
            code: Vec::with_capacity(source.len()),
            word: Vec::new(),
            statement_start: true,
            identifiers: 0,
            chr_calls: 0,
            encoded_literals: 0,
        };
        for line in source.as_bytes().split(|&byte| byte == b'\n' || byte == b'\r') {
            scanner.statement_start = true;
            scanner.line(line);
            scanner.code.push(b'\n');
        }
        Self {
            code_lower: String::from_utf8(scanner.code)
                .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()),
            identifiers: scanner.identifiers,
            chr_calls: scanner.chr_calls,
            encoded_literals: scanner.encoded_literals,
        }
    }

    /// Auto-exec procedures declared in the source, as written.
    pub(crate) fn auto_exec(&self, source: &str) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for line in source.split(['\n', '\r', ':']) {
            // Cheap pre-check: a declaration starts with Sub, Function,
            // Public, Private, Friend or Static.
            let first = line.trim_start().as_bytes().first().map(u8::to_ascii_lowercase);
            if !matches!(first, Some(b's' | b'f' | b'p')) {
                continue;
            }
            let Some(name) = declared_procedure(line) else {
                continue;
            };
            if is_auto_exec(name) && !found.iter().any(|known| known.eq_ignore_ascii_case(name)) {
                found.push(name.to_owned());
            }
        }
        found
    }

    /// Suspicious keywords present, in catalogue order.
    pub(crate) fn suspicious(&self) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        let mut add = |label: &str| {
            if !found.iter().any(|known| known.eq_ignore_ascii_case(label)) {
                found.push(label.to_owned());
            }
        };
        for keyword in IDENTIFIERS.iter().filter(|keyword| !FILE_WRITE.contains(keyword)) {
            if self.has_identifier(keyword) {
                add(keyword);
            }
        }
        if FILE_WRITE.iter().all(|keyword| self.has_identifier(keyword)) {
            add("Open … For Binary / Put");
        }
        for (needle, label) in SUBSTRINGS {
            if self.code_lower.contains(needle) {
                add(label);
            }
        }
        found
    }

    /// Why the source looks obfuscated; empty when it does not.
    pub(crate) fn obfuscation(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        let kchars = self.code_lower.len() / 1000 + 1;
        if self.chr_calls >= CHR_MIN_CALLS && self.chr_calls / kchars >= CHR_MIN_PER_KCHAR {
            reasons.push(format!("{} Chr/ChrW/ChrB calls", self.chr_calls));
        }
        for keyword in ["StrReverse", "CallByName"] {
            if self.has_identifier(keyword) {
                reasons.push(keyword.to_owned());
            }
        }
        if self.encoded_literals > 0 {
            reasons.push(format!(
                "{} encoded string literals of {ENCODED_LITERAL_CHARS}+ characters",
                self.encoded_literals
            ));
        }
        reasons
    }

    /// Whether `keyword` (an [`IDENTIFIERS`] entry) occurs as an identifier.
    fn has_identifier(&self, keyword: &str) -> bool {
        IDENTIFIERS
            .iter()
            .position(|known| known.eq_ignore_ascii_case(keyword))
            .is_some_and(|index| self.identifiers & (1 << index) != 0)
    }
}

impl Scanner {
    /// Appends the code part of one line and notes its identifiers and
    /// literals; a `'` outside a string or a `Rem` starting a statement
    /// starts a comment.
    fn line(&mut self, line: &[u8]) {
        let mut literal_start: Option<usize> = None;
        for &byte in line {
            if let Some(start) = literal_start {
                if byte == b'"' {
                    self.end_literal(start);
                    literal_start = None;
                }
                self.code.push(byte.to_ascii_lowercase());
                continue;
            }
            // Bytes of non-ASCII characters count as identifier characters.
            if byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80 || (byte == b'$' && !self.word.is_empty()) {
                if byte != b'$' {
                    self.word.push(byte.to_ascii_lowercase());
                }
                self.code.push(byte.to_ascii_lowercase());
                continue;
            }
            if self.flush_word() {
                return;
            }
            match byte {
                b'\'' => return,
                b'"' => literal_start = Some(self.code.len() + 1),
                b':' => self.statement_start = true,
                byte if byte.is_ascii_whitespace() => {}
                _ => self.statement_start = false,
            }
            self.code.push(byte);
        }
        if self.flush_word() {
            return;
        }
        if let Some(start) = literal_start {
            self.end_literal(start);
        }
    }

    fn end_literal(&mut self, start: usize) {
        let literal = self.code.get(start..).unwrap_or_default();
        self.encoded_literals += usize::from(is_encoded_literal(literal));
    }

    /// Records a finished word; returns true when it is a `Rem` that
    /// starts a comment.
    fn flush_word(&mut self) -> bool {
        if self.word.is_empty() {
            return false;
        }
        let word = std::mem::take(&mut self.word);
        if self.statement_start && word == b"rem" {
            self.word = word;
            self.word.clear();
            return true;
        }
        self.statement_start = false;
        if matches!(word.as_slice(), b"chr" | b"chrw" | b"chrb") {
            self.chr_calls += 1;
        }
        if let Some(index) = IDENTIFIERS
            .iter()
            .position(|known| known.as_bytes().eq_ignore_ascii_case(&word))
        {
            self.identifiers |= 1 << index;
        }
        self.word = word;
        self.word.clear();
        false
    }
}

/// The procedure name a `[Public|Private|Friend] [Static] Sub|Function` line
/// declares.
fn declared_procedure(line: &str) -> Option<&str> {
    let mut words = line
        .split(|c: char| c.is_whitespace() || c == '(')
        .filter(|word| !word.is_empty());
    let mut word = words.next()?;
    while ["public", "private", "friend", "static"]
        .iter()
        .any(|modifier| word.eq_ignore_ascii_case(modifier))
    {
        word = words.next()?;
    }
    if word.eq_ignore_ascii_case("sub") || word.eq_ignore_ascii_case("function") {
        words.next()
    } else {
        None
    }
}

fn is_auto_exec(name: &str) -> bool {
    AUTO_EXEC.iter().any(|auto| auto.eq_ignore_ascii_case(name))
        || EVENT_SUFFIXES.iter().any(|suffix| {
            name.len() > suffix.len()
                && name
                    .get(name.len() - suffix.len()..)
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
        })
}

/// Whether a (lower-cased) literal is a long run of Base64 or hex characters.
fn is_encoded_literal(literal: &[u8]) -> bool {
    literal.len() >= ENCODED_LITERAL_CHARS
        && literal
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Raises `office.vba_macros`, `office.vba_autoexec` and
/// `office.vba_suspicious` from the modules collected in `report`.
/// Suspicious keywords count as high severity when any module of the
/// document runs automatically.
pub(crate) fn raise_findings(report: &mut Report) {
    let modules = std::mem::take(&mut report.info.vba_modules);
    let auto = modules.iter().any(|module| !module.auto_exec.is_empty());
    for module in &modules {
        report.signal(Kind::VbaMacros, Severity::Medium, 20, "vba_modules", &module.name);
        for entry in &module.auto_exec {
            let field = format!("vba_modules[{}].auto_exec", module.name);
            report.signal(Kind::VbaAutoexec, Severity::High, 40, &field, entry);
        }
        if !module.suspicious.is_empty() {
            let field = format!("vba_modules[{}].suspicious", module.name);
            let (severity, score) = if auto {
                (Severity::High, 40)
            } else {
                (Severity::Medium, 25)
            };
            report.signal(
                Kind::VbaSuspicious,
                severity,
                score,
                &field,
                &module.suspicious.join(", "),
            );
        }
    }
    report.info.vba_modules = modules;
}
