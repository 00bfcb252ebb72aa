//! Windows events (EVTX records, evtx-JSON, Winlogbeat/ECS) flattened to Sigma's Windows taxonomy.
//!
//! `Event.System` members become `Channel`, `EventID`, `Computer`,
//! `Provider_Name` …; every `EventData`/`UserData` member becomes a top-level
//! field under its own name, which is what SigmaHQ rules expect.

use mozu_sigma::FlatEvent;
use serde_json::Value;

use crate::time::parse_timestamp;

/// Deepest nesting of `EventData`/`UserData` walked.
pub const MAX_EVENTDATA_DEPTH: usize = 16;

/// Whether a JSON object is an evtx-JSON record (`{"Event": {"System": …}}`).
pub fn is_evtx_json(v: &Value) -> bool {
    v.get("Event").and_then(|e| e.get("System")).is_some()
}

/// Whether a JSON object is a Winlogbeat / ECS Windows event.
pub fn is_winlogbeat(v: &Value) -> bool {
    v.get("winlog").is_some_and(Value::is_object)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(map) => map.get("#text").and_then(scalar),
        _ => None,
    }
}

fn attr<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get("#attributes").and_then(|a| a.get(name))
}

/// Flattens an evtx-JSON record; returns the event and its time (Unix ms).
pub fn flatten_evtx_json(root: &Value) -> (FlatEvent, Option<i64>) {
    let mut ev = FlatEvent::with_capacity(40, 2048);
    let event = root.get("Event").unwrap_or(root);
    let mut ts = None;
    if let Some(sys) = event.get("System").and_then(Value::as_object) {
        for (k, v) in sys {
            match k.as_str() {
                "Provider" => {
                    if let Some(name) = attr(v, "Name").and_then(scalar) {
                        ev.push("Provider_Name", &name);
                    }
                    if let Some(guid) = attr(v, "Guid").and_then(scalar) {
                        ev.push("Provider_Guid", &guid);
                    }
                }
                "TimeCreated" => {
                    if let Some(t) = attr(v, "SystemTime").and_then(scalar) {
                        ts = parse_timestamp(&t);
                        ev.push("TimeCreated", &t);
                    }
                }
                "Execution" => {
                    if let Some(p) = attr(v, "ProcessID").and_then(scalar) {
                        ev.push("Execution_ProcessID", &p);
                    }
                }
                "Security" => {
                    if let Some(u) = attr(v, "UserID").and_then(scalar) {
                        ev.push("Security_UserID", &u);
                    }
                }
                _ => {
                    if let Some(s) = scalar(v) {
                        ev.push(k, &s);
                    }
                }
            }
        }
    }
    for section in ["EventData", "UserData"] {
        if let Some(data) = event.get(section) {
            push_data(&mut ev, data);
        }
    }
    (ev, ts)
}

/// Pushes every leaf of `EventData`/`UserData` under its own (innermost) name.
fn push_data(ev: &mut FlatEvent, data: &Value) {
    let mut stack: Vec<(&str, &Value, usize)> = vec![("Data", data, 0)];
    while let Some((name, v, depth)) = stack.pop() {
        match v {
            Value::Object(map) => {
                if depth >= MAX_EVENTDATA_DEPTH {
                    continue;
                }
                if let Some(text) = map.get("#text") {
                    // <Data Name="X">value</Data> rendered as an object.
                    let key = attr(v, "Name").and_then(Value::as_str).unwrap_or(name);
                    stack.push((key, text, depth + 1));
                    continue;
                }
                for (k, child) in map.iter().rev() {
                    if k != "#attributes" && k != "xmlns" {
                        stack.push((k.as_str(), child, depth + 1));
                    }
                }
            }
            Value::Array(items) => {
                if depth >= MAX_EVENTDATA_DEPTH {
                    continue;
                }
                for child in items.iter().rev() {
                    stack.push((name, child, depth + 1));
                }
            }
            Value::Null => ev.push(name, ""),
            other => {
                if let Some(s) = scalar(other) {
                    ev.push(name, &s);
                    // Defender and others name data "Threat Name"; Sigma rules say ThreatName.
                    if name.contains(' ') {
                        ev.push(&name.replace(' ', ""), &s);
                    }
                }
            }
        }
    }
}

/// Flattens a Winlogbeat / ECS event: `winlog.event_data.*` become top-level fields,
/// `winlog.channel`/`event_id`/`computer_name`/`provider_name` the System fields;
/// everything else is kept under its dotted ECS name.
pub fn flatten_winlogbeat(root: &Value) -> (FlatEvent, Option<i64>) {
    let mut ev = FlatEvent::with_capacity(64, 4096);
    let winlog = root.get("winlog");
    let sys = [
        ("channel", "Channel"),
        ("event_id", "EventID"),
        ("computer_name", "Computer"),
        ("provider_name", "Provider_Name"),
        ("record_id", "EventRecordID"),
    ];
    for (from, to) in sys {
        if let Some(s) = winlog.and_then(|w| w.get(from)).and_then(scalar) {
            ev.push(to, &s);
        }
    }
    for section in ["event_data", "user_data"] {
        if let Some(data) = winlog.and_then(|w| w.get(section)) {
            push_data(&mut ev, data);
        }
    }
    let ts = root.get("@timestamp").and_then(Value::as_str).and_then(parse_timestamp);
    ev.extend_json("", root);
    (ev, ts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn evtx_json_to_taxonomy() {
        let v = json!({"Event": {"System": {
            "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
            "EventID": {"#text": 4776, "#attributes": {"Qualifiers": 0}},
            "TimeCreated": {"#attributes": {"SystemTime": "2018-09-01T03:00:00Z"}},
            "Channel": "Security", "Computer": "DC01"},
            "EventData": {"TargetUserName": "administrator", "Status": "0xc000006a"}}});
        let (ev, ts) = flatten_evtx_json(&v);
        assert_eq!(ev.get("EventID"), Some("4776"));
        assert_eq!(ev.get("Channel"), Some("Security"));
        assert_eq!(ev.get("TargetUserName"), Some("administrator"));
        assert_eq!(ev.get("Provider_Name"), Some("Microsoft-Windows-Security-Auditing"));
        assert!(ts.is_some());
    }

    #[test]
    fn winlogbeat_to_taxonomy() {
        let v = json!({"@timestamp": "2024-01-01T00:00:00Z", "winlog": {"channel": "Security",
            "event_id": 4625, "computer_name": "PC1", "event_data": {"LogonType": "3"}}});
        let (ev, _) = flatten_winlogbeat(&v);
        assert_eq!(ev.get("EventID"), Some("4625"));
        assert_eq!(ev.get("LogonType"), Some("3"));
        assert_eq!(ev.get("winlog.channel"), Some("Security"));
    }
}
