//! Behaviour of [`IndicatorSet`] on whole texts.

use std::time::{Duration, Instant};

use mozu_model::Location;

use crate::{IndicatorSet, MAX_SCAN_BYTES, MAX_URL_LEN, MAX_URLS};

fn scan(text: &str) -> IndicatorSet {
    let mut set = IndicatorSet::default();
    set.scan_text(text, Location::Text);
    set
}

fn urls(text: &str) -> Vec<String> {
    scan(text).urls.into_iter().map(|u| u.url).collect()
}

fn has(set: &std::collections::BTreeSet<String>, value: &str) -> bool {
    set.contains(value)
}

#[test]
fn seed_incident_url_is_refanged() {
    let set = scan("不審なURL: hxxp://abbeykurtz[.]com/VZZQNZJIZD9113942 にアクセスしないでください");
    assert_eq!(set.urls.len(), 1);
    let u = &set.urls[0];
    assert_eq!(u.url, "http://abbeykurtz.com/VZZQNZJIZD9113942");
    assert_eq!(u.host.as_deref(), Some("abbeykurtz.com"));
    assert_eq!(u.registrable_domain.as_deref(), Some("abbeykurtz.com"));
    assert_eq!(u.location, Location::Text);
    assert!(u.defanged);
    assert!(has(&set.domains, "abbeykurtz.com"));
}

#[test]
fn defanged_forms_in_text() {
    let cases = [
        ("hxxps://evil[.]example[.]com/a", "https://evil.example.com/a"),
        ("h**p://evil(.)com/", "http://evil.com/"),
        ("hXXp[:]//evil{.}com/x", "http://evil.com/x"),
        ("http[://]evil[dot]com/", "http://evil.com/"),
        ("hxxp://1.2.3[.]4/a.exe", "http://1.2.3.4/a.exe"),
    ];
    for (text, expected) in cases {
        let set = scan(text);
        assert_eq!(
            set.urls.iter().map(|u| u.url.as_str()).collect::<Vec<_>>(),
            [expected],
            "{text:?}"
        );
        assert!(set.urls[0].defanged, "{text:?}");
    }
    let plain = scan("see https://example.com/ and hxxp://evil[.]com/");
    let flags: Vec<bool> = plain.urls.iter().map(|u| u.defanged).collect();
    assert_eq!(flags, [false, true]);
}

#[test]
fn japanese_glued_text_and_fullwidth_punctuation() {
    assert_eq!(
        urls("詳細はURL:https://www.ict-isac.jp/index.html。詳細は以下"),
        ["https://www.ict-isac.jp/index.html"]
    );
    assert_eq!(
        urls("こちら（https://example.co.jp/login）から"),
        ["https://example.co.jp/login"]
    );
    assert_eq!(
        urls("「http://example.jp/a」と「http://example.jp/b」"),
        ["http://example.jp/a", "http://example.jp/b"]
    );
    assert_eq!(
        urls("リンク：http://example.com/path、確認"),
        ["http://example.com/path"]
    );
    assert_eq!(
        urls("<a href=\"http://x.example.com/q?a=1&b=2\">"),
        ["http://x.example.com/q?a=1&b=2"]
    );
}

#[test]
fn trailing_punctuation_and_parens() {
    assert_eq!(urls("Visit http://example.com/a."), ["http://example.com/a"]);
    assert_eq!(
        urls("http://example.com/a, http://example.com/b;"),
        ["http://example.com/a", "http://example.com/b"]
    );
    assert_eq!(urls("Really? http://example.com/!?"), ["http://example.com/"]);
    assert_eq!(urls("(see http://example.com/x)"), ["http://example.com/x"]);
    assert_eq!(
        urls("(http://en.wikipedia.org/wiki/Foo_(bar))"),
        ["http://en.wikipedia.org/wiki/Foo_(bar)"]
    );
    assert_eq!(urls("[http://example.com/]"), ["http://example.com/"]);
    assert_eq!(
        urls("'http://example.com/q' `http://example.org/`"),
        ["http://example.com/q", "http://example.org/"]
    );
}

