//! The tokens of `.eng` text: the one hand-written description of words, strings,
//! address blocks, comments and the white space between them (the grammar,
//! `grammar/eng.pest`, is the other, for pest). The parser reads comments and trivia
//! with it between declarations; the editor layer (completion, highlighting) and the
//! formatter read text that is being typed and may be broken with it. Every byte of the
//! input ends up in exactly one token or in white space, and nothing here can fail.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A word: identifiers and keywords (`a-z A-Z 0-9 _ -`).
    Ident,
    /// A string literal, quotes included; `closed` is false when the line ends first.
    Str { closed: bool },
    /// An address block or any other run of digits, dots, colons and slashes.
    Cidr,
    /// `// ...` or `/* ... */` (`closed` is false when the file ends first).
    Comment { closed: bool },
    /// Any other single character: `{ } [ ] , : =` and stray ones.
    Punct(char),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'t>(&self, src: &'t str) -> &'t str {
        &src[self.start..self.end]
    }

    pub fn is_comment(&self) -> bool {
        matches!(self.kind, Tok::Comment { .. })
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Tok::Punct(c)
    }
}

fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Where a token that runs to the end of its line (a `//` comment, an unclosed
/// string) ends: before the newline and the spaces, tabs and carriage returns before
/// it, which are trivia like any other line end.
fn line_end(src: &str, start: usize) -> usize {
    let end = src[start..].find('\n').map_or(src.len(), |n| start + n);
    start + src[start..end].trim_end_matches([' ', '\t', '\r']).len()
}

/// All tokens of `src`, comments included, in order.
pub fn tokenize(src: &str) -> Vec<Token> {
    Tokens::at(src, 0).collect()
}

/// The tokens of `src` from byte `at` on, one at a time (the parser reads only as far
/// as it needs).
pub struct Tokens<'s> {
    src: &'s str,
    i: usize,
}

impl<'s> Tokens<'s> {
    /// Reads `src` from `at`, which must be a character boundary.
    pub fn at(src: &'s str, at: usize) -> Tokens<'s> {
        Tokens {
            src,
            i: at.min(src.len()),
        }
    }

    /// Skips white space; returns where the next token (or the end) is.
    pub fn skip_white(&mut self) -> usize {
        let b = self.src.as_bytes();
        while self.i < b.len() && is_white(b[self.i]) {
            self.i += 1;
        }
        self.i
    }
}

/// The white space between tokens (pest's `WHITESPACE`).
pub fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether an address block's run of characters goes on at `i`: not into a comment
/// (`10.0.0.0/16// note`), where pest would start skipping one.
fn cidr_char(b: &[u8], i: usize, extra: fn(u8) -> bool) -> bool {
    let c = b[i];
    if c == b'/' && matches!(b.get(i + 1), Some(b'/' | b'*')) {
        return false;
    }
    extra(c) || matches!(c, b':' | b'/')
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let src = self.src;
        let b = src.as_bytes();
        let mut i = self.skip_white();
        if i >= b.len() {
            return None;
        }
        let c = b[i];
        let start = i;
        let kind = match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = line_end(src, i);
                Tok::Comment { closed: true }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match src[i + 2..].find("*/") {
                Some(n) => {
                    i += 2 + n + 2;
                    Tok::Comment { closed: true }
                }
                None => {
                    // Unclosed: it runs to the end of the file, trailing white space
                    // aside (trivia, as at every other line end).
                    i = start + src[start..].trim_end_matches([' ', '\t', '\r', '\n']).len();
                    Tok::Comment { closed: false }
                }
            },
            b'"' => {
                i += 1;
                let mut closed = false;
                while i < b.len() {
                    match b[i] {
                        b'\\' if i + 1 < b.len() && b[i + 1] != b'\n' => i += 2,
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                if !closed {
                    i = line_end(src, start);
                }
                Tok::Str { closed }
            }
            c if c.is_ascii_digit() => {
                // `10.0.0.0/16`, `fd00::/8`; an identifier that starts with a digit is
                // not valid, but reading it as one run keeps the tokens whole.
                while i < b.len() && cidr_char(b, i, |c| ident_char(c) || c == b'.') {
                    i += 1;
                }
                Tok::Cidr
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && ident_char(b[i]) {
                    i += 1;
                }
                // `fd00::/8` starts with letters: it is an address block when a `:`
                // or `/` follows a hex run.
                if i < b.len()
                    && b[i] == b':'
                    && b.get(i + 1) == Some(&b':')
                    && src[start..i].bytes().all(|c| c.is_ascii_hexdigit())
                {
                    while i < b.len() && cidr_char(b, i, |c| c.is_ascii_hexdigit()) {
                        i += 1;
                    }
                    Tok::Cidr
                } else {
                    Tok::Ident
                }
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('\u{FFFD}');
                i += ch.len_utf8().max(1);
                Tok::Punct(ch)
            }
        };
        self.i = i;
        Some(Token {
            kind,
            start,
            end: i,
        })
    }
}

/// The token that contains `offset` (a string or comment also when `offset` is at its
/// end and it is not closed), if any.
pub fn token_at(tokens: &[Token], offset: usize) -> Option<usize> {
    let i = tokens.partition_point(|t| t.end < offset);
    let t = tokens.get(i)?;
    (t.start <= offset && offset <= t.end).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, &str)> {
        tokenize(src)
            .into_iter()
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn tokens_of_a_statement() {
        let src = "subnet a 10.0.0.0/20 zone \"a\" // c\n  aws allow [\"s3:Get\"]";
        let k = kinds(src);
        assert_eq!(k[0], (Tok::Ident, "subnet"));
        assert_eq!(k[2], (Tok::Cidr, "10.0.0.0/20"));
        assert_eq!(k[4], (Tok::Str { closed: true }, "\"a\""));
        assert_eq!(k[5], (Tok::Comment { closed: true }, "// c"));
        assert_eq!(k[8], (Tok::Punct('['), "["));
        assert_eq!(k[9], (Tok::Str { closed: true }, "\"s3:Get\""));
    }

    #[test]
    fn unterminated_and_odd_input() {
        let k = kinds("\"abc\nx /* never");
        assert_eq!(k[0], (Tok::Str { closed: false }, "\"abc"));
        assert_eq!(k[1], (Tok::Ident, "x"));
        assert_eq!(k[2].0, Tok::Comment { closed: false });
        let k = kinds("é 🦀 \"é\\\"\" fd00::/8");
        assert_eq!(k[0], (Tok::Punct('é'), "é"));
        assert_eq!(k[1], (Tok::Punct('🦀'), "🦀"));
        assert_eq!(k[2], (Tok::Str { closed: true }, "\"é\\\"\""));
        assert_eq!(k[3], (Tok::Cidr, "fd00::/8"));
        assert!(tokenize("").is_empty());
        assert_eq!(kinds("\"\\"), vec![(Tok::Str { closed: false }, "\"\\")]);
    }

    #[test]
    fn token_at_offsets() {
        let src = "store x: s3";
        let t = tokenize(src);
        assert_eq!(token_at(&t, 0), Some(0));
        assert_eq!(token_at(&t, 5), Some(0));
        assert_eq!(token_at(&t, 6), Some(1));
        assert_eq!(token_at(&t, 11), Some(3));
        assert_eq!(token_at(&t, 8), Some(2));
    }
}
