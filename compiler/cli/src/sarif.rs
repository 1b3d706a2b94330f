//! SARIF 2.1.0 for code scanning (`engc check --format sarif`): one run whose rules
//! are every code of the registry, with the text `engc explain` prints, and one result
//! per reported diagnostic. Columns are in UTF-16 code units (SARIF's default
//! `columnKind`, stated explicitly); URIs are relative to the working directory
//! (`%SRCROOT%`) where the file lies below it.

use engc_core::diag::{codes, Diagnostic, Severity};
use engc_core::source::{SourceMap, Span};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::Path;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The whole SARIF log, pretty-printed, with a trailing newline. `cwd` is the folder
/// relative URIs are taken from.
pub fn sarif(sources: &SourceMap, diags: &[Diagnostic], cwd: Option<&Path>) -> String {
    let mut buf = Vec::new();
    write_sarif(&mut buf, sources, diags, cwd).expect("writing to memory");
    String::from_utf8(buf).expect("SARIF is UTF-8")
}

/// [`sarif`], streamed: one result is built (a small tree) and written at a time, so
/// the log is never held whole. The keys are in the order a `json!` tree sorts them.
pub fn write_sarif(
    out: &mut dyn std::io::Write,
    sources: &SourceMap,
    diags: &[Diagnostic],
    cwd: Option<&Path>,
) -> std::io::Result<()> {
    struct Results<'a>(&'a SourceMap, &'a [Diagnostic], Option<&'a Path>);
    impl Serialize for Results<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(self.1.len()))?;
            for d in self.1 {
                seq.serialize_element(&result(self.0, d, self.2))?;
            }
            seq.end()
        }
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Run<'a> {
        column_kind: &'static str,
        results: Results<'a>,
        tool: Value,
    }
    #[derive(Serialize)]
    struct Log<'a> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run<'a>; 1],
        version: &'static str,
    }
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "utf16CodeUnits",
            results: Results(sources, diags, cwd),
            tool: json!({ "driver": {
                "name": "engc",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules(),
            }}),
        }],
        version: "2.1.0",
    };
    let mut chunks = crate::render::Chunked::new(out);
    log.serialize(&mut serde_json::Serializer::pretty(&mut chunks))
        .map_err(std::io::Error::from)?;
    std::io::Write::write_all(&mut chunks, b"\n")?;
    chunks.finish()
}

/// One rule per code, in the registry's order (a result's `ruleIndex` is its code's
/// position there).
fn rules() -> Vec<Value> {
    codes::ALL
        .iter()
        .map(|c| {
            let section = crate::cli::explain::section(c.name).unwrap_or(c.summary);
            let first = section.split("\n\n").next().unwrap_or(section);
            json!({
                "id": c.name,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": unwrap_lines(first) },
                "help": { "text": section, "markdown": section },
                "defaultConfiguration": { "level": level(c.severity) },
            })
        })
        .collect()
}

/// A paragraph's lines joined into one.
fn unwrap_lines(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn result(sources: &SourceMap, d: &Diagnostic, cwd: Option<&Path>) -> Value {
    let index = codes::ALL
        .iter()
        .position(|c| c.code == d.code)
        .expect("every code is in the registry");
    // The message as people read it: what is wrong, then the help and notes.
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    for n in &d.notes {
        text.push_str(&format!("\nnote: {n}"));
    }
    let mut primary = location(sources, d.span, cwd);
    if !d.label.is_empty() {
        primary["message"] = json!({ "text": d.label });
    }
    let mut r = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [primary],
    });
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut loc = location(sources, l.span, cwd);
                loc["id"] = json!(i + 1);
                loc["message"] = json!({ "text": l.message });
                loc
            })
            .collect();
        r["relatedLocations"] = json!(related);
    }
    if let Some(s) = &d.suggestion {
        let mut replacement = json!({ "deletedRegion": region(sources, s.span) });
        if !s.replacement.is_empty() {
            replacement["insertedContent"] = json!({ "text": s.replacement });
        }
        r["fixes"] = json!([{
            "description": { "text": s.message },
            "artifactChanges": [{
                "artifactLocation": artifact(sources, s.span, cwd),
                "replacements": [replacement],
            }],
        }]);
    }
    r
}

fn location(sources: &SourceMap, span: Span, cwd: Option<&Path>) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(sources, span, cwd),
            "region": region(sources, span),
        }
    })
}

/// The file: relative to `%SRCROOT%` (the working directory) when it lies below it or
/// was named relatively, else an absolute `file:` URI.
fn artifact(sources: &SourceMap, span: Span, cwd: Option<&Path>) -> Value {
    let name = &sources.get(span.file).name;
    let path = Path::new(name);
    let relative = if path.is_absolute() {
        cwd.and_then(|c| path.strip_prefix(c).ok())
    } else {
        Some(path)
    };
    match relative {
        Some(rel) => json!({ "uri": uri_path(&rel.to_string_lossy()), "uriBaseId": "%SRCROOT%" }),
        None => json!({ "uri": format!("file://{}", uri_path(name)) }),
    }
}

/// A path as a URI reference: `/`-separated, with every byte outside the unreserved
/// set (and `/`) percent-encoded.
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' if cfg!(windows) => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// 1-based lines and columns in UTF-16 code units; `endColumn` is the column after the
/// region's last character.
fn region(sources: &SourceMap, span: Span) -> Value {
    let f = sources.get(span.file);
    let (start_line, start_column) = utf16_position(f, span.start as usize);
    let (end_line, end_column) = utf16_position(f, span.end as usize);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

fn utf16_position(f: &engc_core::source::SourceFile, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(f.text.len());
    while !f.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let (line, _) = f.line_col(offset);
    let start = f.line_starts()[line];
    (line + 1, f.text[start..offset].encode_utf16().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_code_units() {
        let mut map = SourceMap::new();
        let id = map.add("a.eng".into(), None, "x\n\u{1F600}é ab\n".into());
        let f = map.get(id);
        // 😀 is two UTF-16 units (four bytes), é one (two bytes).
        let a = f.text.find('a').unwrap();
        assert_eq!(utf16_position(f, a), (2, 5));
        assert_eq!(utf16_position(f, 0), (1, 1));
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("a b/<c>.eng"), "a%20b/%3Cc%3E.eng");
        assert_eq!(uri_path("ex/chalk.eng"), "ex/chalk.eng");
    }
}