#[test]
fn url_hosts_userinfo_ports_and_ips() {
    let set = scan("http://user@evil.com/ http://192.0.2.7:8080/a.exe http://[2001:db8::1]/ ftp://files.example.net/x");
    let hosts: Vec<_> = set.urls.iter().map(|u| u.host.as_deref().unwrap_or_default()).collect();
    assert_eq!(hosts, ["evil.com", "192.0.2.7", "2001:db8::1", "files.example.net"]);
    assert_eq!(set.urls[1].url, "http://192.0.2.7:8080/a.exe");
    assert_eq!(set.urls[1].registrable_domain, None);
    assert!(has(&set.ips, "192.0.2.7") && has(&set.ips, "2001:db8::1"));
    assert!(!has(&set.domains, "192.0.2.7"));
    assert!(has(&set.domains, "evil.com") && has(&set.domains, "files.example.net"));
    assert!(set.emails.is_empty(), "userinfo is not an address: {:?}", set.emails);
    let encoded = scan("http://%65vil.example.com/");
    assert_eq!(encoded.urls[0].host.as_deref(), Some("evil.example.com"));
    assert_eq!(scan("http://0x7f.1/").urls[0].host.as_deref(), Some("127.0.0.1"));
    assert!(urls("sftp://x.example.com/ file://server/share http:// http://... http://:80/").is_empty());
}

#[test]
fn scheme_less_www_and_redirectors() {
    assert_eq!(urls("詳しくはwww.example.com/pathへ"), ["http://www.example.com/path"]);
    assert_eq!(urls("WWW.Example.COM."), ["http://www.example.com"]);
    assert!(urls("info@www.example.com").is_empty());
    assert_eq!(
        urls("https://r.example.com/?u=https://evil.example.net/x"),
        [
            "https://r.example.com/?u=https://evil.example.net/x",
            "https://evil.example.net/x"
        ]
    );
}

#[test]
fn bare_domains_and_file_names() {
    let set = scan("送信元 example.co.jp と mail.google.com、evil[.]example[.]com; d=dkim.example.org;");
    for d in [
        "example.co.jp",
        "mail.google.com",
        "evil.example.com",
        "dkim.example.org",
    ] {
        assert!(has(&set.domains, d), "{d} missing from {:?}", set.domains);
    }
    let files = scan("添付invoice.pdf run.js readme.md file.zip setup.exe main.rs 1.2.3 v2.0.1 Mozilla/5.0 e.g. co.jp");
    assert!(files.domains.is_empty(), "{:?}", files.domains);
    assert!(files.ips.is_empty(), "{:?}", files.ips);
    assert!(files.urls.is_empty());
}

#[test]
fn ips_in_text() {
    let set = scan("from mx.example.com ([192.0.2.1]) 10.0.0.1, 1.2.3[.]4 IP:198.51.100.7:25 2001:db8::5 at 10:00:00");
    let ips: Vec<_> = set.ips.iter().map(String::as_str).collect();
    assert_eq!(ips, ["1.2.3.4", "10.0.0.1", "192.0.2.1", "198.51.100.7", "2001:db8::5"]);
    let versions = scan("version 1.2.3.4.5 build 999.1.1.1 time 12:30:45 std::vector 00:1a:2b:3c:4d:5e");
    assert!(versions.ips.is_empty(), "{:?}", versions.ips);
}

#[test]
fn emails_in_text() {
    let set = scan("連絡先:Support[at]Example[.]co[.]jp、または<info@example.com>。 mailto:a.b+c@mail.example.org");
    let emails: Vec<_> = set.emails.iter().map(String::as_str).collect();
    assert_eq!(
        emails,
        ["a.b+c@mail.example.org", "info@example.com", "support@example.co.jp"]
    );
    assert!(has(&set.domains, "example.co.jp") && has(&set.domains, "mail.example.org"));
    assert!(scan("user@localhost @example a@b").emails.is_empty());
}

#[test]
fn add_url_handles_attribute_values() {
    let mut set = IndicatorSet::default();
    assert!(set.add_url("  https://Example.com/a\n/b  ", Location::HtmlHref));
    assert!(set.add_url("hxxps://evil[.]com/", Location::HtmlHref));
    assert!(set.add_url("//cdn.example.net/x.js", Location::HtmlHref));
    assert!(set.add_url("http://例え.jp/", Location::HtmlHref));
    assert!(!set.add_url("mailto:Sales@Example.com,b@example.org?subject=hi", Location::HtmlHref));
    for ignored in [
        "javascript:void(0)",
        "cid:image001.png@01D0",
        "#anchor",
        "/relative",
        "page.html",
        "",
    ] {
        assert!(!set.add_url(ignored, Location::HtmlHref), "{ignored:?}");
    }
    let got: Vec<_> = set.urls.iter().map(|u| (u.url.as_str(), u.defanged)).collect();
    assert_eq!(
        got,
        [
            ("https://example.com/a/b", false),
            ("https://evil.com/", true),
            ("http://cdn.example.net/x.js", false),
            ("http://例え.jp/", false)
        ]
    );
    assert_eq!(set.urls[3].host.as_deref(), Some("xn--r8jz45g.jp"));
    assert!(has(&set.emails, "sales@example.com") && has(&set.emails, "b@example.org"));
}

