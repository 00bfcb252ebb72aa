//! The flattened event every rule is evaluated against.
//!
//! Logs, JSON objects and mail records are flattened once into one string
//! arena with (key, value) spans, so a rule's field look-up is a short scan
//! over borrowed slices and evaluation never re-serialises the source.

use std::borrow::Cow;

use rsigma_eval::event::{Event, EventValue};
use serde_json::Value;

/// Most fields kept per event; hostile input with more is truncated.
pub const MAX_FIELDS: usize = 4096;
/// Most bytes of keys and values kept per event.
pub const MAX_EVENT_BYTES: usize = 4 << 20;
/// Deepest JSON nesting flattened; deeper members are dropped.
pub const MAX_JSON_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy)]
struct Span {
    /// FNV-1a of the key: a rule's field probe compares one integer per field
    /// before any string, which keeps thousands of probes per event cheap.
    hash: u64,
    key: (u32, u32),
    value: (u32, u32),
}

pub(crate) fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// An event as flat `key = value` string pairs; a key may repeat (arrays).
#[derive(Debug, Clone, Default)]
pub struct FlatEvent {
    buf: String,
    spans: Vec<Span>,
    pub(crate) truncated: bool,
}

impl FlatEvent {
    /// An empty event.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty event with room for `fields` pairs of `bytes` bytes in all.
    pub fn with_capacity(fields: usize, bytes: usize) -> Self {
        Self {
            buf: String::with_capacity(bytes.min(MAX_EVENT_BYTES)),
            spans: Vec::with_capacity(fields.min(MAX_FIELDS)),
            truncated: false,
        }
    }

    /// Appends a field; past [`MAX_FIELDS`] or [`MAX_EVENT_BYTES`] the field is dropped and the event marked truncated.
    pub fn push(&mut self, key: &str, value: &str) {
        if self.spans.len() >= MAX_FIELDS || self.buf.len() + key.len() + value.len() > MAX_EVENT_BYTES {
            self.truncated = true;
            return;
        }
        let k0 = self.buf.len();
        self.buf.push_str(key);
        let k1 = self.buf.len();
        self.buf.push_str(value);
        let v1 = self.buf.len();
        // Lengths are bounded by MAX_EVENT_BYTES, far below u32::MAX.
        let to32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.spans.push(Span {
            hash: fnv1a(key),
            key: (to32(k0), to32(k1)),
            value: (to32(k1), to32(v1)),
        });
    }

    /// Appends a field whose key is `prefix.key` (or `key` when the prefix is empty).
    pub fn push_prefixed(&mut self, prefix: &str, key: &str, value: &str) {
        if prefix.is_empty() {
            self.push(key, value);
        } else {
            let mut full = String::with_capacity(prefix.len() + 1 + key.len());
            full.push_str(prefix);
            full.push('.');
            full.push_str(key);
            self.push(&full, value);
        }
    }

    fn slice(&self, (a, b): (u32, u32)) -> &str {
        self.buf.get(a as usize..b as usize).unwrap_or("")
    }

