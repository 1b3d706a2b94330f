//! `docs/manifest.schema.json` is the JSON Schema of `manifest.json`, derived from the
//! structs that write it: the committed file must be the generated one, and every
//! example's manifest must satisfy it. `UPDATE_SCHEMA=1 cargo test --test
//! integration manifest_schema` rewrites the committed file.

use engc::backend::{emit, manifest_schema, Target, MANIFEST_PATH};
use engc::{compile, Input, Options};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/manifest.schema.json");

#[test]
fn the_committed_schema_is_the_generated_one() {
    let generated = manifest_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(SCHEMA, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(SCHEMA).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/manifest.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --test integration manifest_schema`"
    );
}

/// The part of JSON Schema the generated schema uses: `$ref` into `$defs`, `type`
/// (one or several), `properties`, `required`, `additionalProperties: false`, `items`,
/// `enum`, `const`, `oneOf`/`anyOf`, `minimum`. Errors name the path.
fn validate(root: &Value, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(root, &root["$defs"][name], v, path, errors);
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let is = |t: &str| match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_u64() || v.is_i64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        };
        if !names.iter().any(|t| is(t)) {
            errors.push(format!("{path}: {v} is not {names:?}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errors.push(format!("{path}: {v} is not one of {e:?}"));
        }
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            errors.push(format!("{path}: {v} is not {c}"));
        }
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if v.as_f64().is_some_and(|x| x < min) {
            errors.push(format!("{path}: {v} < {min}"));
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let fits = options.iter().filter(|o| {
                let mut e = Vec::new();
                validate(root, o, v, path, &mut e);
                e.is_empty()
            });
            let n = fits.count();
            if n == 0 || (key == "oneOf" && n > 1) {
                errors.push(format!("{path}: {v} fits {n} of the {key} options"));
            }
        }
    }
    if let (Some(obj), true) = (v.as_object(), schema.get("properties").is_some()) {
        let props = schema["properties"].as_object().unwrap();
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap();
            if !obj.contains_key(r) {
                errors.push(format!("{path}: `{r}` is missing"));
            }
        }
        for (k, x) in obj {
            match props.get(k) {
                Some(s) => validate(root, s, x, &format!("{path}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{path}: `{k}` is not in the schema"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(schema_items)) = (v.as_array(), schema.get("items")) {
        for (i, x) in items.iter().enumerate() {
            validate(root, schema_items, x, &format!("{path}[{i}]"), errors);
        }
    }
}

fn manifest_of(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.eng"));
    let c = compile(
        vec![Input {
            name: name.into(),
            bytes: std::fs::read(&path).unwrap(),
            path: Some(path),
        }],
        &engc::loader::DiskLoader,
        &Options::default(),
    );
    let files = emit(
        &c.model.expect("the example compiles"),
        &Target::ALL.into_iter().collect::<BTreeSet<_>>(),
    );
    let m = files.iter().find(|f| f.path == MANIFEST_PATH).unwrap();
    serde_json::from_str(&m.contents).unwrap()
}

#[test]
fn every_example_manifest_satisfies_the_schema() {
    let schema: Value = serde_json::from_str(&manifest_schema()).unwrap();
    for name in ["chalk", "iomete", "aichor", "quickstart"] {
        let m = manifest_of(name);
        let mut errors = Vec::new();
        validate(&schema, &schema, &m, "manifest", &mut errors);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_validator_refuses_what_the_schema_refuses() {
    let schema: Value = serde_json::from_str(&manifest_schema()).unwrap();
    let good = manifest_of("quickstart");
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut m = good.clone();
        f(&mut m);
        let mut errors = Vec::new();
        validate(&schema, &schema, &m, "manifest", &mut errors);
        errors
    };
    assert!(!broken(&|m| {
        m.as_object_mut().unwrap().remove("files");
    })
    .is_empty());
    assert!(!broken(&|m| m["format"] = Value::String("1".into())).is_empty());
    assert!(!broken(&|m| m["files"][0]["target"] = Value::String("ftp".into())).is_empty());
    assert!(!broken(&|m| m["files"][0]["surprise"] = Value::Bool(true)).is_empty());
    assert!(!broken(&|m| m["access_levels"][0]["name"] = Value::from(3)).is_empty());
}
