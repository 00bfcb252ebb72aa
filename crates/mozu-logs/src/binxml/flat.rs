//! Element events from the token walk turned into Sigma's flat Windows fields.
//!
//! Mirrors `windows::flatten_evtx_json` over the evtx crate's JSON form:
//! `System` members by name (attributes of `Provider`, `TimeCreated`,
//! `Execution`, `Security` under their Sigma names), `EventData`/`UserData`
//! leaves under their innermost name, a named `<Data Name="X">` under `X`.

use std::rc::Rc;

use mozu_sigma::FlatEvent;

use super::{MAX_ELEMENT_DEPTH, Unsupported};
use crate::time::parse_timestamp;

/// Largest text buffer an element keeps between records.
const MAX_KEPT_BYTES: usize = 16 << 10;

/// Text items in one buffer (item `k` ends at `cuts[k]`): rendered values
/// are appended in place instead of each allocating its own `String`.
#[derive(Default)]
struct Items {
    text: String,
    cuts: Vec<u32>,
}

/// Offsets are bounded by the record's render budget, far below `u32::MAX`.
fn to32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Items {
    fn is_empty(&self) -> bool {
        self.cuts.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0usize;
        self.cuts.iter().map(move |&end| {
            let item = self.text.get(start..end as usize).unwrap_or("");
            start = end as usize;
            item
        })
    }

    /// One new item, written by `f`.
    fn push_with<R>(&mut self, f: impl FnOnce(&mut String) -> R) -> R {
        let r = f(&mut self.text);
        self.cuts.push(to32(self.text.len()));
        r
    }

    fn push(&mut self, item: &str) {
        self.push_with(|t| t.push_str(item));
    }

    /// Every item, concatenated.
    fn concat(&self) -> &str {
        &self.text
    }
}

struct Elem {
    name: Rc<str>,
    /// Attribute names with the range of their value in `attr_text`.
    attrs: Vec<(Rc<str>, u32, u32)>,
    attr_text: String,
    text: Items,
    children: bool,
    /// Named `Data` children seen (a container in evtx's named form skips unnamed `Data`).
    named_data: bool,
    /// Unnamed `Data` values, flushed when the container closes.
    positional: Items,
}

impl Elem {
    /// Empties the element for reuse, keeping its buffers unless one grew
    /// past [`MAX_KEPT_BYTES`] (a hostile value must not stay resident).
    fn clear(&mut self) {
        self.attrs.clear();
        for buf in [&mut self.attr_text, &mut self.text.text, &mut self.positional.text] {
            buf.clear();
            buf.shrink_to(MAX_KEPT_BYTES);
        }
        for cuts in [&mut self.text.cuts, &mut self.positional.cuts] {
            cuts.clear();
            cuts.shrink_to(MAX_KEPT_BYTES / 4);
        }
        self.attrs.shrink_to(MAX_KEPT_BYTES / 16);
        self.children = false;
        self.named_data = false;
    }

    /// The value of the first attribute `name`, if any (possibly empty).
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _, _)| &**k == name)
            .map(|&(_, a, b)| self.attr_text.get(a as usize..b as usize).unwrap_or(""))
    }

    /// The first attribute `name` whose value is not empty.
    fn attr_nonempty(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .filter(|(k, a, b)| &**k == name && b > a)
            .find_map(|&(_, a, b)| self.attr_text.get(a as usize..b as usize))
    }
}

/// Builds one event from open/attribute/text/close calls.
pub(super) struct Builder {
    stack: Vec<Elem>,
    /// Closed elements kept for their allocations: a record opens ~35
    /// elements but nests only a few deep.
    spare: Vec<Elem>,
    /// Index into the current element's attributes receiving values.
    attr: Option<usize>,
    /// Depth of left-out elements being skipped (dependency on a NULL value).
    skipping: usize,
    event: FlatEvent,
    ts_ms: Option<i64>,
    /// Receives values rendered where none is kept (skipped elements), so
    /// that a malformed value still fails the record.
    scratch: String,
}

impl Builder {
    pub(super) fn new() -> Self {
        Self {
            stack: Vec::with_capacity(8),
            spare: Vec::new(),
            attr: None,
            skipping: 0,
            event: FlatEvent::with_capacity(40, 2048),
            ts_ms: None,
            scratch: String::new(),
        }
    }

    pub(super) fn open(&mut self, name: Rc<str>, left_out: bool) -> Result<(), Unsupported> {
        self.attr = None;
        if self.skipping > 0 || left_out {
            self.skipping += 1;
            return Ok(());
        }
        if self.stack.len() >= MAX_ELEMENT_DEPTH {
            return Err(Unsupported("element depth"));
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.children = true;
        }
        let elem = match self.spare.pop() {
            Some(mut e) => {
                e.name = name;
                e
            }
            None => Elem {
                name,
                attrs: Vec::new(),
                attr_text: String::new(),
                text: Items::default(),
                children: false,
                named_data: false,
                positional: Items::default(),
            },
        };
        self.stack.push(elem);
        Ok(())
    }

    pub(super) fn attribute(&mut self, name: Rc<str>) {
        if self.skipping > 0 {
            return;
        }
        if let Some(e) = self.stack.last_mut() {
            let at = to32(e.attr_text.len());
            e.attrs.push((name, at, at));
            self.attr = Some(e.attrs.len() - 1);
        }
    }

    pub(super) fn close_start(&mut self) {
        self.attr = None;
    }

