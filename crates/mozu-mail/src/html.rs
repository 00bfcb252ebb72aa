//! HTML bodies rendered to text, with links and their visible text.
//!
//! Built on the html5ever tokenizer (WHATWG tokenization, entity
//! decoding, iterative state machine); no DOM is needed to read what a
//! victim sees and where links lead. (html5gum overflowed its stack on
//! real phishing HTML in debug builds, so it was replaced.)

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};
use mozu_model::Link;

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

#[derive(Default)]
struct State {
    out: Rendered,
    hidden_depth: u32,
    open_link: Option<Link>,
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => return st.start_tag(&tag),
            Token::TagToken(tag) => st.end_tag(&tag),
            Token::CharacterTokens(text) if st.hidden_depth == 0 => {
                let State { out, open_link, .. } = &mut *st;
                append(out, open_link.as_mut(), &text);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl State {
    fn start_tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if HIDDEN.contains(&name) && !tag.self_closing {
            self.hidden_depth = self.hidden_depth.saturating_add(1);
        }
        if BLOCK.contains(&name) {
            newline(&mut self.out.text);
        }
        if name == "td" || name == "th" {
            push_space(&mut self.out.text);
        }
        let attr = |key: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == key)
                .map(|a| a.value.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if name == "a" || name == "area" {
            if let Some(link) = self.open_link.take() {
                push_link(&mut self.out, link);
            }
            if let Some(href) = attr("href") {
                let link = Link {
                    href,
                    text: String::new(),
                };
                if name == "area" || tag.self_closing {
                    push_link(
                        &mut self.out,
                        Link {
                            text: attr("alt").unwrap_or_default(),
                            ..link
                        },
                    );
                } else {
                    self.open_link = Some(link);
                }
            }
        }
        for key in ["src", "action", "background", "formaction", "data"] {
            if let Some(v) = attr(key) {
                push_resource(&mut self.out, v);
            }
        }
        if name == "meta"
            && attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
            && let Some(content) = attr("content")
            && let Some(pos) = content.to_ascii_lowercase().find("url=")
        {
            push_resource(
                &mut self.out,
                content[pos + 4..].trim_matches(['\'', '"', ' ']).to_string(),
            );
        }
        if name == "img"
            && self.hidden_depth == 0
            && let Some(alt) = attr("alt")
        {
            append(&mut self.out, self.open_link.as_mut(), &alt);
        }
        match name {
            _ if tag.self_closing => TokenSinkResult::Continue,
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => TokenSinkResult::RawData(RawKind::Rawtext),
            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
            _ => TokenSinkResult::Continue,
        }
    }

    fn end_tag(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
        if HIDDEN.contains(&name) {
            self.hidden_depth = self.hidden_depth.saturating_sub(1);
        }
        if name == "a"
            && let Some(link) = self.open_link.take()
        {
            push_link(&mut self.out, link);
        }
        if BLOCK.contains(&name) {
            newline(&mut self.out.text);
        }
    }
}

/// Renders `html`.
pub fn render(html: &str) -> Rendered {
    let mut truncated = false;
    let html = if html.len() > MAX_HTML_BYTES {
        truncated = true;
        let mut end = MAX_HTML_BYTES;
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        &html[..end]
    } else {
        html
    };
    let tokenizer = Tokenizer::new(Sink(RefCell::new(State::default())), Default::default());
    let input = BufferQueue::default();
    // Fed in slices so that the text limit can stop the work early.
    let mut rest = html;
    while !rest.is_empty() {
        let mut end = rest.len().min(64 << 10);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        input.push_back(StrTendril::from_slice(&rest[..end]));
        let _ = tokenizer.feed(&input);
        rest = &rest[end..];
        if tokenizer.sink.0.borrow().out.text.len() >= MAX_RENDERED_TEXT {
            truncated = true;
            break;
        }
    }
    tokenizer.end();
    let mut st = tokenizer.sink.0.take();
    if let Some(link) = st.open_link.take() {
        push_link(&mut st.out, link);
    }
    let mut out = st.out;
    out.truncated |= truncated;
    out.text = tidy(&out.text);
    out
}

fn append(out: &mut Rendered, link: Option<&mut Link>, s: &str) {
    let mut last_space = out.text.ends_with([' ', '\n']) || out.text.is_empty();
    for c in s.chars() {
        let c = if c == '\u{a0}' { ' ' } else { c };
        if c.is_whitespace() {
            if !last_space {
                out.text.push(' ');
                last_space = true;
            }
        } else {
            out.text.push(c);
            last_space = false;
        }
    }
    if let Some(link) = link
        && link.text.len() < MAX_LINK_TEXT
    {
        link.text.push_str(s);
    }
}

fn push_link(out: &mut Rendered, mut link: Link) {
    if out.links.len() >= MAX_LINKS {
        out.truncated = true;
        return;
    }
    link.text = link.text.split_whitespace().collect::<Vec<_>>().join(" ");
    if link.text.len() > MAX_LINK_TEXT {
        let mut end = MAX_LINK_TEXT;
        while !link.text.is_char_boundary(end) {
            end -= 1;
        }
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

fn newline(text: &mut String) {
    while text.ends_with(' ') {
        text.pop();
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

fn push_space(text: &mut String) {
    if !text.is_empty() && !text.ends_with([' ', '\n']) {
        text.push(' ');
    }
}

/// Trims each line and collapses runs of blank lines.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_text_links_and_hides_scripts() {
        let html = r#"<html><head><title>t</title><style>p{}</style></head><body>
            <p>Dear&nbsp;customer,</p><script>var a="<a href='x'>";</script>
            <a href=" https://evil.example/login ">https://www.mufg.jp/</a>
            <img src="http://track.example/p.gif" alt="logo"><form action="//post.example/x"></form>
            </body></html>"#;
        let r = render(html);
        assert!(r.text.starts_with("Dear customer,"), "{:?}", r.text);
        assert!(!r.text.contains("var a"));
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].href, "https://evil.example/login");
        assert_eq!(r.links[0].text, "https://www.mufg.jp/");
        assert!(r.resources.contains(&"http://track.example/p.gif".to_string()));
    }

    #[test]
    fn japanese_text_and_entities() {
        let r = render("<div>お支払い&#x306E;確認</div><div><a href='http://x.example/'>こちら</a></div>");
        assert_eq!(r.text, "お支払いの確認\nこちら");
        assert_eq!(r.links[0].text, "こちら");
    }
}
