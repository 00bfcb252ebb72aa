//! The structure layer proper: what lopdf's parsed document says. Runs only
//! inside [`crate::structure::run_isolated`].
//!
//! Every parsed object is visited once, and nested values are walked with an
//! explicit stack bounded by [`MAX_NESTING`]; references are not followed
//! during the walk (the referenced object is visited on its own), so
//! reference cycles cost nothing.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use crate::raw::InfoFields;
use crate::structure::{OpenAction, Structure};
use crate::text::capped_text;
use crate::{
    Child, MAX_EMBEDDED_FILES, MAX_INFLATE_TOTAL, MAX_NESTING, MAX_OBJECTS, MAX_SCRIPTS, MAX_STREAM_BYTES, MAX_URIS,
    PdfError,
};

/// Pages counted at most.
const MAX_PAGES: usize = 1_000_000;
/// Launch targets kept.
const MAX_LAUNCHES: usize = 64;

/// Loads `bytes` with lopdf and collects what the analysis needs.
pub(crate) fn extract(bytes: &[u8]) -> Result<Structure, PdfError> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|error| PdfError::Parse(error.to_string()))?;
    let mut walker = Walker {
        doc: &doc,
        out: Structure::default(),
        inflated: 0,
        streams_taken: HashSet::new(),
    };
    walker.out.pages = u32::try_from(doc.page_iter().take(MAX_PAGES).count()).unwrap_or(u32::MAX);
    walker.out.info = info(&doc);
    walker.out.open_action = open_action(&doc);
    for (index, object) in doc.objects.values().enumerate() {
        if index >= MAX_OBJECTS {
            walker
                .out
                .warnings
                .push(format!("only the first {MAX_OBJECTS} parsed objects inspected"));
            break;
        }
        walker.walk(object);
    }
    Ok(walker.out)
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    doc.dereference(object).ok().map(|(_, target)| target)
}

/// A string value, or a stream's decoded content, as text.
fn text_value(doc: &Document, object: &Object, limit: usize) -> Option<String> {
    match resolve(doc, object)? {
        Object::String(bytes, _) => Some(capped_text(bytes)),
        Object::Stream(stream) => stream
            .get_plain_content_with_limit(limit)
            .ok()
            .map(|bytes| capped_text(&bytes)),
        _ => None,
    }
}

fn info(doc: &Document) -> InfoFields {
    let Some(Object::Dictionary(dict)) = doc.trailer.get(b"Info").ok().and_then(|info| resolve(doc, info)) else {
        return InfoFields::default();
    };
    let field = |key: &[u8]| dict.get(key).ok().and_then(|value| text_value(doc, value, 0));
    InfoFields {
        title: field(b"Title"),
        author: field(b"Author"),
        creator: field(b"Creator"),
        producer: field(b"Producer"),
        creation_date: field(b"CreationDate"),
        mod_date: field(b"ModDate"),
    }
}

fn open_action(doc: &Document) -> Option<OpenAction> {
    let catalog = doc.catalog().ok()?;
    match resolve(doc, catalog.get(b"OpenAction").ok()?)? {
        Object::Array(_) => Some(OpenAction::Destination),
        Object::Dictionary(action) => {
            let kind = action.get(b"S").and_then(Object::as_name).map_or_else(
                |_| "unknown".to_string(),
                |name| String::from_utf8_lossy(name).into_owned(),
            );
            Some(OpenAction::Action(kind))
        }
        _ => None,
    }
}

struct Walker<'a> {
    doc: &'a Document,
    out: Structure,
    inflated: usize,
    streams_taken: HashSet<ObjectId>,
}

