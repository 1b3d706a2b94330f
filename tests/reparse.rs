//! Re-parsing only the declarations an edit touched gives what a parse from scratch
//! gives: the same lossless tree, the same AST (spans included) and the same syntax
//! errors, after any sequence of edits; and it declines (None) when it cannot show that.

use crate::generate;

use engc_core::source::FileId;
use engc_core::syntax::reparse::reparse;
use engc_core::syntax::{parse_full, Parsed};
use proptest::prelude::*;

const FILE: FileId = FileId(3);

use generate::{floor, TYPED};

/// The incremental parse equals a fresh one; returns whether it was incremental.
fn same_as_fresh(old: &Parsed, text: &str) -> (Parsed, bool) {
    let fresh = parse_full(FILE, text);
    let Some(inc) = reparse(FILE, old, text) else {
        return (fresh, false);
    };
    assert_eq!(inc.tree.source(), text);
    assert!(
        *inc.tree == *fresh.tree,
        "tree differs for {text:?}:\n{}\nvs fresh\n{}",
        inc.tree.debug_dump(),
        fresh.tree.debug_dump()
    );
    assert_eq!(format!("{:?}", inc.ast), format!("{:?}", fresh.ast), "AST");
    assert_eq!(inc.diags, fresh.diags, "syntax errors");
    (inc, true)
}

fn examples() -> Vec<String> {
    generate::example_paths()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn edits_reparse_as_from_scratch(
        example in 0usize..5,
        edits in prop::collection::vec((0.0f64..1.0, 0usize..40, 0..TYPED.len()), 1..12),
    ) {
        let texts = examples();
        let mut text = texts[example % texts.len()].clone();
        let mut parsed = parse_full(FILE, &text);
        for (at, len, typed) in edits {
            let s = floor(&text, (at * text.len() as f64) as usize);
            let e = floor(&text, s + len % 6);
            text.replace_range(s..e, TYPED[typed]);
            parsed = same_as_fresh(&parsed, &text).0;
        }
    }
}

#[test]
fn a_keystroke_in_each_declaration_is_incremental() {
    for text in examples() {
        let old = parse_full(FILE, &text);
        let starts: Vec<usize> = old.tree.root().children().map(|n| n.start()).collect();
        let mut incremental = 0;
        for &s in &starts {
            let mut t = text.clone();
            t.insert(s, ' ');
            incremental += usize::from(same_as_fresh(&old, &t).1);
            let mut t = text.clone();
            t.insert_str(s, "\n// note\n");
            incremental += usize::from(same_as_fresh(&old, &t).1);
        }
        assert_eq!(incremental, 2 * starts.len(), "every declaration");
    }
}

#[test]
fn declines_what_it_cannot_show() {
    let text = "store a: bucket\nstore b: bucket\nstore c: bucket\n";
    let old = parse_full(FILE, text);
    // A syntax error in the region: the whole file is parsed.
    assert!(reparse(FILE, &old, &text.replace("store b:", "store b")).is_none());
    // The edit joins a declaration to its guard: not the guard it was.
    let joined = text.replace("store c", "store b: bucket store c");
    let _ = same_as_fresh(&old, &joined);
    // An edit inside a broken declaration, outside it an error remains.
    let broken = "store a: bucket\nstore b bucket\nstore c: bucket\n";
    let old = parse_full(FILE, broken);
    assert!(!old.diags.is_empty());
    let (p, _) = same_as_fresh(&old, &broken.replace("store a", "store aa"));
    assert_eq!(p.diags.len(), old.diags.len());
    // A file with a syntax error is parsed whole: an error may be reported past the
    // declaration it belongs to (see `the_editor_tests_steps`).
    let (p, inc) = same_as_fresh(&old, text);
    assert!(!inc && p.diags.is_empty());
}

#[test]
fn edits_at_the_ends_of_the_file() {
    let text = "// head\nstore a: bucket\n\nstore b: bucket\n// tail\n";
    let old = parse_full(FILE, text);
    for t in [
        format!(" {text}"),
        format!("{text} "),
        format!("{text}store c: bucket\n"),
        text.replacen("// head\n", "", 1),
        String::new(),
    ] {
        let _ = same_as_fresh(&old, &t);
    }
}

/// The Neovim test's steps on the quickstart example: a line typed at the end and
/// deleted, then a misspelt store name fixed.
#[test]
fn the_editor_tests_steps() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text0 = std::fs::read_to_string(root.join("examples/quickstart.eng"))
        .unwrap()
        .replace("write store data", "/* données → */ write store dta");
    let text1 = format!("{text0}store extra: \n");
    let text3 = text0.replace("store dta", "store data");
    let mut old = parse_full(FILE, &text0);
    for text in [&text1, &text0, &text3] {
        old = same_as_fresh(&old, text).0;
    }
}
