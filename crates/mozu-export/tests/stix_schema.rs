//! The STIX bundle validates against the official STIX 2.1 JSON schemas
//! (vendored in testdata/stix2.1-schemas, BSD-3-Clause, OASIS Open).

mod common;

use std::path::Path;

use jsonschema::Resource;
use mozu_export::stix;
use serde_json::Value;

fn schema_files(dir: &Path, out: &mut Vec<(String, Value)>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                let mut v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                // The schemas name their dialect `http://json-schema.org/draft/2020-12/schema#`;
                // stix2-validator patches that to the canonical URI, and so do we.
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
                }
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, v));
            }
        }
    }
}

fn validator(schemas: &[(String, Value)], rel: &str) -> jsonschema::Validator {
    let root = schemas
        .iter()
        .find(|(r, _)| r == rel)
        .map(|(_, v)| v.clone())
        .expect("schema present");
    let resources = schemas.iter().filter_map(|(_, v)| {
        let id = v.get("$id")?.as_str()?.to_string();
        Some((id, Resource::from_contents(v.clone()).ok()?))
    });
    jsonschema::options()
        .with_resources(resources)
        .build(&root)
        .expect("schema compiles")
}

#[test]
fn bundle_validates_against_stix_2_1_schemas() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/stix2.1-schemas");
    let mut schemas = Vec::new();
    schema_files(&dir, &mut schemas);
    assert!(schemas.len() > 50, "vendored schemas found: {}", schemas.len());

    let campaigns = common::campaigns(1500);
    assert!(campaigns.len() >= 8);
    let bundle = stix::bundle(
        &campaigns,
        &stix::Options {
            created: "2024-05-01T00:00:00Z".into(),
        },
    );
    // Each object against the schema of its own type, so that a wrong
    // object cannot hide behind the bundle's `anyOf`.
    let objects = bundle["objects"].as_array().unwrap();
    let mut checked = std::collections::BTreeMap::new();
    let mut validators = std::collections::HashMap::new();
    for obj in objects {
        let kind = obj["type"].as_str().unwrap();
        let rel = match kind {
            "relationship" | "sighting" => format!("sros/{kind}.json"),
            _ => format!("sdos/{kind}.json"),
        };
        let v = validators
            .entry(rel.clone())
            .or_insert_with(|| validator(&schemas, &rel));
        let errors: Vec<String> = v.iter_errors(obj).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{kind} {}: {errors:?}", obj["id"]);
        *checked.entry(kind.to_string()).or_insert(0u32) += 1;
    }
    let errors: Vec<String> = validator(&schemas, "common/bundle.json")
        .iter_errors(&bundle)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "bundle: {:?}", &errors[..errors.len().min(3)]);

    eprintln!("validated: {checked:?}");
    for kind in [
        "campaign",
        "indicator",
        "malware",
        "relationship",
        "sighting",
        "identity",
    ] {
        assert!(checked.get(kind).is_some_and(|n| *n > 0), "no {kind} objects");
    }
    // A pattern with a quote is escaped.
    assert_eq!(stix::pattern_literal("a'b\\c"), "'a\\'b\\\\c'");
}
