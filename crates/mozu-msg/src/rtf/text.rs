//! RTF rendering: plain text, and the HTML encapsulated by Outlook in RTF
//! generated from HTML (`\fromhtml1`, [MS-OXRTFEX]).
//!
//! One pass over the tokens feeds two outputs. The text output follows
//! ordinary RTF semantics: destinations such as the font table, pictures
//! and `{\*…}` groups are skipped. The HTML output takes the content of
//! `{\*\htmltag…}` groups plus body text outside `\htmlrtf … \htmlrtf0`.
//! Groups are tracked with an explicit, depth-capped stack.
//!
//! [MS-OXRTFEX]: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxrtfex

use std::collections::HashMap;

use super::lexer::{Lexer, Token};
use super::sink::Sink;
use super::words::{code_page_for_charset, hyperlink_target, is_skipped_destination, positive};

/// Deepest RTF group nesting tracked; deeper groups share the state of the
/// deepest tracked one.
pub const MAX_RTF_GROUP_DEPTH: usize = 1024;
/// Most font-table entries kept.
const MAX_FONTS: usize = 4096;
/// Longest field instruction kept (for `HYPERLINK "…"`).
const MAX_FIELD_INSTRUCTION: usize = 4096;

/// Text (and de-encapsulated HTML) rendered from an RTF document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedRtf {
    /// The visible text; paragraphs end with `\n`, hyperlink fields are
    /// followed by ` <url>`.
    pub text: String,
    /// The original HTML when the document says `\fromhtml1`.
    pub html: Option<String>,
    /// Unknown code pages, invalid bytes, limits reached.
    pub warnings: Vec<String>,
}

/// What the current group contributes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    /// Visible document text.
    Normal,
    /// A destination that is not rendered.
    Skip,
    /// `\fonttbl`: font numbers and charsets are recorded.
    FontTable,
    /// `\fldinst`: the field instruction is collected.
    FieldInst,
    /// `\*\htmltag`: encapsulated HTML.
    HtmlTag,
}

/// RTF state saved and restored with each group.
#[derive(Debug, Clone, Copy)]
struct Group {
    dest: Dest,
    /// `\ucN`: fallback characters skipped after `\uN`.
    uc: usize,
    /// Code page of the current font, when it differs from `\ansicpg`.
    font_code_page: Option<u32>,
    /// Inside `\htmlrtf` (RTF-only content, not part of the HTML).
    htmlrtf: bool,
    /// `\*` was seen: the next control word names an ignorable destination.
    ignorable: bool,
    /// This group is a `\field`.
    is_field: bool,
}

/// One unit of output.
#[derive(Debug, Clone, Copy)]
enum Out {
    Byte(u8),
    Char(char),
    Newline,
    Tab,
}

struct Renderer {
    stack: Vec<Group>,
    overflow: usize,
    group: Group,
    ansi_code_page: u32,
    default_font: Option<i32>,
    fonts: HashMap<i32, u32>,
    table_font: Option<i32>,
    from_html: bool,
    skip: usize,
    high_surrogate: Option<u16>,
    field_instruction: Vec<u8>,
    /// A hyperlink target waiting for the end of its `\field` group, with
    /// that group's depth.
    link: Option<(usize, String)>,
    text: Sink,
    html: Sink,
    warnings: Vec<String>,
}

/// Renders an RTF document to text and, for `\fromhtml1` documents, to the
/// encapsulated HTML. `default_code_page` applies until `\ansicpg` (the
/// message code page is a good default); each output is capped at
/// `max_output` bytes.
pub fn render_rtf(rtf: &[u8], default_code_page: Option<u32>, max_output: usize) -> RenderedRtf {
    let mut renderer = Renderer::new(default_code_page.unwrap_or(1252), max_output);
    if !rtf.starts_with(b"{\\rtf") {
        renderer.warnings.push("document does not start with {\\rtf".to_owned());
    }
    for token in Lexer::new(rtf) {
        renderer.token(token);
        if renderer.text.truncated() && (renderer.html.truncated() || !renderer.from_html) {
            break;
        }
    }
    renderer.finish(max_output)
}

impl Renderer {
    fn new(ansi_code_page: u32, max_output: usize) -> Self {
        Self {
            stack: Vec::new(),
            overflow: 0,
            group: Group {
                dest: Dest::Normal,
                uc: 1,
                font_code_page: None,
                htmlrtf: false,
                ignorable: false,
                is_field: false,
            },
            ansi_code_page,
            default_font: None,
            fonts: HashMap::new(),
            table_font: None,
            from_html: false,
            skip: 0,
            high_surrogate: None,
            field_instruction: Vec::new(),
            link: None,
            text: Sink::new(max_output),
            html: Sink::new(max_output),
            warnings: Vec::new(),
        }
    }

