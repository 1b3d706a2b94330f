//! The language server keeps each access level's lowering between compilations
//! (`engc_core::memo`): after any sequence of edits, a compilation that reuses them must
//! give what a compilation from scratch gives (diagnostics, model and documents).

use engc_core::loader::DiskLoader;
use engc_core::{backend::Target, compile, compile_with, Compilation, Options};
use engc_ide::cache::ParseCache;
use proptest::prelude::*;
use std::path::Path;

use crate::generate;

use crate::compare;

use compare::{example, floor, input, same};

use generate::example_paths as examples;

/// Compiles `text` as `path` through `cache` and from scratch: they must agree.
fn same_as_fresh(path: &Path, cache: &ParseCache, text: &str) {
    let o = Options::default();
    let c = compile_with(vec![input(path, text)], &DiskLoader, &o, cache);
    let fresh = compile(vec![input(path, text)], &DiskLoader, &o);
    same(&c, &fresh, "an edit");
}

fn options(outputs: bool) -> Options {
    Options {
        outputs: outputs.then(|| Target::ALL.iter().copied().collect()),
        ..Options::default()
    }
}

/// A declared name of the text (`store NAME`, `engine NAME`...), the `n`th one.
fn declared(text: &str, n: usize) -> Option<(String, String)> {
    let decls: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let kw = w.next()?;
            [
                "store",
                "engine",
                "principal",
                "network",
                "access",
                "grants",
            ]
            .contains(&kw)
            .then(|| w.next())
            .flatten()
            .map(|n| (kw.to_string(), n.trim_end_matches(':').to_string()))
        })
        .collect();
    (!decls.is_empty()).then(|| decls[n % decls.len()].clone())
}

/// One edit, as an editor's keystrokes or a refactoring would make it.
#[derive(Clone, Debug)]
enum Edit {
    /// A character typed at a position (a fraction of the length).
    Insert(f64, char),
    /// Up to `len` bytes deleted at a position.
    Delete(f64, usize),
    /// Every whole-word use of the `n`th declared name renamed (a rename).
    Rename(usize),
    /// Only the declaration of the `n`th name renamed (its uses now dangle).
    RenameDecl(usize),
    /// The kind of the `n`th store changed, or a store appended.
    Store(usize),
    /// A blank line inserted at the start of a line (moves every later span).
    Blank(f64),
    /// A whole line deleted (a grant taken away, mostly still valid).
    DeleteLine(f64),
    /// A line copied below itself (a grant given twice, or to a second level).
    CopyLine(f64, f64),
}

fn apply(text: &mut String, e: &Edit) {
    let at = |f: f64| floor(text, (f * text.len() as f64) as usize);
    match *e {
        Edit::Insert(f, c) => {
            let i = at(f);
            text.insert(i, c);
        }
        Edit::Delete(f, len) => {
            let i = at(f);
            let j = floor(text, i + len);
            text.replace_range(i..j, "");
        }
        Edit::Rename(n) => {
            if let Some((_, name)) = declared(text, n) {
                *text = rename_words(text, &name, &format!("{name}_x"), usize::MAX);
            }
        }
        Edit::RenameDecl(n) => {
            if let Some((kw, name)) = declared(text, n) {
                let from = format!("{kw} {name}");
                *text = text.replacen(&from, &format!("{from}_y"), 1);
            }
        }
        Edit::Store(n) => {
            let stores: Vec<usize> = text.match_indices("\nstore ").map(|(i, _)| i).collect();
            match stores.get(n % stores.len().max(1)) {
                Some(&i) => {
                    let line_end = text[i + 1..].find('\n').map_or(text.len(), |e| i + 1 + e);
                    let line = &text[i + 1..line_end];
                    let kinds = ["bucket", "registry", "secrets", "queue", "s3"];
                    let new = match line.split_once(':') {
                        Some((head, _)) => format!("{head}: {}", kinds[n % kinds.len()]),
                        None => line.to_string(),
                    };
                    text.replace_range(i + 1..line_end, &new);
                }
                None => text.push_str("\nstore added_store: bucket\n"),
            }
        }
        Edit::DeleteLine(f) => {
            let (s, e) = line_at(text, at(f));
            text.replace_range(s..e, "");
        }
        Edit::CopyLine(f, to) => {
            let (s, e) = line_at(text, at(f));
            let line = text[s..e].to_string();
            let (dest, _) = line_at(text, at(to));
            text.insert_str(dest, &line);
        }
        Edit::Blank(f) => {
            let i = at(f);
            let line_start = text[..i].rfind('\n').map_or(0, |k| k + 1);
            text.insert(line_start, '\n');
        }
    }
}

