//! `--format json`: one document, `{"diagnostics": [...], "errors": N, "warnings": N}`,
//! streamed: each diagnostic is serialized as it is reached, borrowing its strings, so
//! the document is never held whole (100,000 diagnostics were 459 MiB as a tree).

use engc_core::diag::{Diagnostic, Severity};
use engc_core::source::{SourceMap, Span};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct JsonPos<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start_byte: u32,
    end_byte: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    pos: JsonPos<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSuggestion<'a> {
    #[serde(flatten)]
    pos: JsonPos<'a>,
    replacement: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    pos: JsonPos<'a>,
    label: &'a str,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    notes: &'a [String],
    suggestion: Option<JsonSuggestion<'a>>,
}

fn pos(sources: &SourceMap, span: Span) -> JsonPos<'_> {
    let f = sources.get(span.file);
    let (line, column) = f.human_position(span.start as usize);
    let (end_line, end_column) = f.human_position(span.end as usize);
    JsonPos {
        file: &f.name,
        line,
        column,
        end_line,
        end_column,
        // Offsets in the file's bytes, not in its (possibly lossy) text.
        start_byte: f.byte_offset(span.start as usize) as u32,
        end_byte: f.byte_offset(span.end as usize) as u32,
    }
}

fn diagnostic<'a>(sources: &'a SourceMap, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity,
        message: &d.message,
        pos: pos(sources, d.span),
        label: &d.label,
        labels: d
            .secondary
            .iter()
            .map(|l| JsonLabel {
                pos: pos(sources, l.span),
                message: &l.message,
            })
            .collect(),
        help: d.help.as_deref(),
        notes: &d.notes,
        suggestion: d.suggestion.as_ref().map(|s| JsonSuggestion {
            pos: pos(sources, s.span),
            replacement: &s.replacement,
            message: &s.message,
        }),
    }
}

/// The diagnostics as a JSON array, each built when the serializer reaches it.
struct Each<'a>(&'a SourceMap, &'a [Diagnostic]);

impl Serialize for Each<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for d in self.1 {
            seq.serialize_element(&diagnostic(self.0, d))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Doc<'a> {
    diagnostics: Each<'a>,
    errors: usize,
    warnings: usize,
}

/// Writes the document, pretty-printed, with a trailing newline.
pub fn write_json(
    out: &mut dyn Write,
    sources: &SourceMap,
    diags: &[Diagnostic],
) -> std::io::Result<()> {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let doc = Doc {
        diagnostics: Each(sources, diags),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
    };
    doc.serialize(&mut serde_json::Serializer::pretty(&mut *out))
        .map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// [`write_json`] into a string.
pub fn json(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut buf = Vec::new();
    write_json(&mut buf, sources, diags).expect("writing to memory");
    String::from_utf8(buf).expect("JSON is UTF-8")
}
