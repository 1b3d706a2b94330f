//! The common diagnostic shape written directly, byte for byte as codespan-reporting
//! renders it (`term::Config::default()`), without its per-diagnostic work (a label
//! tree, a `Styles` built per colour change, one write per source character).
//!
//! The shape: every label in one file, each on a line of its own, starting and ending
//! on that line, whose text (its line ending trimmed) is printable ASCII. Anything else
//! is left to codespan ([`Fast::plan`] says no). `tests` compares both on every
//! diagnostic of `tests/cases`, with and without colour.

use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use engc_core::diag::{Diagnostic, Severity};
use engc_core::source::{SourceFile, SourceMap};
use std::io::Result;

/// codespan's default colours, built once.
struct Styles {
    header: [ColorSpec; 3],
    header_message: ColorSpec,
    primary: [ColorSpec; 3],
    secondary: ColorSpec,
    /// Line numbers, the source border and the note bullet.
    gutter: ColorSpec,
}

impl Styles {
    fn new() -> Styles {
        let fg = |c| ColorSpec::new().set_fg(Some(c)).clone();
        let bold = ColorSpec::new().set_bold(true).set_intense(true).clone();
        let header = |c| bold.clone().set_fg(Some(c)).clone();
        Styles {
            header: [
                header(Color::Red),
                header(Color::Yellow),
                header(Color::Green),
            ],
            header_message: bold.clone(),
            primary: [fg(Color::Red), fg(Color::Yellow), fg(Color::Green)],
            secondary: fg(Color::Cyan),
            gutter: fg(Color::Cyan),
        }
    }
}

fn rank(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

/// One label as shown: its line (0-based), its columns and message.
struct Shown<'d> {
    line: usize,
    start: usize,
    end: usize,
    primary: bool,
    message: &'d str,
}

/// The renderer, with its styles and the buffers it reuses between diagnostics.
pub struct Fast<'d> {
    styles: Styles,
    shown: Vec<Shown<'d>>,
    note: String,
    /// The line of the last label looked up: diagnostics come sorted, so the next one
    /// is mostly on it or near it.
    hint: usize,
}

