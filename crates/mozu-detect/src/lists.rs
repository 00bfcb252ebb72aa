//! The data tables detectors consult: the organisation and brand directory,
//! freemail providers, shorteners, free hosting, file sharing, and lure
//! phrases. The shipped files under `data/` are embedded and parsed once;
//! users add directories holding files of the same names and format.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::DetectError;
use crate::text::{fold, word_bounded};

/// Bytes of a user data file read at most.
pub const MAX_DATA_FILE_BYTES: u64 = 8 << 20;
/// Entries (lines) per table at most, shipped and user files together.
pub const MAX_ENTRIES: usize = 200_000;

/// The shipped files, by name.
const SHIPPED: &[(&str, &str)] = &[
    ("organisations.txt", include_str!("../data/organisations.txt")),
    ("freemail.txt", include_str!("../data/freemail.txt")),
    ("shorteners.txt", include_str!("../data/shorteners.txt")),
    ("free_hosting.txt", include_str!("../data/free_hosting.txt")),
    ("file_sharing.txt", include_str!("../data/file_sharing.txt")),
    ("lures.txt", include_str!("../data/lures.txt")),
];

/// Registrable-domain labels too common to flag when they appear inside an
/// unrelated domain (`office-supplies.com` is not Microsoft).
const GENERIC_LABELS: &[&str] = &[
    "office",
    "outlook",
    "windows",
    "azure",
    "apple",
    "chase",
    "visa",
    "live",
    "google",
    "amazon",
    "meta",
    "adobe",
    "zoom",
    "kraken",
    "ledger",
    "lido",
    "latam",
    "post",
    "japanpost",
    "mastercard",
    "proton",
    "citi",
    "facebook",
    "digital",
    "delta",
    "united",
    "target",
    "booking",
    "spectrum",
    "steam",
    "hermes",
    "otto",
    "orange",
    "yahoo",
    "uber",
    "samsung",
    "tesla",
    "emirates",
    "costco",
    "service-public",
];

/// One organisation or brand.
#[derive(Debug, Clone)]
pub struct Org {
    /// Stable key.
    pub key: String,
    /// Registrable domains it sends from.
    pub domains: Vec<String>,
}

/// What a pattern of the name automaton stands for.
#[derive(Debug, Clone, Copy)]
pub struct NameMeta {
    /// Index into `orgs`.
    pub org: usize,
    /// ASCII names match whole words only.
    pub ascii: bool,
    /// Ordinary words (`=Apple`): not counted in bodies.
    pub common_word: bool,
}

/// A lure phrase.
#[derive(Debug, Clone)]
pub struct LureMeta {
    /// Category (`payment`).
    pub category: Arc<str>,
    /// Weight.
    pub weight: i32,
    /// Whole-word matching.
    pub ascii: bool,
    /// Counts in subjects and sender names only (`^` in the file).
    pub subject_only: bool,
}

/// Every table, ready for matching.
#[derive(Debug)]
pub struct Lists {
    /// Organisations.
    pub orgs: Vec<Org>,
    /// Organisation names, then lure phrases: one automaton, so each text
    /// is searched once for both.
    phrases: AhoCorasick,
    name_meta: Vec<NameMeta>,
    /// Folded names, aligned with the automaton's first patterns.
    pub name_text: Vec<String>,
    /// Registrable domain → organisations.
    pub org_by_domain: HashMap<String, Vec<usize>>,
    /// Distinctive labels of organisation domains (`paypal`) → organisation.
    pub brand_labels: Vec<(String, usize)>,
    /// Label → its position in `brand_labels`.
    pub brand_position: HashMap<String, usize>,
    /// Positions in `brand_labels` with the label's character mask
    /// ([`crate::detectors::lookalike::char_mask`]), by label length in
    /// bytes (index = length).
    pub brands_by_len: Vec<Vec<(usize, u64)>>,
    /// Freemail and anonymous providers.
    pub freemail: HashSet<String>,
    /// URL shorteners.
    pub shorteners: HashSet<String>,
    /// Free hosting and page builders.
    pub free_hosting: HashSet<String>,
    /// File sharing.
    pub file_sharing: HashSet<String>,
    /// Lure phrases, aligned with the automaton's patterns after the names.
    lure_meta: Vec<LureMeta>,
}

/// Lure phrases kept from one text at most.
pub const MAX_LURE_HITS: usize = 256;

/// Organisation names and lure phrases found in one folded text.
#[derive(Debug, Default)]
pub struct PhraseHits {
    /// Organisations named, each once, with the name that matched.
    pub orgs: Vec<(usize, String)>,
    /// Lure phrases: (category, weight, phrase), at most [`MAX_LURE_HITS`].
    pub lures: Vec<(Arc<str>, i32, String)>,
}

