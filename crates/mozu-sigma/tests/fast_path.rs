//! The candidate index and pre-evaluator against rsigma's full evaluation on
//! rules built to hit the awkward corners of Sigma semantics: negation, null
//! and absence, `exists`, keywords, multi-valued fields, selectors with
//! `them` and `_`-names, counts, regex, numbers, case, non-ASCII text.

use mozu_sigma::{FlatEvent, RuleSet, Rules};

const RULES: &str = r#"
title: Not Filter
id: r-not
logsource: {product: t}
detection:
  sel: {Image|endswith: '\cmd.exe'}
  filter: {User: 'SYSTEM'}
  condition: sel and not filter
---
title: Null Field
id: r-null
logsource: {product: t}
detection:
  sel: {Image|contains: 'tool', ParentImage: null}
  condition: sel
---
title: Not Exists
id: r-exists
logsource: {product: t}
detection:
  sel: {Image|contains: 'tool'}
  gone: {CommandLine|exists: false}
  condition: sel and gone
---
title: Only Negation
id: r-onlynot
logsource: {product: t}
detection:
  filter: {Image|endswith: '.exe'}
  condition: not filter
---
title: Keywords
id: r-kw
logsource: {product: t}
detection:
  keywords: ['mimikatz', 'sekurlsa::']
  condition: keywords
---
title: Multi Value All
id: r-all
logsource: {product: t}
detection:
  sel:
    Tag|all: ['alpha', 'beta']
  condition: sel
---
title: Them Ignores Underscore
id: r-them
logsource: {product: t}
detection:
  a: {Image|contains: 'x1'}
  b: {CommandLine|contains: 'x2'}
  _c: {User: 'never'}
  condition: all of them
---
title: Two Of
id: r-count
logsource: {product: t}
detection:
  s1: {Image|contains: 'p1'}
  s2: {CommandLine|contains: 'p2'}
  s3: {User|contains: 'p3'}
  condition: 2 of s*
---
title: Regex And Number
id: r-re
logsource: {product: t}
detection:
  sel:
    CommandLine|re: '(?i)-enc(odedcommand)?\s+[a-z0-9+/=]{20,}'
    Level|gte: 3
  condition: sel
---
title: Cased
id: r-cased
logsource: {product: t}
detection:
  sel: {CommandLine|cased|contains: 'Invoke-Expression'}
  condition: sel
---
title: Non Ascii
id: r-nonascii
logsource: {product: t}
detection:
  sel: {Subject|contains: '請求書'}
  condition: sel
---
title: Number And Exact
id: r-num
logsource: {product: t}
detection:
  sel: {EventID: 4688, Channel: 'Security'}
  condition: sel
---
title: Regex Prefix
id: r-prefix
logsource: {product: t}
detection:
  sel: {CommandLine|re: 'certutil(\.exe)? .*-urlcache'}
  condition: sel
---
title: Wildcard Case Insensitive
id: r-wild
logsource: {product: t}
detection:
  sel: {CommandLine: 'net use *'}
  condition: sel
---
title: Field Reference
id: r-fieldref
logsource: {product: t}
detection:
  sel: {Image|fieldref: ParentImage}
  condition: sel
---
title: Windash
id: r-windash
logsource: {product: t}
detection:
  sel: {CommandLine|windash|contains: '-nop'}
  condition: sel
---
title: Inner Literals
id: r-inner
logsource: {product: t}
detection:
  tick: {CommandLine|re: '\w+`(?:\w+|-|.)`[\w+|\s]'}
  werfault: {CommandLine|re: '(?i)\.exe["'']?\s+[^"]{0,64}werfaultsecure\.exe'}
  stdin: {CommandLine|re: '(?i)(?:set).*&&\s?set.*(?:environment|invoke)'}
  condition: 1 of them
---
title: Wildcard Emoji And Carets
id: r-emoji
logsource: {product: t}
detection:
  sel:
    CommandLine|contains:
      - '*️⃣'
      - '^^'
      - 'Ⓜ️'
  condition: sel
---
title: Short Equality
id: r-equals
logsource: {product: t}
detection:
  sel1:
    CommandLine|startswith: '"C:\Windows\system32\wusa.exe"  /quiet C:\Users\'
    IntegrityLevel: ['High', 'System']
  sel2:
    ParentCommandLine: 'dism.exe /online'
    IntegrityLevel: ['High', 'System']
    Image|endswith: '\DismHost.exe'
  condition: 1 of sel*
"#;

fn event(pairs: &[(&str, &str)]) -> FlatEvent {
    let mut e = FlatEvent::new();
    for (k, v) in pairs {
        e.push(k, v);
    }
    e
}

