//! Every Japanese decoding case of the mail-scan issue, asserted field by
//! field against values checked by hand (fixtures: testdata/mail,
//! written by testdata/mail/make_fixtures.py).

mod common;

use mozu_model::{MessageRecord, WarningCode};

fn rec(name: &str) -> MessageRecord {
    common::parse_testdata(&format!("testdata/mail/{name}.eml"))
}

fn assert_clean(r: &MessageRecord) {
    let mut fields = vec![r.subject.clone(), r.text.clone()];
    fields.push(r.from.as_ref().and_then(|a| a.name.clone()));
    fields.extend(r.attachments.iter().map(|a| a.name.clone()));
    for f in fields.into_iter().flatten() {
        assert!(
            !f.contains('\u{fffd}') && !f.contains('\u{1b}'),
            "{}: garbled {f:?}",
            r.source.path
        );
    }
    assert!(
        !r.warnings.iter().any(|w| w.code == WarningCode::UndecodableText),
        "{}: {:?}",
        r.source.path,
        r.warnings
    );
}

#[test]
fn adjacent_encoded_words_split_a_character() {
    let r = rec("split-encoded-word-utf8");
    assert_eq!(r.subject.as_deref(), Some("【重要】請求書の送付について"));
    assert_eq!(r.from.as_ref().unwrap().name.as_deref(), Some("経理部"));
    assert_eq!(
        rec("split-encoded-word-iso2022jp").subject.as_deref(),
        Some("至急ご確認ください")
    );
    assert_eq!(rec("split-encoded-word-q").subject.as_deref(), Some("お支払い"));
    assert_eq!(
        rec("split-base64-quantum").subject.as_deref(),
        Some("パスワードのお知らせ")
    );
    for n in [
        "split-encoded-word-utf8",
        "split-encoded-word-iso2022jp",
        "split-encoded-word-q",
        "split-base64-quantum",
    ] {
        assert_clean(&rec(n));
    }
}

#[test]
fn rfc2231_continuations_are_joined_before_decoding() {
    let r = rec("rfc2231-continuation");
    assert_eq!(r.attachments.len(), 1);
    assert_eq!(r.attachments[0].name.as_deref(), Some("請求書_2019年10月.doc"));
    assert_eq!(r.text.as_deref(), Some("添付をご確認ください"));
    let r2 = rec("rfc2231-split-encoded-word");
    assert_eq!(r2.attachments[0].name.as_deref(), Some("見積書.xls"));
    assert_clean(&r);
    assert_clean(&r2);
}

#[test]
fn charset_aliases_and_mangled_labels() {
    let full = "ご請求金額のお知らせ①㈱㍉ｶﾀｶﾅ";
    let mut ran = 0;
    for label in [
        "iso-2022-jp-ms",
        "cp50220",
        "cp50221",
        "iso-2022-jp-2",
        "cp932",
        "windows-31j",
        "x-sjis",
        "shift-jis",
        "iso-2022-jpesc",
    ] {
        let r = rec(&format!("alias-{label}"));
        assert_eq!(r.subject.as_deref(), Some(full), "subject under {label}");
        assert_eq!(r.text.as_deref().map(str::trim_end), Some(full), "body under {label}");
        assert_clean(&r);
        ran += 1;
    }
    let euc = rec("alias-euc-jp");
    assert_eq!(euc.subject.as_deref(), Some("ご請求金額のお知らせカタカナ"));
    assert_clean(&euc);
    assert_eq!(ran, 9);
}

#[test]
fn missing_or_wrong_labels_are_detected() {
    let expected = "本メールは総務省からの注意喚起です。";
    let r = rec("no-charset-sjis-body");
    assert!(r.text.as_deref().unwrap().starts_with(expected), "{:?}", r.text);
    assert!(r.warnings.iter().any(|w| w.code == WarningCode::CharsetDetected));
    let r = rec("mislabeled-iso2022jp-utf8");
    assert!(r.text.as_deref().unwrap().starts_with(expected));
    assert_eq!(r.subject.as_deref(), Some("返信：会議"));
    assert!(r.warnings.iter().any(|w| w.code == WarningCode::CharsetMislabeled));
    let r = rec("mislabeled-iso2022jp-sjis");
    assert!(r.text.as_deref().unwrap().starts_with(expected));
    assert!(r.warnings.iter().any(|w| w.code == WarningCode::CharsetMislabeled));
}

