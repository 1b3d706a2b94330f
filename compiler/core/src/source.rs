//! Source files and byte spans. Positions (line, column) are computed only when a
//! diagnostic is rendered, never while parsing.

use std::path::PathBuf;

/// Index of a file in a [`SourceMap`].
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    /// 0 for text as written; else 1 + the index of the inclusion (`include NAME` in
    /// an access level) that copied it, so that a grant of a `grants` group included
    /// by two levels is two grants, and a diagnostic on it can say which level.
    pub via: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
            via: 0,
        }
    }

    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
            via: self.via,
        }
    }

    /// The same text, as written (not through an inclusion).
    pub fn written(self) -> Span {
        Span { via: 0, ..self }
    }

    pub fn contains(self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// `3@172..176`: file 3, bytes 172 to 176 (stage snapshots read better so).
impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}..{}", self.file.0, self.start, self.end)?;
        match self.via {
            0 => Ok(()),
            v => write!(f, "~{v}"),
        }
    }
}

/// A value with the span it came from.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

/// `"shop" 3@172..176`.
impl<T: std::fmt::Debug> std::fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)?;
        write!(f, " {:?}", self.span)
    }
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path as given, or `<stdlib>/x.eng`).
    pub name: String,
    /// Where it was read from, for resolving `use` relative to it.
    pub path: Option<PathBuf>,
    pub text: String,
    /// Byte offsets of line starts, for line/column look-ups: found on first use, as
    /// most files (the standard library's, in every run) never have a line shown.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// For a file that was not valid UTF-8 (its text decoded lossily): its pieces in
    /// order, so that offsets can be given in the file's bytes. Empty for valid files.
    pieces: Vec<Piece>,
}

impl SourceFile {
    pub fn new(name: String, path: Option<PathBuf>, text: String) -> SourceFile {
        SourceFile {
            name,
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
            pieces: Vec::new(),
        }
    }

    /// A file from bytes that are not all UTF-8: each invalid sequence becomes one
    /// U+FFFD, and the pieces are kept (see [`SourceFile::byte_offset`]).
    pub fn lossy(name: String, path: Option<PathBuf>, bytes: &[u8]) -> SourceFile {
        let mut text = String::with_capacity(bytes.len() + 16);
        let mut pieces = Vec::new();
        let mut at = 0;
        for chunk in bytes.utf8_chunks() {
            pieces.push(Piece {
                text: text.len(),
                bytes: at,
                invalid: 0,
            });
            text.push_str(chunk.valid());
            at += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                pieces.push(Piece {
                    text: text.len(),
                    bytes: at,
                    invalid: chunk.invalid().len(),
                });
                text.push('\u{FFFD}');
                at += chunk.invalid().len();
            }
        }
        let mut f = SourceFile::new(name, path, text);
        f.pieces = pieces;
        f
    }

    /// The offset in the file's bytes of an offset in `text`: the same for valid
    /// UTF-8; inside a replacement character, the start of the bytes it stands for.
    pub fn byte_offset(&self, text_offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.text <= text_offset);
        let Some(p) = i.checked_sub(1).map(|i| &self.pieces[i]) else {
            return text_offset;
        };
        if p.invalid > 0 {
            let replaced = '\u{FFFD}'.len_utf8();
            return if text_offset >= p.text + replaced {
                p.bytes + p.invalid + (text_offset - p.text - replaced)
            } else {
                p.bytes
            };
        }
        p.bytes + (text_offset - p.text)
    }

    /// Zero-based line and byte column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        (line, offset - starts[line])
    }

    /// One-based line and character column (counted in chars), as people read them.
    pub fn human_position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, _) = self.line_col(offset);
        let start = self.line_starts()[line];
        let col = self.text[start..offset].chars().count();
        (line + 1, col + 1)
    }

    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }
}

/// A run of a lossily decoded file: valid text, or one replacement character standing
/// for `invalid` bytes.
#[derive(Clone, Debug)]
struct Piece {
    text: usize,
    bytes: usize,
    invalid: usize,
}

/// Every file of one compilation: user files and the embedded standard library.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: String, path: Option<PathBuf>, text: String) -> FileId {
        self.add_file(SourceFile::new(name, path, text))
    }

    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn find_path(&self, path: &std::path::Path) -> Option<FileId> {
        self.files()
            .find(|(_, f)| f.path.as_deref() == Some(path))
            .map(|(id, _)| id)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file)
            .text
            .get(span.range())
            .unwrap_or_default()
    }
}
