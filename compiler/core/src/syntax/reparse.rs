//! Re-parsing only what an edit changed: the language server parses after each
//! keystroke, and a keystroke changes one declaration.
//!
//! The text that differs between the old and the new text is found (common prefix and
//! suffix); the declarations it touches, with one unchanged declaration on each side as
//! a guard, are parsed on their own through [`parse_full`]; their tree, AST and spans
//! are moved into place, and the rest of the old parse is kept (moved by what the text
//! gained, after the edit). The guards show that the edit did not join the region to
//! its neighbours: each must come back from the region's parse as it was. Anything
//! else (a region with a syntax error, a guard that changed or is an error) returns
//! None, and the caller parses the whole file, so the result is always that of a parse
//! from scratch.

use super::ast::File;
use super::parser::{parse_full, Parsed};
use super::shift::{item_span, shift};
use super::tree::NodeKind;
use crate::source::FileId;
use std::sync::Arc;

/// A top-level node: its kind and byte range.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Top {
    kind: NodeKind,
    start: usize,
    end: usize,
}

fn tops(p: &Parsed) -> Vec<Top> {
    p.tree
        .root()
        .children()
        .map(|n| Top {
            kind: n.kind(),
            start: n.start(),
            end: n.end(),
        })
        .collect()
}

/// The parse of `text` as file `file`, from `old` (a parse of an earlier text of the
/// same file) and a parse of only the declarations that changed; None when that cannot
/// be shown to equal a whole parse.
pub fn reparse(file: FileId, old: &Parsed, text: &str) -> Option<Parsed> {
    reparse_taking(file, &mut old.clone(), text)
}

/// [`reparse`], moving the kept items out of `old` rather than copying them: on
/// success `old` is left without its AST's items (the caller drops it); on failure it
/// is as it was.
pub fn reparse_taking(file: FileId, old: &mut Parsed, text: &str) -> Option<Parsed> {
    // A syntax error may be reported past the declaration it belongs to (at the next
    // token, or at the end of the file), so which old errors an edit leaves standing
    // cannot be told by position: a file with one is parsed whole.
    if !old.diags.is_empty() {
        return None;
    }
    let old_text = old.tree.source();
    let (old_len, new_len) = (old_text.len(), text.len());
    let mut p = old_text
        .bytes()
        .zip(text.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !text.is_char_boundary(p) || !old_text.is_char_boundary(p) {
        p -= 1;
    }
    let most = old_len.min(new_len) - p;
    let mut s = old_text
        .bytes()
        .rev()
        .zip(text.bytes().rev())
        .take(most)
        .take_while(|(a, b)| a == b)
        .count();
    while !old_text.is_char_boundary(old_len - s) || !text.is_char_boundary(new_len - s) {
        s -= 1;
    }
    // The edit replaced old_text[p..old_changed] by text[p..new_len - s].
    let old_changed = old_len - s;
    let delta = new_len as isize - old_len as isize;

    let decls = tops(old);
    // The first declaration the edit may touch, and the first one after it.
    let a = decls.partition_point(|d| d.end < p);
    let b = decls.partition_point(|d| d.start <= old_changed);
    let lo = a.checked_sub(1).map(|i| decls[i]);
    let hi = decls.get(b).copied();
    if [lo, hi]
        .iter()
        .flatten()
        .any(|d| !matches!(d.kind, NodeKind::Rule(_)))
    {
        return None;
    }
    // Old: [start, old_end) is replaced; the region parsed runs on to the end of `hi`.
    let start = lo.map_or(0, |d| d.start);
    let old_end = hi.map_or(old_len, |d| d.start);
    let region_end = hi.map_or(old_len, |d| d.end).checked_add_signed(delta)?;
    let region = text.get(start..region_end)?;
    let part = parse_full(file, region);
    if !part.diags.is_empty() {
        return None;
    }
    let part_len = old_end.checked_add_signed(delta)? - start;
    let got = tops(&part);
    if let Some(lo) = lo {
        let want = Top {
            kind: lo.kind,
            start: 0,
            end: lo.end - start,
        };
        (got.first() == Some(&want)).then_some(())?;
    }
    if let Some(hi) = hi {
        let want = Top {
            kind: hi.kind,
            start: part_len,
            end: region.len(),
        };
        (got.last() == Some(&want)).then_some(())?;
    }
    let tree = old
        .tree
        .splice(text.to_string(), start, old_end, &part.tree, part_len)?;

    let mut items = Vec::with_capacity(old.ast.items.len() + part.ast.items.len());
    let before = |at: usize| move |i: &super::ast::Item| (item_span(i).start as usize) < at;
    let kept = old.ast.items.partition_point(before(start));
    let after = old.ast.items.partition_point(before(old_end));
    let mut old_items = std::mem::take(&mut old.ast.items).into_iter();
    items.extend(old_items.by_ref().take(kept));
    let taken = part.ast.items.partition_point(before(part_len));
    items.extend(part.ast.items.into_iter().take(taken).map(|mut i| {
        shift(&mut i, start as isize);
        i
    }));
    items.extend(old_items.skip(after - kept).map(|mut i| {
        shift(&mut i, delta);
        i
    }));

    // No syntax errors: the old parse had none (above), nor has the region.
    let diags = Vec::new();
    Some(Parsed {
        tree: Arc::new(tree),
        ast: File { items },
        diags,
    })
}