/// The line (with its newline) holding byte `i`.
fn line_at(text: &str, i: usize) -> (usize, usize) {
    let s = text[..i].rfind('\n').map_or(0, |k| k + 1);
    let e = text[i..].find('\n').map_or(text.len(), |k| i + k + 1);
    (s, e)
}

/// `text` with whole-word `from` replaced by `to`.
fn rename_words(text: &str, from: &str, to: &str, limit: usize) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = text;
    let mut done = 0;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + from.len()..].chars().next();
        out.push_str(&rest[..i]);
        if done < limit && !before.is_some_and(word) && !after.is_some_and(word) {
            out.push_str(to);
            done += 1;
        } else {
            out.push_str(from);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            0.0..1.0f64,
            prop::sample::select(vec![' ', 'a', '\n', '{', '}', '"', '_', 'x'])
        )
            .prop_map(|(f, c)| Edit::Insert(f, c)),
        (0.0..1.0f64, 1..8usize).prop_map(|(f, n)| Edit::Delete(f, n)),
        (0..40usize).prop_map(Edit::Rename),
        (0..40usize).prop_map(Edit::RenameDecl),
        (0..40usize).prop_map(Edit::Store),
        (0.0..1.0f64).prop_map(Edit::Blank),
        (0.0..1.0f64).prop_map(Edit::DeleteLine),
        (0.0..1.0f64, 0.0..1.0f64).prop_map(|(f, t)| Edit::CopyLine(f, t)),
    ]
}

