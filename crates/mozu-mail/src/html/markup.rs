//! The markup summary: what the tags do beyond the text they render.
//!
//! Phishing and spam hide filler text from the reader (inline
//! `display:none`, zero font size, white on white) so that filters read
//! something else than the victim, post forms to collectors and redirect
//! with scripts or `<meta refresh>`. Inline styles and attributes are read,
//! and the class rules of `<style>` blocks as far as [`super::stylesheet`]
//! understands them. An explicit stack of open elements (capped at
//! [`MAX_OPEN_ELEMENTS`]) carries hidden state and colours down the tree.

use mozu_model::{HtmlSummary, MAX_FORM_ACTIONS};

use super::stylesheet::Classes;
use super::tag::{Attr, Tag, name_key};
use super::{attr, names};

/// Open elements tracked at most; deeper ones are counted but not tracked.
pub const MAX_OPEN_ELEMENTS: usize = 512;
/// Open elements an end tag looks through for its start tag: bounds the
/// work of a flood of stray end tags; real mail closes what it opened
/// within a few levels.
const MAX_END_TAG_SEARCH: usize = 64;
/// Characters of a form action kept.
const MAX_ACTION_CHARS: usize = 300;
/// Sum of channel differences under which two colours look the same.
const SAME_COLOUR_DISTANCE: u32 = 30;

/// Elements without content: they never get an end tag.
const VOID: [u128; 14] = {
    let names: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source", b"track",
        b"wbr", b"param",
    ];
    let mut out = [0; 14];
    let mut i = 0;
    while i < names.len() {
        out[i] = name_key(names[i]);
        i += 1;
    }
    out
};

const FORM: u128 = name_key(b"form");
const INPUT: u128 = name_key(b"input");
const LINK: u128 = name_key(b"link");
const FRAME: u128 = name_key(b"frame");
const OBJECT: u128 = name_key(b"object");
const EMBED: u128 = name_key(b"embed");

#[derive(Clone, Copy)]
struct Open {
    key: u128,
    hidden: bool,
    fg: Option<u32>,
    bg: Option<u32>,
}

/// The summary being built.
#[derive(Default)]
pub(super) struct Markup {
    pub(super) summary: HtmlSummary,
    /// Class rules of the `<style>` blocks seen so far.
    pub(super) classes: Classes,
    stack: Vec<Open>,
    hidden_open: u32,
}

/// What a style says about visibility and colour.
#[derive(Debug, Default, Clone)]
pub(super) struct Style {
    pub(super) hidden: bool,
    pub(super) fg: Option<u32>,
    pub(super) bg: Option<u32>,
    /// A background image: the background colour is unknown.
    pub(super) bg_image: bool,
}

impl Style {
    /// True when the style hides or colours anything.
    pub(super) fn says_something(&self) -> bool {
        self.hidden || self.fg.is_some() || self.bg.is_some() || self.bg_image
    }

    /// Applies `later` over this style: hiding adds up, colours are
    /// replaced.
    pub(super) fn absorb(&mut self, later: &Style) {
        self.hidden |= later.hidden;
        self.fg = later.fg.or(self.fg);
        self.bg = later.bg.or(self.bg);
        self.bg_image |= later.bg_image;
    }
}

