//! HTML bodies rendered to text, with links and their visible text.
//!
//! A hand-written, single-pass tokenizer (`scan`, `tag`) reads the HTML as bytes
//! and follows the WHATWG states that matter for what a victim sees and
//! where links lead; no DOM is built. It replaced the html5ever tokenizer,
//! whose per-character tendril work was a quarter of all mail-parsing
//! time (html5gum before it overflowed its stack on real phishing HTML).
//! Nothing here recurses, every loop advances through the input, and
//! output is capped by the `MAX_*` limits below.

mod markup;
mod scan;
mod stylesheet;
mod tag;
#[cfg(test)]
mod tests;
mod text;

use mozu_model::{HtmlSummary, Link};

use scan::{RawMode, Scanner, Token};
use tag::{Attr, Tag, name_key};
use text::{decode_attr, decode_raw, decode_text, newline, push_collapsed, push_space, tidy};

/// HTML bytes rendered at most; the rest is ignored with a warning.
pub const MAX_HTML_BYTES: usize = 8 << 20;
/// Rendered text kept at most.
pub const MAX_RENDERED_TEXT: usize = 2 << 20;
/// Links kept at most.
pub const MAX_LINKS: usize = 2000;
/// Characters of anchor text kept per link.
pub const MAX_LINK_TEXT: usize = 512;

/// What an HTML body shows and points to.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Visible text, block elements on their own lines.
    pub text: String,
    /// `<a href>` / `<area href>` with their visible text.
    pub links: Vec<Link>,
    /// Other URL-bearing attributes: `img src`, `form action`, `iframe src`,
    /// `meta refresh` targets, `background`.
    pub resources: Vec<String>,
    /// What the markup does beyond the text: hidden text, forms, scripts.
    pub summary: HtmlSummary,
    /// A limit was reached.
    pub truncated: bool,
}

const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "ul",
    "ol",
    "hr",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "dt",
    "dd",
    "center",
];
/// Elements whose content a reader never sees.
const HIDDEN: &[&str] = &["script", "style", "title", "template", "xml"];
/// Attributes whose value is fetched or submitted to when the mail is shown
/// or used.
const RESOURCE_ATTRS: [Attr; 5] = [Attr::Src, Attr::Action, Attr::Background, Attr::Formaction, Attr::Data];

/// The lists as [`name_key`]s, so that each tag is classified by integer
/// comparisons.
const BLOCK_KEYS: [u128; BLOCK.len()] = keys(BLOCK);
const HIDDEN_KEYS: [u128; HIDDEN.len()] = keys(HIDDEN);

const fn keys<const N: usize>(names: &[&str]) -> [u128; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = name_key(names[i].as_bytes());
        i += 1;
    }
    out
}

/// Names the renderer acts on one by one.
mod names {
    use super::name_key;
    pub(super) const A: u128 = name_key(b"a");
    pub(super) const AREA: u128 = name_key(b"area");
    pub(super) const TD: u128 = name_key(b"td");
    pub(super) const TH: u128 = name_key(b"th");
    pub(super) const META: u128 = name_key(b"meta");
    pub(super) const IMG: u128 = name_key(b"img");
    pub(super) const SCRIPT: u128 = name_key(b"script");
    pub(super) const STYLE: u128 = name_key(b"style");
    pub(super) const XMP: u128 = name_key(b"xmp");
    pub(super) const IFRAME: u128 = name_key(b"iframe");
    pub(super) const NOEMBED: u128 = name_key(b"noembed");
    pub(super) const NOFRAMES: u128 = name_key(b"noframes");
    pub(super) const TITLE: u128 = name_key(b"title");
    pub(super) const TEXTAREA: u128 = name_key(b"textarea");
    pub(super) const PLAINTEXT: u128 = name_key(b"plaintext");
}

#[derive(Default)]
struct State {
    out: Rendered,
    hidden_depth: u32,
    open_link: Option<Link>,
    markup: markup::Markup,
    /// The rendered text reached [`MAX_RENDERED_TEXT`].
    text_full: bool,
    /// Inside `<style>`: raw text is a stylesheet.
    in_style: bool,
}

