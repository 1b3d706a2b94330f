//! Turns the AWS catalog (`src/catalog/data/aws.catalog`, written by
//! `scripts/gen_catalogs.py`) into Rust static tables, so that a process reads the
//! catalog without parsing or allocating anything: `$OUT_DIR/aws_catalog.rs`, included
//! by `src/catalog/aws.rs`. The file format is described in the generator.

use std::fmt::Write as _;
use std::path::Path;

const MAGIC: &str = "engc-aws-catalog 1";

#[derive(Default)]
struct Service<'a> {
    prefix: &'a str,
    name: &'a str,
    actions: Vec<Action<'a>>,
    resource_types: Vec<(&'a str, &'a str, Vec<&'a str>)>,
    condition_keys: Vec<(&'a str, &'a str)>,
}

struct Action<'a> {
    name: &'a str,
    level: &'static str,
    rows: Vec<Row<'a>>,
    keys: Vec<&'a str>,
    deps: Vec<&'a str>,
}

struct Row<'a> {
    name: &'a str,
    required: bool,
    keys: Vec<&'a str>,
    deps: Vec<&'a str>,
}

fn corrupt(what: &str, line: &str) -> ! {
    panic!("src/catalog/data/aws.catalog is corrupt ({what}): {line:?}; regenerate it with scripts/gen_catalogs.py")
}

fn list(field: &str) -> Vec<&str> {
    if field.is_empty() {
        Vec::new()
    } else {
        field.split('|').collect()
    }
}

fn level(code: &str, line: &str) -> &'static str {
    match code {
        "L" => "List",
        "R" => "Read",
        "W" => "Write",
        "T" => "Tagging",
        "P" => "PermissionsManagement",
        _ => corrupt("access level", line),
    }
}

fn parse_service<'a>(prefix: &'a str, name: &'a str, block: &'a str) -> Service<'a> {
    let mut svc = Service {
        prefix,
        name,
        ..Service::default()
    };
    for line in block.lines() {
        let mut f = line.split('\t');
        let mut next = || f.next().unwrap_or_else(|| corrupt("missing field", line));
        match next() {
            "K" => {
                let k = next();
                svc.condition_keys.push((k, next()));
            }
            "R" => {
                let (name, arn) = (next(), next());
                svc.resource_types.push((name, arn, list(next())));
            }
            "A" => {
                let name = next();
                let level = level(next(), line);
                let rows = list(next())
                    .into_iter()
                    .map(|r| Row {
                        name: r.strip_suffix('?').unwrap_or(r),
                        required: !r.ends_with('?'),
                        keys: Vec::new(),
                        deps: Vec::new(),
                    })
                    .collect();
                let keys = list(next());
                let deps = list(next());
                svc.actions.push(Action {
                    name,
                    level,
                    rows,
                    keys,
                    deps,
                });
            }
            "r" => {
                let rname = next();
                let (keys, deps) = (list(next()), list(next()));
                let action = svc
                    .actions
                    .last_mut()
                    .unwrap_or_else(|| corrupt("r line before A", line));
                let row = action
                    .rows
                    .iter_mut()
                    .find(|r| r.name == rname)
                    .unwrap_or_else(|| corrupt("r line names no resource of its action", line));
                row.keys = keys;
                row.deps = deps;
            }
            _ => corrupt("unknown line", line),
        }
    }
    // Sorted as the lookups search (ASCII case-insensitively), whatever the file's order.
    svc.actions.sort_by_key(|a| a.name.to_ascii_lowercase());
    svc.resource_types.sort_by_key(|r| r.0.to_ascii_lowercase());
    svc.condition_keys.sort_by_key(|k| k.0.to_ascii_lowercase());
    svc
}

fn strs(out: &mut String, items: &[&str]) {
    out.push_str("&[");
    for s in items {
        write!(out, "{s:?},").unwrap();
    }
    out.push(']');
}