    /// Iterates over the (key, value) pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.spans.iter().map(|s| (self.slice(s.key), self.slice(s.value)))
    }

    /// Index, key hash, key and value of every pair, for the crate's own evaluator.
    pub(crate) fn spans(&self) -> impl Iterator<Item = (usize, u64, &str, &str)> {
        self.spans
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.hash, self.slice(s.key), self.slice(s.value)))
    }

    /// Indices of the pairs whose key is `key` (with its precomputed hash).
    pub(crate) fn positions<'s>(&'s self, hash: u64, key: &'s str) -> impl Iterator<Item = usize> + 's {
        self.spans
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.hash == hash && self.slice(s.key) == key)
            .map(|(i, _)| i)
    }

    /// The value of pair `i`.
    pub(crate) fn value_at(&self, i: usize) -> &str {
        self.spans.get(i).map_or("", |s| self.slice(s.value))
    }

    /// The values of `key`, in insertion order.
    pub fn get_all<'s, 'k>(&'s self, key: &'k str) -> impl Iterator<Item = &'s str> + use<'s, 'k> {
        let hash = fnv1a(key);
        self.spans
            .iter()
            .filter(move |s| s.hash == hash && self.slice(s.key) == key)
            .map(|s| self.slice(s.value))
    }

    /// The first value of `key`, if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.get_all(key).next()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Bytes of all values together.
    pub(crate) fn value_bytes(&self) -> usize {
        self.spans.iter().map(|s| (s.value.1 - s.value.0) as usize).sum()
    }

    /// Whether the event has no pairs.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether fields were dropped because a limit was reached.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Flattens a JSON value into dotted keys (`from.domain`, `attachments.name`).
    ///
    /// Array elements share their parent's key, so a list of attachments gives
    /// repeated `attachments.name` pairs that rules see as one multi-valued field.
    pub fn from_json(value: &Value) -> Self {
        let mut event = Self::with_capacity(32, 1024);
        event.extend_json("", value);
        event
    }

    /// Flattens `value` under `prefix` into this event (explicit stack, depth-capped).
    pub fn extend_json(&mut self, prefix: &str, value: &Value) {
        let mut stack: Vec<(String, &Value, usize)> = vec![(prefix.to_owned(), value, 0)];
        while let Some((path, v, depth)) = stack.pop() {
            match v {
                Value::Object(map) => {
                    if depth >= MAX_JSON_DEPTH {
                        self.truncated = true;
                        continue;
                    }
                    // Reverse so pops come out in document order.
                    for (k, child) in map.iter().rev() {
                        let child_path = if path.is_empty() {
                            k.clone()
                        } else {
                            format!("{path}.{k}")
                        };
                        stack.push((child_path, child, depth + 1));
                    }
                }
                Value::Array(items) => {
                    if depth >= MAX_JSON_DEPTH {
                        self.truncated = true;
                        continue;
                    }
                    for child in items.iter().rev() {
                        stack.push((path.clone(), child, depth + 1));
                    }
                }
                Value::String(s) => self.push(&path, s),
                Value::Number(n) => self.push(&path, &n.to_string()),
                Value::Bool(b) => self.push(&path, if *b { "true" } else { "false" }),
                Value::Null => self.push(&path, ""),
            }
        }
    }

    /// The event as a flat JSON object (repeated keys become arrays).
    pub fn to_json_object(&self) -> Value {
        let mut map = serde_json::Map::new();
        for (k, v) in self.iter() {
            match map.get_mut(k) {
                None => {
                    map.insert(k.to_owned(), Value::String(v.to_owned()));
                }
                Some(Value::Array(items)) => items.push(Value::String(v.to_owned())),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, Value::String(v.to_owned())]);
                }
            }
        }
        Value::Object(map)
    }
}

impl Event for FlatEvent {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        let mut found: Option<EventValue<'_>> = None;
        for v in self.get_all(path) {
            let value = EventValue::Str(Cow::Borrowed(v));
            found = Some(match found {
                None => value,
                Some(EventValue::Array(mut items)) => {
                    items.push(value);
                    EventValue::Array(items)
                }
                Some(first) => EventValue::Array(vec![first, value]),
            });
        }
        found
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.iter().any(|(_, v)| pred(v))
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        self.iter().map(|(_, v)| Cow::Borrowed(v)).collect()
    }

    fn visit_string_values(&self, visit: &mut dyn FnMut(&str)) {
        for (_, v) in self.iter() {
            visit(v);
        }
    }

    fn to_json(&self) -> Value {
        self.to_json_object()
    }

    fn field_keys(&self) -> Vec<Cow<'_, str>> {
        self.iter().map(|(k, _)| Cow::Borrowed(k)).collect()
    }

    fn top_level_keys(&self) -> Option<Vec<Cow<'_, str>>> {
        Some(self.field_keys())
    }

    fn visit_top_level_keys(&self, visit: &mut dyn FnMut(&str)) -> bool {
        for (k, _) in self.iter() {
            visit(k);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_nested_and_arrays() {
        let v = json!({"from": {"domain": "example.jp"}, "attachments": [{"name": "a.zip"}, {"name": "b.vbs"}]});
        let e = FlatEvent::from_json(&v);
        assert_eq!(e.get("from.domain"), Some("example.jp"));
        let Some(EventValue::Array(items)) = e.get_field("attachments.name") else {
            panic!("expected array");
        };
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn deep_nesting_is_capped() {
        let mut v = json!("leaf");
        for _ in 0..200 {
            v = json!({ "a": v });
        }
        let e = FlatEvent::from_json(&v);
        assert!(e.truncated());
        assert!(e.is_empty());
    }
}
