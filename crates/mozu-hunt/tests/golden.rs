//! Golden test over the authored samples in testdata/hunt (all formats, a .gz, an unreadable file).
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p mozu-hunt --test golden`.

use std::path::{Path, PathBuf};

use mozu_hunt::{HitKind, Hunter};
use mozu_logs::{Limits, collect_inputs, time::format_timestamp};

#[test]
fn testdata_hunt_timeline_matches_golden() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/hunt");
    let golden = dir.join("expected.txt");
    let (mut files, errors) = collect_inputs(&[dir.join("samples")]);
    files.retain(|f| f != &golden);
    assert!(errors.is_empty());
    assert!(files.len() >= 7, "samples missing: {files:?}");
    let hunter = Hunter::new(mozu_hunt::load_rules(true, &[]), Limits::default());
    let report = hunter.hunt(&files, &|_| {});
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut out = String::new();
    for f in &report.files {
        match &f.result {
            Ok(r) => {
                out += &format!(
                    "file {} format={} gzip={} events={} skipped={}\n",
                    name(&f.path),
                    r.format.map_or("-", |x| x.name()),
                    r.gzip,
                    r.events,
                    r.skipped
                )
            }
            Err(e) => out += &format!("file {} error={}\n", name(&f.path), e.rsplit(": ").next().unwrap_or(e)),
        }
    }
    for h in &report.hits {
        let kind = if h.kind == HitKind::Correlation {
            "correlation"
        } else {
            "detection"
        };
        let fields: Vec<String> = h.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out += &format!(
            "{} | {} | {} | {} | {kind} | {} | {} | {}\n",
            h.ts_ms.map(format_timestamp).unwrap_or_default(),
            h.computer,
            h.channel,
            h.event_id,
            h.level.as_str(),
            h.rule_title,
            fields.join(" ")
        );
    }
    assert!(report.hits.len() >= 6, "too few hits:\n{out}");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &out).expect("write golden");
    }
    let want = std::fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(
        out,
        want,
        "timeline differs from {} (UPDATE_GOLDEN=1 to regenerate)",
        golden.display()
    );
}