/// Raw table contents before the automatons are built.
#[derive(Default)]
struct Raw {
    orgs: Vec<(String, Vec<String>, Vec<String>)>,
    freemail: Vec<String>,
    shorteners: Vec<String>,
    free_hosting: Vec<String>,
    file_sharing: Vec<String>,
    lures: Vec<(String, i32, Vec<String>)>,
}

static SHIPPED_LISTS: LazyLock<Result<Arc<Lists>, String>> = LazyLock::new(|| {
    let mut raw = Raw::default();
    for (name, text) in SHIPPED {
        raw.add(name, text).map_err(|e| e.to_string())?;
    }
    raw.build().map(Arc::new).map_err(|e| e.to_string())
});

impl Lists {
    /// The shipped tables (parsed once).
    pub fn shipped() -> Result<Arc<Lists>, DetectError> {
        SHIPPED_LISTS.clone().map_err(|message| DetectError::Data {
            file: "data/".into(),
            line: 0,
            message,
        })
    }

    /// The shipped tables plus the files of each directory in `dirs`
    /// (`organisations.txt`, `freemail.txt`, `shorteners.txt`,
    /// `free_hosting.txt`, `file_sharing.txt`, `lures.txt`; any may be absent).
    pub fn with_directories(dirs: &[std::path::PathBuf]) -> Result<Arc<Lists>, DetectError> {
        if dirs.is_empty() {
            return Lists::shipped();
        }
        let mut raw = Raw::default();
        for (name, text) in SHIPPED {
            raw.add(name, text)?;
        }
        for dir in dirs {
            for (name, _) in SHIPPED {
                let path = dir.join(name);
                if let Some(text) = read_user_file(&path)? {
                    raw.add(&path.display().to_string(), &text)?;
                }
            }
        }
        raw.build().map(Arc::new)
    }

    /// Organisations and lure phrases in `folded` text, in one search.
    /// `body` excludes ordinary-word names and subject-only phrases.
    pub fn phrases_in(&self, folded: &str, body: bool) -> PhraseHits {
        let mut hits = PhraseHits::default();
        for m in self.phrases.find_overlapping_iter(folded) {
            let id = m.pattern().as_usize();
            let bounded = || word_bounded(folded, m.start(), m.end());
            let matched = || folded.get(m.start()..m.end()).unwrap_or_default().to_string();
            if let Some(meta) = self.name_meta.get(id) {
                if (meta.ascii && !bounded()) || (body && meta.common_word) {
                    continue;
                }
                if !hits.orgs.iter().any(|(o, _)| *o == meta.org) {
                    hits.orgs.push((meta.org, matched()));
                }
            } else if let Some(meta) = self.lure_meta.get(id - self.name_meta.len()) {
                if hits.lures.len() >= MAX_LURE_HITS || (meta.ascii && !bounded()) || (body && meta.subject_only) {
                    continue;
                }
                hits.lures.push((meta.category.clone(), meta.weight, matched()));
            }
        }
        hits
    }

    /// Organisations named in `folded` text, with the name that matched.
    /// `body` excludes ordinary-word names.
    pub fn orgs_named(&self, folded: &str, body: bool) -> Vec<(usize, String)> {
        self.phrases_in(folded, body).orgs
    }

    /// True when `domain` (a registrable domain) belongs to organisation `org`.
    pub fn org_owns(&self, org: usize, domain: &str) -> bool {
        self.org_by_domain.get(domain).is_some_and(|v| v.contains(&org))
    }

    /// The entry of `set` covering `host` (itself or a parent domain).
    pub fn host_in<'a>(set: &'a HashSet<String>, host: &str) -> Option<&'a str> {
        let mut h = host;
        loop {
            if let Some(e) = set.get(h) {
                return Some(e.as_str());
            }
            let (_, rest) = h.split_once('.')?;
            h = rest;
        }
    }
}

