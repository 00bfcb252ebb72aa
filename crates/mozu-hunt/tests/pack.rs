//! mozu's own rule pack: every rule has events that must fire and events that must not,
//! and the correlations are checked at window edges, with out-of-order input and group-by.

use std::collections::BTreeSet;

use mozu_hunt::{HitKind, Hunter, detect_event};
use mozu_logs::{Limits, LogEvent, LogKind};
use mozu_sigma::FlatEvent;

const T0: i64 = 1_536_000_000_000; // 2018-09-03T18:40:00Z, in ms

fn win(channel: &str, eid: u32, computer: &str, ts_ms: i64, data: &[(&str, &str)]) -> LogEvent {
    let mut f = FlatEvent::new();
    f.push("Channel", channel);
    f.push("EventID", &eid.to_string());
    f.push("Computer", computer);
    for (k, v) in data {
        f.push(k, v);
    }
    LogEvent {
        kind: LogKind::Windows,
        ts_ms: Some(ts_ms),
        fields: f,
    }
}

fn proxy(data: &[(&str, &str)]) -> LogEvent {
    let mut f = FlatEvent::new();
    for (k, v) in data {
        f.push(k, v);
    }
    LogEvent {
        kind: LogKind::Proxy,
        ts_ms: Some(T0),
        fields: f,
    }
}

fn sysmon1(parent: &str, image: &str, cmd: &str) -> LogEvent {
    sysmon1_at("PC1", T0, parent, image, cmd)
}

fn sysmon1_at(computer: &str, ts: i64, parent: &str, image: &str, cmd: &str) -> LogEvent {
    win(
        "Microsoft-Windows-Sysmon/Operational",
        1,
        computer,
        ts,
        &[("ParentImage", parent), ("Image", image), ("CommandLine", cmd)],
    )
}

fn hunter() -> Hunter {
    let rules = mozu_hunt::load_rules(true, &[]);
    assert_eq!(rules.failure_count(), 0, "pack diagnostics: {:?}", rules.diagnostics);
    Hunter::new(rules, Limits::default())
}

fn fired(h: &Hunter, ev: LogEvent) -> BTreeSet<String> {
    detect_event(&h.rules().detector, ev)
        .into_iter()
        .map(|m| m.title)
        .collect()
}

struct Case {
    rule: &'static str,
    fire: Vec<LogEvent>,
    quiet: Vec<LogEvent>,
}

