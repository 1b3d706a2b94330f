//! Diagnostic rendering for the command line: codespan-reporting for people (the
//! common shape written directly by [`fast`], byte for byte the same), JSON for tools
//! ([`json`], streamed). The LSP edge converts diagnostics itself.

mod fast;
mod json;

pub use json::{json, write_json};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use codespan_reporting::term::termcolor::WriteColor;
use engc_core::diag::{Diagnostic, Severity};
use engc_core::source::SourceMap;

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
    let mut fast = fast::Fast::new();
    // Without colour, each diagnostic is written to memory and passed on in one write
    // (the renderer's many small writes are then copies, not calls through `out`).
    let mut plain = (!out.supports_color()).then(|| Plain(Vec::new()));
    for d in diags {
        let done = match &mut plain {
            Some(buf) => {
                buf.0.clear();
                let done = fast.render(buf, sources, d)?;
                out.write_all(&buf.0)?;
                done
            }
            None => fast.render(out, sources, d)?,
        };
        if !done {
            codespan(out, &config, sources, d)?;
        }
    }
    Ok(())
}

/// Text without colour, in memory: unlike `NoColor<Vec<u8>>`, whose `write_all` loops
/// over `write`, each piece is one inlined copy (a diagnostic is ~60 pieces).
struct Plain(Vec<u8>);

impl std::io::Write for Plain {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl WriteColor for Plain {
    fn supports_color(&self) -> bool {
        false
    }

    #[inline]
    fn set_color(&mut self, _: &term::termcolor::ColorSpec) -> std::io::Result<()> {
        Ok(())
    }

    #[inline]
    fn reset(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer that gathers small writes (serde_json's pretty printer writes a quote, a
/// key, an indent at a time) in memory and passes them on in 64 KiB pieces: each small
/// write is then an inlined copy, not a call through `dyn Write`. `finish` writes the
/// rest.
pub(crate) struct Chunked<'w> {
    out: &'w mut dyn std::io::Write,
    buf: Vec<u8>,
}

impl<'w> Chunked<'w> {
    const SIZE: usize = 1 << 16;

    pub(crate) fn new(out: &'w mut dyn std::io::Write) -> Chunked<'w> {
        Chunked {
            out,
            buf: Vec::with_capacity(Self::SIZE),
        }
    }

    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl std::io::Write for Chunked<'_> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= Self::SIZE {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

/// One diagnostic rendered by codespan-reporting.
fn codespan(
    out: &mut dyn WriteColor,
    config: &term::Config,
    sources: &SourceMap,
    d: &Diagnostic,
) -> std::io::Result<()> {
    term::emit_to_write_style(out, config, &Sources(sources), &to_codespan(d))
        .map_err(std::io::Error::other)
}

/// Plain text without colour, for snapshots.
pub fn plain(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut buf = term::termcolor::NoColor::new(Vec::new());
    human(&mut buf, sources, diags).expect("writing to memory");
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::termcolor::Buffer;

    /// Every diagnostic of `tests/cases`, rendered by the fast path where it applies,
    /// equals codespan's rendering byte for byte, with and without colour.
    #[test]
    fn fast_rendering_equals_codespan() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
        let mut taken = 0;
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eng"))
            .collect();
        paths.sort();
        for path in paths {
            let input = crate::Input {
                name: path.display().to_string(),
                path: Some(path.clone()),
                bytes: std::fs::read(&path).unwrap(),
            };
            let c = crate::compile(
                vec![input],
                &crate::loader::DiskLoader,
                &crate::Options::default(),
            );
            let config = term::Config::default();
            for d in &c.diagnostics {
                for colour in [false, true] {
                    let new = || {
                        if colour {
                            Buffer::ansi()
                        } else {
                            Buffer::no_color()
                        }
                    };
                    let (mut a, mut b) = (new(), new());
                    let mut f = fast::Fast::new();
                    if f.render(&mut a, &c.sources, d).unwrap() {
                        taken += 1;
                        codespan(&mut b, &config, &c.sources, d).unwrap();
                        assert_eq!(
                            String::from_utf8_lossy(a.as_slice()),
                            String::from_utf8_lossy(b.as_slice()),
                            "{} {:?}",
                            path.display(),
                            d.code
                        );
                    }
                }
            }
        }
        assert!(taken > 100, "the fast path rendered only {taken}");
    }
}