    /// Text of an attribute (while one is open) or one text item of the
    /// current element, appended by `f`.
    pub(super) fn value_with<R>(&mut self, f: impl FnOnce(&mut String) -> R) -> R {
        if self.skipping == 0
            && let Some(e) = self.stack.last_mut()
        {
            return match self.attr.and_then(|i| e.attrs.get_mut(i)) {
                Some((_, _, end)) => {
                    let r = f(&mut e.attr_text);
                    *end = to32(e.attr_text.len());
                    r
                }
                None => e.text.push_with(f),
            };
        }
        self.scratch.clear();
        f(&mut self.scratch)
    }

    pub(super) fn close(&mut self) {
        self.attr = None;
        if self.skipping > 0 {
            self.skipping -= 1;
            return;
        }
        let Some(mut e) = self.stack.pop() else { return };
        let place = match self.stack.as_slice() {
            [_, sys] if &*sys.name == "System" => Place::System,
            [_] if is_container(&e.name) => Place::Container,
            [_, c, ..] if is_container(&c.name) => Place::Data,
            _ => Place::Other,
        };
        match place {
            Place::System => self.system(&e),
            Place::Container => self.container(&e),
            Place::Data => self.data(&e),
            Place::Other => {}
        }
        e.clear();
        self.spare.push(e);
    }

    fn system(&mut self, e: &Elem) {
        let attr = |n: &str| e.attr_nonempty(n);
        match &*e.name {
            "Provider" => {
                if let Some(v) = attr("Name") {
                    self.event.push("Provider_Name", v);
                }
                if let Some(v) = attr("Guid") {
                    self.event.push("Provider_Guid", v);
                }
            }
            "TimeCreated" => {
                if let Some(v) = attr("SystemTime") {
                    self.ts_ms = parse_timestamp(v);
                    self.event.push("TimeCreated", v);
                }
            }
            "Execution" => {
                if let Some(v) = attr("ProcessID") {
                    self.event.push("Execution_ProcessID", v);
                }
            }
            "Security" => {
                if let Some(v) = attr("UserID") {
                    self.event.push("Security_UserID", v);
                }
            }
            name if !e.text.is_empty() && !e.children => self.event.push(name, e.text.concat()),
            _ => {}
        }
    }

    /// `EventData`/`UserData` closing: positional `Data` values, or the container's own text.
    fn container(&mut self, e: &Elem) {
        if !e.named_data {
            for v in e.positional.iter() {
                self.event.push("Data", v);
            }
        }
        if !e.children {
            if e.text.is_empty() {
                self.event.push("Data", "");
            }
            for t in e.text.iter() {
                self.event.push("Data", t);
            }
        }
    }

    /// A leaf under `EventData`/`UserData`.
    fn data(&mut self, e: &Elem) {
        if e.children {
            return;
        }
        let parent_is_container = self.stack.len() == 2 && self.stack.last().is_some_and(|p| is_container(&p.name));
        let name_attr = e.attr("Name");
        if parent_is_container && &*e.name == "Data" {
            match name_attr.filter(|n| !n.is_empty()) {
                Some(name) => {
                    if let Some(p) = self.stack.last_mut() {
                        p.named_data = true;
                    }
                    push_leaf(&mut self.event, name, &e.text);
                }
                None => {
                    if let Some(p) = self.stack.last_mut() {
                        for item in e.text.iter() {
                            p.positional.push(item);
                        }
                    }
                }
            }
            return;
        }
        if !e.attrs.is_empty() && e.text.is_empty() {
            // Rendered as an object holding only attributes: no value.
            return;
        }
        let key = if e.attrs.is_empty() {
            &*e.name
        } else {
            name_attr.unwrap_or(&e.name)
        };
        push_leaf(&mut self.event, key, &e.text);
    }

    /// The finished record's event and time; the builder is ready for the next record.
    pub(super) fn finish(&mut self) -> (FlatEvent, Option<i64>) {
        self.attr = None;
        let event = std::mem::replace(&mut self.event, FlatEvent::with_capacity(40, 2048));
        (event, self.ts_ms.take())
    }

    /// Back to the state of a new builder, keeping every allocation: what a
    /// failed record left open goes to the spare elements.
    pub(super) fn reset(&mut self) {
        while let Some(mut e) = self.stack.pop() {
            e.clear();
            self.spare.push(e);
        }
        self.attr = None;
        self.skipping = 0;
        self.ts_ms = None;
        self.scratch.clear();
        self.scratch.shrink_to(MAX_KEPT_BYTES);
        if !self.event.is_empty() || self.event.truncated() {
            self.event = FlatEvent::with_capacity(40, 2048);
        }
    }

    /// Whether every opened element was closed.
    pub(super) fn balanced(&self) -> bool {
        self.stack.is_empty() && self.skipping == 0
    }
}

fn push_leaf(event: &mut FlatEvent, key: &str, text: &Items) {
    let empty = text.is_empty().then_some("");
    for v in text.iter().chain(empty) {
        event.push(key, v);
        // Defender and others name data "Threat Name"; Sigma rules say ThreatName.
        if key.contains(' ') {
            event.push(&key.replace(' ', ""), v);
        }
    }
}

enum Place {
    System,
    Container,
    Data,
    Other,
}

fn is_container(name: &str) -> bool {
    name == "EventData" || name == "UserData"
}

impl super::value::Sink for Builder {
    fn item<R>(&mut self, f: impl FnOnce(&mut String) -> R) -> R {
        self.value_with(f)
    }
}