    fn token(&mut self, token: Token<'_>) {
        if self.skip > 0 {
            // Fallback text after `\uN` is skipped, but never past a group
            // boundary.
            if matches!(token, Token::GroupStart | Token::GroupEnd) {
                self.skip = 0;
            } else {
                self.skip -= 1;
                return;
            }
        }
        match token {
            Token::GroupStart => self.open_group(),
            Token::GroupEnd => self.close_group(),
            Token::Word { name, param } => self.word(name, param),
            Token::Symbol(symbol) => self.symbol(symbol),
            Token::Hex(byte) | Token::Text(byte) => self.emit(Out::Byte(byte)),
            Token::Binary(_) => {}
        }
    }

    fn open_group(&mut self) {
        if self.stack.len() >= MAX_RTF_GROUP_DEPTH {
            if self.overflow == 0 {
                self.warnings.push(format!(
                    "groups nested deeper than {MAX_RTF_GROUP_DEPTH}; deeper groups flattened"
                ));
            }
            self.overflow += 1;
            return;
        }
        self.stack.push(self.group);
        self.group.ignorable = false;
        self.group.is_field = false;
    }

    fn close_group(&mut self) {
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        // An unbalanced `}` is ignored.
        let Some(parent) = self.stack.pop() else {
            return;
        };
        let closing = std::mem::replace(&mut self.group, parent);
        let parent_depth = self.stack.len();
        if closing.dest == Dest::FieldInst && parent.dest != Dest::FieldInst {
            if parent.is_field
                && let Some(url) = hyperlink_target(&self.field_instruction)
            {
                self.link = Some((parent_depth, url));
            }
            self.field_instruction.clear();
        }
        if closing.is_field
            && let Some((depth, url)) = self.link.take()
            && depth == parent_depth + 1
            && self.group.dest == Dest::Normal
        {
            self.text.push_str(&format!(" <{url}>"), &mut self.warnings);
        }
    }

    /// Switches the current group to `dest`. Skipped groups stay skipped
    /// and special destinations can only become skipped.
    fn enter(&mut self, dest: Dest) {
        match self.group.dest {
            Dest::Skip => {}
            Dest::Normal => {
                if dest == Dest::FieldInst {
                    self.field_instruction.clear();
                }
                self.group.dest = dest;
            }
            Dest::FontTable | Dest::FieldInst | Dest::HtmlTag => {
                if dest == Dest::Skip {
                    self.group.dest = Dest::Skip;
                }
            }
        }
    }

    fn word(&mut self, name: &[u8], param: Option<i32>) {
        if std::mem::take(&mut self.group.ignorable) {
            self.enter(match name {
                b"htmltag" => Dest::HtmlTag,
                b"fldinst" => Dest::FieldInst,
                _ => Dest::Skip,
            });
            return;
        }
        if self.group.dest == Dest::FontTable {
            self.font_table_word(name, param);
            return;
        }
        match name {
            b"fonttbl" => self.enter(Dest::FontTable),
            b"fldinst" => self.enter(Dest::FieldInst),
            b"field" => self.group.is_field = true,
            b"ansicpg" => {
                if let Some(code_page) = positive(param) {
                    self.ansi_code_page = code_page;
                }
            }
            b"mac" => self.ansi_code_page = 10000,
            b"pc" => self.ansi_code_page = 437,
            b"pca" => self.ansi_code_page = 850,
            b"deff" => self.default_font = param,
            b"f" => self.group.font_code_page = param.and_then(|f| self.fonts.get(&f).copied()),
            b"plain" => {
                self.group.font_code_page = self.default_font.and_then(|f| self.fonts.get(&f).copied());
            }
            b"fromhtml" => self.from_html = param != Some(0),
            b"htmlrtf" => self.group.htmlrtf = param != Some(0),
            b"uc" => self.group.uc = usize::try_from(param.unwrap_or(1).clamp(0, 64)).unwrap_or(1),
            b"u" => self.unicode(param.unwrap_or(0)),
            b"par" | b"line" | b"sect" | b"page" | b"row" => self.emit(Out::Newline),
            b"tab" | b"cell" => self.emit(Out::Tab),
            b"emdash" => self.emit(Out::Char('\u{2014}')),
            b"endash" => self.emit(Out::Char('\u{2013}')),
            b"bullet" => self.emit(Out::Char('\u{2022}')),
            b"lquote" => self.emit(Out::Char('\u{2018}')),
            b"rquote" => self.emit(Out::Char('\u{2019}')),
            b"ldblquote" => self.emit(Out::Char('\u{201C}')),
            b"rdblquote" => self.emit(Out::Char('\u{201D}')),
            b"emspace" | b"enspace" | b"qmspace" => self.emit(Out::Char(' ')),
            other if is_skipped_destination(other) => self.enter(Dest::Skip),
            _ => {}
        }
    }