fn cases() -> Vec<Case> {
    let sec = |eid, data: &[(&str, &str)]| win("Security", eid, "DC01", T0, data);
    let word = r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE";
    let ps = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
    let cmd = r"C:\Windows\System32\cmd.exe";
    let explorer = r"C:\Windows\explorer.exe";
    vec![
        Case {
            rule: "NTLM Credential Validation Failure On Domain Controller",
            fire: vec![
                sec(4776, &[("TargetUserName", "administrator"), ("Status", "0xc000006a")]),
                sec(4776, &[("TargetUserName", "nosuchuser"), ("Status", "0xC0000064")]),
            ],
            quiet: vec![
                sec(4776, &[("TargetUserName", "alice"), ("Status", "0x0")]),
                win("System", 4776, "DC01", T0, &[("Status", "0xc000006a")]),
            ],
        },
        Case {
            rule: "Network Logon Failure On Member",
            fire: vec![sec(4625, &[("LogonType", "3"), ("TargetUserName", "administrator")])],
            quiet: vec![sec(4625, &[("LogonType", "2")]), sec(4624, &[("LogonType", "3")])],
        },
        Case {
            rule: "Account Locked Out",
            fire: vec![sec(4740, &[("TargetUserName", "bob")])],
            quiet: vec![sec(4767, &[("TargetUserName", "bob")])],
        },
        Case {
            rule: "Executable Downloaded From IP Address Without User-Agent",
            fire: vec![proxy(&[
                ("cs-host", "203.0.113.5"),
                ("c-uri-extension", "exe"),
                ("c-uri", "http://203.0.113.5/n.exe"),
            ])],
            quiet: vec![
                proxy(&[
                    ("cs-host", "203.0.113.5"),
                    ("c-uri-extension", "exe"),
                    ("c-useragent", "Mozilla/5.0"),
                ]),
                proxy(&[("cs-host", "download.example.jp"), ("c-uri-extension", "exe")]),
                proxy(&[("cs-host", "203.0.113.5"), ("c-uri-extension", "zip")]),
            ],
        },
        Case {
            rule: "User-Agent Is Exactly \"Chrome\"",
            fire: vec![proxy(&[("cs-host", "api.ipify.org"), ("c-useragent", "Chrome")])],
            quiet: vec![
                proxy(&[(
                    "c-useragent",
                    "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36",
                )]),
                proxy(&[("c-useragent", "chrome")]),
            ],
        },
        Case {
            rule: "Office Or Script Host Spawns PowerShell Or Cmd",
            fire: vec![
                sysmon1(word, ps, "powershell -enc AAAA"),
                sysmon1(r"C:\Windows\System32\wscript.exe", cmd, "cmd /c start x.exe"),
            ],
            quiet: vec![
                sysmon1(explorer, ps, "powershell"),
                sysmon1(word, r"C:\Windows\splwow64.exe", "splwow64"),
            ],
        },
        Case {
            rule: "Shadow Copy Deletion",
            fire: vec![
                sysmon1(
                    cmd,
                    r"C:\Windows\System32\vssadmin.exe",
                    "vssadmin.exe delete shadows /all /quiet",
                ),
                sysmon1(cmd, r"C:\Windows\System32\wbem\WMIC.exe", "wmic shadowcopy delete"),
                sysmon1(cmd, ps, "powershell Get-WmiObject Win32_ShadowCopy | Remove-WmiObject"),
            ],
            quiet: vec![sysmon1(
                cmd,
                r"C:\Windows\System32\vssadmin.exe",
                "vssadmin list shadows",
            )],
        },
        Case {
            rule: "Shadow Copy Deletion From PowerShell Script",
            fire: vec![win(
                "Microsoft-Windows-PowerShell/Operational",
                4104,
                "PC1",
                T0,
                &[(
                    "ScriptBlockText",
                    "Get-WmiObject Win32_ShadowCopy | ForEach-Object { $_.Delete() }",
                )],
            )],
            quiet: vec![win(
                "Microsoft-Windows-PowerShell/Operational",
                4104,
                "PC1",
                T0,
                &[("ScriptBlockText", "Get-WmiObject Win32_ShadowCopy | Select-Object ID")],
            )],
        },
        Case {
            rule: "Termination Of Mail, Office, Database Or Web Server Process",
            fire: vec![
                sysmon1(cmd, r"C:\Windows\System32\taskkill.exe", "taskkill /f /im outlook.exe"),
                sysmon1(cmd, r"C:\Windows\System32\net.exe", "net stop MSSQLSERVER /y"),
                sysmon1(cmd, r"C:\Windows\System32\sc.exe", "sc.exe stop Apache2.4"),
            ],
            quiet: vec![
                sysmon1(cmd, r"C:\Windows\System32\taskkill.exe", "taskkill /f /im notepad.exe"),
                sysmon1(cmd, r"C:\Windows\System32\net.exe", "net start MSSQLSERVER"),
            ],
        },
        Case {
            rule: "New Service Installed (System 7045)",
            fire: vec![win(
                "System",
                7045,
                "PC1",
                T0,
                &[("Provider_Name", "Service Control Manager"), ("ImagePath", "C:\\x.exe")],
            )],
            quiet: vec![win(
                "System",
                7036,
                "PC1",
                T0,
                &[("Provider_Name", "Service Control Manager")],
            )],
        },
        Case {
            rule: "New Service Installed (Security 4697)",
            fire: vec![sec(4697, &[("ServiceName", "evil")])],
            quiet: vec![win("System", 4697, "PC1", T0, &[])],
        },
        Case {
            rule: "Service Created With sc.exe Or New-Service",
            fire: vec![sysmon1(
                cmd,
                r"C:\Windows\System32\sc.exe",
                r"sc create upd binPath= C:\Users\Public\u.exe",
            )],
            quiet: vec![sysmon1(cmd, r"C:\Windows\System32\sc.exe", "sc query upd")],
        },
        Case {
            rule: "Zone.Identifier Stream Deleted",
            fire: vec![win(
                "Microsoft-Windows-Sysmon/Operational",
                23,
                "PC1",
                T0,
                &[("TargetFilename", r"C:\Users\a\Downloads\inv.zip:Zone.Identifier")],
            )],
            quiet: vec![
                win(
                    "Microsoft-Windows-Sysmon/Operational",
                    23,
                    "PC1",
                    T0,
                    &[("TargetFilename", r"C:\Users\a\Downloads\inv.zip")],
                ),
                // A file *creation* of the stream is not a deletion.
                win(
                    "Microsoft-Windows-Sysmon/Operational",
                    11,
                    "PC1",
                    T0,
                    &[("TargetFilename", r"C:\Users\a\Downloads\inv.zip:Zone.Identifier")],
                ),
            ],
        },
        Case {
            rule: "Zone.Identifier Removed From The Command Line",
            fire: vec![
                sysmon1(cmd, ps, r"powershell Unblock-File C:\Users\a\x.exe"),
                sysmon1(cmd, ps, r"powershell Remove-Item C:\x.exe -Stream Zone.Identifier"),
            ],
            quiet: vec![sysmon1(
                cmd,
                ps,
                r"powershell Get-Item C:\x.exe -Stream Zone.Identifier",
            )],
        },
    ]
}