/// Renders `html`.
pub fn render(html: &str) -> Rendered {
    let mut truncated = false;
    let html = if html.len() > MAX_HTML_BYTES {
        truncated = true;
        &html[..html.floor_char_boundary(MAX_HTML_BYTES)]
    } else {
        html
    };
    // A leading byte-order mark is not content (html5ever dropped it too).
    let html = html.strip_prefix('\u{feff}').unwrap_or(html);
    let mut st = State::default();
    let mut scanner = Scanner::new(html);
    while let Some(token) = scanner.next_token() {
        match token {
            Token::Text(raw) if st.hidden_depth == 0 => {
                let text = decode_text(raw);
                st.markup.text(&text);
                st.text(&text);
            }
            Token::Raw { text, .. } if st.in_style => st.markup.classes.add_sheet(text),
            Token::Raw { text, decode } if st.hidden_depth == 0 => st.text(&decode_raw(text, decode)),
            Token::Start => {
                let tag = scanner.start_tag();
                if let Some(mode) = st.start_tag(tag) {
                    let name = tag.name;
                    scanner.enter(mode, name);
                }
            }
            Token::End(name) => st.end_tag(name.key()),
            Token::Text(_) | Token::Raw { .. } => {}
        }
        if st.text_full {
            truncated = true;
            break;
        }
    }
    if let Some(link) = st.open_link.take() {
        push_link(&mut st.out, link);
    }
    let mut out = st.out;
    out.summary = st.markup.summary;
    out.truncated |= truncated;
    out.text = tidy(&out.text);
    out
}

/// HTML attachments summarised per message at most.
pub const MAX_HTML_ATTACHMENTS: usize = 16;

/// True when a file of this name opens as a page in a browser (`.htm`,
/// `.html`, `.shtml`, `.xhtml`, `.svg`, `.hta`, in any case).
pub(crate) fn is_page_name(name: &str) -> bool {
    const ENDINGS: [&str; 6] = [".htm", ".html", ".shtml", ".xhtml", ".svg", ".hta"];
    let name = name.as_bytes();
    ENDINGS
        .iter()
        .any(|e| name.len() >= e.len() && name[name.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes()))
}

/// Records the markup summary of an attachment that is HTML (by name, or
/// by its first bytes) when the markup does something (see
/// [`HtmlSummary::is_active`]).
pub fn summarise_attachment(rec: &mut mozu_model::MessageRecord, name: &str, text: &str) {
    if rec.html_attachments.len() >= MAX_HTML_ATTACHMENTS {
        return;
    }
    let by_name = is_page_name(name);
    let head = text
        .get(..text.floor_char_boundary(1024))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let by_content = head.trim_start().starts_with('<')
        && ["<html", "<!doctype html", "<svg", "<script", "<form", "<head", "<body"]
            .iter()
            .any(|t| head.contains(t));
    if !by_name && !by_content {
        return;
    }
    let summary = render(text).summary;
    if summary.is_active() {
        rec.html_attachments.push(mozu_model::HtmlAttachment {
            name: name.to_string(),
            html: summary,
        });
    }
}

/// A decoded, trimmed, non-empty attribute value.
#[inline]
fn attr(tag: &Tag<'_>, key: Attr) -> Option<String> {
    tag.raw_attr(key).and_then(decode_trimmed)
}

