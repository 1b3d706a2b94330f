//! `--format json`: one document, `{"diagnostics": [...], "errors": N, "warnings": N}`,
//! streamed: each diagnostic is serialized as it is reached, borrowing its strings, so
//! the document is never held whole (100,000 diagnostics were 459 MiB as a tree).

use engc_core::diag::{Diagnostic, Severity};
use engc_core::source::{SourceFile, SourceMap, Span};
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;
use std::cell::Cell;
use std::io::Write;

/// A span's position: written as fields of the object it is in (serde's `flatten`
/// would serialize each object as a map, through a buffer of its own).
struct JsonPos<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start_byte: u32,
    end_byte: u32,
}

impl JsonPos<'_> {
    const FIELDS: usize = 7;

    fn fields<S: SerializeStruct>(&self, st: &mut S) -> Result<(), S::Error> {
        st.serialize_field("file", self.file)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.serialize_field("end_line", &self.end_line)?;
        st.serialize_field("end_column", &self.end_column)?;
        st.serialize_field("start_byte", &self.start_byte)?;
        st.serialize_field("end_byte", &self.end_byte)
    }
}

struct JsonLabel<'a> {
    pos: JsonPos<'a>,
    message: &'a str,
}

impl Serialize for JsonLabel<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("JsonLabel", JsonPos::FIELDS + 1)?;
        self.pos.fields(&mut st)?;
        st.serialize_field("message", self.message)?;
        st.end()
    }
}

struct JsonSuggestion<'a> {
    pos: JsonPos<'a>,
    replacement: &'a str,
    message: &'a str,
}

impl Serialize for JsonSuggestion<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("JsonSuggestion", JsonPos::FIELDS + 2)?;
        self.pos.fields(&mut st)?;
        st.serialize_field("replacement", self.replacement)?;
        st.serialize_field("message", self.message)?;
        st.end()
    }
}

struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    pos: JsonPos<'a>,
    label: &'a str,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    notes: &'a [String],
    suggestion: Option<JsonSuggestion<'a>>,
}

impl Serialize for JsonDiagnostic<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("JsonDiagnostic", JsonPos::FIELDS + 8)?;
        st.serialize_field("code", self.code)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("message", self.message)?;
        self.pos.fields(&mut st)?;
        st.serialize_field("label", self.label)?;
        st.serialize_field("labels", &self.labels)?;
        st.serialize_field("help", &self.help)?;
        st.serialize_field("notes", self.notes)?;
        st.serialize_field("suggestion", &self.suggestion)?;
        st.end()
    }
}

/// A position's line and column, as `SourceFile::human_position` finds them, the line
/// looked for near the last one found (diagnostics come sorted).
fn human_position(f: &SourceFile, offset: usize, hint: &Cell<usize>) -> (usize, usize) {
    let mut offset = offset.min(f.text.len());
    while !f.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = super::fast::line_of(f.line_starts(), offset, hint.get());
    hint.set(line);
    let start = f.line_starts()[line];
    let col = f.text[start..offset].chars().count();
    (line + 1, col + 1)
}

fn pos<'s>(sources: &'s SourceMap, span: Span, hint: &Cell<usize>) -> JsonPos<'s> {
    let f = sources.get(span.file);
    let (line, column) = human_position(f, span.start as usize, hint);
    let (end_line, end_column) = human_position(f, span.end as usize, hint);
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

fn diagnostic<'a>(
    sources: &'a SourceMap,
    d: &'a Diagnostic,
    hint: &Cell<usize>,
) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity,
        message: &d.message,
        pos: pos(sources, d.span, hint),
        label: &d.label,
        labels: d
            .secondary
            .iter()
            .map(|l| JsonLabel {
                pos: pos(sources, l.span, hint),
                message: &l.message,
            })
            .collect(),
        help: d.help.as_deref(),
        notes: &d.notes,
        suggestion: d.suggestion.as_ref().map(|s| JsonSuggestion {
            pos: pos(sources, s.span, hint),
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
        let hint = Cell::new(0);
        for d in self.1 {
            seq.serialize_element(&diagnostic(self.0, d, &hint))?;
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
    let mut chunks = super::Chunked::new(out);
    doc.serialize(&mut serde_json::Serializer::pretty(&mut chunks))
        .map_err(std::io::Error::from)?;
    chunks.write_all(b"\n")?;
    chunks.finish()
}

/// [`write_json`] into a string.
pub fn json(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut buf = Vec::new();
    write_json(&mut buf, sources, diags).expect("writing to memory");
    String::from_utf8(buf).expect("JSON is UTF-8")
}