#[test]
fn every_pack_rule_fires_and_stays_quiet() {
    let h = hunter();
    let mut checked = 0;
    let mut covered = BTreeSet::new();
    for case in cases() {
        for ev in case.fire {
            let got = fired(&h, ev.clone());
            assert!(
                got.contains(case.rule),
                "{} did not fire on {:?}; got {got:?}",
                case.rule,
                ev.fields
            );
            checked += 1;
        }
        for ev in case.quiet {
            let got = fired(&h, ev.clone());
            assert!(!got.contains(case.rule), "{} fired on {:?}", case.rule, ev.fields);
            checked += 1;
        }
        covered.insert(case.rule);
    }
    assert!(checked > 30, "only {checked} events checked");
    // Every detection rule of the pack has a case.
    let set = &h.rules().set;
    for r in &set.rules {
        assert!(
            covered.contains(r.rule.title.as_str()),
            "no test case for {}",
            r.rule.title
        );
    }
}

fn ntlm_fail(dc: &str, ts: i64, user: &str) -> LogEvent {
    win(
        "Security",
        4776,
        dc,
        ts,
        &[("TargetUserName", user), ("Status", "0xC000006A")],
    )
}

fn titles(hits: &[mozu_hunt::Hit], kind: HitKind) -> Vec<String> {
    hits.iter()
        .filter(|h| h.kind == kind)
        .map(|h| h.rule_title.clone())
        .collect()
}

const BURST: &str = "Reverse Brute Force Or Password Spraying Via NTLM (Burst)";
const SLOW: &str = "Reverse Brute Force Or Password Spraying Via NTLM (Low And Slow)";
const MIN: i64 = 60_000;

#[test]
fn reverse_bruteforce_burst_threshold_and_group_by() {
    let h = hunter();
    // One try per minute, a new account each time: 20 accounts in 20 minutes fires.
    let hits = h.hunt_events((0..20).map(|i| ntlm_fail("DC01", T0 + i * MIN, &format!("user{i}"))));
    assert!(
        titles(&hits, HitKind::Correlation).iter().any(|t| t == BURST),
        "{hits:?}"
    );
    // The single failures feed the correlation only (generate: false): not in the timeline.
    assert!(titles(&hits, HitKind::Detection).is_empty());
    // 19 accounts do not.
    let hits = h.hunt_events((0..19).map(|i| ntlm_fail("DC01", T0 + i * MIN, &format!("user{i}"))));
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == BURST));
    // The same account over and over is not spraying (value_count counts distinct names).
    let hits = h.hunt_events((0..40).map(|i| ntlm_fail("DC01", T0 + i * MIN, "administrator")));
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == BURST));
    // Group-by: 15 accounts on each of two DCs is not 20 on one.
    let hits = h.hunt_events(
        (0..30).map(|i| ntlm_fail(if i % 2 == 0 { "DC01" } else { "DC02" }, T0 + i * MIN, &format!("u{i}"))),
    );
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == BURST));
}

#[test]
fn reverse_bruteforce_low_and_slow_over_hours() {
    let h = hunter();
    // One try every 15 minutes for 10 hours: only the 12 h window sees 40 accounts.
    let hits = h.hunt_events((0..40).map(|i| ntlm_fail("DC01", T0 + i * 15 * MIN, &format!("user{i}"))));
    let corr = titles(&hits, HitKind::Correlation);
    assert!(corr.iter().any(|t| t == SLOW), "{corr:?}");
    assert!(!corr.iter().any(|t| t == BURST), "{corr:?}");
    // Every 20 minutes: the 40th try lands at 13 h, so no 12 h window holds 40.
    let hits = h.hunt_events((0..40).map(|i| ntlm_fail("DC01", T0 + i * 20 * MIN, &format!("user{i}"))));
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == SLOW));
}

