//! JSON and YAML documents as one tree whose every node keeps its span in the input,
//! so that import diagnostics point at the field (line:col). JSON is read by the small
//! parser below (serde_json keeps no positions); YAML through serde_yaml, with each
//! node located by a forward search of its text (block YAML is written in order).
//! Neither ever panics: depth and size are bounded, numbers are kept as text.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// A parse error (boxed: a diagnostic is large and errors are rare).
pub type Error = Box<Diagnostic>;

/// Deeper nesting than any policy needs; bounds the recursion.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug)]
pub enum Val {
    Null,
    Bool(bool),
    /// As written: a number too large for any integer type is still a value.
    Num(String),
    Str(String),
    List(Vec<Node>),
    /// Keys in the order written.
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub val: Val,
    pub span: Span,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.val {
            Val::Map(m) => m
                .iter()
                .find(|(k, _)| matches!(&k.val, Val::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node of `key`, for a diagnostic on the field itself.
    pub fn key(&self, key: &str) -> Option<&Node> {
        match &self.val {
            Val::Map(m) => m
                .iter()
                .find(|(k, _)| matches!(&k.val, Val::Str(s) if s == key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match &self.val {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as the text a policy means by it (`true`, `10`), for condition values.
    pub fn scalar(&self) -> Option<String> {
        match &self.val {
            Val::Str(s) | Val::Num(s) => Some(s.clone()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn what(&self) -> &'static str {
        match self.val {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::List(_) => "a list",
            Val::Map(_) => "an object",
        }
    }
}

/// Parses JSON text into a located tree, or the first error (E1001).
pub fn parse_json(file: FileId, text: &str) -> Result<Node, Error> {
    let mut p = Json {
        file,
        text: text.as_bytes(),
        pos: 0,
    };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.pos < p.text.len() {
        return Err(p.err("text after the end of the JSON document"));
    }
    Ok(node)
}

struct Json<'a> {
    file: FileId,
    text: &'a [u8],
    pos: usize,
}

impl Json<'_> {
    fn err(&self, msg: &str) -> Error {
        let end = (self.pos + 1).min(self.text.len()).max(self.pos);
        Box::new(
            Diagnostic::new(Code::E1001, Span::new(self.file, self.pos, end), msg)
                .label("here")
                .help("the file must be one JSON document (or YAML: name it `.yaml`)"),
        )
    }

    fn ws(&mut self) {
        while self.pos < self.text.len()
            && matches!(self.text[self.pos], b' ' | b'\t' | b'\n' | b'\r')
        {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, Error> {
        if depth > MAX_DEPTH {
            return Err(self.err(&format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let start = self.pos;
        let val = match self.text.get(self.pos) {
            None => return Err(self.err("unexpected end of the input")),
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.text.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        if self.text.get(self.pos) != Some(&b'"') {
                            return Err(self.err("expected a quoted key"));
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.text.get(self.pos) != Some(&b':') {
                            return Err(self.err("expected `:` after the key"));
                        }
                        self.pos += 1;
                        self.ws();
                        let v = self.value(depth + 1)?;
                        entries.push((k, v));
                        self.ws();
                        match self.text.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `}`")),
                        }
                    }
                }
                Val::Map(entries)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.text.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.text.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                Val::List(items)
            }
            Some(b'"') => return self.string(),
            Some(b't') if self.text[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Val::Bool(true)
            }
            Some(b'f') if self.text[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Val::Bool(false)
            }
            Some(b'n') if self.text[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                Val::Null
            }
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                while self.pos < self.text.len()
                    && matches!(
                        self.text[self.pos],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.pos += 1;
                }
                let s = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
                if serde_json::from_str::<serde_json::Value>(&s).is_err() && !valid_big_number(&s) {
                    self.pos = start;
                    return Err(self.err("malformed number"));
                }
                Val::Num(s)
            }
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(Node {
            val,
            span: Span::new(self.file, start, self.pos),
        })
    }

    fn string(&mut self) -> Result<Node, Error> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.text.get(self.pos) else {
                self.pos = start;
                return Err(self.err("unterminated string"));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let esc = self.text.get(self.pos + 1).copied();
                    self.pos += 2;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let c = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&c)
                                && self.text[self.pos..].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                0x10000 + ((c - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                c
                            };
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.pos -= 2;
                            return Err(self.err("invalid escape in a string"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.err("a control character inside a string")),
                _ => {
                    // Copy one UTF-8 character (the text is valid UTF-8).
                    let rest = &self.text[self.pos..];
                    let len = utf8_len(c).min(rest.len());
                    out.push_str(&String::from_utf8_lossy(&rest[..len]));
                    self.pos += len;
                }
            }
        }
        Ok(Node {
            val: Val::Str(out),
            span: Span::new(self.file, start, self.pos),
        })
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self.text.get(self.pos..self.pos + 4);
        let v = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match v {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.err("malformed `\\u` escape")),
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// A JSON number serde_json may refuse only for its size.
fn valid_big_number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// Parses YAML text (one or more `---` documents) into located trees.
pub fn parse_yaml(file: FileId, text: &str) -> Result<Vec<Node>, Error> {
    use serde::Deserialize;
    let mut docs = Vec::new();
    let mut cursor = 0;
    for de in serde_yaml::Deserializer::from_str(text) {
        let value = match serde_yaml::Value::deserialize(de) {
            Ok(v) => v,
            Err(e) => {
                let at = e.location().map(|l| l.index()).unwrap_or(0).min(text.len());
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                return Err(Box::new(
                    Diagnostic::new(
                        Code::E1001,
                        Span::new(file, at, (at + 1).min(text.len())),
                        format!("malformed YAML: {msg}"),
                    )
                    .label("here")
                    .help("the file must be YAML (or JSON: name it `.json`)"),
                ));
            }
        };
        if value.is_null() {
            continue; // an empty document between `---` lines
        }
        let mut loc = Locator { file, text, cursor };
        let node = loc.node(&value, 0)?;
        cursor = loc.cursor;
        docs.push(node);
    }
    Ok(docs)
}

struct Locator<'a> {
    file: FileId,
    text: &'a str,
    cursor: usize,
}

impl Locator<'_> {
    /// Finds `needle` at or after the cursor; moves the cursor past it.
    fn locate(&mut self, needle: &str) -> Span {
        let rest = self.text.get(self.cursor..).unwrap_or("");
        match (!needle.is_empty()).then(|| rest.find(needle)).flatten() {
            Some(i) => {
                let start = self.cursor + i;
                self.cursor = start + needle.len();
                Span::new(self.file, start, self.cursor)
            }
            None => Span::new(self.file, self.cursor, self.cursor),
        }
    }

    fn node(&mut self, v: &serde_yaml::Value, depth: usize) -> Result<Node, Error> {
        use serde_yaml::Value as Y;
        if depth > MAX_DEPTH {
            let at = self.cursor;
            return Err(Box::new(Diagnostic::new(
                Code::E1001,
                Span::new(self.file, at, at),
                format!("nesting deeper than {MAX_DEPTH} levels"),
            )));
        }
        let start = self.cursor;
        let (val, span) = match v {
            Y::Null => (Val::Null, Span::new(self.file, start, start)),
            Y::Bool(b) => (Val::Bool(*b), self.locate(&b.to_string())),
            Y::Number(n) => (Val::Num(n.to_string()), self.locate(&n.to_string())),
            Y::String(s) => {
                let first_line = s.lines().next().unwrap_or("");
                (Val::Str(s.clone()), self.locate(first_line))
            }
            Y::Sequence(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.node(i, depth + 1)?);
                }
                let span = out
                    .first()
                    .map(|f| Span::new(self.file, f.span.start as usize, self.cursor))
                    .unwrap_or(Span::new(self.file, start, start));
                (Val::List(out), span)
            }
            Y::Mapping(m) => {
                let mut out = Vec::new();
                for (k, v) in m {
                    let k = self.node(k, depth + 1)?;
                    let v = self.node(v, depth + 1)?;
                    out.push((k, v));
                }
                let span = out
                    .first()
                    .map(|(k, _)| Span::new(self.file, k.span.start as usize, self.cursor))
                    .unwrap_or(Span::new(self.file, start, start));
                (Val::Map(out), span)
            }
            Y::Tagged(t) => return self.node(&t.value, depth + 1),
        };
        Ok(Node { val, span })
    }
}
