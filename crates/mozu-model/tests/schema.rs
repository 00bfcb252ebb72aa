//! The JSON field names are a public contract: scripts rely on them.

use mozu_model::{Location, MessageRecord, Record, SourceFormat, SourceRef, UrlIndicator};

#[test]
fn record_carries_documented_field_names() {
    let mut rec = MessageRecord::new(SourceRef {
        path: "a.mbox".into(),
        index: Some(3),
        format: SourceFormat::Mbox,
    });
    rec.urls.push(UrlIndicator {
        url: "http://abbeykurtz.com/VZZQNZJIZD9113942".into(),
        host: Some("abbeykurtz.com".into()),
        registrable_domain: Some("abbeykurtz.com".into()),
        location: Location::HtmlHref,
        defanged: true,
        artifact: None,
    });
    let json = serde_json::to_value(Record::Message(rec)).unwrap();
    assert_eq!(json["type"], "message");
    assert_eq!(json["source"]["index"], 3);
    assert_eq!(json["source"]["format"], "mbox");
    assert_eq!(json["urls"][0]["where"], "html-href");
    assert_eq!(json["urls"][0]["defanged"], true);
    for field in [
        "message_id",
        "date",
        "from",
        "sender",
        "reply_to",
        "return_path",
        "to",
        "cc",
        "subject",
        "in_reply_to",
        "references",
        "received",
        "x_mailer",
        "auth",
        "text",
        "html_text",
        "links",
        "attachments",
        "urls",
        "domains",
        "ips",
        "emails",
        "warnings",
    ] {
        assert!(json.get(field).is_some(), "missing field {field}");
    }
}
