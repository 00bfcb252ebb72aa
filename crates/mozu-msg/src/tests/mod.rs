//! Tests that build `.msg` files with [`crate::writer`] and read them back,
//! plus the fixtures shared by them and by the golden files.

mod embedded;
mod golden;
mod hostile;
mod japanese;
mod rtf;
mod standalone;

use crate::writer::MsgBuilder;
use crate::{Limits, OutlookMessage};

/// The subject every Japanese fixture uses: brackets, NEC special
/// characters (①㈱㍉) and half-width katakana.
pub(super) const SUBJECT: &str = "【重要】請求書の送付について ①㈱㍉ ｶﾀｶﾅ";
pub(super) const SENDER_NAME: &str = "山田 太郎";
pub(super) const SENDER_EMAIL: &str = "taro.yamada@example.co.jp";
pub(super) const BODY_TEXT: &str = "佐藤様\r\n\r\nいつもお世話になっております。\r\n\
    3月分の請求書を送付いたします。①～⑩をご確認ください。ﾊﾝｶｸｶﾅ\r\n\r\n\
    株式会社サンプル 経理部 山田\r\n";
pub(super) const BODY_HTML: &str = "<html><head><meta http-equiv=\"Content-Type\" \
    content=\"text/html; charset=iso-2022-jp\"></head><body><p>請求書は\
    <a href=\"https://example.invalid/invoice?id=2024-03\">こちら</a>から\
    ダウンロードしてください。</p></body></html>";
pub(super) const ZIP_NAME: &str = "請求書_2024年3月分.zip";
pub(super) const DOCM_NAME: &str = "ｾｷｭﾘﾃｨ設定①.docm";
pub(super) const IMAGE_CID: &str = "image001.png@01DA8A1B.6C3F2E10";
/// 2024-04-02T01:15:30Z.
pub(super) const SUBMIT_TIME: i64 = 1_712_020_530;
pub(super) const DELIVERY_TIME: i64 = 1_712_020_535;

pub(super) fn transport_headers() -> String {
    [
        "Received: from mail.example.co.jp (mail.example.co.jp [203.0.113.5])",
        "\tby mx.example.jp with ESMTPS id 4V7n2k0abcz;",
        "\tTue, 2 Apr 2024 10:15:35 +0900 (JST)",
        "From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <taro.yamada@example.co.jp>",
        "To: =?ISO-2022-JP?B?GyRCOjRGIxsoQiAbJEIyVjtSGyhC?= <hanako.sato@example.jp>",
        "Subject: =?UTF-8?B?44CQ6YeN6KaB44CR6KuL5rGC5pu444Gu6YCB5LuY44Gr44Gk44GE44GmIOKRoOOIseONiSDvvbbvvoDvvbbvvoU=?=",
        "Date: Tue, 2 Apr 2024 10:15:30 +0900",
        "Message-ID: <20240402101530.4711@example.co.jp>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"=_b0undary\"",
        "",
        "",
    ]
    .join("\r\n")
}

/// A 1×1 PNG, for the inline image attachment.
pub(super) const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8,
    6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89,
];

/// The Japanese invoice lure, as Unicode or as ANSI cp932.
pub(super) fn invoice(unicode: bool) -> MsgBuilder {
    let builder = MsgBuilder::new().unicode(unicode);
    let builder = if unicode { builder } else { builder.code_page(932) };
    builder
        .internet_code_page(50220)
        .subject(SUBJECT)
        .sender(SENDER_NAME, SENDER_EMAIL)
        .sent_representing("株式会社サンプル 経理部", "keiri@example.co.jp")
        .to("佐藤 花子", "hanako.sato@example.jp")
        .cc("総務部（共有）", "soumu@example.jp")
        .bcc("監査㈱", "audit@example.jp")
        .transport_headers(transport_headers())
        .message_id("<20240402101530.4711@example.co.jp>")
        .in_reply_to("<20240401090000.1111@example.jp>")
        .references("<20240401090000.1111@example.jp> <20240401091500.2222@example.co.jp>")
        .submit_time(SUBMIT_TIME)
        .delivery_time(DELIVERY_TIME)
        .body_text(BODY_TEXT)
        .body_html(BODY_HTML)
        .attach(ZIP_NAME, "application/zip", b"PK\x03\x04 not really a zip".to_vec())
        .attach(
            DOCM_NAME,
            "application/vnd.ms-word.document.macroEnabled.12",
            b"PK\x03\x04 vbaProject.bin".to_vec(),
        )
        .attach_with_content_id("image001.png", "image/png", Some(IMAGE_CID), PNG.to_vec())
}

/// A forward that carries the ANSI invoice as an embedded `.msg` (both
/// ANSI, as Outlook keeps the string type of the enclosing file).
pub(super) fn forwarded_invoice() -> MsgBuilder {
    MsgBuilder::new()
        .unicode(false)
        .code_page(932)
        .subject(format!("FW: {SUBJECT}"))
        .sender("情報システム部 鈴木", "suzuki@example.jp")
        .to("SOC", "soc@example.jp")
        .body_text("不審なメールを転送します。")
        .embed(invoice(false))
}

/// Parses with default limits, panicking (in tests) on error.
pub(super) fn parse(bytes: &[u8]) -> OutlookMessage {
    match crate::parse_msg_unguarded(bytes, &Limits::default()) {
        Ok(message) => message,
        Err(err) => panic!("fixture does not parse: {err}"),
    }
}
