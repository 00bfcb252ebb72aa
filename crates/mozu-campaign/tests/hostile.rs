//! Hostile strings through templates, features and the clusterer (the
//! fuzz target `campaign_features` runs the same on generated input).

use mozu_campaign::{Clusterer, Config, Features, MessageDigest, mask};
use mozu_model::{Attachment, MessageRecord, ReceivedHop, SourceFormat, SourceRef};

#[test]
fn hostile_strings_do_not_panic() {
    let long = "(^_^)".repeat(100_000);
    let digits = "9".repeat(1_000_000);
    let cases: Vec<String> = vec![
        String::new(),
        "\u{0}\u{FFFF}\u{10FFFF}".into(),
        long,
        digits,
        "@@@@....----".into(),
        "様様様様".into(),
        "０１２３年４月５日".into(),
        "a@b".repeat(10_000),
        "[::1]".into(),
        "999.999.999.999".into(),
        "9999-99-99T99:99:99+99:99".into(),
    ];
    let mut clusterer = Clusterer::new(Config::default());
    for s in &cases {
        let _ = mask::template(s);
        let _ = mask::name_pattern(s);
        let _ = mask::shape(s);
        let _ = mask::subject_template(s, &[s.as_str()]);
        let mut rec = MessageRecord::new(SourceRef {
            path: "x".into(),
            index: None,
            format: SourceFormat::Eml,
        });
        rec.subject = Some(s.clone());
        rec.text = Some(s.clone());
        rec.message_id = Some(s.clone());
        rec.date = Some(s.clone());
        rec.received = vec![ReceivedHop {
            from_host: Some(s.clone()),
            ip: Some(s.clone()),
            ..ReceivedHop::default()
        }];
        rec.attachments = vec![Attachment {
            name: Some(s.clone()),
            ..Attachment::default()
        }];
        let f = Features::extract(&rec);
        assert!(
            f.subject_template
                .as_ref()
                .is_none_or(|t| t.chars().count() <= mask::MAX_TEMPLATE_CHARS)
        );
        let _ = MessageDigest::from_record(&rec).day();
        clusterer.add(f);
    }
    assert_eq!(clusterer.len(), cases.len());
}