/// Compiles each step with the session's cache and from scratch, and compares.
fn check_sequence(path: &Path, edits: &[Edit], outputs: bool) {
    let mut text = std::fs::read_to_string(path).unwrap();
    let mut cache = ParseCache::new();
    let o = options(outputs);
    for (i, e) in std::iter::once(None)
        .chain(edits.iter().map(Some))
        .enumerate()
    {
        if let Some(e) = e {
            apply(&mut text, e);
        }
        let mut cached = compile_with(vec![input(path, &text)], &DiskLoader, &o, &cache);
        let fresh = compile(vec![input(path, &text)], &DiskLoader, &o);
        same(
            &cached,
            &fresh,
            &format!("edit {i} ({e:?}) of {}", path.display()),
        );
        let live: Vec<_> = cached
            .stdlib
            .iter()
            .chain(&cached.files)
            .map(|(id, _)| (*id, cached.sources.get(*id).text.clone()))
            .collect();
        cache.retain(live.iter().map(|(id, t)| (*id, t.as_str())));
        // As the server does with a compilation it replaces: the next edit re-parses
        // from the files it was lent (half the time; else it parses the whole file).
        if i % 2 == 0 {
            cache.give_back(&mut cached);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn cached_lowering_equals_a_fresh_compile(
        example in 0..5usize,
        outputs in any::<bool>(),
        edits in prop::collection::vec(edit_strategy(), 1..12),
    ) {
        let ex = examples();
        check_sequence(&ex[example % ex.len()], &edits, outputs);
    }
}

/// A blank line above a level moves it: it is reused, not lowered again; an edit
/// inside one level lowers that one only; an edit to a store the levels read lowers
/// those that name it.
#[test]
fn only_the_levels_an_edit_can_change_are_lowered_again() {
    let (path, text) = example("chalk");
    let levels = text.matches("\naccess ").count();
    assert!(levels >= 2);
    let cache = ParseCache::new();
    let run = |t: &str| same_as_fresh(&path, &cache, t);
    let principals = text.matches("\nprincipal ").count();
    run(&text);
    assert_eq!(cache.levels().counts(), (0, levels));
    assert_eq!(cache.levels().finding_counts(), (0, principals));
    assert_eq!(cache.levels().limit_counts(), (0, levels));
    // A blank line at the top moves every level.
    let moved = format!("\n{text}");
    run(&moved);
    assert_eq!(cache.levels().counts(), (levels, levels));
    assert_eq!(cache.levels().finding_counts(), (principals, principals));
    assert_eq!(cache.levels().limit_counts(), (levels, levels));
    // A character typed in the first level's name: that level only.
    let first = moved.find("\naccess ").unwrap() + "\naccess ".len();
    let mut typed = moved.clone();
    typed.insert(first, 'z');
    run(&typed);
    assert_eq!(cache.levels().counts(), (2 * levels - 1, levels + 1));
    // Its principal's findings only, and its size limits.
    assert_eq!(
        cache.levels().finding_counts(),
        (2 * principals - 1, principals + 1)
    );
    assert_eq!(cache.levels().limit_counts(), (2 * levels - 1, levels + 1));
}

/// The files that trigger the kept checks' findings (too many managed policies, a
/// statement too large, a risky principal): after a blank line, a name typed, a line
/// copied and one deleted, each compilation through the cache gives what one from
/// scratch gives, and the unchanged levels' limits are reused.
#[test]
fn kept_limits_and_risks_report_as_a_fresh_compile_does() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    for (name, code) in [("E0801", "E0801"), ("E0806", "E0806"), ("W0411", "W0411")] {
        let path = cases.join(format!("{name}.eng"));
        let text = std::fs::read_to_string(&path).unwrap();
        let o = Options::default();
        let fresh = compile(vec![input(&path, &text)], &DiskLoader, &o);
        assert!(fresh.diagnostics.iter().any(|d| d.code.as_str() == code));
        let cache = ParseCache::new();
        let run = |t: &str| same_as_fresh(&path, &cache, t);
        run(&text);
        let moved = format!("\n{text}");
        run(&moved);
        if code != "W0411" {
            let (reused, measured) = cache.levels().limit_counts();
            assert!(
                reused > 0 && reused == measured,
                "{name}: {reused}, {measured}"
            );
        }
        let first = moved.find("\naccess ").unwrap() + "\naccess ".len();
        let mut typed = moved.clone();
        typed.insert(first, 'z');
        run(&typed);
        for edit in [
            Edit::CopyLine(0.5, 0.6),
            Edit::DeleteLine(0.4),
            Edit::Blank(0.9),
        ] {
            apply(&mut typed, &edit);
            run(&typed);
        }
    }
}

/// A store's kind changed: the levels that name it are lowered again, the rest reused.
#[test]
fn an_edit_to_a_store_lowers_the_levels_that_name_it() {
    let (path, text) = example("lakeside");
    let levels = text.matches("\naccess ").count();
    let naming = text
        .split("\naccess ")
        .skip(1)
        .filter(|l| l.split(|c: char| !c.is_alphanumeric()).any(|w| w == "jobs"))
        .count();
    assert!(naming > 0 && naming < levels);
    let cache = ParseCache::new();
    let run = |t: &str| same_as_fresh(&path, &cache, t);
    run(&text);
    let changed = text.replace("store jobs: queue", "store jobs: bucket");
    assert_ne!(changed, text);
    run(&changed);
    assert_eq!(cache.levels().counts(), (levels - naming, levels + naming));
}

/// A kept level whose items did not move is handed to the next compilation as the
/// same value (not a copy); one that moved is placed afresh, at its new position.
#[test]
fn unmoved_levels_are_shared_not_copied() {
    use engc_core::model::Shared;
    let (path, text) = example("chalk");
    let cache = ParseCache::new();
    let o = Options::default();
    let compile = |t: &str| compile_with(vec![input(&path, t)], &DiskLoader, &o, &cache);
    let levels = |c: &Compilation| c.model.as_ref().unwrap().accesses.clone();
    let first = levels(&compile(&text));
    // A blank line at the end moves nothing.
    let end = format!("{text}\n");
    let same = levels(&compile(&end));
    assert!(first.len() >= 2);
    assert!(first.iter().zip(&same).all(|(a, b)| Shared::ptr_eq(a, b)));
    // A blank line at the top moves every level, one byte down.
    let moved = levels(&compile(&format!("\n{end}")));
    for (a, b) in first.iter().zip(&moved) {
        assert!(!Shared::ptr_eq(a, b));
        assert_eq!(b.span.start, a.span.start + 1);
    }
}