impl Markup {
    /// A start tag.
    pub(super) fn start(&mut self, tag: &Tag<'_>, key: u128) {
        let s = &mut self.summary;
        s.elements = s.elements.saturating_add(1);
        self.count_kind(tag, key);
        let mut style = tag
            .raw_attr(Attr::Class)
            .and_then(|c| self.classes.style_of(c))
            .unwrap_or_default();
        if let Some(inline) = tag.raw_attr(Attr::Style) {
            style.absorb(&parse_style(inline));
        }
        style.hidden |= tag.raw_attr(Attr::Hidden).is_some();
        if style.fg.is_none() {
            style.fg = tag.raw_attr(Attr::Color).and_then(parse_colour);
        }
        if style.bg.is_none() {
            style.bg = tag.raw_attr(Attr::Bgcolor).and_then(parse_colour);
        }
        style.bg_image |= tag.raw_attr(Attr::Background).is_some();
        if style.hidden {
            self.summary.hidden_elements = self.summary.hidden_elements.saturating_add(1);
        }
        if tag.self_closing || VOID.contains(&key) || self.stack.len() >= MAX_OPEN_ELEMENTS {
            return;
        }
        let parent = self.stack.last().copied();
        let open = Open {
            key,
            hidden: style.hidden,
            fg: style.fg.or(parent.and_then(|p| p.fg)),
            bg: if style.bg_image {
                None
            } else {
                style.bg.or(parent.and_then(|p| p.bg))
            },
        };
        self.hidden_open += u32::from(open.hidden);
        self.stack.push(open);
    }

    fn count_kind(&mut self, tag: &Tag<'_>, key: u128) {
        let s = &mut self.summary;
        let bump = |n: &mut u32| *n = n.saturating_add(1);
        for a in [Attr::Src, Attr::Href, Attr::Data, Attr::Background, Attr::Action] {
            if tag
                .raw_attr(a)
                .is_some_and(|v| v.trim_start().get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:")))
            {
                bump(&mut s.data_uris);
            }
        }
        match key {
            FORM => {
                bump(&mut s.forms);
                if s.form_actions.len() < MAX_FORM_ACTIONS {
                    let action = attr(tag, Attr::Action).unwrap_or_default();
                    s.form_actions.push(action.chars().take(MAX_ACTION_CHARS).collect());
                }
            }
            INPUT => {
                bump(&mut s.inputs);
                if tag
                    .raw_attr(Attr::Type)
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("password"))
                {
                    bump(&mut s.password_inputs);
                }
            }
            names::SCRIPT => {
                bump(&mut s.scripts);
                if tag.raw_attr(Attr::Src).is_some_and(|v| !v.trim().is_empty()) {
                    bump(&mut s.external_scripts);
                }
            }
            LINK if tag
                .raw_attr(Attr::Rel)
                .is_some_and(|r| r.to_ascii_lowercase().contains("stylesheet")) =>
            {
                bump(&mut s.external_stylesheets)
            }
            names::IFRAME | FRAME | OBJECT | EMBED => bump(&mut s.frames),
            names::IMG => bump(&mut s.images),
            _ => {}
        }
    }

    /// An end tag: closes the innermost open element of that name (among
    /// the [`MAX_END_TAG_SEARCH`] innermost) and all elements opened inside
    /// it; a stray end tag changes nothing.
    pub(super) fn end(&mut self, key: u128) {
        let Some(from_top) = self
            .stack
            .iter()
            .rev()
            .take(MAX_END_TAG_SEARCH)
            .position(|o| o.key == key)
        else {
            return;
        };
        let pos = self.stack.len() - 1 - from_top;
        for o in self.stack.drain(pos..) {
            self.hidden_open = self.hidden_open.saturating_sub(u32::from(o.hidden));
        }
    }

