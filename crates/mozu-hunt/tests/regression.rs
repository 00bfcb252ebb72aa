//! SigmaHQ regression data: each EVTX case must fire the rule its info.yml names.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mozu_hunt::detect_event;
use mozu_logs::Limits;

const SIGMA: &str = "../../../shared/sigma";
/// Required by the issue: at least 195 of the 202 EVTX cases.
const MIN_FIRING: usize = 195;

/// The built-in pack plus all three SigmaHQ rule folders, loaded once for
/// both tests of this file.
fn sigmahq_rules() -> &'static mozu_sigma::Rules {
    static RULES: OnceLock<mozu_sigma::Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(SIGMA);
        let dirs: Vec<PathBuf> = ["rules", "rules-emerging-threats", "rules-threat-hunting"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        let started = std::time::Instant::now();
        let rules = mozu_hunt::load_rules(true, &dirs);
        eprintln!(
            "rules: {} compiled, {} failures, loaded in {:?}",
            rules.detector.rule_count(),
            rules.failure_count(),
            started.elapsed()
        );
        rules
    })
}

fn info_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "info.yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// (rule id, evtx path) from an info.yml, read line by line (no YAML dependency needed).
fn case_of(info: &Path) -> Option<(String, PathBuf)> {
    let text = std::fs::read_to_string(info).ok()?;
    let mut id = None;
    let mut in_meta = false;
    let mut evtx = None;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("rule_metadata:") {
            in_meta = true;
        } else if in_meta && let Some(v) = t.strip_prefix("- id:") {
            id = Some(v.trim().to_owned());
            in_meta = false;
        } else if let Some(v) = t.strip_prefix("path:")
            && v.trim().ends_with(".evtx")
            && !line.trim_start().starts_with('#')
        {
            evtx = Some(v.trim().to_owned());
        }
    }
    let evtx = evtx?;
    let file = Path::new(&evtx).file_name()?;
    Some((id?, info.parent()?.join(file)))
}

#[test]
fn sigmahq_regression_evtx_cases_fire_their_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(SIGMA);
    let rules = sigmahq_rules();
    let mut cases = 0;
    let mut fired = 0;
    let mut misses = Vec::new();
    for info in info_files(&root.join("regression_data")) {
        let Some((rule_id, evtx)) = case_of(&info) else {
            continue;
        };
        if !evtx.exists() {
            continue;
        }
        cases += 1;
        let mut hit = false;
        let mut events = 0;
        let read = mozu_logs::read_file(&evtx, &Limits::default(), &mut |ev| {
            events += 1;
            if detect_event(&rules.detector, ev).iter().any(|m| m.rule_id == rule_id) {
                hit = true;
            }
        });
        if hit {
            fired += 1;
        } else {
            misses.push(format!(
                "{rule_id} {} ({events} events, {:?})",
                evtx.display(),
                read.err()
            ));
        }
    }
    eprintln!("regression: {fired}/{cases} fired; misses:\n  {}", misses.join("\n  "));
    assert!(cases >= 200, "expected the 202 EVTX cases, found {cases}");
    assert!(
        fired >= MIN_FIRING,
        "only {fired}/{cases} fired; misses:\n{}",
        misses.join("\n")
    );
}

/// mozu's candidate index and pre-evaluator must select exactly the matches
/// rsigma finds when it evaluates every routed rule, on every regression event,
/// and build each match exactly as rsigma does (selections, fields, header).
#[test]
fn fast_path_agrees_with_full_rsigma_evaluation() {
    use mozu_hunt::routing::{add_aliases, logsources, route_key, service_of};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(SIGMA);
    let rules = sigmahq_rules();
    let (mut events, mut matches, mut differences) = (0usize, 0usize, Vec::new());
    for info in info_files(&root.join("regression_data")) {
        let Some((_, evtx)) = case_of(&info) else { continue };
        let _ = mozu_logs::read_file(&evtx, &Limits::default(), &mut |mut ev| {
            let key = route_key(ev.kind, &ev.fields);
            add_aliases(&service_of(&key.1), key.2, &mut ev.fields);
            let route = rules.detector.route(&logsources(key.0, &key.1, key.2));
            let ids = |ms: Vec<mozu_sigma::Match>| mozu_sigma::Match::canonical(&ms);
            let fast = ids(rules.detector.evaluate(&ev.fields, &route));
            let full = ids(rules.detector.evaluate_reference(&ev.fields, &route));
            events += 1;
            matches += full.len();
            if fast != full {
                differences.push(format!("{}: fast {fast:?} full {full:?}", evtx.display()));
            }
        });
    }
    eprintln!("differential: {events} events, {matches} matches by full evaluation");
    assert!(events > 200 && matches > 200);
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
