//! Golden tests: every message under `testdata/mail` and `testdata/msg`
//! parses to exactly the record stored beside it as `.json`.
//! `UPDATE_GOLDEN=1 cargo test -p mozu-mail --test golden` rewrites them.

mod common;

fn check_dir(dir: &str, ext: &str) -> usize {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut ran = 0;
    let mut failures = Vec::new();
    for rel in common::testdata_files(dir, ext) {
        let rec = common::parse_testdata(&rel);
        let actual = serde_json::to_string_pretty(&rec).expect("serialise") + "\n";
        let golden = common::repo_root().join(format!("{rel}.json"));
        if update {
            std::fs::write(&golden, &actual).expect("write golden");
        } else {
            let expected = std::fs::read_to_string(&golden)
                .unwrap_or_else(|_| panic!("{rel}: no golden; run with UPDATE_GOLDEN=1"));
            if expected != actual {
                failures.push(rel.clone());
            }
        }
        ran += 1;
    }
    assert!(
        failures.is_empty(),
        "records differ from goldens: {failures:?} (UPDATE_GOLDEN=1 to accept)"
    );
    ran
}

#[test]
fn eml_goldens() {
    let ran = check_dir("testdata/mail", ".eml");
    assert!(ran > 20, "only {ran} golden cases ran");
}

#[test]
fn msg_goldens() {
    let ran = check_dir("testdata/msg", ".msg");
    assert!(ran >= 3, "only {ran} .msg golden cases ran");
}