#[test]
fn lockout_window_edges_and_out_of_order_input() {
    let h = hunter();
    let lock = |ts: i64| win("Security", 4740, "DC01", ts, &[("TargetUserName", "bob")]);
    let repeated = "Repeated Account Lockouts";
    let s = 1000;
    // Three lockouts just inside one hour fire; given out of order, they still do.
    for order in [[0, 1800, 3599], [3599, 0, 1800]] {
        let hits = h.hunt_events(order.iter().map(|&o| lock(T0 + o * s)));
        assert!(
            titles(&hits, HitKind::Correlation).iter().any(|t| t == repeated),
            "{order:?}"
        );
        // generate: true keeps the single lockouts in the timeline too.
        assert_eq!(titles(&hits, HitKind::Detection).len(), 3);
    }
    // Straddling the edge: the third falls just outside the first one's window.
    let hits = h.hunt_events([0, 1800, 3601].iter().map(|&o| lock(T0 + o * s)));
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == repeated));
    // Sliding, not tumbling: a window starting at the second event catches 1800, 3601, 5000.
    let hits = h.hunt_events([0, 1800, 3601, 5000].iter().map(|&o| lock(T0 + o * s)));
    assert!(titles(&hits, HitKind::Correlation).iter().any(|t| t == repeated));
}

#[test]
fn temporal_ordered_enforces_order() {
    let h = hunter();
    let word = r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE";
    let ps = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
    let chain = "Office Shell Followed By Shadow Copy Deletion";
    let shell = |ts| sysmon1_at("PC1", ts, word, ps, "powershell -w hidden");
    let vss = |ts| {
        sysmon1_at(
            "PC1",
            ts,
            ps,
            r"C:\Windows\System32\vssadmin.exe",
            "vssadmin delete shadows /all",
        )
    };
    let hits = h.hunt_events([shell(T0), vss(T0 + 10 * MIN)]);
    assert!(
        titles(&hits, HitKind::Correlation).iter().any(|t| t == chain),
        "{hits:?}"
    );
    // Same events given in reverse order of reading: time order decides, still fires.
    let hits = h.hunt_events([vss(T0 + 10 * MIN), shell(T0)]);
    assert!(titles(&hits, HitKind::Correlation).iter().any(|t| t == chain));
    // Deletion *before* the shell: wrong order, no chain.
    let hits = h.hunt_events([vss(T0), shell(T0 + 10 * MIN)]);
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == chain));
    // Right order but 61 minutes apart: outside the window.
    let hits = h.hunt_events([shell(T0), vss(T0 + 61 * MIN)]);
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == chain));
    // Right order on two different hosts: group-by keeps them apart.
    let hits = h.hunt_events([
        shell(T0),
        sysmon1_at(
            "PC2",
            T0 + MIN,
            ps,
            r"C:\Windows\System32\vssadmin.exe",
            "vssadmin delete shadows",
        ),
    ]);
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == chain));
}

#[test]
fn mass_termination_needs_five_in_five_minutes() {
    let h = hunter();
    let mass = "Mass Termination Of Business Processes";
    let kill = |ts, target: &str| {
        sysmon1_at(
            "SRV1",
            ts,
            r"C:\Windows\System32\cmd.exe",
            r"C:\Windows\System32\taskkill.exe",
            &format!("taskkill /f /im {target}"),
        )
    };
    let targets = ["outlook.exe", "winword.exe", "excel.exe", "sqlservr.exe", "httpd.exe"];
    let hits = h.hunt_events(targets.iter().enumerate().map(|(i, t)| kill(T0 + i as i64 * 50_000, t)));
    assert!(titles(&hits, HitKind::Correlation).iter().any(|t| t == mass));
    let hits = h.hunt_events(
        targets
            .iter()
            .enumerate()
            .map(|(i, t)| kill(T0 + i as i64 * 2 * MIN, t)),
    );
    assert!(!titles(&hits, HitKind::Correlation).iter().any(|t| t == mass));
}
