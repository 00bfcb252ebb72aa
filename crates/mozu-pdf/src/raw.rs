//! The raw scan: a single pass of the tokenizer over the bytes (and over
//! inflated object streams) that needs no cross-reference table.
//!
//! Dictionaries are tracked with an explicit stack of frames, bounded by
//! [`MAX_NESTING`]; deeper nesting is only counted. The deepest nesting seen
//! (outside strings, comments and stream bodies) decides whether lopdf may
//! run.

use std::collections::BTreeMap;

use crate::lexer::{Lexer, Token, decode_hex, decode_literal, decode_name};
use crate::text::capped_text;
use crate::{Budget, MAX_NESTING, MAX_SCRIPTS, MAX_URIS, PdfError};

mod stream;

use stream::{StreamDict, on_stream, stream_body};

/// Names counted by the raw scan (case-sensitive, after `#xx` decoding).
pub const RISKY_NAMES: &[&str] = &[
    "JavaScript",
    "JS",
    "OpenAction",
    "AA",
    "Launch",
    "EmbeddedFile",
    "URI",
    "AcroForm",
    "XFA",
    "ObjStm",
    "RichMedia",
    "SubmitForm",
    "GoToR",
];

/// Spellings of obfuscated risky names kept as evidence.
const MAX_OBFUSCATED: usize = 32;
/// Embedded file names kept.
const MAX_NAMES: usize = 256;
/// Tokens between two deadline checks.
const TOKENS_PER_CLOCK_CHECK: u32 = 4096;

/// Info dictionary entries (decoded text; dates as written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfoFields {
    /// `/Title`.
    pub title: Option<String>,
    /// `/Author`.
    pub author: Option<String>,
    /// `/Creator`.
    pub creator: Option<String>,
    /// `/Producer`.
    pub producer: Option<String>,
    /// `/CreationDate`, as written.
    pub creation_date: Option<String>,
    /// `/ModDate`, as written.
    pub mod_date: Option<String>,
}

impl InfoFields {
    /// Takes every field `newer` has.
    pub fn overlay(&mut self, newer: InfoFields) {
        let pairs = [
            (&mut self.title, newer.title),
            (&mut self.author, newer.author),
            (&mut self.creator, newer.creator),
            (&mut self.producer, newer.producer),
            (&mut self.creation_date, newer.creation_date),
            (&mut self.mod_date, newer.mod_date),
        ];
        for (slot, value) in pairs {
            if value.is_some() {
                *slot = value;
            }
        }
    }
}

/// What the raw scan found.
#[derive(Debug, Default)]
pub struct RawScan {
    /// Risky name counts (only names seen at least once).
    pub keywords: BTreeMap<String, u32>,
    /// Risky names written with `#xx` escapes, as written (`/J#61vaScript`).
    pub obfuscated: Vec<String>,
    /// `/URI` string values.
    pub uris: Vec<String>,
    /// `/JS` string values.
    pub javascript: Vec<String>,
    /// The last dictionary that looked like an Info dictionary.
    pub info: InfoFields,
    /// `/UF` or `/F` of file specifications that have an `/EF`.
    pub embedded_names: Vec<String>,
    /// Deepest `<<`/`[` nesting seen.
    pub max_depth: usize,
    /// `obj` keywords seen.
    pub objects: usize,
    /// Object streams inflated and scanned.
    pub object_streams: usize,
    /// True when an `/Encrypt` key was seen: strings are then ciphertext.
    pub encrypted: bool,
    /// What was cut short.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Type,
    Filter,
    Length,
    Uri,
    Js,
    Title,
    Author,
    Creator,
    Producer,
    CreationDate,
    ModDate,
    FileName,
    EmbeddedFiles,
    Other,
}

impl Key {
    fn from_name(name: &[u8]) -> Key {
        match name {
            b"Type" => Key::Type,
            b"Filter" => Key::Filter,
            b"Length" => Key::Length,
            b"URI" => Key::Uri,
            b"JS" => Key::Js,
            b"Title" => Key::Title,
            b"Author" => Key::Author,
            b"Creator" => Key::Creator,
            b"Producer" => Key::Producer,
            b"CreationDate" => Key::CreationDate,
            b"ModDate" => Key::ModDate,
            b"F" | b"UF" => Key::FileName,
            b"EF" => Key::EmbeddedFiles,
            _ => Key::Other,
        }
    }
}

