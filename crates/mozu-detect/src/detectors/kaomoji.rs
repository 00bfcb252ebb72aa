//! Kaomoji and empty-body lures (seed 002): subjects or bodies made only of
//! face marks and symbols, such as (｀・ω・´), (*^▽^*), (^_^;), ♥, and an
//! empty body that carries an archive.

use mozu_model::{Finding, Severity};

use crate::detectors::attach::archive_or_script;
use crate::{Context, finding};

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let subject = ctx.rec.subject.as_deref().unwrap_or_default();
    if only_kaomoji(subject) {
        out.push(finding(
            "lure.kaomoji_subject",
            Severity::Medium,
            30,
            "subject made only of kaomoji or emoticons",
            "subject",
            subject,
        ));
    }
    let body = ctx.body.trim();
    if only_kaomoji(body) {
        out.push(finding(
            "lure.kaomoji_body",
            Severity::Medium,
            20,
            "body made only of kaomoji or emoticons",
            "body",
            body,
        ));
    }
    let empty = body.chars().filter(|c| c.is_alphanumeric()).count() < 3 || only_kaomoji(body);
    if empty && let Some(what) = archive_or_script(&ctx.rec.artifacts) {
        out.push(finding(
            "lure.empty_body_archive",
            Severity::High,
            35,
            "an archive or script with (next to) no text",
            "attachments",
            &what,
        ));
    }
}

/// True when `s` is short, contains a face mark or a
/// heart-like symbol, and no word: every letter is one of the face letters.
pub fn only_kaomoji(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 64 {
        return false;
    }
    let mut marks = 0;
    for c in s.chars() {
        if is_face_letter(c) {
            marks += 1;
        } else if c.is_alphanumeric() {
            return false;
        } else if !c.is_whitespace() {
            marks += usize::from(is_symbol(c));
        }
    }
    marks >= 1 && (s.contains(['(', '（', ')', '）', '^', '♥', '❤', '♡', '☆', '★']) || s.chars().any(is_emoji))
}

/// Letters kaomoji draw faces with (ω, ▽, ﾟ, Д, ゜ …).
fn is_face_letter(c: char) -> bool {
    matches!(
        c,
        'ω' | 'Д'
            | 'д'
            | 'ε'
            | 'з'
            | 'o'
            | 'O'
            | 'x'
            | 'X'
            | 'v'
            | 'u'
            | 'U'
            | 'w'
            | 'ﾟ'
            | '゜'
            | 'ｰ'
            | 'ー'
            | 'ノ'
            | 'ﾉ'
            | 'つ'
            | 'っ'
            | 'シ'
            | 'ツ'
            | 'ｼ'
            | 'ｯ'
            | 'ゞ'
            | 'σ'
            | 'ρ'
            | 'Ｔ'
            | 'T'
            | 'ﾛ'
            | 'ロ'
            | 'ᴗ'
            | 'ᵕ'
            | 'ｖ'
            | 'ｗ'
            | 'ｏ'
            | 'ｘ'
            | 'ゝ'
            | 'ヽ'
            | 'ヾ'
            | 'Ф'
            | 'ф'
            | 'Ω'
    )
}

fn is_symbol(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace() && !c.is_control())
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF)
}

#[cfg(test)]
mod tests {
    use super::only_kaomoji;

    #[test]
    fn faces() {
        for s in [
            "(｀・ω・´)",
            "(*^▽^*)",
            "(^_^;)",
            "♥",
            "(＾◇＾)",
            "ヽ(・∀・)ﾉ",
            "(´･ω･`)",
            "♥♥",
        ] {
            assert!(only_kaomoji(s), "{s}");
        }
        assert!(only_kaomoji("♥ ♥"));
        for s in ["Re: (^_^)", "お疲れ様です", "Hello :)", "", "--", "2020/02/10"] {
            assert!(!only_kaomoji(s), "{s}");
        }
    }
}
