//! Runs the scanner over every message of the phishing-pot development
//! corpus: no panic, and real mail yields real indicators.

use std::path::{Path, PathBuf};

use mozu_indicators::{IndicatorSet, MAX_URLS};
use mozu_model::Location;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/phishing-pot-dev")
}

fn eml_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("corpus {} unreadable: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
}

#[test]
fn phishing_pot_corpus() {
    let files = eml_files();
    let mut processed = 0usize;
    let (mut urls, mut domains, mut ips, mut emails, mut defanged) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = String::from_utf8_lossy(&bytes);
        let mut set = IndicatorSet::default();
        set.scan_text(&text, Location::Text);
        assert!(set.urls.len() <= MAX_URLS);
        for u in &set.urls {
            assert!(u.url.starts_with("http://") || u.url.starts_with("https://") || u.url.starts_with("ftp://"));
            assert!(
                u.host.as_deref().is_some_and(|h| !h.is_empty()),
                "{}: {u:?}",
                path.display()
            );
        }
        processed += 1;
        urls += set.urls.len();
        domains += set.domains.len();
        ips += set.ips.len();
        emails += set.emails.len();
        defanged += set.urls.iter().filter(|u| u.defanged).count();
    }
    eprintln!("{processed} files: {urls} urls ({defanged} defanged), {domains} domains, {ips} ips, {emails} emails");
    assert!(processed > 0, "no .eml files in {}", corpus_dir().display());
    assert!(urls > processed, "expected URLs in phishing mail, found {urls}");
    assert!(domains > 0 && ips > 0 && emails > 0);
}