impl<'d> Fast<'d> {
    pub fn new() -> Fast<'d> {
        Fast {
            styles: Styles::new(),
            shown: Vec::new(),
            note: String::new(),
            hint: 0,
        }
    }

    /// Writes `d` when it has the common shape; false (nothing written) otherwise.
    pub fn render<W: WriteColor + ?Sized>(
        &mut self,
        out: &mut W,
        sources: &'d SourceMap,
        d: &'d Diagnostic,
    ) -> Result<bool> {
        let Some(f) = self.plan(sources, d) else {
            return Ok(false);
        };
        self.write(out, f, d)?;
        Ok(true)
    }

    /// Fills `shown` (sorted by line) when `d` has the common shape.
    fn plan(&mut self, sources: &'d SourceMap, d: &'d Diagnostic) -> Option<&'d SourceFile> {
        self.shown.clear();
        let file = d.span.file;
        let f = sources.get(file);
        let labels = std::iter::once((d.span, true, d.label.as_str())).chain(
            d.secondary
                .iter()
                .map(|l| (l.span, false, l.message.as_str())),
        );
        for (span, primary, message) in labels {
            let (start, end) = (span.start as usize, span.end as usize);
            if span.file != file || start > end || end > f.text.len() {
                return None;
            }
            let starts = f.line_starts();
            let line = line_of(starts, start, self.hint);
            self.hint = line;
            let next = starts.get(line + 1).copied().unwrap_or(usize::MAX);
            if end >= next || self.shown.iter().any(|s| s.line == line) {
                return None;
            }
            let text = line_text(f, line);
            if !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
                return None;
            }
            let first = starts[line];
            let (start, end) = (start - first, (end - first).max(start - first + 1));
            if start > text.len() || end > text.len() + 1 {
                return None;
            }
            self.shown.push(Shown {
                line,
                start,
                end,
                primary,
                message,
            });
        }
        self.shown.sort_by_key(|s| s.line);
        Some(f)
    }

    fn write<W: WriteColor + ?Sized>(
        &mut self,
        out: &mut W,
        f: &SourceFile,
        d: &Diagnostic,
    ) -> Result<()> {
        let st = &self.styles;
        let sev = rank(d.severity);
        let last_line = self.shown.last().map_or(0, |s| s.line);
        let pad = digits(last_line + 1);

        // error[E0204]: message
        out.set_color(&st.header[sev])?;
        out.write_all(
            match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            }
            .as_bytes(),
        )?;
        out.write_all(b"[")?;
        out.write_all(d.code.as_str().as_bytes())?;
        out.write_all(b"]")?;
        out.set_color(&st.header_message)?;
        out.write_all(b": ")?;
        out.write_all(d.message.as_bytes())?;
        out.reset()?;
        out.write_all(b"\n")?;

        //   ┌─ name:line:column
        let primary = self.shown.iter().find(|s| s.primary).expect("planned");
        gutter(out, pad)?;
        out.set_color(&st.gutter)?;
        out.write_all("┌─".as_bytes())?;
        out.reset()?;
        out.write_all(b" ")?;
        out.write_all(f.name.as_bytes())?;
        out.write_all(b":")?;
        decimal(out, primary.line + 1)?;
        out.write_all(b":")?;
        decimal(out, primary.start + 1)?;
        out.write_all(b"\n")?;
        gutter(out, pad)?;
        border(out, st, "│")?;
        out.write_all(b"\n")?;

        for (i, s) in self.shown.iter().enumerate() {
            let text = line_text(f, s.line);
            number(out, st, s.line + 1, pad)?;
            // A primary label's text is coloured.
            let (a, b) = if s.primary {
                (s.start.min(text.len()), s.end.min(text.len()))
            } else {
                (text.len(), text.len())
            };
            out.write_all(b" ")?;
            out.write_all(&text.as_bytes()[..a])?;
            if a < b {
                out.set_color(&st.primary[sev])?;
                out.write_all(&text.as_bytes()[a..b])?;
                out.reset()?;
            }
            out.write_all(&text.as_bytes()[b..])?;
            out.write_all(b"\n")?;

            // The carets, and the message after them.
            let style = if s.primary {
                &st.primary[sev]
            } else {
                &st.secondary
            };
            gutter(out, pad)?;
            border(out, st, "│")?;
            out.write_all(b" ")?;
            repeat(out, b' ', s.start)?;
            out.set_color(style)?;
            repeat(out, if s.primary { b'^' } else { b'-' }, s.end - s.start)?;
            out.reset()?;
            if !s.message.is_empty() {
                out.write_all(b" ")?;
                out.set_color(style)?;
                out.write_all(s.message.as_bytes())?;
                out.reset()?;
            }
            out.write_all(b"\n")?;

            // Between two lines: nothing, the one line between, or a break.
            if let Some(next) = self.shown.get(i + 1) {
                match next.line - s.line {
                    1 => {}
                    2 => {
                        number(out, st, s.line + 2, pad)?;
                        out.write_all(b" ")?;
                        out.write_all(line_text(f, s.line + 1).as_bytes())?;
                        out.write_all(b"\n")?;
                    }
                    _ => {
                        gutter(out, pad)?;
                        border(out, st, "·")?;
                        out.write_all(b"\n")?;
                    }
                }
            }
        }

        let has_notes = d.help.is_some()
            || d.suggestion
                .as_ref()
                .is_some_and(|s| !s.replacement.is_empty())
            || !d.notes.is_empty();
        if has_notes {
            gutter(out, pad)?;
            border(out, st, "│")?;
            out.write_all(b"\n")?;
        }
        if let Some(h) = &d.help {
            self.note(out, pad, &["help: ", h])?;
        }
        if let Some(s) = d.suggestion.as_ref().filter(|s| !s.replacement.is_empty()) {
            self.note(out, pad, &["suggestion: `", &s.replacement, "`"])?;
        }
        for n in &d.notes {
            self.note(out, pad, &["note: ", n])?;
        }
        out.write_all(b"\n")
    }

    /// `= first line`, then the other lines indented under it.
    fn note<W: WriteColor + ?Sized>(
        &mut self,
        out: &mut W,
        pad: usize,
        parts: &[&str],
    ) -> Result<()> {
        self.note.clear();
        for p in parts {
            self.note.push_str(p);
        }
        for (i, line) in self.note.lines().enumerate() {
            gutter(out, pad)?;
            if i == 0 {
                out.set_color(&self.styles.gutter)?;
                out.write_all(b"=")?;
                out.reset()?;
            } else {
                out.write_all(b" ")?;
            }
            out.write_all(b" ")?;
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

impl Default for Fast<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// The line (0-based) that holds byte `offset`, as `SourceFile::line_col` finds it:
/// looked for first near `hint` (a secondary label is mostly a line or two before its
/// primary, the next diagnostic a few lines after), then by a binary search.
pub(super) fn line_of(starts: &[usize], offset: usize, hint: usize) -> usize {
    let holds = |l: usize| {
        starts.get(l).is_some_and(|&s| s <= offset) && starts.get(l + 1).is_none_or(|&n| offset < n)
    };
    if let Some(l) = (hint.saturating_sub(3)..hint + 4).find(|&l| holds(l)) {
        return l;
    }
    starts.partition_point(|&s| s <= offset) - 1
}

/// A line's text without its line ending (codespan trims `\n`, `\r` and `\0`).
fn line_text(f: &SourceFile, line: usize) -> &str {
    let starts = f.line_starts();
    let end = starts.get(line + 1).copied().unwrap_or(f.text.len());
    f.text[starts[line]..end].trim_end_matches(['\n', '\r', '\0'])
}

fn digits(n: usize) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 1
}

fn repeat<W: WriteColor + ?Sized>(out: &mut W, b: u8, n: usize) -> Result<()> {
    let buf = [b; 64];
    let mut left = n;
    while left > 0 {
        let k = left.min(buf.len());
        out.write_all(&buf[..k])?;
        left -= k;
    }
    Ok(())
}

/// The outer gutter without a number: `pad` spaces and one.
fn gutter<W: WriteColor + ?Sized>(out: &mut W, pad: usize) -> Result<()> {
    repeat(out, b' ', pad + 1)
}

fn border<W: WriteColor + ?Sized>(out: &mut W, st: &Styles, ch: &str) -> Result<()> {
    out.set_color(&st.gutter)?;
    out.write_all(ch.as_bytes())?;
    out.reset()
}

/// The outer gutter with a line number, and the border.
fn number<W: WriteColor + ?Sized>(out: &mut W, st: &Styles, n: usize, pad: usize) -> Result<()> {
    out.set_color(&st.gutter)?;
    repeat(out, b' ', pad.saturating_sub(digits(n)))?;
    decimal(out, n)?;
    out.reset()?;
    out.write_all(b" ")?;
    border(out, st, "│")
}

/// `n` in decimal, without `fmt`'s machinery (three numbers a diagnostic).
fn decimal<W: WriteColor + ?Sized>(out: &mut W, mut n: usize) -> Result<()> {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&buf[at..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::termcolor::NoColor;

    #[test]
    fn line_of_finds_the_line_whatever_the_hint() {
        let starts = [0, 5, 6, 12, 20];
        for offset in 0..30 {
            let want = match starts.binary_search(&offset) {
                Ok(l) => l,
                Err(l) => l - 1,
            };
            for hint in 0..9 {
                assert_eq!(line_of(&starts, offset, hint), want, "{offset} {hint}");
            }
        }
    }

    #[test]
    fn line_numbers_are_padded_as_format_pads_them() {
        let st = Styles::new();
        for n in [0, 1, 9, 10, 99, 100, 12_345, 199_999, usize::MAX] {
            for pad in [1, 2, 3, 6, 25] {
                let mut out = NoColor::new(Vec::new());
                number(&mut out, &st, n, pad).unwrap();
                let expected = format!("{n: >pad$} │");
                assert_eq!(String::from_utf8(out.into_inner()).unwrap(), expected);
            }
        }
    }
}