/// One open dictionary or array.
#[derive(Debug)]
struct Frame {
    is_dict: bool,
    /// Key waiting for its value (dictionaries).
    pending: Option<Key>,
    /// Key whose value was the last one assigned (to undo `/Length 5 0 R`).
    last: Option<Key>,
    /// The parent's key this frame is the value of.
    parent_key: Option<Key>,
    type_name: Option<Vec<u8>>,
    filters: Vec<Vec<u8>>,
    length: Option<usize>,
    info: InfoFields,
    info_keys: u8,
    file_name: Option<String>,
    has_ef: bool,
}

impl Frame {
    fn new(is_dict: bool, parent_key: Option<Key>) -> Self {
        Frame {
            is_dict,
            pending: None,
            last: None,
            parent_key,
            type_name: None,
            filters: Vec::new(),
            length: None,
            info: InfoFields::default(),
            info_keys: 0,
            file_name: None,
            has_ef: false,
        }
    }
}

/// Scans `bytes` and the object streams found in it.
pub fn scan(bytes: &[u8], budget: &mut Budget) -> RawScan {
    let mut found = RawScan::default();
    // Object streams are queued, not scanned recursively.
    let mut queue: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut completed = scan_buffer(bytes, 0, budget, &mut found, &mut queue);
    while completed {
        let Some((buffer, level)) = queue.pop() else { break };
        completed = scan_buffer(&buffer, level, budget, &mut found, &mut queue);
    }
    if !completed {
        found.warnings.push(PdfError::Deadline.to_string());
    }
    found
}

/// One buffer; returns false when the deadline cut it short.
fn scan_buffer(
    data: &[u8],
    level: usize,
    budget: &mut Budget,
    found: &mut RawScan,
    queue: &mut Vec<(Vec<u8>, usize)>,
) -> bool {
    let mut lexer = Lexer::new(data);
    let mut stack: Vec<Frame> = Vec::new();
    let mut untracked = 0usize;
    let mut last_dict: Option<StreamDict> = None;
    let mut clock = 0u32;
    while let Some(token) = lexer.next_token() {
        clock += 1;
        if clock == TOKENS_PER_CLOCK_CHECK {
            clock = 0;
            if budget.expired() {
                return false;
            }
        }
        // Only a dictionary closed by the token just before may own a stream.
        let previous_dict = last_dict.take();
        match token {
            Token::DictOpen | Token::ArrayOpen => {
                let is_dict = token == Token::DictOpen;
                if stack.len() >= MAX_NESTING {
                    untracked += 1;
                } else {
                    let parent_key = stack.last_mut().and_then(|frame| frame.pending.take());
                    stack.push(Frame::new(is_dict, parent_key));
                }
                found.max_depth = found.max_depth.max(stack.len() + untracked);
            }
            Token::DictClose | Token::ArrayClose => {
                if untracked > 0 {
                    untracked -= 1;
                } else if let Some(frame) = stack.pop() {
                    last_dict = close_frame(frame, &mut stack, found);
                }
            }
            Token::Name(raw) => on_name(raw, &mut stack, found),
            Token::Literal(inner) => on_string(decode_literal(inner), &mut stack, found),
            Token::Hex(inner) => on_string(decode_hex(inner), &mut stack, found),
            Token::Regular(word) => {
                if word == b"obj" {
                    found.objects += 1;
                }
                if word == b"stream" && stack.is_empty() {
                    let dict = previous_dict.unwrap_or_default();
                    let (body, resume) = stream_body(data, lexer.pos(), dict.length);
                    lexer.seek(resume);
                    on_stream(&data[body.0..body.1], &dict, level, budget, found, queue);
                    continue;
                }
                on_regular(word, &mut stack);
            }
        }
    }
    true
}