fn main() {
    let path = Path::new("src/catalog/data/aws.catalog");
    println!("cargo:rerun-if-changed={}", path.display());
    let data = std::fs::read_to_string(path).expect("src/catalog/data/aws.catalog");
    let (header, body) = data
        .split_once("\n%%\n")
        .unwrap_or_else(|| corrupt("no %% line", ""));
    let mut lines = header.lines();
    if lines.next() != Some(MAGIC) {
        corrupt("bad magic", header.lines().next().unwrap_or(""));
    }
    let block = |start: Option<&str>, len: Option<&str>, line: &str| -> &str {
        let num = |s: Option<&str>| -> usize {
            s.and_then(|s| s.parse().ok())
                .unwrap_or_else(|| corrupt("bad offset", line))
        };
        let start = num(start);
        body.get(start..start + num(len))
            .unwrap_or_else(|| corrupt("byte range outside the file", line))
    };
    let mut services = Vec::new();
    let mut global = Vec::new();
    let mut source = "";
    for line in lines {
        if let Some(rest) = line.strip_prefix("# Source: ") {
            source = rest;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let mut f = line.split('\t');
        match f.next() {
            Some("S") => {
                let prefix = f.next().unwrap_or_else(|| corrupt("no prefix", line));
                let b = block(f.next(), f.next(), line);
                let name = f.next().unwrap_or_else(|| corrupt("no name", line));
                services.push(parse_service(prefix, name, b));
            }
            Some("G") => {
                for l in block(f.next(), f.next(), line).lines() {
                    let mut f = l.split('\t');
                    match (f.next(), f.next(), f.next()) {
                        (Some("K"), Some(k), Some(t)) => global.push((k, t)),
                        _ => corrupt("bad global key line", l),
                    }
                }
            }
            _ => corrupt("unknown header line", line),
        }
    }
    services.sort_by_key(|s| s.prefix.to_ascii_lowercase());

    let mut out = String::with_capacity(8 << 20);
    out.push_str("// Generated by compiler/core/build.rs from src/catalog/data/aws.catalog.\n");
    writeln!(out, "static SOURCE: &str = {source:?};").unwrap();
    out.push_str("static GLOBAL_KEYS: &[(&str, &str)] = &[");
    for (k, t) in &global {
        write!(out, "({k:?},{t:?}),").unwrap();
    }
    out.push_str("];\nstatic SERVICES: &[Service] = &[\n");
    for s in &services {
        write!(
            out,
            "Service{{prefix:{:?},name:{:?},actions:&[",
            s.prefix, s.name
        )
        .unwrap();
        for a in &s.actions {
            write!(
                out,
                "Action{{name:{:?},access_level:AccessLevel::{},resource_types:&[",
                a.name, a.level
            )
            .unwrap();
            for r in &a.rows {
                write!(
                    out,
                    "ActionResource{{name:{:?},required:{},condition_keys:",
                    r.name, r.required
                )
                .unwrap();
                strs(&mut out, &r.keys);
                out.push_str(",dependent_actions:");
                strs(&mut out, &r.deps);
                out.push_str("},");
            }
            out.push_str("],condition_keys:");
            strs(&mut out, &a.keys);
            out.push_str(",dependent_actions:");
            strs(&mut out, &a.deps);
            out.push_str("},\n");
        }
        out.push_str("],resource_types:&[");
        for (name, arn, keys) in &s.resource_types {
            write!(
                out,
                "ResourceType{{name:{name:?},arn:{arn:?},condition_keys:"
            )
            .unwrap();
            strs(&mut out, keys);
            out.push_str("},");
        }
        out.push_str("],condition_keys:&[");
        for (k, t) in &s.condition_keys {
            write!(out, "({k:?},{t:?}),").unwrap();
        }
        out.push_str("]},\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("aws_catalog.rs");
    std::fs::write(dest, out).unwrap();
}
