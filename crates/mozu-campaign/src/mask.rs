//! Templates: the variable parts of subjects, bodies, file names and
//! identifiers masked into classes, so that two mails of one campaign give
//! the same string even when the sender randomised numbers, dates, names
//! and kaomoji.

/// Characters of a text looked at when making a template; the rest of a
/// long body cannot change a campaign's shape enough to matter.
pub const MAX_TEMPLATE_INPUT_CHARS: usize = 4096;
/// Length of a template kept (characters).
pub const MAX_TEMPLATE_CHARS: usize = 512;

/// Placeholder of a digit run.
pub const NUM: &str = "{num}";
/// Placeholder of a date.
pub const DATE: &str = "{date}";
/// Placeholder of a kaomoji or emoji run.
pub const KAO: &str = "{kao}";
/// Placeholder of a personal name (before an honorific, or the recipient's).
pub const NAME: &str = "{name}";
/// Placeholder of a mixed letter/digit identifier (`INV8A7F3C`).
pub const ID: &str = "{id}";
/// Placeholder of an e-mail address.
pub const EMAIL: &str = "{email}";

/// Reply and forward prefixes that say nothing about a campaign.
const REPLY_PREFIXES: &[&str] = &["re:", "fw:", "fwd:", "aw:", "wg:", "返信:", "転送:", "re：", "fw："];

/// Honorifics written after a Japanese name.
const HONORIFICS: &[char] = &['様', '殿'];

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Characters that make up kaomoji (faces built from punctuation, Greek,
/// Cyrillic, half-width kana, box drawing and shapes) and emoji.
fn is_kaomoji_char(c: char) -> bool {
    matches!(
        c,
        '(' | ')'
            | '（'
            | '）'
            | '^'
            | '_'
            | ';'
            | '*'
            | '`'
            | '\''
            | '´'
            | '｀'
            | '°'
            | '・'
            | '･'
            | 'ω'
            | '∀'
            | '≧'
            | '≦'
            | '▽'
            | '∇'
            | '＾'
            | '＿'
            | '；'
            | '＊'
            | '〃'
            | 'ヽ'
            | 'ﾉ'
            | 'ノ'
            | 'ﾟ'
            | '゜'
            | '¨'
            | '≡'
            | '☆'
            | '★'
            | '♪'
            | '♡'
            | '♥'
            | '~'
            | '〜'
            | '～'
            | '-'
            | '−'
            | 'o'
            | 'O'
            | '○'
            | '◎'
            | '◕'
            | '‿'
            | '>'
            | '<'
            | '＞'
            | '＜'
            | '='
            | '＝'
            | '/'
            | '\\'
            | '|'
            | 'Д'
            | 'д'
            | 'ε'
            | '∩'
            | '∪'
            | '⊂'
            | '⊃'
            | ':'
            | '：'
            | '!'
            | '！'
            | '?'
            | '？'
            | 'v'
            | 'ｖ'
            | 'ツ'
            | 'ｼ'
            | '。'
            | '.'
            | 'σ'
            | 'ಠ'
            | '益'
    ) || ('\u{2500}'..='\u{257F}').contains(&c)
        || ('\u{25A0}'..='\u{25FF}').contains(&c)
        || ('\u{2600}'..='\u{27BF}').contains(&c)
        || ('\u{1F300}'..='\u{1FAFF}').contains(&c)
        || ('\u{0370}'..='\u{03FF}').contains(&c)
}

/// Whether a run of kaomoji characters is a face rather than punctuation
/// of ordinary prose: it needs a bracket, an eye-like character or an emoji.
fn looks_like_face(run: &[char]) -> bool {
    let strong = run.iter().any(|&c| {
        matches!(
            c,
            '^' | '＾' | 'ω' | '∀' | '´' | '｀' | '≧' | '▽' | 'ﾟ' | '゜' | 'Д' | '◕' | '‿' | '☆' | '★' | '♪'
        ) || ('\u{1F300}'..='\u{1FAFF}').contains(&c)
            || ('\u{2600}'..='\u{27BF}').contains(&c)
    });
    let bracket = run.iter().any(|&c| matches!(c, '(' | ')' | '（' | '）'));
    let letters = run.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let eyes = run.iter().any(|&c| matches!(c, ';' | ':'));
    let mouth = run.iter().any(|&c| matches!(c, ')' | '(' | 'D' | 'P'));
    (strong || (bracket && run.len() >= 3) || (run.len() >= 2 && eyes && mouth)) && letters * 2 <= run.len()
}

/// Masks kaomoji runs, digits, dates, identifiers and e-mail addresses.
/// The output is lower-cased ASCII-wise with whitespace collapsed.
pub fn template(text: &str) -> String {
    let chars: Vec<char> = text.chars().take(MAX_TEMPLATE_INPUT_CHARS).collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let Some(&c) = chars.get(i) else { break };
        if is_kaomoji_char(c) {
            let start = i;
            let mut end = i;
            while chars
                .get(end)
                .is_some_and(|&d| is_kaomoji_char(d) || (d == ' ' && end > start))
            {
                end += 1;
            }
            let run = chars.get(start..end).unwrap_or(&[]);
            let trimmed_len = run.iter().rposition(|&d| d != ' ').map_or(0, |p| p + 1);
            let face = run.get(..trimmed_len).unwrap_or(&[]);
            if !face.is_empty() && looks_like_face(face) {
                push_placeholder(&mut out, KAO);
                i = start + trimmed_len;
                continue;
            }
        }
        if let Some(len) = token_len(&chars, i) {
            let token: String = chars.get(i..i + len).unwrap_or(&[]).iter().collect();
            push_placeholder(&mut out, classify_token(&token));
            i += len;
            continue;
        }
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.extend(c.to_lowercase());
        }
        i += 1;
    }
    let mut out = collapse_dates(out.trim());
    if out.chars().count() > MAX_TEMPLATE_CHARS {
        out = out.chars().take(MAX_TEMPLATE_CHARS).collect();
    }
    out
}

