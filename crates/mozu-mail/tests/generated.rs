//! 10,000 generated phishing-like messages, many deliberately broken,
//! scan without a panic, and each yields a record.

use mozu_mail::{Limits, fuzz_entry, parse_eml, source};
use mozu_model::SourceFormat;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SUBJECTS: &[&str] = &[
    "【重要】お支払い方法の確認",
    "Re: 請求書の件",
    "(｀・ω・´)",
    "Invoice #{n}",
    "アカウント停止のお知らせ",
    "Fw: 見積書",
    "Your mailbox is full",
    "=?ISO-2022-JP?B?GyRCJDckaRsoQg==?=",
    "=?UTF-8?B?44GK5pSv5omV?= =?UTF-8?B?44GE?=",
    "=?x-unknown?Q?=FF=FE?=",
];
const CHARSETS: &[&str] = &[
    "utf-8",
    "iso-2022-jp",
    "shift_jis",
    "euc-jp",
    "cp932",
    "bogus",
    "",
    "ISO-2022-JP-MS",
    "utf-7",
];
const ENCODINGS: &[&str] = &["7bit", "base64", "quoted-printable", "8bit", "x-uuencode"];
const BODIES: &[&str] = &[
    "下記URLよりログインしてください。https://secure-login.example.com/verify?id={n}",
    "Please see hxxps://evil[.]example[.]org/inv_{n}.zip now",
    "<html><body><a href=\"http://192.0.2.{n}/a.exe\">https://www.amazon.co.jp/</a></body></html>",
    "パスワードは {n}abc です",
    "=E3=81=82=E3=81=84=\r\n",
    "SGVsbG8gd29ybGQ=",
    "\u{1b}$B$3$s$K$A$O\u{1b}(B",
];

fn message(rng: &mut Rng, n: usize) -> Vec<u8> {
    let mut m = Vec::new();
    let subject = rng.pick(SUBJECTS).replace("{n}", &n.to_string());
    m.extend_from_slice(
        format!(
            "From: \"{}\" <user{n}@example{}.jp>\r\n",
            rng.pick(SUBJECTS),
            rng.below(50)
        )
        .as_bytes(),
    );
    m.extend_from_slice(
        format!(
            "To: victim@example.co.jp\r\nSubject: {subject}\r\nDate: Mon, {} Oct 2019 10:00:00 +0900\r\n",
            rng.below(40)
        )
        .as_bytes(),
    );
    if rng.below(3) == 0 {
        m.extend_from_slice(b"Received: from [203.0.113.9] (unknown [203.0.113.9]) by mx.example.jp; Mon, 1 Oct 2019 10:00:00 +0900\r\n");
    }
    let boundary = format!("b{}", rng.below(1000));
    let depth = rng.below(6);
    m.extend_from_slice(
        format!("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n").as_bytes(),
    );
    for level in 0..depth {
        m.extend_from_slice(
            format!("--{boundary}\r\nContent-Type: multipart/alternative; boundary=\"{boundary}{level}\"\r\n\r\n")
                .as_bytes(),
        );
    }
    for _ in 0..=rng.below(4) {
        let cs = rng.pick(CHARSETS);
        let enc = rng.pick(ENCODINGS);
        let body = rng.pick(BODIES).replace("{n}", &(n % 256).to_string());
        m.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: text/plain; charset=\"{cs}\"\r\nContent-Transfer-Encoding: {enc}\r\n"
            )
            .as_bytes(),
        );
        if rng.below(3) == 0 {
            m.extend_from_slice(
                format!(
                    "Content-Disposition: attachment; filename*0*=utf-8''%E8%AB%8B; filename*1*=%E6%B1%82{n}.zip\r\n"
                )
                .as_bytes(),
            );
        }
        m.extend_from_slice(b"\r\n");
        m.extend_from_slice(body.as_bytes());
        m.extend_from_slice(b"\r\n");
    }
    if rng.below(2) == 0 {
        m.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    }
    // Random damage: truncation, byte flips, junk.
    match rng.below(5) {
        0 => {
            let cut = rng.below(m.len().max(1));
            m.truncate(cut);
        }
        1 => {
            for _ in 0..8 {
                let i = rng.below(m.len().max(1));
                if let Some(b) = m.get_mut(i) {
                    *b = rng.next() as u8;
                }
            }
        }
        2 => m.extend((0..rng.below(512)).map(|_| rng.next() as u8)),
        _ => {}
    }
    m
}

#[test]
fn ten_thousand_generated_messages_scan_without_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let limits = Limits::default();
    let mut records = 0;
    let mut with_subject = 0;
    for n in 0..10_000 {
        let raw = message(&mut rng, n);
        let rec = parse_eml(&raw, source("gen", SourceFormat::Eml, Some(n as u64)), &limits);
        records += 1;
        with_subject += usize::from(rec.subject.is_some());
        fuzz_entry(&raw);
    }
    assert_eq!(records, 10_000);
    assert!(with_subject > 5_000, "only {with_subject} subjects decoded");
}

#[test]
fn pathological_structures_stay_bounded() {
    let limits = Limits::default();
    // 10,000 nested multiparts.
    let mut deep = String::from("Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
    for i in 0..10_000 {
        deep.push_str(&format!(
            "--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{}\"\r\n\r\n",
            i + 1
        ));
    }
    let rec = parse_eml(deep.as_bytes(), source("deep", SourceFormat::Eml, None), &limits);
    assert!(
        rec.warnings.iter().any(|w| matches!(
            w.code,
            mozu_model::WarningCode::LimitMimeDepth | mozu_model::WarningCode::LimitParts
        )),
        "{:?}",
        rec.warnings
    );
    // 100,000 header fields and a 1 MB header.
    let mut many = String::new();
    for i in 0..100_000 {
        many.push_str(&format!("X-H{i}: v\r\n"));
    }
    many.push_str(&format!("Subject: {}\r\n\r\nbody", "=?utf-8?B?44GC?=".repeat(70_000)));
    let rec = parse_eml(many.as_bytes(), source("many", SourceFormat::Eml, None), &limits);
    assert!(
        rec.warnings
            .iter()
            .any(|w| w.code == mozu_model::WarningCode::LimitHeaderCount)
    );
    // Over the size limit: partial record with a warning.
    let small = Limits {
        max_message_bytes: 1000,
        ..Limits::default()
    };
    let big = format!("Subject: big\r\n\r\n{}", "x".repeat(5000));
    let rec = parse_eml(big.as_bytes(), source("big", SourceFormat::Eml, None), &small);
    assert_eq!(rec.subject.as_deref(), Some("big"));
    assert!(
        rec.warnings
            .iter()
            .any(|w| w.code == mozu_model::WarningCode::LimitMessageSize)
    );
}