    fn font_table_word(&mut self, name: &[u8], param: Option<i32>) {
        let code_page = match name {
            b"f" => {
                self.table_font = param;
                return;
            }
            b"fcharset" => param.and_then(code_page_for_charset),
            b"cpg" => positive(param),
            _ => None,
        };
        if let (Some(font), Some(code_page)) = (self.table_font, code_page)
            && (self.fonts.len() < MAX_FONTS || self.fonts.contains_key(&font))
        {
            self.fonts.insert(font, code_page);
        }
    }

    fn symbol(&mut self, symbol: u8) {
        match symbol {
            b'*' => self.group.ignorable = true,
            // Kept as bytes: they can be the second byte of a DBCS pair.
            b'\\' | b'{' | b'}' => self.emit(Out::Byte(symbol)),
            b'~' => self.emit(Out::Char('\u{A0}')),
            b'_' => self.emit(Out::Char('-')),
            _ => {}
        }
    }

    /// `\uN`: N is a signed 16-bit UTF-16 code unit; surrogate pairs are
    /// joined.
    fn unicode(&mut self, param: i32) {
        self.skip = self.group.uc;
        let unit = if param < 0 { param.saturating_add(65_536) } else { param };
        let unit = u32::try_from(unit).unwrap_or(0xFFFD);
        match unit {
            0xD800..=0xDBFF => {
                if self.high_surrogate.take().is_some() {
                    self.route(Out::Char('\u{FFFD}'));
                }
                self.high_surrogate = u16::try_from(unit).ok();
            }
            0xDC00..=0xDFFF => {
                let c = self
                    .high_surrogate
                    .take()
                    .and_then(|high| {
                        let code = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (unit - 0xDC00);
                        char::from_u32(code)
                    })
                    .unwrap_or('\u{FFFD}');
                self.route(Out::Char(c));
            }
            _ => self.emit(Out::Char(char::from_u32(unit).unwrap_or('\u{FFFD}'))),
        }
    }

    fn emit(&mut self, out: Out) {
        if self.high_surrogate.take().is_some() {
            self.route(Out::Char('\u{FFFD}'));
        }
        self.route(out);
    }

    fn route(&mut self, out: Out) {
        if matches!(out, Out::Char('\0') | Out::Byte(0)) {
            return;
        }
        let font_code_page = self.group.font_code_page.unwrap_or(self.ansi_code_page);
        match self.group.dest {
            Dest::Skip | Dest::FontTable => {}
            Dest::FieldInst => self.collect_instruction(out),
            Dest::HtmlTag => {
                if self.from_html {
                    put(&mut self.html, out, self.ansi_code_page, "\r\n", &mut self.warnings);
                }
            }
            Dest::Normal => {
                put(&mut self.text, out, font_code_page, "\n", &mut self.warnings);
                if self.from_html && !self.group.htmlrtf {
                    put(&mut self.html, out, font_code_page, "\r\n", &mut self.warnings);
                }
            }
        }
    }

    fn collect_instruction(&mut self, out: Out) {
        if self.field_instruction.len() >= MAX_FIELD_INSTRUCTION {
            return;
        }
        match out {
            Out::Byte(byte) => self.field_instruction.push(byte),
            Out::Char(c) => {
                let mut buf = [0u8; 4];
                self.field_instruction
                    .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Out::Newline | Out::Tab => self.field_instruction.push(b' '),
        }
    }

    fn finish(mut self, max_output: usize) -> RenderedRtf {
        if self.high_surrogate.take().is_some() {
            self.route(Out::Char('\u{FFFD}'));
        }
        let Self {
            text,
            html,
            mut warnings,
            from_html,
            ..
        } = self;
        if text.truncated() {
            warnings.push(format!("rendered text truncated at {max_output} bytes"));
        }
        if from_html && html.truncated() {
            warnings.push(format!("de-encapsulated HTML truncated at {max_output} bytes"));
        }
        let text = text.finish(&mut warnings);
        let html = from_html.then(|| html.finish(&mut warnings));
        RenderedRtf { text, html, warnings }
    }
}

fn put(sink: &mut Sink, out: Out, code_page: u32, newline: &str, warnings: &mut Vec<String>) {
    match out {
        Out::Byte(byte) => sink.push_byte(byte, code_page, warnings),
        Out::Char(c) => sink.push_char(c, warnings),
        Out::Newline => sink.push_str(newline, warnings),
        Out::Tab => sink.push_char('\t', warnings),
    }
}