#[test]
fn dedup_by_url_location_and_artifact() {
    let mut set = IndicatorSet::default();
    set.scan_text("http://a.example.com/ http://a.example.com/", Location::Text);
    set.scan_text("hxxp://a.example[.]com/", Location::Text);
    set.scan_text("http://a.example.com/", Location::HtmlText);
    set.scan_text_in("http://a.example.com/", Location::Attachment, Some("a.txt"));
    set.scan_text_in("http://a.example.com/", Location::Attachment, Some("b.txt"));
    set.scan_text_in("http://a.example.com/", Location::Attachment, Some("b.txt"));
    assert_eq!(set.urls.len(), 4);
    assert!(set.urls[0].defanged, "a later defanged sighting marks the entry");
    assert_eq!(set.urls[2].artifact.as_deref(), Some("a.txt"));
    // Entries pushed directly are still seen by de-duplication.
    let mut copy = set.urls[0].clone();
    copy.url = "http://pushed.example.com/".into();
    set.urls.push(copy);
    set.scan_text("http://pushed.example.com/", Location::Text);
    assert_eq!(set.urls.len(), 5);
    assert!(!set.truncated);
}

#[test]
fn explicit_values() {
    let mut set = IndicatorSet::default();
    assert!(set.add_ip(" [2001:DB8::0:1] ") && set.add_ip("192.0.2.9"));
    assert!(!set.add_ip("192.0.2.999") && !set.add_ip("unknown"));
    assert!(set.add_domain("Mail.Example.COM.") && set.add_domain("192.0.2.10"));
    assert!(!set.add_domain("bad domain"));
    assert!(set.add_email("\"Name\" <x>").eq(&false));
    assert!(set.add_email("<Bob@Example.com>"));
    let ips: Vec<_> = set.ips.iter().map(String::as_str).collect();
    assert_eq!(ips, ["192.0.2.10", "192.0.2.9", "2001:db8::1"]);
    assert!(has(&set.domains, "mail.example.com") && has(&set.domains, "example.com"));
    assert!(has(&set.emails, "bob@example.com"));
}

#[test]
fn huge_input_is_cut_and_fast() {
    let line = "本文 http://example.com/a plain words and numbers 12345 foo.bar.example.org\n";
    let text = line.repeat((10 << 20) / line.len() + 1);
    assert!(text.len() > 10 << 20);
    let started = Instant::now();
    let set = scan(&text);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(set.truncated);
    assert!(has(&set.domains, "foo.bar.example.org"));
    assert!(!scan(&text[..MAX_SCAN_BYTES / 2]).truncated);
}

#[test]
fn url_cap_is_respected() {
    let text: String = (0..MAX_URLS + 50)
        .map(|i| format!("http://h{i}.example.com/ "))
        .collect();
    let set = scan(&text);
    assert_eq!(set.urls.len(), MAX_URLS);
    assert!(set.truncated);
    assert!(
        has(&set.domains, &format!("h{}.example.com", MAX_URLS + 49)),
        "hosts past the cap are kept"
    );
}

#[test]
fn long_urls_are_cut() {
    let text = format!("http://example.com/{}", "a".repeat(3 * MAX_URL_LEN));
    let set = scan(&text);
    assert_eq!(set.urls.len(), 1);
    assert_eq!(set.urls[0].url.len(), MAX_URL_LEN);
    assert!(set.truncated);
}

#[test]
fn hostile_tokens_stay_linear() {
    let started = Instant::now();
    let pieces = [
        "http://x)",
        "http://",
        "a@",
        "1.",
        "::",
        "www.",
        "www.:",
        "www.a.com:",
        "www.a.com,",
        "[.]",
        "hxxp[:]//",
        "http://x.co/",
        "http://a:",
        "a.b-",
        "x@y.com.",
        "[dot]",
        "a[at]",
        "1:2:3:4:5:6:7:8:",
        "0.0.0.0.",
    ];
    for piece in pieces {
        let text = piece.repeat((1 << 19) / piece.len());
        let set = scan(&text);
        assert!(set.urls.len() <= MAX_URLS);
    }
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}
