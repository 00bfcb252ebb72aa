//! Class rules of `<style>` blocks, as far as hiding and colour go.
//!
//! Hidden filler and white-on-white text move from inline styles to a
//! class (`<style>.x{display:none}</style><div class="x">`) once filters
//! read inline styles; Gmail, Outlook and Apple Mail all apply such rules.
//! This is no CSS engine: only rules whose selectors are a bare class
//! (`.x`) or an element with one class (`div.x`) are kept, and an element
//! gets the styles of the classes it names, before its inline style.
//! Selectors with combinators, attributes or pseudo-classes are skipped,
//! and so is the cascade beyond "later rules win".

use std::collections::HashMap;

use super::markup::{Style, parse_style};

/// Stylesheet bytes read per message; the rest is ignored.
pub const MAX_STYLESHEET_BYTES: usize = 256 << 10;
/// Class rules kept per message.
pub const MAX_CLASS_RULES: usize = 1024;
/// Bytes of a class name.
const MAX_CLASS_NAME: usize = 64;

/// Styles by class name, from the message's `<style>` blocks.
#[derive(Default)]
pub(super) struct Classes {
    styles: HashMap<String, Style>,
    bytes_read: usize,
}

impl Classes {
    /// Reads the rules of one `<style>` block's text.
    pub(super) fn add_sheet(&mut self, css: &str) {
        let room = MAX_STYLESHEET_BYTES.saturating_sub(self.bytes_read);
        let css = css
            .get(..css.floor_char_boundary(room.min(css.len())))
            .unwrap_or_default();
        self.bytes_read += css.len();
        let css = strip_comments(css);
        for rule in css.split('}') {
            let Some((selectors, declarations)) = rule.split_once('{') else {
                continue;
            };
            // `@media … { .x { … } }`: the inner rule is what follows the
            // last `{`; the at-rule prelude is not a class selector.
            let (selectors, declarations) = match declarations.rsplit_once('{') {
                Some((inner_selectors, inner)) => (inner_selectors, inner),
                None => (selectors, declarations),
            };
            let style = parse_style(declarations);
            if !style.says_something() {
                continue;
            }
            for class in selectors.split(',').filter_map(class_of) {
                if self.styles.len() >= MAX_CLASS_RULES && !self.styles.contains_key(class) {
                    return;
                }
                self.styles.entry(class.to_string()).or_default().absorb(&style);
            }
        }
    }

    /// The combined style of the classes in a `class` attribute value.
    pub(super) fn style_of(&self, class_attr: &str) -> Option<Style> {
        if self.styles.is_empty() {
            return None;
        }
        let mut combined: Option<Style> = None;
        for class in class_attr.split_ascii_whitespace().take(32) {
            if let Some(style) = self.styles.get(class) {
                combined.get_or_insert_with(Style::default).absorb(style);
            }
        }
        combined
    }
}

/// The class of a selector that is `.name` or `element.name`, if it is one.
fn class_of(selector: &str) -> Option<&str> {
    let selector = selector.trim();
    let (element, class) = selector.split_once('.')?;
    let simple =
        |s: &str, max: usize| s.len() <= max && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (simple(element, 16) && !class.is_empty() && simple(class, MAX_CLASS_NAME)).then_some(class)
}

/// `css` without `/* … */` comments (an unclosed one runs to the end).
fn strip_comments(css: &str) -> std::borrow::Cow<'_, str> {
    if !css.contains("/*") {
        return std::borrow::Cow::Borrowed(css);
    }
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_element_classes_are_read() {
        let mut classes = Classes::default();
        classes.add_sheet(
            "/* reset */ body{margin:0} .hide , span.ghost { display : none !important } \
             p .nested{display:none} a:hover{color:red} .white{color:#fff;background-color:#ffffff} \
             @media screen { .mob { visibility:hidden } } .plain{margin:0}",
        );
        let mut ran = 0;
        for (attr, hidden) in [
            ("hide", true),
            ("x ghost", true),
            ("mob", true),
            ("nested", false),
            ("plain", false),
        ] {
            assert_eq!(classes.style_of(attr).is_some_and(|s| s.hidden), hidden, "{attr}");
            ran += 1;
        }
        assert!(ran > 0);
        let white = classes.style_of("white").expect("colour rule");
        assert_eq!((white.fg, white.bg), (Some(0xffffff), Some(0xffffff)));
        assert!(classes.style_of("unknown other").is_none());
    }

    #[test]
    fn hostile_sheets_stay_bounded() {
        let mut classes = Classes::default();
        let flood: String = (0..5000).map(|i| format!(".c{i}{{display:none}}")).collect();
        classes.add_sheet(&flood);
        assert_eq!(classes.styles.len(), MAX_CLASS_RULES);
        classes.add_sheet(&"}{".repeat(200_000));
        classes.add_sheet("/* never closed .x{display:none}");
        classes.add_sheet(&format!(".{}{{display:none}}", "a".repeat(1000)));
        assert!(classes.bytes_read <= MAX_STYLESHEET_BYTES);
    }
}
