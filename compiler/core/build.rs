//! Turns the AWS catalog (`src/catalog/data/aws.catalog`, written by
//! `scripts/gen_catalogs.py`) into Rust static tables, so that a process reads the
//! catalog without parsing or allocating anything: `$OUT_DIR/aws_catalog.rs`, included
//! by `src/catalog/aws.rs`. The file format is described in the generator.

#[path = "build/k8s.rs"]
mod k8s;
#[path = "build/managed.rs"]
mod managed;

use std::collections::HashMap;
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

/// The generated tables: every string an offset into one pool, every list a range of
/// one table, so that the binary needs no relocation for them (a `&'static str` in a
/// static is a pointer the loader must fix up at every start, on a page it then dirties).
#[derive(Default)]
struct Tables {
    pool: String,
    strings: HashMap<String, (usize, usize)>,
    /// Rows of each table as Rust expressions, and the lists already written to it.
    rows: HashMap<&'static str, Rows>,
}

/// One table's rows, and where each list written to it starts.
type Rows = (Vec<String>, HashMap<Vec<String>, usize>);

impl Tables {
    /// `s(start,len)` of `s` in the pool, each distinct string once.
    fn str(&mut self, s: &str) -> String {
        let (start, len) = *self.strings.entry(s.to_string()).or_insert_with(|| {
            let start = self.pool.len();
            self.pool.push_str(s);
            (start, s.len())
        });
        format!("s({start},{len})")
    }

    /// `t(start,len)` of `rows` in `table`; a list equal to one written before is shared.
    fn list(&mut self, table: &'static str, rows: Vec<String>) -> String {
        let len = rows.len();
        let (all, seen) = self.rows.entry(table).or_default();
        let start = match seen.get(&rows) {
            Some(&start) => start,
            None => {
                let start = all.len();
                all.extend(rows.iter().cloned());
                seen.insert(rows, start);
                start
            }
        };
        format!("t({start},{len})")
    }

    fn strs(&mut self, items: &[&str]) -> String {
        let rows = items.iter().map(|s| self.str(s)).collect();
        self.list("STRS", rows)
    }

    fn keys(&mut self, items: &[(&str, &str)]) -> String {
        let rows = items
            .iter()
            .map(|(k, t)| format!("({},{})", self.str(k), self.str(t)))
            .collect();
        self.list("KEYS", rows)
    }
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

    let mut t = Tables::default();
    let source = t.str(source);
    let global = t.keys(&global);
    let mut service_rows = Vec::new();
    for s in &services {
        let mut action_rows = Vec::new();
        for a in &s.actions {
            let rows = a
                .rows
                .iter()
                .map(|r| {
                    // The row's type, found once here rather than searched per use.
                    let ty = s
                        .resource_types
                        .iter()
                        .position(|rt| rt.0.eq_ignore_ascii_case(r.name))
                        .map_or(u16::MAX, |i| u16::try_from(i).unwrap());
                    format!(
                        "ActionResource{{name:{},ty:{ty},required:{},condition_keys:{},dependent_actions:{}}}",
                        t.str(r.name),
                        r.required,
                        t.strs(&r.keys),
                        t.strs(&r.deps)
                    )
                })
                .collect();
            action_rows.push(format!(
                "Action{{name:{},access_level:AccessLevel::{},resource_types:{},condition_keys:{},dependent_actions:{}}}",
                t.str(a.name),
                a.level,
                t.list("ACTION_RESOURCES", rows),
                t.strs(&a.keys),
                t.strs(&a.deps)
            ));
        }
        let types = s
            .resource_types
            .iter()
            .map(|(name, arn, keys)| {
                // The fields of a type's one format, found here rather than by every
                // statement's check that compares resources with it.
                let several = arn.contains(',');
                let colons: Vec<usize> = arn.match_indices(':').map(|(i, _)| i).take(5).collect();
                let colons = match &colons[..] {
                    [a, b, c, d, e] if !several => format!(
                        "Some([{}, {}, {}, {}, {}])",
                        u16::try_from(*a).unwrap(),
                        u16::try_from(*b).unwrap(),
                        u16::try_from(*c).unwrap(),
                        u16::try_from(*d).unwrap(),
                        u16::try_from(*e).unwrap()
                    ),
                    _ => "None".to_string(),
                };
                format!(
                    "ResourceType{{name:{},arn:{},condition_keys:{},several:{several},colons:{colons}}}",
                    t.str(name),
                    t.str(arn),
                    t.strs(keys)
                )
            })
            .collect();
        service_rows.push(format!(
            "Service{{prefix:{},name:{},actions:{},resource_types:{},condition_keys:{}}}",
            t.str(s.prefix),
            t.str(s.name),
            t.list("ACTIONS", action_rows),
            t.list("RESOURCE_TYPES", types),
            t.keys(&s.condition_keys)
        ));
    }
    let services = t.list("SERVICES", service_rows);

    let out_dir = std::env::var("OUT_DIR").unwrap();
    let mut out = String::with_capacity(8 << 20);
    out.push_str("// Generated by compiler/core/build.rs from src/catalog/data/aws.catalog.\n");
    out.push_str(
        "static POOL: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/aws_pool.txt\"));\n",
    );
    writeln!(out, "const SOURCE: Str = {source};").unwrap();
    writeln!(out, "const GLOBAL_KEYS: Table<(Str, Str)> = {global};").unwrap();
    writeln!(out, "const ALL_SERVICES: Table<Service> = {services};").unwrap();
    for (name, ty) in [
        ("STRS", "Str"),
        ("KEYS", "(Str, Str)"),
        ("ACTION_RESOURCES", "ActionResource"),
        ("ACTIONS", "Action"),
        ("RESOURCE_TYPES", "ResourceType"),
        ("SERVICES", "Service"),
    ] {
        let rows = t.rows.get(name).map(|r| &r.0[..]).unwrap_or_default();
        writeln!(out, "static {name}: [{ty}; {}] = [", rows.len()).unwrap();
        for r in rows {
            out.push_str(r);
            out.push_str(",\n");
        }
        out.push_str("];\n");
        writeln!(
            out,
            "impl Rows for {ty} {{ fn rows() -> &'static [Self] {{ &{name} }} }}"
        )
        .unwrap();
    }
    std::fs::write(Path::new(&out_dir).join("aws_pool.txt"), &t.pool).unwrap();
    std::fs::write(Path::new(&out_dir).join("aws_catalog.rs"), out).unwrap();
    k8s::generate(Path::new(&out_dir));
    managed::generate(Path::new(&out_dir));
}
