//! Tricks that hide words from filters and show readers something else:
//! invisible characters inside words, mathematical letters (𝐩𝐥𝐞𝐚𝐬𝐞),
//! Latin words with Cyrillic or Greek look-alikes, image-only HTML bodies
//! with a link, and emoji-decorated sender names.
//!
//! Tricks that only the markup shows (hidden, zero-size or same-colour
//! text, forms, scripts) are the `html` detector's, from the record's
//! markup summary; hidden text also surfaces in the rendered text and is
//! matched by the lure and brand detectors.

use mozu_model::{Finding, Severity};

use crate::text::{is_invisible, math_alnum, mixed_script_words, styled_letter};
use crate::{Context, finding};

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let rec = ctx.rec;
    let subject = rec.subject.as_deref().unwrap_or_default();
    let name = rec.from.as_ref().and_then(|a| a.name.as_deref()).unwrap_or_default();
    let body = ctx
        .body
        .get(..ctx.body.floor_char_boundary(64 * 1024))
        .unwrap_or_default();
    let head = format!("{subject}\n{name}");
    let invisible_in_words = |s: &str| {
        let (mut n, mut a, mut b) = (0, ' ', ' ');
        if s.is_ascii() || !s.chars().any(is_invisible) {
            return 0;
        }
        for c in s.chars() {
            if a.is_alphanumeric() && is_invisible(b) && c.is_alphanumeric() {
                n += 1;
            }
            (a, b) = (b, c);
        }
        n
    };
    off_screen_css(rec.html_text.as_deref().unwrap_or_default(), out);
    let n = invisible_in_words(&head) * 3 + invisible_in_words(body);
    if n >= 3 {
        out.push(finding(
            "obfuscation.invisible_characters",
            Severity::Medium,
            25,
            "invisible characters inside words (breaks keyword filters)",
            "subject/body",
            &format!("{n} occurrences"),
        ));
    }
    if let Some(c) = head.chars().chain(body.chars().take(20_000)).find(|&c| {
        !c.is_ascii()
            && (math_alnum(c).is_some() || (styled_letter(c).is_some() && !matches!(c as u32, 0x1F1E6..=0x1F1FF)))
    }) {
        out.push(finding(
            "obfuscation.math_letters",
            Severity::Medium,
            25,
            "mathematical, enclosed or small-capital letters instead of ordinary ones",
            "subject/from/body",
            &c.to_string(),
        ));
    }
    let mut mixed = mixed_script_words(&head, 3);
    if mixed.is_empty() {
        mixed = mixed_script_words(body, 3);
    }
    if let Some(w) = mixed.first() {
        out.push(finding(
            "obfuscation.mixed_script",
            Severity::Medium,
            25,
            "words mixing Latin with Cyrillic or Greek look-alike letters",
            "subject/from/body",
            w,
        ));
    }
    let html_words = rec
        .html_text
        .as_deref()
        .map_or(0, |h| h.split_whitespace().take(50).count());
    let text_words = rec.text.as_deref().map_or(0, |t| t.split_whitespace().take(50).count());
    // Image `alt` text is rendered but not read as text by a viewer
    // showing the image: the markup's own text count says what is text.
    let pictures_only = rec
        .html
        .as_ref()
        .is_some_and(|h| h.images > 0 && h.visible_chars < 80 && rec.links.len() <= 5);
    if rec.html_text.is_some()
        && (html_words < 8 || pictures_only)
        && text_words < 8
        && !rec.links.is_empty()
        && rec.links.len() <= 5
    {
        out.push(finding(
            "obfuscation.image_only_body",
            Severity::Medium,
            20,
            "HTML body with (next to) no text and a link: the message is an image",
            "html_text",
            &format!("{html_words} words, {} links", rec.links.len()),
        ));
    }
    if let Some(w) = split_words(&head)
        .or_else(|| leet_word(&head))
        .or_else(|| spaced_letters(&head))
        .or_else(|| dotted_word(&head))
    {
        out.push(finding(
            "obfuscation.broken_words",
            Severity::Medium,
            20,
            "words split by spaces or dots, or spelt with digits for letters (C0NSUMER, L etzte, C o i n b a s e, c.adeau)",
            "subject/from.name",
            &w,
        ));
    }
    if name
        .chars()
        .any(|c| matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF))
    {
        out.push(finding(
            "obfuscation.emoji_sender",
            Severity::Low,
            10,
            "emoji in the sender's display name",
            "from.name",
            name,
        ));
    }
}

/// Two or more capitals standing alone before a lower-case word part
/// (`L etzte B enachrichtigung`).
fn split_words(s: &str) -> Option<String> {
    let words: Vec<&str> = s.split_whitespace().take(200).collect();
    let hits = words
        .windows(2)
        .filter(|w| {
            let mut a = w[0].chars();
            let single_cap = a.next().is_some_and(|c| c.is_uppercase()) && a.next().is_none();
            let rest_lower = w[1].chars().take(3).filter(|c| c.is_lowercase()).count() >= 2;
            single_cap && rest_lower
        })
        .count();
    (hits >= 2).then(|| crate::text::clip(s, 80))
}

