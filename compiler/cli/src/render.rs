//! Diagnostic rendering for the command line: codespan-reporting for people, JSON for
//! tools. The LSP edge converts diagnostics itself.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use codespan_reporting::term::termcolor::WriteColor;
use engc_core::diag::{Diagnostic, Severity};
use engc_core::source::SourceMap;
use serde::Serialize;

/// The source map as codespan sees it, reusing its precomputed line starts.
struct Sources<'s>(&'s SourceMap);

impl<'a> Files<'a> for Sources<'_> {
    type FileId = engc_core::source::FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: Self::FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).name)
    }

    fn source(&'a self, id: Self::FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).text)
    }

    fn line_index(&'a self, id: Self::FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.get(id).line_col(byte_index).0)
    }

    fn line_range(
        &'a self,
        id: Self::FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let f = self.0.get(id);
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(f.text.len());
        Ok(start..end)
    }
}

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<engc_core::source::FileId> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let mut labels =
        vec![cs::Label::primary(d.span.file, d.span.range()).with_message(d.label.clone())];
    for l in &d.secondary {
        labels.push(cs::Label::secondary(l.span.file, l.span.range()).with_message(&l.message));
    }
    let mut notes = Vec::new();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    if let Some(s) = &d.suggestion {
        if !s.replacement.is_empty() {
            notes.push(format!("suggestion: `{}`", s.replacement));
        }
    }
    notes.extend(d.notes.iter().map(|n| format!("note: {n}")));
    cs::Diagnostic::new(severity)
        .with_code(d.code.as_str())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders diagnostics the way rustc does, with source excerpts.
pub fn human(
    out: &mut dyn WriteColor,
    sources: &SourceMap,
    diags: &[Diagnostic],
) -> std::io::Result<()> {
    let config = term::Config::default();
    for d in diags {
        term::emit_to_write_style(out, &config, &Sources(sources), &to_codespan(d))
            .map_err(std::io::Error::other)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonPos {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start_byte: u32,
    end_byte: u32,
}

#[derive(Serialize)]
struct JsonLabel {
    #[serde(flatten)]
    pos: JsonPos,
    message: String,
}

#[derive(Serialize)]
struct JsonSuggestion {
    #[serde(flatten)]
    pos: JsonPos,
    replacement: String,
    message: String,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: &'static str,
    severity: Severity,
    message: String,
    #[serde(flatten)]
    pos: JsonPos,
    label: String,
    labels: Vec<JsonLabel>,
    help: Option<String>,
    notes: Vec<String>,
    suggestion: Option<JsonSuggestion>,
}

fn pos(sources: &SourceMap, span: engc_core::source::Span) -> JsonPos {
    let f = sources.get(span.file);
    let (line, column) = f.human_position(span.start as usize);
    let (end_line, end_column) = f.human_position(span.end as usize);
    JsonPos {
        file: f.name.clone(),
        line,
        column,
        end_line,
        end_column,
        // Offsets in the file's bytes, not in its (possibly lossy) text.
        start_byte: f.byte_offset(span.start as usize) as u32,
        end_byte: f.byte_offset(span.end as usize) as u32,
    }
}

/// One JSON document: `{"diagnostics": [...], "errors": N, "warnings": N}`.
pub fn json(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    #[derive(Serialize)]
    struct Doc {
        diagnostics: Vec<JsonDiagnostic>,
        errors: usize,
        warnings: usize,
    }
    let doc = Doc {
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.as_str(),
                severity: d.severity,
                message: d.message.clone(),
                pos: pos(sources, d.span),
                label: d.label.clone(),
                labels: d
                    .secondary
                    .iter()
                    .map(|l| JsonLabel {
                        pos: pos(sources, l.span),
                        message: l.message.clone(),
                    })
                    .collect(),
                help: d.help.clone(),
                notes: d.notes.clone(),
                suggestion: d.suggestion.as_ref().map(|s| JsonSuggestion {
                    pos: pos(sources, s.span),
                    replacement: s.replacement.clone(),
                    message: s.message.clone(),
                }),
            })
            .collect(),
        errors: diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        warnings: diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("diagnostics serialize");
    s.push('\n');
    s
}

/// Plain text without colour, for snapshots.
pub fn plain(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut buf = term::termcolor::NoColor::new(Vec::new());
    human(&mut buf, sources, diags).expect("writing to memory");
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}