#[test]
fn raw_8bit_headers_and_filenames() {
    let r = rec("raw-8bit-sjis-headers");
    assert_eq!(r.from.as_ref().unwrap().name.as_deref(), Some("山田 太郎"));
    assert_eq!(r.subject.as_deref(), Some("【至急】お支払いのご確認"));
    assert_eq!(r.attachments[0].name.as_deref(), Some("請求書.zip"));
    assert_clean(&r);
    let r = rec("raw-8bit-eucjp-headers");
    assert_eq!(r.from.as_ref().unwrap().name.as_deref(), Some("経理部 鈴木"));
    assert_eq!(r.subject.as_deref(), Some("送金手続きについて"));
    assert_eq!(r.text.as_deref().map(str::trim_end), Some("本文です"));
    let r = rec("raw-iso2022jp-headers");
    assert_eq!(r.from.as_ref().unwrap().name.as_deref(), Some("ヤマト運輸"));
    assert_eq!(
        r.from.as_ref().unwrap().address.as_deref(),
        Some("info@kuroneko-yamato.example")
    );
    assert_eq!(r.subject.as_deref(), Some("お荷物お届けのお知らせ(再配達)"));
    assert_clean(&r);
}

#[test]
fn nec_special_characters_and_halfwidth_kana() {
    for name in ["nec-special-halfwidth-iso2022jp", "nec-special-halfwidth-cp932"] {
        let r = rec(name);
        assert_eq!(r.subject.as_deref(), Some("①②㈱㍉№ ｾｷｭﾘﾃｨ"), "{name}");
        assert_eq!(
            r.text.as_deref().map(str::trim_end),
            Some("㈱テスト ｾｷｭﾘﾃｨ本部 ①"),
            "{name}"
        );
        assert_clean(&r);
    }
}

#[test]
fn halfwidth_kana_in_so_si_and_jis8_forms() {
    for name in ["halfwidth-kana-cp50222-so-si", "halfwidth-kana-jis8"] {
        let r = rec(name);
        assert_eq!(r.subject.as_deref(), Some("注意ｾｷｭﾘﾃｨ OK"), "{name}");
        assert_eq!(r.text.as_deref().map(str::trim_end), Some("注意ｾｷｭﾘﾃｨ OK"), "{name}");
        assert_clean(&r);
    }
}

#[test]
fn seed_000_spoof_as_received() {
    let r = rec("seed000-ict-isac-spoof");
    let from = r.from.as_ref().unwrap();
    assert_eq!(from.name.as_deref(), Some("一般社団法人ICT-ISAC セキュリティ本部"));
    assert_eq!(from.address.as_deref(), Some("ict-isac@sigaint.org"));
    assert_eq!(from.registrable_domain.as_deref(), Some("sigaint.org"));
    assert_eq!(
        r.subject.as_deref(),
        Some(
            "【重要】総務省共同プロジェクト インターネットバンキングに係るマルウェアへの感染者に対する注意喚起及び除去ツールの配布について"
        )
    );
    assert_eq!(r.date.as_deref(), Some("2016-10-31T10:15:00+09:00"));
    assert_eq!(r.auth.spf.as_deref(), Some("none"));
    assert_eq!(r.received[0].ip.as_deref(), Some("198.51.100.23"));
    let urls: Vec<&str> = r.urls.iter().map(|u| u.url.as_str()).collect();
    assert!(
        urls.contains(&"http://www.soumu.go.jp/menu_news/s-news/01ryutsu03_02000092.html"),
        "{urls:?}"
    );
    assert!(urls.contains(&"https://www.ict-isac.jp/index.html"), "{urls:?}");
    assert!(r.emails.contains(&"ict-isac@sigaint.org".to_string()));
    assert!(r.ips.contains(&"198.51.100.23".to_string()));
    assert_clean(&r);
}

#[test]
fn seed_004_defanged_indicators_are_refanged() {
    let r = rec("seed004-defanged-ioc");
    let u = r
        .urls
        .iter()
        .find(|u| u.url == "http://abbeykurtz.com/VZZQNZJIZD9113942")
        .expect("refanged url");
    assert!(u.defanged);
    assert_eq!(u.host.as_deref(), Some("abbeykurtz.com"));
    assert!(r.ips.contains(&"203.0.113.45".to_string()), "{:?}", r.ips);
    assert!(r.domains.contains(&"evil.example.net".to_string()), "{:?}", r.domains);
}
