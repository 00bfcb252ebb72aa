//! Sigma rule loading and compilation on arbitrary YAML, then one evaluation: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mozu_sigma::{FlatEvent, RuleSet, Rules};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut set = RuleSet::new();
    set.add_str("fuzz.yml", text);
    let rules = Rules::compile(set);
    let mut ev = FlatEvent::new();
    ev.push("EventID", "1");
    ev.push("CommandLine", "cmd /c whoami");
    let route = rules.detector.route_all();
    std::hint::black_box(rules.detector.evaluate(&ev, &route));
});
