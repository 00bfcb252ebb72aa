//! Flattening any `Serialize` value straight into a [`FlatEvent`].
//!
//! Mail rules run over the whole message record. Going through
//! `serde_json::to_value` and [`FlatEvent::from_json`] built a JSON tree of
//! every body, link and artifact only to walk it once and drop it; that
//! cost more than evaluating the rules. This serializer yields the same
//! pairs in the same order (keys joined with `.`, sequence items under
//! their parent's key, `null` as the empty string, numbers as serde_json
//! prints them, containers deeper than [`MAX_JSON_DEPTH`] cut and the event
//! marked truncated) without the intermediate tree.

use std::collections::HashSet;
use std::fmt::{Display, Write as _};

use serde::Serialize;
use serde::ser;

use crate::SigmaError;
use crate::event::{FlatEvent, MAX_JSON_DEPTH};

mod impls;

impl ser::Error for SigmaError {
    fn custom<T: Display>(msg: T) -> Self {
        SigmaError::Flatten(msg.to_string())
    }
}

impl FlatEvent {
    /// Flattens `value` as `FlatEvent::from_json(&serde_json::to_value(value)?)`
    /// would, without building the JSON tree.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, SigmaError> {
        Self::from_serialize_fields(value, None)
    }

    /// As [`FlatEvent::from_serialize`], keeping only the fields of the
    /// top-level object named in `top_level` (see [`top_level_keys`]);
    /// `None` keeps every field. With the keys of
    /// [`crate::Detector::referenced_fields`], the rules see every pair they
    /// can read, and the event is cut at [`crate::MAX_FIELDS`] later, if at all.
    pub fn from_serialize_fields<T: Serialize + ?Sized>(
        value: &T,
        top_level: Option<&HashSet<String>>,
    ) -> Result<Self, SigmaError> {
        let mut event = FlatEvent::with_capacity(64, 4096);
        let mut flattener = Flattener {
            event: &mut event,
            path: String::new(),
            depth: 0,
            scratch: String::new(),
            roots: top_level,
        };
        value.serialize(&mut flattener)?;
        Ok(event)
    }
}

/// The top-level keys dotted field names live under (`from.domain` →
/// `from`): what [`FlatEvent::from_serialize_fields`] is to keep so that
/// every one of `fields` is in the event. Computed once per rule set.
pub fn top_level_keys<'f>(fields: impl IntoIterator<Item = &'f String>) -> HashSet<String> {
    fields
        .into_iter()
        .map(|k| k.split_once('.').map_or(k.as_str(), |(root, _)| root).to_owned())
        .collect()
}

/// Serializer state: the key path of the value being written and its depth.
struct Flattener<'e> {
    event: &'e mut FlatEvent,
    path: String,
    depth: usize,
    scratch: String,
    /// Top-level keys kept (all when `None`).
    roots: Option<&'e HashSet<String>>,
}

impl<'e> Flattener<'e> {
    fn push(&mut self, value: &str) {
        self.event.push(&self.path, value);
    }

    fn push_display(&mut self, value: impl Display) {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        self.event.push(&self.path, &self.scratch);
    }

    /// Enters a container; `false` when it lies beyond the depth cap (the
    /// event is then marked truncated and the container's content dropped).
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_JSON_DEPTH {
            self.event.truncated = true;
            return false;
        }
        self.depth += 1;
        true
    }

    fn compound(&mut self) -> Compound<'_, 'e> {
        let live = self.enter();
        Compound {
            flattener: self,
            live,
            pending_key: None,
        }
    }

    /// Appends `.key` (or `key` at the top) to the path; returns the length
    /// to truncate it back to.
    fn push_key(&mut self, key: &str) -> usize {
        let restore = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
        restore
    }

    /// Serializes `value` under the child key `key`.
    fn child<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), SigmaError> {
        let restore = self.push_key(key);
        let result = value.serialize(&mut *self);
        self.path.truncate(restore);
        result
    }

    /// `{variant: value}`, as serde_json writes externally tagged variants.
    fn variant<T: Serialize + ?Sized>(&mut self, variant: &str, value: &T) -> Result<(), SigmaError> {
        if !self.enter() {
            return Ok(());
        }
        let result = self.child(variant, value);
        self.depth -= 1;
        result
    }
}

/// A struct, map or sequence being written.
struct Compound<'f, 'e> {
    flattener: &'f mut Flattener<'e>,
    /// False for a container cut at the depth cap.
    live: bool,
    pending_key: Option<String>,
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SigmaError> {
        if self.live {
            value.serialize(&mut *self.flattener)?;
        }
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), SigmaError> {
        let wanted = self.flattener.depth != 1 || self.flattener.roots.is_none_or(|r| r.contains(key));
        if self.live && wanted {
            self.flattener.child(key, value)?;
        }
        Ok(())
    }

    fn end(self) -> Result<(), SigmaError> {
        if self.live {
            self.flattener.depth -= 1;
        }
        Ok(())
    }
}