    /// Text the renderer shows (before any hiding by CSS).
    pub(super) fn text(&mut self, s: &str) {
        let (n, maybe_invisible) = visible_char_count(s.as_bytes());
        if maybe_invisible {
            self.count_invisible_in_words(s);
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        if n == 0 {
            return;
        }
        let s = &mut self.summary;
        if self.hidden_open > 0 {
            s.hidden_chars = s.hidden_chars.saturating_add(n);
            return;
        }
        s.visible_chars = s.visible_chars.saturating_add(n);
        if let Some(Open {
            fg: Some(fg),
            bg: Some(bg),
            ..
        }) = self.stack.last()
            && colour_distance(*fg, *bg) <= SAME_COLOUR_DISTANCE
        {
            s.same_colour_chars = s.same_colour_chars.saturating_add(n);
        }
    }

    fn count_invisible_in_words(&mut self, s: &str) {
        let (mut a, mut b) = (' ', ' ');
        for c in s.chars() {
            if a.is_alphanumeric() && is_invisible(b) && c.is_alphanumeric() {
                self.summary.invisible_in_words = self.summary.invisible_in_words.saturating_add(1);
            }
            (a, b) = (b, c);
        }
    }
}

/// Characters of UTF-8 text that are neither whitespace (ASCII, NBSP,
/// ideographic space) nor invisible (see [`is_invisible`]), counted on the
/// bytes in one pass as this runs on every text node; and whether a lead
/// byte of an invisible character was seen.
fn visible_char_count(b: &[u8]) -> (usize, bool) {
    let mut n = 0;
    let mut maybe_invisible = false;
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if x < 0x80 {
            n += usize::from(!x.is_ascii_whitespace());
            i += 1;
            continue;
        }
        if x < 0xC0 {
            i += 1;
            continue;
        }
        let len = match x {
            0xC0..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
        maybe_invisible |= matches!(x, 0xCD | 0xE1 | 0xE2 | 0xEF);
        let blank = matches!(
            b.get(i..i + len).unwrap_or_default(),
            [0xC2, 0xA0]
                | [0xCD, 0x8F]
                | [0xE3, 0x80, 0x80]
                | [0xE2, 0x80, 0x8B..=0x8D]
                | [0xE2, 0x81, 0xA0..=0xA4]
                | [0xEF, 0xBB, 0xBF]
                | [0xE1, 0xA0, 0x8E]
        );
        n += usize::from(!blank);
        i += len;
    }
    (n, maybe_invisible)
}

/// Zero-width and formatting characters a reader does not see. The soft
/// hyphen is left out: German and Dutch newsletters use it honestly.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{034F}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// The declarations of an inline style that hide content or set colours.
pub(super) fn parse_style(raw: &str) -> Style {
    let mut st = Style::default();
    let (mut zero_height, mut overflow_hidden) = (false, false);
    for decl in raw.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        // Property names lower-cased on the stack: a style attribute sits
        // on most elements of marketing mail.
        let prop = prop.trim().as_bytes();
        let mut buf = [0u8; 20];
        let Some(lower) = buf.get_mut(..prop.len()) else {
            continue;
        };
        for (d, c) in lower.iter_mut().zip(prop) {
            *d = c.to_ascii_lowercase();
        }
        let value = value.trim();
        let value = value.strip_suffix("!important").unwrap_or(value).trim();
        match &*lower {
            b"display" => st.hidden |= value.eq_ignore_ascii_case("none"),
            b"visibility" => st.hidden |= value.eq_ignore_ascii_case("hidden"),
            b"font-size" => st.hidden |= tiny_font(value),
            b"opacity" => st.hidden |= leading_number(value).is_some_and(|(n, _)| n < 0.05),
            b"max-height" | b"height" => zero_height |= leading_number(value).is_some_and(|(n, _)| n == 0.0),
            b"overflow" => overflow_hidden |= value.eq_ignore_ascii_case("hidden"),
            b"color" => st.fg = parse_colour(value).or(st.fg),
            b"background-color" => st.bg = parse_colour(value).or(st.bg),
            b"background" => {
                if value.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"url(")) {
                    st.bg_image = true;
                } else {
                    st.bg = value.split_whitespace().find_map(parse_colour).or(st.bg);
                }
            }
            b"background-image" => st.bg_image |= !value.eq_ignore_ascii_case("none"),
            _ => {}
        }
    }
    st.hidden |= zero_height && overflow_hidden;
    st
}

/// Font sizes nobody can read: 0 in any unit, under 2px/2pt, under 0.2em.
fn tiny_font(value: &str) -> bool {
    let Some((n, unit)) = leading_number(value) else {
        return false;
    };
    let unit = unit.trim().to_ascii_lowercase();
    match unit.as_str() {
        _ if n == 0.0 => true,
        "px" | "pt" => n < 2.0,
        "em" | "rem" => n < 0.2,
        "%" => n < 20.0,
        _ => false,
    }
}

