//! The protocol's edge: byte offsets to lines and UTF-16 (or UTF-8, UTF-32) columns and
//! back, file URIs to paths and back, and engc's diagnostics to the protocol's.

use engc_core::diag::{self, Code, Severity};
use engc_core::source::{SourceMap, Span};
use lsp_types as lt;
use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

/// How columns are counted (`positionEncoding`); UTF-16 unless the client offers more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }

    pub fn kind(self) -> lt::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lt::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lt::PositionEncodingKind::UTF16,
            Encoding::Utf32 => lt::PositionEncodingKind::UTF32,
        }
    }

    /// The first encoding of the client's list that engc speaks; UTF-16 by default.
    pub fn negotiate(offered: Option<&[lt::PositionEncodingKind]>) -> Encoding {
        for k in offered.unwrap_or_default() {
            match k.as_str() {
                "utf-16" => return Encoding::Utf16,
                "utf-8" => return Encoding::Utf8,
                "utf-32" => return Encoding::Utf32,
                _ => {}
            }
        }
        Encoding::Utf16
    }
}

/// Line starts of a text, with `\n`, `\r\n` and a lone `\r` all ending a line, as the
/// protocol counts them.
pub struct LineIndex<'t> {
    text: &'t str,
    lines: Cow<'t, Lines>,
}

/// What a [`LineIndex`] finds in its text, kept to be reused: finding it is linear in
/// the text, too slow to repeat for each of thousands of spans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    starts: Vec<usize>,
    /// Every [`MARK`] bytes (at the next character boundary): the offset, and the
    /// UTF-16 units and the characters before it. A column is then counted from the
    /// mark before it rather than from its line's start, which on a megabyte-long line
    /// made each position cost a read of the line.
    marks: Vec<(usize, usize, usize)>,
}

const MARK: usize = 1024;

/// Pushes the offset after each `\n` of `b`, found eight bytes at a time:
/// `match_indices` paid a search's set-up for each of a large file's short lines.
fn line_feeds(b: &[u8], starts: &mut Vec<usize>) {
    starts.extend(engc_core::byte_search::positions(b, b'\n').map(|i| i + 1));
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> LineIndex<'t> {
        LineIndex {
            text,
            lines: Cow::Owned(Self::lines(text)),
        }
    }

    /// An index over what [`LineIndex::lines`] found in `text`.
    pub fn with_lines(text: &'t str, lines: &'t Lines) -> LineIndex<'t> {
        LineIndex {
            text,
            lines: Cow::Borrowed(lines),
        }
    }

    /// Found after every keystroke, for the whole file: the line ends eight bytes at a
    /// time (`\r` is rare), the marks a stretch at a time (an ASCII stretch counts its
    /// length, no character decoded).
    pub fn lines(text: &str) -> Lines {
        let b = text.as_bytes();
        let mut starts = vec![0];
        if !b.contains(&b'\r') {
            line_feeds(b, &mut starts);
        } else {
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'\n' => starts.push(i + 1),
                    b'\r' if b.get(i + 1) == Some(&b'\n') => {
                        starts.push(i + 2);
                        i += 1;
                    }
                    b'\r' => starts.push(i + 1),
                    _ => {}
                }
                i += 1;
            }
        }
        // A mark at the first character boundary at least MARK bytes after the last.
        let mut marks = vec![(0, 0, 0)];
        let (mut at, mut utf16, mut chars) = (0, 0, 0);
        loop {
            let mut next = at + MARK;
            while next < b.len() && !text.is_char_boundary(next) {
                next += 1;
            }
            if next >= b.len() {
                break;
            }
            let stretch = &text[at..next];
            if stretch.is_ascii() {
                utf16 += stretch.len();
                chars += stretch.len();
            } else {
                for c in stretch.chars() {
                    utf16 += c.len_utf16();
                    chars += 1;
                }
            }
            marks.push((next, utf16, chars));
            at = next;
        }
        Lines { starts, marks }
    }

    /// The units of `enc` before `offset` (a character boundary) in the whole text.
    fn units_before(&self, offset: usize, enc: Encoding) -> usize {
        let marks = &self.lines.marks;
        let (at, utf16, chars) = marks[marks.partition_point(|m| m.0 <= offset) - 1];
        let base = match enc {
            Encoding::Utf8 => at,
            Encoding::Utf16 => utf16,
            Encoding::Utf32 => chars,
        };
        base + self.text[at..offset]
            .chars()
            .map(|c| enc.units(c) as usize)
            .sum::<usize>()
    }

    /// Where line `line`'s text ends (before its terminator).
    fn line_end(&self, line: usize) -> usize {
        let starts = &self.lines.starts;
        let next = starts.get(line + 1).copied().unwrap_or(self.text.len());
        let s = &self.text[starts[line]..next];
        let trimmed = s
            .strip_suffix("\r\n")
            .or_else(|| s.strip_suffix('\n'))
            .or_else(|| s.strip_suffix('\r'))
            .unwrap_or(s);
        starts[line] + trimmed.len()
    }

    pub fn position(&self, offset: usize, enc: Encoding) -> lt::Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = &self.lines.starts;
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let end = self.line_end(line).min(offset);
        let col = self.units_before(end, enc) - self.units_before(starts[line], enc);
        lt::Position::new(line as u32, col as u32)
    }

    /// The byte offset of a position; a line past the end is the end of the text, a
    /// column past the line's end is the line's end, and a column inside a character
    /// (half of a surrogate pair) is that character's start.
    pub fn offset(&self, pos: lt::Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.lines.starts.len() {
            return self.text.len();
        }
        let start = self.lines.starts[line];
        let end = self.line_end(line);
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + enc.units(c);
            if next > pos.character {
                return start + i;
            }
            units = next;
        }
        end
    }

    pub fn range(&self, start: usize, end: usize, enc: Encoding) -> lt::Range {
        lt::Range::new(self.position(start, enc), self.position(end, enc))
    }

    /// Byte range of a protocol range (start and end ordered).
    pub fn offsets(&self, r: lt::Range, enc: Encoding) -> (usize, usize) {
        let a = self.offset(r.start, enc);
        let b = self.offset(r.end, enc);
        (a.min(b), a.max(b))
    }
}