/// Length of a token starting at `i` that is masked: an e-mail address,
/// or an alphanumeric run holding a digit (plain words are copied as they are).
fn token_len(chars: &[char], i: usize) -> Option<usize> {
    let alnum = |c: char| c.is_ascii_alphanumeric() || is_digit(c);
    if !chars.get(i).is_some_and(|&c| alnum(c)) {
        return None;
    }
    if i > 0 && chars.get(i - 1).is_some_and(|&c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut end = i;
    while chars
        .get(end)
        .is_some_and(|&c| alnum(c) || matches!(c, '@' | '.' | '_' | '+' | '-'))
    {
        end += 1;
    }
    while end > i && chars.get(end - 1).is_some_and(|&c| matches!(c, '.' | '-' | '_' | '+')) {
        end -= 1;
    }
    let tok = chars.get(i..end)?;
    if let Some(at) = tok.iter().position(|&c| c == '@') {
        let domain_ok = tok.get(at + 1..).is_some_and(|d| d.contains(&'.'));
        if domain_ok {
            return Some(end - i);
        }
    }
    let run = chars.get(i..)?.iter().take_while(|&&c| alnum(c)).count();
    let has_digit = chars.get(i..i + run)?.iter().any(|&c| is_digit(c));
    has_digit.then_some(run)
}

fn classify_token(token: &str) -> &'static str {
    if token.contains('@') {
        EMAIL
    } else if token.chars().all(is_digit) {
        NUM
    } else {
        ID
    }
}

fn push_placeholder(out: &mut String, placeholder: &str) {
    out.push_str(placeholder);
}

/// `{num}/{num}/{num}`, `{num}年{num}月{num}日`, `{num}月{num}日` → `{date}`.
fn collapse_dates(s: &str) -> String {
    const FORMS: &[&str] = &[
        "{num}年{num}月{num}日",
        "{num}/{num}/{num}",
        "{num}-{num}-{num}",
        "{num}.{num}.{num}",
        "{num}年{num}月",
        "{num}月{num}日",
        "{num}/{num}",
    ];
    let mut out = s.to_string();
    for form in FORMS {
        if out.contains(form) {
            out = out.replace(form, DATE);
        }
    }
    out
}

/// A subject's template: reply prefixes dropped, names before honorifics
/// and the given personal names masked, then [`template`].
pub fn subject_template(subject: &str, names: &[&str]) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let Some(p) = REPLY_PREFIXES.iter().find(|p| lower.starts_with(*p)) else {
            break;
        };
        s = s.get(p.len()..).unwrap_or("").trim_start();
    }
    let masked = mask_names(s, names);
    template(&masked)
}

/// Masks the given names (recipient and sender display names, local parts)
/// and the run of kanji/kana right before an honorific.
pub fn mask_names(text: &str, names: &[&str]) -> String {
    let mut out = text.to_string();
    for name in names {
        let name = name.trim();
        if name.chars().count() >= 2 && out.contains(name) {
            out = out.replace(name, NAME);
        }
    }
    if !out.contains(HONORIFICS) {
        return out;
    }
    let chars: Vec<char> = out.chars().collect();
    let mut result = String::with_capacity(out.len());
    let mut i = 0;
    while i < chars.len() {
        let Some(&c) = chars.get(i) else { break };
        if is_name_char(c) {
            let start = i;
            while chars.get(i).is_some_and(|&d| is_name_char(d)) {
                i += 1;
            }
            let run_len = i - start;
            if chars.get(i).is_some_and(|d| HONORIFICS.contains(d)) && run_len <= 8 {
                result.push_str(NAME);
            } else {
                result.extend(chars.get(start..i).unwrap_or(&[]));
            }
            continue;
        }
        result.push(c);
        i += 1;
    }
    result
}

fn is_name_char(c: char) -> bool {
    !HONORIFICS.contains(&c)
        && (('\u{4E00}'..='\u{9FFF}').contains(&c)
            || ('\u{30A0}'..='\u{30FF}').contains(&c)
            || ('\u{3040}'..='\u{309F}').contains(&c))
}