impl Walker<'_> {
    fn walk(&mut self, root: &Object) {
        let mut stack: Vec<(&Object, usize)> = vec![(root, 0)];
        while let Some((object, depth)) = stack.pop() {
            let dict = match object {
                Object::Dictionary(dict) => dict,
                Object::Stream(stream) => &stream.dict,
                Object::Array(items) => {
                    if depth < MAX_NESTING {
                        stack.extend(items.iter().map(|item| (item, depth + 1)));
                    }
                    continue;
                }
                _ => continue,
            };
            self.inspect(dict);
            if depth < MAX_NESTING {
                stack.extend(dict.iter().map(|(_, value)| (value, depth + 1)));
            }
        }
    }

    fn stream_limit(&self) -> usize {
        MAX_STREAM_BYTES.min(MAX_INFLATE_TOTAL.saturating_sub(self.inflated))
    }

    fn inspect(&mut self, dict: &Dictionary) {
        let doc = self.doc;
        let action = dict.get(b"S").and_then(Object::as_name).unwrap_or_default();
        match action {
            b"URI" => {
                let uri = dict.get(b"URI").ok().and_then(|uri| text_value(doc, uri, 0));
                if let Some(uri) = uri.map(|uri| uri.trim().to_string()).filter(|uri| !uri.is_empty())
                    && self.out.uris.len() < MAX_URIS
                    && !self.out.uris.contains(&uri)
                {
                    self.out.uris.push(uri);
                }
            }
            b"JavaScript" => {
                let limit = self.stream_limit();
                if let Some(script) = dict.get(b"JS").ok().and_then(|js| text_value(doc, js, limit)) {
                    self.inflated += script.len();
                    if self.out.javascript.len() < MAX_SCRIPTS && !self.out.javascript.contains(&script) {
                        self.out.javascript.push(script);
                    }
                }
            }
            b"Launch" => {
                if let Some(target) = launch_target(doc, dict)
                    && self.out.launches.len() < MAX_LAUNCHES
                    && !self.out.launches.contains(&target)
                {
                    self.out.launches.push(target);
                }
            }
            _ => {}
        }
        if dict.has(b"EF") {
            self.embedded(dict);
        }
    }

    fn embedded(&mut self, filespec: &Dictionary) {
        let doc = self.doc;
        let name = [b"UF".as_slice(), b"F"]
            .iter()
            .find_map(|key| filespec.get(key).ok().and_then(|value| text_value(doc, value, 0)))
            .unwrap_or_else(|| "embedded".to_string());
        let Some(Object::Dictionary(files)) = filespec.get(b"EF").ok().and_then(|ef| resolve(doc, ef)) else {
            return;
        };
        let Some(reference) = [b"F".as_slice(), b"UF"].iter().find_map(|key| files.get(key).ok()) else {
            return;
        };
        let Ok((id, Object::Stream(stream))) = doc.dereference(reference) else {
            self.note_name(name);
            return;
        };
        if let Some(id) = id
            && !self.streams_taken.insert(id)
        {
            return;
        }
        if self.out.embedded.len() >= MAX_EMBEDDED_FILES {
            self.out.warnings.push(format!(
                "more than {MAX_EMBEDDED_FILES} embedded files; {name} not extracted"
            ));
            self.note_name(name);
            return;
        }
        match stream.get_plain_content_with_limit(self.stream_limit()) {
            Ok(data) => {
                self.inflated += data.len();
                self.out.embedded.push(Child { name, data });
            }
            Err(error) => {
                self.out
                    .warnings
                    .push(format!("embedded file {name} not decoded: {error}"));
                self.note_name(name);
            }
        }
    }

    fn note_name(&mut self, name: String) {
        if self.out.embedded_names.len() < MAX_EMBEDDED_FILES && !self.out.embedded_names.contains(&name) {
            self.out.embedded_names.push(name);
        }
    }
}

/// The file and parameters of a Launch action: `/F` (string or file spec)
/// or the Windows-specific `/Win` dictionary with `/F` and `/P`.
fn launch_target(doc: &Document, action: &Dictionary) -> Option<String> {
    let file_of = |value: &Object| match resolve(doc, value)? {
        Object::Dictionary(spec) => [b"UF".as_slice(), b"F"]
            .iter()
            .find_map(|key| spec.get(key).ok().and_then(|v| text_value(doc, v, 0))),
        other => text_value(doc, other, 0),
    };
    if let Some(Object::Dictionary(win)) = action.get(b"Win").ok().and_then(|win| resolve(doc, win)) {
        let file = win.get(b"F").ok().and_then(file_of);
        let parameters = win.get(b"P").ok().and_then(|p| text_value(doc, p, 0));
        let joined = [file, parameters].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if !joined.is_empty() {
            return Some(joined);
        }
    }
    action.get(b"F").ok().and_then(file_of)
}