/// The range of a span in the compilation's sources.
pub fn span_range(sources: &SourceMap, span: Span, enc: Encoding) -> lt::Range {
    let text = &sources.get(span.file).text;
    LineIndex::new(text).range(span.start as usize, span.end as usize, enc)
}

/// `file:///a/b%20c.eng` to `/a/b c.eng` (and `file:///C:/x` to `C:/x`); None for other
/// schemes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri
        .strip_prefix("file://")
        .or_else(|| uri.strip_prefix("FILE://"))?;
    // Drop the authority (`localhost`, or a host for UNC paths, which we do not read).
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if &rest[..i] == "localhost" => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    // `/C:/x` is a Windows drive path.
    let b = decoded.as_bytes();
    if cfg!(windows) && b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// An absolute path as a `file://` URI, percent-encoding what a URI path cannot hold.
pub fn path_to_uri(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn uri(s: &str) -> Option<lt::Uri> {
    lt::Uri::from_str(s).ok()
}

/// `.` and `..` removed without touching the disk (for files that do not exist yet).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The key a file is known by: its canonical path, or the normalized one when it does
/// not exist on disk.
pub fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// One engc diagnostic in the protocol's terms. `range` maps a span of its file to a
/// range, `location` any span to a location (None for files the client cannot open).
pub fn diagnostic(
    d: &diag::Diagnostic,
    range: &dyn Fn(Span) -> lt::Range,
    location: &dyn Fn(Span) -> Option<lt::Location>,
) -> lt::Diagnostic {
    let mut message = d.message.clone();
    if !d.label.is_empty() && !d.message.contains(&d.label) {
        message.push_str(&format!(" ({})", d.label));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    for n in &d.notes {
        message.push_str(&format!("\nnote: {n}"));
    }
    let related: Vec<lt::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|l| {
            Some(lt::DiagnosticRelatedInformation {
                location: location(l.span)?,
                message: if l.message.is_empty() {
                    "see here".to_string()
                } else {
                    l.message.clone()
                },
            })
        })
        .collect();
    lt::Diagnostic {
        range: range(d.span),
        severity: Some(match d.severity {
            Severity::Error => lt::DiagnosticSeverity::ERROR,
            Severity::Warning => lt::DiagnosticSeverity::WARNING,
            Severity::Note => lt::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lt::NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("engc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.code == Code::W0113).then(|| vec![lt::DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> lt::Position {
        lt::Position::new(line, character)
    }

    #[test]
    fn utf16_columns_on_non_ascii_lines() {
        // `é` is 2 bytes and 1 UTF-16 unit; `🦀` is 4 bytes and 2 units.
        let text = "ab\n// é🦀 x\nz";
        let li = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(li.position(x, Encoding::Utf16), p(1, 7));
        assert_eq!(li.position(x, Encoding::Utf8), p(1, 10));
        assert_eq!(li.position(x, Encoding::Utf32), p(1, 6));
        assert_eq!(li.offset(p(1, 7), Encoding::Utf16), x);
        assert_eq!(li.offset(p(1, 10), Encoding::Utf8), x);
        assert_eq!(li.offset(p(1, 6), Encoding::Utf32), x);
        let crab = text.find('🦀').unwrap();
        assert_eq!(li.position(crab, Encoding::Utf16), p(1, 4));
        // Inside the surrogate pair: the character's start.
        assert_eq!(li.offset(p(1, 5), Encoding::Utf16), crab);
        // Inside the UTF-8 bytes of a character, the position is the character's.
        assert_eq!(li.position(crab + 2, Encoding::Utf16), p(1, 4));
        // Every offset round-trips in every encoding.
        for (off, _) in text.char_indices() {
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                assert_eq!(li.offset(li.position(off, enc), enc), off);
            }
        }
    }

    #[test]
    fn columns_on_lines_longer_than_a_mark() {
        // Columns are counted from marks every 1,024 bytes; they must equal counting
        // from the line's start, across marks and lines, in every encoding.
        let text = "é🦀 abc\r\n".repeat(300) + &"x🦀é".repeat(2000) + "\n" + &"y".repeat(3000);
        let li = LineIndex::new(&text);
        let starts = &li.lines.starts;
        for (off, _) in text.char_indices().step_by(7) {
            let line = starts.partition_point(|&s| s <= off) - 1;
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let end = li.line_end(line).min(off);
                let naive: u32 = text[starts[line]..end].chars().map(|c| enc.units(c)).sum();
                let p = li.position(off, enc);
                assert_eq!((p.line, p.character), (line as u32, naive), "{off}");
                assert_eq!(li.offset(p, enc), off.min(li.line_end(line)));
            }
        }
    }

    /// The line starts and marks as found one character at a time.
    fn lines_char_by_char(text: &str) -> Lines {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        let mut marks = vec![(0, 0, 0)];
        let (mut utf16, mut chars) = (0, 0);
        for (i, c) in text.char_indices() {
            if i >= marks[marks.len() - 1].0 + MARK {
                marks.push((i, utf16, chars));
            }
            utf16 += c.len_utf16();
            chars += 1;
        }
        Lines { starts, marks }
    }

    #[test]
    fn lines_equal_a_count_char_by_char() {
        let pieces = ["a", "\n", "\r\n", "\r", "é", "🦀", "line of text ", "\t"];
        let mut seed = 7u64;
        for len in [0, 1, 5, 1023, 1024, 1025, 3000, 9000] {
            for _ in 0..4 {
                let mut text = String::new();
                while text.len() < len {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
                }
                assert_eq!(
                    LineIndex::lines(&text),
                    lines_char_by_char(&text),
                    "{text:?}"
                );
                // Without `\r`: the line feeds found eight bytes at a time.
                let lf = text.replace('\r', "");
                assert_eq!(LineIndex::lines(&lf), lines_char_by_char(&lf), "{lf:?}");
                let ascii = "x".repeat(len) + "\n";
                assert_eq!(LineIndex::lines(&ascii), lines_char_by_char(&ascii));
            }
        }
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "é\r\nline two\rthree";
        let li = LineIndex::new(text);
        assert_eq!(li.offset(p(0, 99), Encoding::Utf16), 2);
        assert_eq!(li.offset(p(99, 0), Encoding::Utf16), text.len());
        assert_eq!(
            li.offset(p(2, 0), Encoding::Utf16),
            text.find("three").unwrap()
        );
        assert_eq!(li.position(text.len(), Encoding::Utf16), p(2, 5));
        assert_eq!(li.position(3, Encoding::Utf16), p(0, 1)); // between \r and \n
        assert_eq!(li.position(999, Encoding::Utf16), p(2, 5));
        let empty = LineIndex::new("");
        assert_eq!(empty.position(0, Encoding::Utf16), p(0, 0));
        assert_eq!(empty.offset(p(3, 3), Encoding::Utf16), 0);
    }

    #[test]
    fn file_uris() {
        assert_eq!(
            uri_to_path("file:///tmp/a%20b/%C3%A9.eng"),
            Some(PathBuf::from("/tmp/a b/é.eng"))
        );
        assert_eq!(
            uri_to_path("file://localhost/x.eng"),
            Some(PathBuf::from("/x.eng"))
        );
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///bad%zz"), None);
        assert_eq!(
            path_to_uri(Path::new("/tmp/a b/é.eng")),
            "file:///tmp/a%20b/%C3%A9.eng"
        );
        let round = uri_to_path(&path_to_uri(Path::new("/x/[y]#z%.eng"))).unwrap();
        assert_eq!(round, PathBuf::from("/x/[y]#z%.eng"));
        assert_eq!(
            normalize(Path::new("/a/./b/../c.eng")),
            PathBuf::from("/a/c.eng")
        );
    }

    #[test]
    fn negotiation() {
        use lt::PositionEncodingKind as K;
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[K::new("utf-7"), K::UTF8, K::UTF16])),
            Encoding::Utf8
        );
    }
}