fn decode_trimmed(raw: &str) -> Option<String> {
    let value = decode_attr(raw);
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

impl State {
    /// Handles a start tag; returns how the tokenizer must read what
    /// follows when that is not ordinary HTML.
    fn start_tag(&mut self, tag: &Tag<'_>) -> Option<RawMode> {
        let name = tag.name.key();
        self.markup.start(tag, name);
        self.in_style = name == names::STYLE && !tag.self_closing;
        if HIDDEN_KEYS.contains(&name) && !tag.self_closing {
            self.hidden_depth = self.hidden_depth.saturating_add(1);
        }
        if BLOCK_KEYS.contains(&name) {
            newline(&mut self.out.text);
        }
        if name == names::TD || name == names::TH {
            push_space(&mut self.out.text);
        }
        if name == names::A || name == names::AREA {
            self.start_link(tag, name == names::AREA);
        }
        for key in RESOURCE_ATTRS {
            if let Some(v) = attr(tag, key) {
                push_resource(&mut self.out, v);
            }
        }
        if name == names::META
            && attr(tag, Attr::HttpEquiv).is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
            && let Some(content) = attr(tag, Attr::Content)
            && let Some(pos) = content.to_ascii_lowercase().find("url=")
        {
            let target = content[pos + 4..].trim_matches(['\'', '"', ' ']).to_string();
            self.markup.summary.meta_refresh.get_or_insert_with(|| target.clone());
            push_resource(&mut self.out, target);
        }
        if name == names::IMG
            && self.hidden_depth == 0
            && let Some(alt) = attr(tag, Attr::Alt)
        {
            self.text(&alt);
        }
        match name {
            _ if tag.self_closing => None,
            names::SCRIPT => Some(RawMode::Script),
            names::STYLE | names::XMP | names::IFRAME | names::NOEMBED | names::NOFRAMES => Some(RawMode::Rawtext),
            names::TITLE | names::TEXTAREA => Some(RawMode::Rcdata),
            names::PLAINTEXT => Some(RawMode::Plaintext),
            _ => None,
        }
    }

    /// `<a>` or `<area>`: a new link closes any open one (browsers do not
    /// nest anchors); `<area>` and `<a/>` have no content, so their `alt`
    /// stands for the text.
    fn start_link(&mut self, tag: &Tag<'_>, area: bool) {
        if let Some(link) = self.open_link.take() {
            push_link(&mut self.out, link);
        }
        let Some(href) = attr(tag, Attr::Href) else { return };
        let link = Link {
            href,
            text: String::new(),
        };
        if area || tag.self_closing {
            let mut text = String::new();
            if let Some(alt) = attr(tag, Attr::Alt) {
                push_collapsed(&mut text, &alt, true, MAX_LINK_TEXT + 1);
            }
            push_link(&mut self.out, Link { text, ..link });
        } else {
            self.open_link = Some(link);
        }
    }

    fn end_tag(&mut self, name: u128) {
        self.markup.end(name);
        self.in_style = false;
        if HIDDEN_KEYS.contains(&name) {
            self.hidden_depth = self.hidden_depth.saturating_sub(1);
        }
        if name == names::A
            && let Some(link) = self.open_link.take()
        {
            push_link(&mut self.out, link);
        }
        if BLOCK_KEYS.contains(&name) {
            newline(&mut self.out.text);
        }
    }

    /// Appends visible text to the output and to the open link.
    fn text(&mut self, s: &str) {
        let text = &mut self.out.text;
        let last_space = text.is_empty() || text.ends_with([' ', '\n']);
        self.text_full |= push_collapsed(text, s, last_space, MAX_RENDERED_TEXT);
        if let Some(link) = &mut self.open_link {
            // One byte past the limit keeps `push_link`'s cut identical to
            // cutting the whole collapsed text.
            let last_space = link.text.is_empty() || link.text.ends_with(' ');
            push_collapsed(&mut link.text, s, last_space, MAX_LINK_TEXT + 1);
        }
    }
}

fn push_link(out: &mut Rendered, mut link: Link) {
    if out.links.len() >= MAX_LINKS {
        out.truncated = true;
        return;
    }
    // The text was collapsed on the way in; only a trailing space is left.
    link.text.truncate(link.text.trim_end_matches(' ').len());
    if link.text.len() > MAX_LINK_TEXT {
        let end = link.text.floor_char_boundary(MAX_LINK_TEXT);
        link.text.truncate(end);
    }
    out.links.push(link);
}

fn push_resource(out: &mut Rendered, v: String) {
    if out.resources.len() < MAX_LINKS {
        out.resources.push(v);
    } else {
        out.truncated = true;
    }
}