fn on_name(raw: &[u8], stack: &mut [Frame], found: &mut RawScan) {
    let (name, escaped) = decode_name(raw);
    if let Some(risky) = RISKY_NAMES.iter().find(|risky| risky.as_bytes() == name.as_ref()) {
        *found.keywords.entry((*risky).to_string()).or_insert(0) += 1;
        if escaped && found.obfuscated.len() < MAX_OBFUSCATED {
            let spelling = format!("/{}", String::from_utf8_lossy(raw));
            if !found.obfuscated.contains(&spelling) {
                found.obfuscated.push(spelling);
            }
        }
    }
    if name.as_ref() == b"Encrypt" {
        found.encrypted = true;
    }
    let Some(frame) = stack.last_mut() else { return };
    if !frame.is_dict {
        if frame.parent_key == Some(Key::Filter) {
            frame.filters.push(name.into_owned());
        }
        return;
    }
    match frame.pending.take() {
        None => frame.pending = Some(Key::from_name(&name)),
        Some(key) => {
            frame.last = Some(key);
            match key {
                Key::Type => frame.type_name = Some(name.into_owned()),
                Key::Filter => frame.filters = vec![name.into_owned()],
                _ => {}
            }
        }
    }
}

fn on_string(bytes: Vec<u8>, stack: &mut [Frame], found: &mut RawScan) {
    let Some(frame) = stack.last_mut() else { return };
    let Some(key) = frame.pending.take() else { return };
    frame.last = Some(key);
    let slot = match key {
        Key::Uri => {
            let uri = capped_text(&bytes).trim().to_string();
            if !uri.is_empty() && found.uris.len() < MAX_URIS && !found.uris.contains(&uri) {
                found.uris.push(uri);
            }
            return;
        }
        Key::Js => {
            let script = capped_text(&bytes);
            if found.javascript.len() < MAX_SCRIPTS && !found.javascript.contains(&script) {
                found.javascript.push(script);
            }
            return;
        }
        Key::FileName => {
            frame.file_name = Some(capped_text(&bytes));
            return;
        }
        Key::Title => &mut frame.info.title,
        Key::Author => &mut frame.info.author,
        Key::Creator => &mut frame.info.creator,
        Key::Producer => &mut frame.info.producer,
        Key::CreationDate => &mut frame.info.creation_date,
        Key::ModDate => &mut frame.info.mod_date,
        _ => return,
    };
    *slot = Some(capped_text(&bytes));
    if key != Key::Title {
        frame.info_keys = frame.info_keys.saturating_add(1);
    }
}

fn on_regular(word: &[u8], stack: &mut [Frame]) {
    let Some(frame) = stack.last_mut() else { return };
    if !frame.is_dict {
        return;
    }
    match frame.pending.take() {
        Some(key) => {
            frame.last = Some(key);
            if key == Key::Length {
                frame.length = std::str::from_utf8(word).ok().and_then(|text| text.parse().ok());
            }
        }
        // `/Length 5 0 R`: the length is a reference, not a byte count.
        None if word == b"R" && frame.last == Some(Key::Length) => frame.length = None,
        None => {}
    }
}

/// Pops a frame: records what it held, and returns the stream dictionary
/// summary when it was a top-level dictionary.
fn close_frame(mut frame: Frame, stack: &mut [Frame], found: &mut RawScan) -> Option<StreamDict> {
    if frame.is_dict && frame.info_keys > 0 {
        found.info.overlay(std::mem::take(&mut frame.info));
    }
    if frame.has_ef
        && let Some(name) = &frame.file_name
        && found.embedded_names.len() < MAX_NAMES
        && !found.embedded_names.contains(name)
    {
        found.embedded_names.push(name.clone());
    }
    match stack.last_mut() {
        Some(parent) => {
            if frame.parent_key.is_some() {
                parent.last = frame.parent_key;
            }
            match frame.parent_key {
                Some(Key::EmbeddedFiles) if frame.is_dict => parent.has_ef = true,
                Some(Key::Filter) => parent.filters = frame.filters,
                _ => {}
            }
            None
        }
        None if frame.is_dict => Some(StreamDict {
            type_name: frame.type_name,
            filters: frame.filters,
            length: frame.length,
        }),
        None => None,
    }
}
