//! Text folding for matching: what a reader sees as the same word must match
//! the same directory entry, whatever width, case or look-alike letters the
//! sender typed.

/// Characters a reader does not see; senders put them inside words to break
/// keyword filters.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E01EF}'
            | '\u{FFA0}'
    )
}

/// Mathematical alphanumeric symbols (𝐩𝐥𝐞𝐚𝐬𝐞) fold to ASCII; they exist to
/// dodge filters and are a finding of their own.
pub fn math_alnum(c: char) -> Option<char> {
    let cp = c as u32;
    if !(0x1D400..=0x1D7FF).contains(&cp) {
        return None;
    }
    if cp >= 0x1D7CE {
        // Five digit styles of ten digits each.
        return char::from_digit((cp - 0x1D7CE) % 10, 10);
    }
    if cp > 0x1D6A3 {
        return None; // Greek styles.
    }
    let i = (cp - 0x1D400) % 52;
    let base = if i < 26 { b'A' } else { b'a' };
    Some((base + (i % 26) as u8) as char)
}

/// Enclosed, squared, parenthesised and regional-indicator letters
/// (🅐🅟🅟🅛🅔, Ⓐ, 🄰) and small capitals (ᴇɴᴇʀɢɪᴇ) fold to ASCII: like
/// mathematical letters they exist to dodge filters.
pub fn styled_letter(c: char) -> Option<char> {
    let cp = c as u32;
    let letter = |base: u32| char::from_u32(u32::from(b'a') + (cp - base));
    match cp {
        0x24B6..=0x24CF => letter(0x24B6),
        0x24D0..=0x24E9 => letter(0x24D0),
        0x1F110..=0x1F129 => letter(0x1F110),
        0x1F130..=0x1F149 => letter(0x1F130),
        0x1F150..=0x1F169 => letter(0x1F150),
        0x1F170..=0x1F189 => letter(0x1F170),
        0x1F1E6..=0x1F1FF => letter(0x1F1E6),
        _ => Some(match c {
            'ᴀ' => 'a',
            'ʙ' => 'b',
            'ᴄ' => 'c',
            'ᴅ' => 'd',
            'ᴇ' => 'e',
            'ꜰ' => 'f',
            'ɢ' => 'g',
            'ʜ' => 'h',
            'ɪ' => 'i',
            'ᴊ' => 'j',
            'ᴋ' => 'k',
            'ʟ' => 'l',
            'ᴍ' => 'm',
            'ɴ' => 'n',
            'ᴏ' => 'o',
            'ᴘ' => 'p',
            'ʀ' => 'r',
            'ꜱ' => 's',
            'ᴛ' => 't',
            'ᴜ' => 'u',
            'ᴠ' => 'v',
            'ᴡ' => 'w',
            'ʏ' => 'y',
            'ᴢ' => 'z',
            _ => return None,
        }),
    }
}

/// Cyrillic and Greek letters that look like Latin ones.
pub fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' | 'ӏ' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'А' | 'Α' => 'a',
        'В' | 'Β' => 'b',
        'С' => 'c',
        'Е' | 'Ε' => 'e',
        'Н' | 'Η' => 'h',
        'І' | 'Ι' => 'i',
        'Ј' => 'j',
        'К' | 'Κ' => 'k',
        'М' | 'Μ' => 'm',
        'Ν' => 'n',
        'О' | 'Ο' => 'o',
        'Р' | 'Ρ' => 'p',
        'Ѕ' => 's',
        'Т' | 'Τ' => 't',
        'Х' | 'Χ' => 'x',
        'У' | 'Υ' => 'y',
        'Ζ' => 'z',
        _ => return None,
    })
}

/// Folds `s` for matching: full-width ASCII to ASCII, ideographic space to
/// space, half-width katakana left alone, invisible characters dropped,
/// mathematical and look-alike letters to Latin, ASCII lower-cased, and
/// runs of whitespace collapsed. At most `max_bytes` of input are read.
pub fn fold(s: &str, max_bytes: usize) -> String {
    let s = s.get(..s.floor_char_boundary(max_bytes)).unwrap_or_default();
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII, the bulk of most bodies, without decoding characters.
        let c = match bytes.get(i) {
            Some(&b) if b.is_ascii() => {
                i += 1;
                char::from(b)
            }
            _ => {
                let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                if is_invisible(c) {
                    continue;
                }
                match c {
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    '\u{3000}' | '\u{00A0}' => ' ',
                    _ => math_alnum(c)
                        .or_else(|| latin_lookalike(c))
                        .or_else(|| styled_letter(c))
                        .unwrap_or(c),
                }
            }
        };
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// True when `c` is a Latin letter (ASCII or accented).
pub fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}') && c.is_alphabetic()
}

/// True for Cyrillic or Greek letters.
pub fn is_cyrillic_or_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}')
}

/// Words that mix Latin letters with Cyrillic or Greek look-alikes
/// (`Sаmsung` with a Cyrillic а): no language writes them.
pub fn mixed_script_words(s: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    // Cyrillic and Greek letters start with bytes 0xCD–0xD4 in UTF-8.
    if !s.bytes().any(|b| (0xCD..=0xD4).contains(&b)) {
        return out;
    }
    for word in s.split(|c: char| !c.is_alphabetic()).take(100_000) {
        if out.len() >= max {
            break;
        }
        let latin = word.chars().filter(|&c| is_latin_letter(c)).count();
        let other = word
            .chars()
            .filter(|&c| is_cyrillic_or_greek(c) && latin_lookalike(c).is_some())
            .count();
        if latin >= 1 && other >= 1 && latin + other >= 3 {
            out.push(word.to_string());
        }
    }
    out
}

/// The first `max` characters of `s` (for evidence values).
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// True when the byte before `start` and the byte at `end` of `hay` are not
/// ASCII letters or digits (ASCII names match as whole words).
pub fn word_bounded(hay: &str, start: usize, end: usize) -> bool {
    let b = hay.as_bytes();
    let before = start.checked_sub(1).and_then(|i| b.get(i)).copied();
    let after = b.get(end).copied();
    !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_widths_case_and_lookalikes() {
        assert_eq!(fold("ＩＣＴ－ＩＳＡＣ　セキュリティ", 1000), "ict-isac セキュリティ");
        assert_eq!(fold("Sаmsung", 1000), "samsung");
        assert_eq!(fold("𝐩𝐥𝐞𝐚𝐬𝐞 𝐮𝐩𝐝𝐚𝐭𝐞", 1000), "please update");
        assert_eq!(fold("Pay\u{200B}Pal", 1000), "paypal");
        assert_eq!(fold("🅐🅟🅟🅛🅔 ⓘⓓ ᴇɴᴇʀɢɪᴇ", 1000), "apple id energie");
        assert_eq!(mixed_script_words("Sаmsung Galaxy Москва", 5), vec!["Sаmsung"]);
        assert!(word_bounded("a ups b", 2, 5));
        assert!(!word_bounded("groups", 3, 6));
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}
