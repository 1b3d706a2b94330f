//! A hand-written recognizer of the grammar (`grammar/eng.pest` is the contract): the
//! same matches as pest's pairs, found ~10 times cheaper, with no token queue. It
//! follows pest's generated code step by step (a sequence skips white space and
//! comments between its parts, `x*` keeps no skipping after its last `x`, `x+` is
//! `x ~ x*`, `x?` keeps the skipping before it), so every match ends where pest's
//! pair ends. It only says yes or no: on any input it does not accept, the caller
//! parses with pest, whose errors are the diagnostics. One function per grammar rule
//! (`rules`, `decls`, `access`); the keywords are data ([`rules::KEYWORDS`]).

/// A non-atomic sequence `a ~ b ~ c`: the parts with pest's skipping between them.
macro_rules! s {
    ($p:ident; $first:expr $(, $rest:expr)* $(,)?) => {
        $first $(&& $p.skip() && $rest)*
    };
}

mod access;
mod decls;
mod rules;
#[cfg(test)]
mod tests;

use super::Rule;
use crate::syntax::tree::Match;

/// The declaration (or the end of the input) at `pos` of `text`, as rule `item` from
/// `pos` would give it; `None` where pest could say more (an error, the fallback).
/// `last_close`: the position of the last `*/` in `text`, so that an unclosed block
/// comment fails at once instead of being searched for again at each skipping.
pub(super) fn item(
    text: &str,
    pos: usize,
    last_close: Option<usize>,
) -> Option<(usize, Vec<Match>)> {
    let mut p = P {
        b: text.as_bytes(),
        pos,
        // (A declaration has a few dozen matches: fewer regrowths.)
        out: Vec::with_capacity(64),
        last_close,
    };
    p.skip();
    if p.pos == p.b.len() {
        return Some((p.pos - pos, Vec::new()));
    }
    p.declaration().then(|| (p.pos - pos, p.out))
}

/// The parser's state: the input, the position and the matches so far.
pub(super) struct P<'a> {
    b: &'a [u8],
    pos: usize,
    out: Vec<Match>,
    last_close: Option<usize>,
}

/// Where to go back to when a part fails.
#[derive(Clone, Copy)]
struct Mark(usize, usize);

/// Whether `rest` can start with `w`, by their first bytes (an empty `w` can).
fn first_byte_matches(rest: &[u8], w: &[u8]) -> bool {
    w.first().is_none_or(|f| rest.first() == Some(f))
}

impl P<'_> {
    fn mark(&self) -> Mark {
        Mark(self.pos, self.out.len())
    }

    fn reset(&mut self, m: Mark) {
        self.pos = m.0;
        self.out.truncate(m.1);
    }

    /// A rule with a pair: its match covers what `f` matched (nothing when it fails).
    fn rule(&mut self, rule: Rule, f: impl FnOnce(&mut Self) -> bool) -> bool {
        let m = self.mark();
        self.out.push(Match {
            rule,
            start: self.pos,
            end: 0,
            after: 0,
        });
        if f(self) {
            let after = self.out.len() as u32;
            let k = &mut self.out[m.1];
            k.end = self.pos;
            k.after = after;
            true
        } else {
            self.reset(m);
            false
        }
    }

    /// A sequence (or any part) that leaves nothing behind when it fails.
    fn seq(&mut self, f: impl FnOnce(&mut Self) -> bool) -> bool {
        let m = self.mark();
        let ok = f(self);
        if !ok {
            self.reset(m);
        }
        ok
    }

    /// `x?`: always succeeds.
    fn opt(&mut self, f: impl FnOnce(&mut Self) -> bool) -> bool {
        self.seq(f);
        true
    }

    /// `x*` as pest runs it: `(x ~ (skip ~ x)*)?`, so no skipping after the last `x`.
    fn rep(&mut self, mut f: impl FnMut(&mut Self) -> bool) -> bool {
        if self.seq(&mut f) {
            while self.seq(|p| p.skip() && f(p)) {}
        }
        true
    }

    /// `x+`, which pest unrolls to `x ~ x*`.
    fn rep1(&mut self, mut f: impl FnMut(&mut Self) -> bool) -> bool {
        self.seq(|p| f(p) && p.skip() && p.rep(f))
    }

    /// pest's implicit `(WHITESPACE* ~ (COMMENT ~ WHITESPACE*)*)`; always succeeds.
    fn skip(&mut self) -> bool {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                self.pos += 1;
            }
            let rest = &self.b[self.pos..];
            if rest.starts_with(b"//") {
                let line = rest.iter().position(|&c| c == b'\n');
                self.pos += line.unwrap_or(rest.len());
            } else if rest.starts_with(b"/*") && self.last_close.is_some_and(|c| c >= self.pos + 2)
            {
                let close = rest[2..].windows(2).position(|w| w == b"*/");
                match close {
                    Some(c) => self.pos += c + 4,
                    None => return true,
                }
            } else {
                return true;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// A literal.
    fn lit(&mut self, s: &[u8]) -> bool {
        let ok = self.b[self.pos..].starts_with(s);
        if ok {
            self.pos += s.len();
        }
        ok
    }

    /// `!ident_char`.
    fn boundary(&self) -> bool {
        !self.peek().is_some_and(rules::ident_char)
    }

    /// `"word" ~ !ident_char` (a keyword): nothing consumed when it fails.
    fn word(&mut self, w: &[u8]) -> bool {
        let rest = &self.b[self.pos..];
        // The first byte alone first: most words tried are not there, and comparing
        // the slices is a call to `memcmp` (a tenth of the 10,000 levels' calls).
        let ok = first_byte_matches(rest, w)
            && rest.starts_with(w)
            && !self
                .b
                .get(self.pos + w.len())
                .copied()
                .is_some_and(rules::ident_char);
        if ok {
            self.pos += w.len();
        }
        ok
    }

    /// A keyword with a pair (`kw_aws = @{ "aws" ~ !ident_char }`).
    fn kw(&mut self, rule: Rule, w: &[u8]) -> bool {
        // The word first: most keywords tried are not there (nothing to push and pop).
        let start = self.pos;
        if !self.word(w) {
            return false;
        }
        let after = self.out.len() as u32 + 1;
        self.out.push(Match {
            rule,
            start,
            end: self.pos,
            after,
        });
        true
    }

    /// `("a" | "b" | ...) ~ !ident_char`: the first literal that matches is the one
    /// (PEG), and the boundary must follow it.
    fn one_of(&mut self, words: &[&[u8]]) -> bool {
        let rest = &self.b[self.pos..];
        let Some(w) = words
            .iter()
            .find(|w| first_byte_matches(rest, w) && rest.starts_with(w))
        else {
            return false;
        };
        self.word(w)
    }
}