/// Five or more single letters in a row separated by spaces
/// (`C o i n b a s e`): a name spelt out so that filters miss it.
fn spaced_letters(s: &str) -> Option<String> {
    let mut run = 0;
    for w in s.split(' ').take(400) {
        let mut chars = w.chars();
        if chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none() {
            run += 1;
            if run >= 5 {
                return Some(crate::text::clip(s, 80));
            }
        } else {
            run = 0;
        }
    }
    None
}

/// A lower-case letter, a dot, then a lower-case word of five or more
/// letters (`c.adeaukaarten`, `a.rmazenamento`): a word broken by a dot.
/// Abbreviations (`e.g.`) have single letters on both sides; domains end
/// in a short top-level label.
fn dotted_word(s: &str) -> Option<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '!' | '?' | '(' | ')'))
        .take(400)
        .find(|w| {
            let mut parts = w.trim_end_matches('.').split('.');
            let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
                return false;
            };
            let mut ac = a.chars();
            let single = ac.next().is_some_and(char::is_lowercase) && ac.next().is_none();
            single && b.chars().count() >= 5 && b.chars().all(char::is_lowercase)
        })
        .map(str::to_string)
}

/// An upper-case word with the digit 0 standing for the letter O, or a
/// lower-case l standing for I (`C0NSUMER`, `WlN`).
fn leet_word(s: &str) -> Option<String> {
    s.split(|c: char| !c.is_alphanumeric()).take(200).find_map(|w| {
        let letters = w.chars().filter(|c| c.is_ascii_uppercase()).count();
        let b = w.as_bytes();
        let zero_inside = b.len() >= 4 && b.iter().skip(1).take(b.len().saturating_sub(2)).any(|&c| c == b'0');
        let ell_inside = b.len() >= 3 && b.iter().skip(1).take(b.len().saturating_sub(2)).any(|&c| c == b'l');
        let others_upper = w.chars().all(|c| c.is_ascii_uppercase() || c == '0' || c == 'l');
        ((zero_inside || ell_inside) && letters >= 3 && others_upper).then(|| w.to_string())
    })
}

/// CSS properties that move content out of view when given huge values.
const OFF_SCREEN_PROPERTIES: &[&str] = &["margin-top", "margin-left", "text-indent", "height", "top", "left"];

/// Style text bytes searched; the filler sits in the head of the message.
const MAX_CSS_SCAN_BYTES: usize = 64 * 1024;

/// Filler pushed out of sight with absurd CSS offsets (`margin-top:
/// 470500px`, `height: 10000vh`): readers see the offer, filters read the
/// padding text. Ordinary layouts stay well below 10,000 px and 1,000 vh.
fn off_screen_css(html: &str, out: &mut Vec<Finding>) {
    // One pass over the bytes: find a digit run followed by `px`/`vh`, then
    // read the property name before it; no copy of the text is made.
    let b = html.as_bytes();
    let b = b.get(..b.len().min(MAX_CSS_SCAN_BYTES)).unwrap_or(b);
    let mut i = 0;
    while i < b.len() {
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = i - start;
        let unit = b.get(i..i + 2).map(<[u8]>::to_ascii_lowercase);
        let huge = match unit.as_deref() {
            Some(b"px") => digits >= 5,
            Some(b"vh") => digits >= 4,
            _ => false,
        };
        if huge && let Some(prop) = property_before(b, start) {
            let shown = html.get(start..i + 2).unwrap_or_default();
            out.push(finding(
                "obfuscation.off_screen_css",
                Severity::Medium,
                25,
                "content pushed out of view with huge CSS offsets (hidden filler text)",
                "html_text",
                &format!("{prop}: {shown}"),
            ));
            return;
        }
    }
}

/// The off-screen property whose value starts at `value_start`
/// (`margin-top: -470500px`), if any.
fn property_before(b: &[u8], value_start: usize) -> Option<&'static str> {
    let mut k = value_start;
    while k > 0 && b.get(k - 1).is_some_and(|c| matches!(c, b' ' | b'\t' | b'-' | b'+')) {
        k -= 1;
    }
    if k == 0 || b.get(k - 1) != Some(&b':') {
        return None;
    }
    k -= 1;
    while k > 0 && b.get(k - 1).is_some_and(|c| matches!(c, b' ' | b'\t')) {
        k -= 1;
    }
    let end = k;
    while k > 0 && b.get(k - 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'-') {
        k -= 1;
    }
    let name = b.get(k..end)?.to_ascii_lowercase();
    OFF_SCREEN_PROPERTIES
        .iter()
        .copied()
        .find(|p| p.as_bytes() == name.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_screen_offsets() {
        let cases = [
            (".belowView { margin-top: 470500px; }", true),
            (".wrapper { height: 10000vh; }", true),
            ("td { height: 600px; margin-top: -20px }", false),
            ("", false),
        ];
        for (css, want) in cases {
            let mut out = Vec::new();
            off_screen_css(css, &mut out);
            assert_eq!(!out.is_empty(), want, "{css}");
        }
        assert!(!cases.is_empty());
    }
}
