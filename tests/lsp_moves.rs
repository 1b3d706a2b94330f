//! What the language server's cache hands over instead of copying: kept access levels
//! moved in place once no compilation holds them, and an edit's parse lent to its
//! compilation and given back. Each compilation must equal one from scratch.

use engc_core::loader::DiskLoader;
use engc_core::{compile_with, Compilation, Options};
use engc_ide::cache::ParseCache;

use crate::compare;

use compare::{example, input, same};

/// A kept level that moved, once no compilation holds it (the server lets go of the one
/// it replaces before compiling), is moved in place: the same value, at its new position,
/// and the compilation equals one from scratch.
#[test]
fn moved_levels_no_one_holds_are_moved_in_place() {
    use engc_core::model::Shared;
    let (path, text) = example("chalk");
    let cache = ParseCache::new();
    let o = Options::default();
    let compile = |t: &str| compile_with(vec![input(&path, t)], &DiskLoader, &o, &cache);
    let first = compile(&text).model.unwrap().accesses;
    let at: Vec<(*const engc_core::model::Access, u32)> = first
        .iter()
        .map(|a| (&**a as *const _, a.span.start))
        .collect();
    drop(first);
    let moved_text = format!("\n\n{text}");
    let moved = compile(&moved_text);
    let levels = &moved.model.as_ref().unwrap().accesses;
    assert_eq!(levels.len(), at.len());
    for (b, (ptr, start)) in levels.iter().zip(&at) {
        assert_eq!(&**b as *const _, *ptr);
        assert_eq!(b.span.start, start + 2);
    }
    let fresh = engc_core::compile(vec![input(&path, &moved_text)], &DiskLoader, &o);
    same(&moved, &fresh, "two blank lines at the top");
    // Still held by `moved`: the next move copies.
    let again = compile(&format!("\n{moved_text}"));
    let again = &again.model.as_ref().unwrap().accesses;
    assert!(levels.iter().zip(again).all(|(a, b)| !Shared::ptr_eq(a, b)));
}

/// An edit's re-parse lends its AST to the compilation; given back when the server
/// replaces that compilation, the next edit re-parses from it; not given back, the next
/// edit parses the whole file. Either way the compilation equals one from scratch.
#[test]
fn a_lent_parse_given_back_is_reparsed_from() {
    let (path, text) = example("chalk");
    let cache = ParseCache::new();
    let o = Options::default();
    let compile = |t: &str| compile_with(vec![input(&path, t)], &DiskLoader, &o, &cache);
    let check = |c: &Compilation, t: &str| {
        same(
            c,
            &engc_core::compile(vec![input(&path, t)], &DiskLoader, &o),
            t,
        )
    };
    let texts = [
        format!("{text}\n"),
        format!("{text}\n\n"),
        format!("{text}\n\n\n"),
    ];
    let mut c = compile(&text);
    for (i, t) in texts.iter().enumerate() {
        cache.give_back(&mut c);
        c = compile(t);
        check(&c, t);
        assert_eq!(cache.reparsed(), i + 1);
    }
    // Not given back: the whole file is parsed, and the result is the same.
    let t = format!("{text}\n\n\n\n");
    let d = compile(&t);
    check(&d, &t);
    assert_eq!(cache.reparsed(), texts.len());
    assert!(!c.files.is_empty());
}