/// The number at the start of `v` and what follows it.
fn leading_number(v: &str) -> Option<(f32, &str)> {
    let end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(v.len());
    let n: f32 = v.get(..end)?.parse().ok()?;
    Some((n, v.get(end..).unwrap_or_default()))
}

/// `#rgb`, `#rrggbb`, `rgb(r, g, b)` or a basic colour name as `0xRRGGBB`;
/// `None` for anything else (including `transparent` and `inherit`).
fn parse_colour(v: &str) -> Option<u32> {
    let v = v.trim().trim_matches(['"', '\'']);
    if let Some(hex) = v.strip_prefix('#') {
        let hex = hex.get(..hex.len().min(6))?;
        let n = u32::from_str_radix(hex, 16).ok()?;
        return match hex.len() {
            3 => Some(((n >> 8) & 0xF) * 0x11_0000 + ((n >> 4) & 0xF) * 0x1100 + (n & 0xF) * 0x11),
            6 => Some(n),
            _ => None,
        };
    }
    let args = strip_prefix_ignore_case(v, "rgb(").or_else(|| strip_prefix_ignore_case(v, "rgba("));
    if let Some(args) = args {
        let mut it = args.trim_end_matches(')').split([',', ' ']).filter(|x| !x.is_empty());
        let mut ch = || it.next().and_then(|x| x.trim().parse::<u8>().ok()).map(u32::from);
        let (r, g, b) = (ch()?, ch()?, ch()?);
        if let Some(alpha) = it.next().and_then(|a| a.trim().parse::<f32>().ok())
            && alpha < 0.5
        {
            return None;
        }
        return Some((r << 16) | (g << 8) | b);
    }
    const NAMED: [(&str, u32); 11] = [
        ("white", 0xFFFFFF),
        ("black", 0),
        ("red", 0xFF0000),
        ("green", 0x008000),
        ("blue", 0x0000FF),
        ("yellow", 0xFFFF00),
        ("gray", 0x808080),
        ("grey", 0x808080),
        ("silver", 0xC0C0C0),
        ("whitesmoke", 0xF5F5F5),
        ("snow", 0xFFFAFA),
    ];
    NAMED.iter().find(|(n, _)| v.eq_ignore_ascii_case(n)).map(|(_, c)| *c)
}

/// `v` without `prefix`, compared ignoring ASCII case.
fn strip_prefix_ignore_case<'a>(v: &'a str, prefix: &str) -> Option<&'a str> {
    let head = v.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| v.get(prefix.len()..))
        .flatten()
}

fn colour_distance(a: u32, b: u32) -> u32 {
    let ch = |x: u32, s: u32| (x >> s) & 0xFF;
    [16, 8, 0].iter().map(|&s| ch(a, s).abs_diff(ch(b, s))).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_and_colours() {
        let cases = [
            ("display: none", true),
            ("DISPLAY:NONE !important", true),
            ("font-size:0px;color:red", true),
            ("font-size:1px", true),
            ("font-size:12px", false),
            ("max-height:0;overflow:hidden", true),
            ("max-height:0", false),
            ("opacity:0", true),
            ("color:#fff", false),
        ];
        for (css, hidden) in cases {
            assert_eq!(parse_style(css).hidden, hidden, "{css}");
        }
        assert_eq!(parse_colour("#fff"), Some(0xFFFFFF));
        assert_eq!(parse_colour("#1a2B3c"), Some(0x1A2B3C));
        assert_eq!(parse_colour("rgb(255, 255, 255)"), Some(0xFFFFFF));
        assert_eq!(parse_colour("transparent"), None);
        assert_eq!(parse_colour("#zz"), None);
        assert!(colour_distance(0xFEFEFE, 0xFFFFFF) <= SAME_COLOUR_DISTANCE);
        assert_eq!(
            visible_char_count("a b\u{a0}é\u{200b}日本\u{3000}x".as_bytes()),
            (6, true)
        );
        assert_eq!(visible_char_count("日本語 text".as_bytes()), (7, false));
    }
}