#[test]
fn fast_path_agrees_with_rsigma_on_crafted_events() {
    let mut set = RuleSet::new();
    set.add_str("crafted.yml", RULES);
    let rules = Rules::compile(set);
    assert_eq!(rules.failure_count(), 0, "{:?}", rules.diagnostics);
    assert_eq!(rules.detector.rule_count(), 19);
    let events = [
        event(&[("Image", r"C:\Windows\System32\CMD.EXE"), ("User", "alice")]),
        event(&[("Image", r"C:\Windows\System32\cmd.exe"), ("User", "SYSTEM")]),
        event(&[("Image", "C:\\tools\\tool.bin")]),
        event(&[
            ("Image", "C:\\tools\\tool.bin"),
            ("ParentImage", "x"),
            ("CommandLine", "y"),
        ]),
        event(&[("Message", "ran MIMIKATZ sekurlsa::logonpasswords")]),
        event(&[("Tag", "alpha"), ("Tag", "beta")]),
        event(&[("Tag", "alpha"), ("Tag", "gamma")]),
        event(&[("Image", "x1.exe"), ("CommandLine", "x2")]),
        event(&[("Image", "p1"), ("CommandLine", "zz"), ("User", "p3")]),
        event(&[("Image", "p1"), ("CommandLine", "zz"), ("User", "q")]),
        event(&[
            (
                "CommandLine",
                "powershell -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
            ),
            ("Level", "4"),
        ]),
        event(&[
            (
                "CommandLine",
                "powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
            ),
            ("Level", "2"),
        ]),
        event(&[("CommandLine", "Invoke-Expression $x")]),
        event(&[("CommandLine", "invoke-expression $x")]),
        event(&[("Subject", "【重要】請求書のご確認")]),
        event(&[("CommandLine", "powershell /nop -w hidden")]),
        event(&[("CommandLine", "powershell \u{2013}nop")]),
        event(&[("Image", "K\u{212A}ELVIN")]),
        event(&[("EventID", "4688"), ("Channel", "SECURITY")]),
        event(&[("EventID", "4688.0"), ("Channel", "Security")]),
        event(&[("EventID", "04688"), ("Channel", "security")]),
        event(&[("EventID", "4689"), ("Channel", "Security")]),
        event(&[("CommandLine", "certutil.exe -f -urlcache http://x")]),
        event(&[("CommandLine", "CERTUTIL -urlcache")]),
        event(&[("CommandLine", "NET USE \\\\dc01\\c$")]),
        event(&[("CommandLine", "net u\u{17f}e x")]),
        event(&[("CommandLine", "net view")]),
        event(&[("Image", r"C:\A\x.exe"), ("ParentImage", r"c:\a\X.EXE")]),
        event(&[("Image", r"C:\A\x.exe"), ("ParentImage", r"C:\A\y.exe")]),
        event(&[("Image", r"C:\A\x.exe")]),
        event(&[("Image", "a"), ("Image", "b"), ("ParentImage", "a")]),
        event(&[("CommandLine", "IN`V`o`Ke-eXp`ResSIOn x")]),
        event(&[("CommandLine", "IN`V`o x")]),
        event(&[("CommandLine", r"wsass.EXE 'C:\x\WerFaultSecure.exe' 1234")]),
        event(&[("CommandLine", "wsass.exe werfaultsecure.ex")]),
        event(&[("CommandLine", "cmd /c \"SET x=1&&SET y=invoke&&\"")]),
        event(&[("CommandLine", "cmd /c \"\u{17f}et x=1&&set y=environment\"")]),
        event(&[("CommandLine", "cmd /c set x && echo")]),
        event(&[("CommandLine", "echo 1\u{fe0f}\u{20e3} done")]),
        event(&[("CommandLine", "echo \u{fe0f}\u{20e3}")]),
        event(&[("CommandLine", "echo \u{24c2}\u{fe0f} and \u{24dc}\u{fe0f}")]),
        event(&[("CommandLine", "c^^m^^d")]),
        event(&[("CommandLine", "c^m^d")]),
        event(&[
            ("CommandLine", r#""C:\Windows\system32\wusa.exe"  /quiet C:\Users\a"#),
            ("IntegrityLevel", "HIGH"),
        ]),
        event(&[("CommandLine", "x"), ("IntegrityLevel", "High")]),
        event(&[
            ("ParentCommandLine", "DISM.exe /online"),
            ("IntegrityLevel", "system"),
            ("Image", r"C:\t\dismhost.exe"),
        ]),
        event(&[]),
    ];
    let route = rules.detector.route_all();
    let mut matched = 0;
    for (i, ev) in events.iter().enumerate() {
        let ids = |ms: Vec<mozu_sigma::Match>| mozu_sigma::Match::canonical(&ms);
        let fast = ids(rules.detector.evaluate(ev, &route));
        let full = ids(rules.detector.evaluate_reference(ev, &route));
        assert_eq!(fast, full, "event {i}");
        matched += full.len();
    }
    // `(?i)` lets U+017F stand for `s`: the reference matches, so the index must not drop it.
    let long_s = event(&[("CommandLine", "net u\u{17f}e x")]);
    let ids: Vec<String> = rules
        .detector
        .evaluate(&long_s, &route)
        .into_iter()
        .map(|m| m.rule_id)
        .collect();
    assert!(ids.contains(&"r-wild".to_owned()), "{ids:?}");
    // The set is only a test if the reference itself fires often.
    assert!(matched >= 12, "only {matched} matches");
}