/// A variant's container (`{variant: [...]}` or `{variant: {...}}`): one
/// level for the wrapping object, one for the content.
struct VariantCompound<'f, 'e> {
    inner: Compound<'f, 'e>,
    outer_live: bool,
    /// Path length before the variant's key (used when `outer_live`).
    restore: usize,
}

impl<'f, 'e> VariantCompound<'f, 'e> {
    fn open(flattener: &'f mut Flattener<'e>, variant: &str) -> Self {
        let outer_live = flattener.enter();
        if outer_live {
            let restore = flattener.push_key(variant);
            VariantCompound {
                inner: flattener.compound(),
                outer_live,
                restore,
            }
        } else {
            VariantCompound {
                inner: Compound {
                    flattener,
                    live: false,
                    pending_key: None,
                },
                outer_live,
                restore: 0,
            }
        }
    }

    fn end(self) -> Result<(), SigmaError> {
        let flattener = self.inner.flattener;
        if self.inner.live {
            flattener.depth -= 1;
        }
        if self.outer_live {
            flattener.path.truncate(self.restore);
            flattener.depth -= 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::json;

    use super::*;

    fn pairs(e: &FlatEvent) -> Vec<(String, String)> {
        e.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
    }

    /// Whether this build's serde_json keeps insertion order (its
    /// `preserve_order` feature, switched on by other crates of the
    /// workspace); without it, objects come out sorted by key.
    fn json_keeps_order() -> bool {
        json!({"b": 1, "a": 2})
            .as_object()
            .and_then(|m| m.keys().next().cloned())
            == Some("b".to_owned())
    }

    fn same_as_json<T: Serialize>(value: &T) {
        let direct = FlatEvent::from_serialize(value).expect("flattens");
        let via_json = FlatEvent::from_json(&serde_json::to_value(value).expect("to_value"));
        let (mut a, mut b) = (pairs(&direct), pairs(&via_json));
        if !json_keeps_order() {
            // Same pairs; within one key, same order.
            a.sort_by(|x, y| x.0.cmp(&y.0));
            b.sort_by(|x, y| x.0.cmp(&y.0));
        }
        assert_eq!(a, b);
        assert_eq!(direct.truncated(), via_json.truncated());
    }

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Wrapped(u32),
        Pair(i8, String),
        Named { a: Option<bool>, b: Vec<f32> },
    }

    #[derive(Serialize)]
    struct Record {
        name: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        missing: Option<u8>,
        null: Option<u8>,
        kinds: Vec<Kind>,
        map: std::collections::BTreeMap<u16, Vec<Vec<&'static str>>>,
        nested: Vec<Option<Record>>,
        bytes: serde_bytes_like::Bytes,
        unit: (),
        float: f64,
        nan: f64,
    }

    mod serde_bytes_like {
        /// Serialised with `serialize_bytes`.
        pub struct Bytes(pub &'static [u8]);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
    }

    fn record(depth: usize) -> Record {
        Record {
            name: "ルート",
            missing: None,
            null: None,
            kinds: vec![
                Kind::Plain,
                Kind::Wrapped(7),
                Kind::Pair(-3, "x".into()),
                Kind::Named {
                    a: Some(true),
                    b: vec![0.1, 1.0, -2.5e10],
                },
            ],
            map: [(2, vec![vec!["a", "b"], vec![]]), (10, vec![])].into_iter().collect(),
            nested: if depth == 0 {
                vec![None]
            } else {
                vec![Some(record(depth - 1)), None]
            },
            bytes: serde_bytes_like::Bytes(b"\x00\xff"),
            unit: (),
            float: 1e-7,
            nan: f64::NAN,
        }
    }

    #[test]
    fn derived_values_flatten_as_through_json() {
        let mut cases = 0;
        for depth in [0, 1, 3] {
            same_as_json(&record(depth));
            cases += 1;
        }
        assert!(cases > 0);
    }

    #[test]
    fn json_values_flatten_as_through_json_including_the_depth_cap() {
        let mut deep = json!("leaf");
        for i in 0..(MAX_JSON_DEPTH + 5) {
            deep = if i % 2 == 0 {
                json!({ "k": deep, "n": i })
            } else {
                json!([deep, null, 1.5])
            };
        }
        let cases = [
            json!(null),
            json!("top"),
            json!({"a": {"b": [1, [2, [3, {"c": -4}]]], "d": true}, "e": []}),
            json!({"": {"": ""}}),
            deep,
        ];
        for case in &cases {
            same_as_json(case);
        }
        let deep_event = FlatEvent::from_serialize(&cases[4]).expect("flattens");
        assert!(deep_event.truncated());
        assert_eq!(cases.len(), 5);
    }

    #[test]
    fn float_map_keys_are_refused_like_serde_json() {
        #[derive(Serialize)]
        struct F(std::collections::BTreeMap<String, u8>);
        same_as_json(&F([("k".to_owned(), 1)].into_iter().collect()));
        let keys: Vec<(bool, u8)> = vec![(true, 1)];
        let map: std::collections::HashMap<(bool, u8), u8> = keys.into_iter().map(|k| (k, 0)).collect();
        assert!(FlatEvent::from_serialize(&map).is_err());
        assert!(serde_json::to_value(&map).is_err());
    }
}
