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

struct Elem {
    name: Rc<str>,
    attrs: Vec<(Rc<str>, String)>,
    text: Vec<String>,
    children: bool,
    /// Named `Data` children seen (a container in evtx's named form skips unnamed `Data`).
    named_data: bool,
    /// Unnamed `Data` values, flushed when the container closes.
    positional: Vec<String>,
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
                text: Vec::new(),
                children: false,
                named_data: false,
                positional: Vec::new(),
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
            e.attrs.push((name, String::new()));
            self.attr = Some(e.attrs.len() - 1);
        }
    }

    pub(super) fn close_start(&mut self) {
        self.attr = None;
    }

    /// Text of an attribute (while one is open) or one text item of the current element.
    pub(super) fn value(&mut self, item: String) {
        if self.skipping > 0 {
            return;
        }
        let Some(e) = self.stack.last_mut() else { return };
        match self.attr.and_then(|i| e.attrs.get_mut(i)) {
            Some((_, v)) if v.is_empty() => *v = item,
            Some((_, v)) => v.push_str(&item),
            None => e.text.push(item),
        }
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
            Place::Data => self.data(&mut e),
            Place::Other => {}
        }
        e.attrs.clear();
        e.text.clear();
        e.positional.clear();
        e.children = false;
        e.named_data = false;
        self.spare.push(e);
    }

    fn system(&mut self, e: &Elem) {
        let attr = |n: &str| {
            e.attrs
                .iter()
                .find(|(k, v)| &**k == n && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
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
            name if !e.text.is_empty() && !e.children => match e.text.as_slice() {
                [one] => self.event.push(name, one),
                many => self.event.push(name, &many.concat()),
            },
            _ => {}
        }
    }

    /// `EventData`/`UserData` closing: positional `Data` values, or the container's own text.
    fn container(&mut self, e: &Elem) {
        if !e.named_data {
            for v in &e.positional {
                self.event.push("Data", v);
            }
        }
        if !e.children {
            if e.text.is_empty() {
                self.event.push("Data", "");
            }
            for t in &e.text {
                self.event.push("Data", t);
            }
        }
    }

    /// A leaf under `EventData`/`UserData`.
    fn data(&mut self, e: &mut Elem) {
        if e.children {
            return;
        }
        let parent_is_container = self.stack.len() == 2 && self.stack.last().is_some_and(|p| is_container(&p.name));
        let name_attr = e.attrs.iter().find(|(k, _)| &**k == "Name").map(|(_, v)| v.as_str());
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
                        p.positional.append(&mut e.text);
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

    /// Whether every opened element was closed.
    pub(super) fn balanced(&self) -> bool {
        self.stack.is_empty() && self.skipping == 0
    }
}

fn push_leaf(event: &mut FlatEvent, key: &str, text: &[String]) {
    let empty = [String::new()];
    let values = if text.is_empty() { &empty[..] } else { text };
    for v in values {
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