/// An attachment name's pattern: lower-cased, each digit `#` except
/// year-like runs (`19xx`, `20xx`), so that `pic_123456_2020.zip` becomes
/// `pic_######_2020.zip`.
pub fn name_pattern(name: &str) -> String {
    // The extension (`7z`, `mp3`) names a type; it is not a random number.
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            format!("{}.{}", mask_digits(stem), ext.to_ascii_lowercase())
        }
        _ => mask_digits(name),
    }
}

fn mask_digits(name: &str) -> String {
    let lower: Vec<char> = name
        .chars()
        .take(MAX_TEMPLATE_CHARS)
        .flat_map(char::to_lowercase)
        .collect();
    let mut out = String::with_capacity(lower.len());
    let mut i = 0;
    while i < lower.len() {
        let Some(&c) = lower.get(i) else { break };
        if is_digit(c) {
            let start = i;
            while lower.get(i).is_some_and(|&d| is_digit(d)) {
                i += 1;
            }
            let run: String = lower.get(start..i).unwrap_or(&[]).iter().collect();
            let is_year = |y: &str| y.len() == 4 && (y.starts_with("19") || y.starts_with("20"));
            if is_year(&run) {
                out.push_str(&run);
            } else if run.len() >= 8 && run.get(run.len() - 4..).is_some_and(is_year) {
                // `img1234562020_jpg.zip`: random digits glued to a year.
                out.extend(std::iter::repeat_n('#', run.len() - 4));
                out.push_str(run.get(run.len() - 4..).unwrap_or(""));
            } else {
                out.extend(std::iter::repeat_n('#', i - start));
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The shape of an identifier (Message-ID local part, boundary, host name):
/// digits → `9`, upper → `A`, lower → `a`, with run lengths, punctuation
/// kept: `20200211.ABCD@x` → `9{8}.A{4}`.
pub fn shape(text: &str) -> String {
    let mut out = String::new();
    let mut last: Option<char> = None;
    let mut run = 0usize;
    let flush = |out: &mut String, last: Option<char>, run: usize| {
        if let Some(l) = last {
            out.push(l);
            if run > 1 && matches!(l, '9' | 'A' | 'a') {
                out.push_str(&format!("{{{run}}}"));
            }
        }
    };
    for c in text.chars().take(MAX_TEMPLATE_CHARS) {
        let class = if c.is_ascii_digit() {
            '9'
        } else if c.is_ascii_uppercase() {
            'A'
        } else if c.is_ascii_lowercase() {
            'a'
        } else {
            c
        };
        if Some(class) == last && matches!(class, '9' | 'A' | 'a') {
            run += 1;
        } else {
            flush(&mut out, last, run);
            last = Some(class);
            run = 1;
        }
    }
    flush(&mut out, last, run);
    out
}

/// Whether a template says something beyond its placeholders: a subject
/// that is only `{kao}` ties mails far more weakly than a sentence.
pub fn is_informative(template: &str) -> bool {
    let mut rest = template.to_string();
    for p in [NUM, DATE, KAO, NAME, ID, EMAIL] {
        rest = rest.replace(p, "");
    }
    rest.chars().filter(|c| c.is_alphanumeric()).count() >= 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_mask_what_varies() {
        let cases: &[(&str, &str)] = &[
            (
                "【楽天市場】ご注文内容の確認（注文番号：12345678）",
                "【楽天市場】ご注文内容の確認（注文番号：{num}）",
            ),
            ("Payment Advice 3/14/2018", "payment advice {date}"),
            ("請求書 2020年2月11日", "請求書 {date}"),
            ("Invoice INV-8A7F3C", "invoice inv-{id}"),
            ("(´・ω・｀)", "{kao}"),
            ("(^_−)☆", "{kao}"),
            (":-)", "{kao}"),
            ("contact tanaka@example.co.jp now", "contact {email} now"),
        ];
        for (input, want) in cases {
            assert_eq!(&template(input), want, "{input}");
        }
        assert_eq!(
            subject_template("Re: RE: 田中様 ご確認ください", &[]),
            "{name}様 ご確認ください"
        );
        assert_eq!(subject_template("Hello John Smith", &["John Smith"]), "hello {name}");
        assert!(!is_informative("{kao}"));
        assert!(is_informative("scanned document {num}"));
    }

    #[test]
    fn attachment_name_patterns() {
        assert_eq!(name_pattern("pic_123456_2020.zip"), "pic_######_2020.zip");
        assert_eq!(name_pattern("IMG1234562020_jpg.zip"), "img######2020_jpg.zip");
        assert_eq!(name_pattern("請求書_004211.xls"), "請求書_######.xls");
        assert_eq!(name_pattern("20180112.7z"), "########.7z");
        assert_eq!(shape("20200211123456.ABCDEF12"), "9{14}.A{6}9{2}");
    }
}