fn read_user_file(path: &Path) -> Result<Option<String>, DetectError> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(DetectError::Io {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let mut text = String::new();
    file.take(MAX_DATA_FILE_BYTES)
        .read_to_string(&mut text)
        .map_err(|source| DetectError::Io {
            path: path.display().to_string(),
            source,
        })?;
    Ok(Some(text))
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl Raw {
    fn add(&mut self, file: &str, text: &str) -> Result<(), DetectError> {
        let kind = file.rsplit(['/', '\\']).next().unwrap_or(file);
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: &str| DetectError::Data {
                file: file.to_string(),
                line: n + 1,
                message: message.to_string(),
            };
            let total = self.orgs.len() + self.freemail.len() + self.shorteners.len() + self.lures.len();
            if total + self.free_hosting.len() + self.file_sharing.len() >= MAX_ENTRIES {
                return Err(err("too many entries"));
            }
            let host = || line.to_ascii_lowercase().trim_end_matches('.').to_string();
            match kind {
                "organisations.txt" => {
                    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                    let [key, names, domains] = parts.as_slice() else {
                        return Err(err("expected `key | names | domains`"));
                    };
                    let domains = split_list(domains).into_iter().filter(|d| d != "-").collect();
                    self.orgs.push((key.to_string(), split_list(names), domains));
                }
                "freemail.txt" => self.freemail.push(host()),
                "shorteners.txt" => self.shorteners.push(host()),
                "free_hosting.txt" => self.free_hosting.push(host()),
                "file_sharing.txt" => self.file_sharing.push(host()),
                "lures.txt" => {
                    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                    let [category, weight, phrases] = parts.as_slice() else {
                        return Err(err("expected `category | weight | phrases`"));
                    };
                    let weight: i32 = weight.parse().map_err(|_| err("weight is not a number"))?;
                    self.lures.push((category.to_string(), weight, split_list(phrases)));
                }
                _ => return Err(err("unknown data file name")),
            }
        }
        Ok(())
    }

    fn build(self) -> Result<Lists, DetectError> {
        let build_err = |e: aho_corasick::BuildError| DetectError::Data {
            file: "data/".into(),
            line: 0,
            message: e.to_string(),
        };
        let mut orgs = Vec::new();
        let mut name_text = Vec::new();
        let mut name_meta = Vec::new();
        let mut org_by_domain: HashMap<String, Vec<usize>> = HashMap::new();
        let mut brand_labels = Vec::new();
        for (i, (key, names, domains)) in self.orgs.into_iter().enumerate() {
            for name in names {
                let common_word = name.starts_with('=');
                let folded = fold(name.trim_start_matches('='), 1024);
                if folded.chars().count() < 2 {
                    continue;
                }
                name_meta.push(NameMeta {
                    org: i,
                    ascii: folded.is_ascii(),
                    common_word,
                });
                name_text.push(folded);
            }
            for d in &domains {
                org_by_domain.entry(d.clone()).or_default().push(i);
                let label = d.split('.').next().unwrap_or_default();
                if label.len() >= 5 && !GENERIC_LABELS.contains(&label) && !brand_labels.iter().any(|(l, _)| l == label)
                {
                    brand_labels.push((label.to_string(), i));
                }
            }
            orgs.push(Org { key, domains });
        }
        let mut lure_text = Vec::new();
        let mut lure_meta = Vec::new();
        for (category, weight, phrases) in self.lures {
            let category: Arc<str> = Arc::from(category.as_str());
            for p in phrases {
                let subject_only = p.starts_with('^');
                let folded = fold(p.trim_start_matches('^'), 1024);
                if folded.is_empty() {
                    continue;
                }
                lure_meta.push(LureMeta {
                    category: category.clone(),
                    weight,
                    ascii: folded.is_ascii(),
                    subject_only,
                });
                lure_text.push(folded);
            }
        }
        // A DFA: every message's subject, sender name and body pass through
        // it, and overlapping search on the default NFA was the detectors'
        // largest cost.
        let phrases = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(name_text.iter().chain(&lure_text))
            .map_err(build_err)?;
        let brand_position = brand_labels
            .iter()
            .enumerate()
            .map(|(i, (l, _))| (l.clone(), i))
            .collect();
        let mut brands_by_len: Vec<Vec<(usize, u64)>> = Vec::new();
        for (i, (l, _)) in brand_labels.iter().enumerate() {
            if brands_by_len.len() <= l.len() {
                brands_by_len.resize(l.len() + 1, Vec::new());
            }
            if let Some(v) = brands_by_len.get_mut(l.len()) {
                v.push((i, crate::detectors::lookalike::char_mask(l)));
            }
        }
        Ok(Lists {
            brand_position,
            brands_by_len,
            orgs,
            phrases,
            name_meta,
            name_text,
            org_by_domain,
            brand_labels,
            freemail: self.freemail.into_iter().collect(),
            shorteners: self.shorteners.into_iter().collect(),
            free_hosting: self.free_hosting.into_iter().collect(),
            file_sharing: self.file_sharing.into_iter().collect(),
            lure_meta,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_parse_and_match() {
        let l = Lists::shipped().unwrap();
        assert!(l.orgs.len() > 50);
        let named = l.orgs_named(&fold("一般社団法人ICT-ISAC セキュリティ本部", 999), false);
        assert_eq!(named.len(), 1);
        assert_eq!(l.orgs[named[0].0].key, "ict-isac");
        assert!(l.orgs_named("groups of people", false).is_empty(), "UPS inside a word");
        assert!(l.orgs_named("an apple a day", true).is_empty(), "common word in a body");
        assert!(Lists::host_in(&l.free_hosting, "x.y.web.app").is_some());
        assert!(l.freemail.contains("sigaint.org"));
        assert!(!l.phrases_in(&fold("【重要】請求書の送付", 999), true).lures.is_empty());
        assert!(
            l.phrases_in("please find the invoice", true).lures.is_empty(),
            "subject-only phrase in a body"
        );
        assert!(!l.phrases_in("invoice 123", false).lures.is_empty());
    }
}
