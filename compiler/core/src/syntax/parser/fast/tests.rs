//! The fast recognizer against pest: the same tree, AST and diagnostics on every
//! example, test case and standard library file, and on broken and cut inputs; and
//! one recognizer function per grammar rule.

use super::super::fast_path_agrees;
use std::path::Path;

fn eng_files(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eng"))
        // (A few test cases are not UTF-8 on purpose.)
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect();
    out.sort();
    out
}

#[test]
fn fast_path_and_pest_agree_on_every_file() {
    let mut all = eng_files("examples");
    all.extend(eng_files("stdlib"));
    all.extend(eng_files("tests/cases"));
    assert!(all.len() > 200, "the corpus: {}", all.len());
    let mut accepted = 0;
    for (name, text) in &all {
        match fast_path_agrees(text) {
            Ok(whole) => accepted += usize::from(whole),
            Err(e) => panic!("{name}: {e}"),
        }
    }
    // Every file without a syntax error is the fast path's alone.
    assert!(
        accepted > all.len() / 2,
        "accepted {accepted} of {}",
        all.len()
    );
    for name in ["chalk", "iomete", "lakeside", "aichor", "quickstart"] {
        let text = &all.iter().find(|(n, _)| n.contains(name)).unwrap().1;
        assert_eq!(fast_path_agrees(text), Ok(true), "{name}");
    }
}

#[test]
fn fast_path_and_pest_agree_on_cut_and_broken_text() {
    let text = &eng_files("examples")
        .into_iter()
        .find(|(n, _)| n.contains("chalk"))
        .unwrap()
        .1;
    // Every prefix that ends at a line, and every line with its last byte dropped.
    let lines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    for &end in lines.iter().step_by(3) {
        if let Err(e) = fast_path_agrees(&text[..end]) {
            panic!("prefix {end}: {e}");
        }
        let cut = format!("{}{}", &text[..end.saturating_sub(1)], &text[end..]);
        if let Err(e) = fast_path_agrees(&cut) {
            panic!("cut at {end}: {e}");
        }
    }
    for odd in [
        "engine e: eks create on x",
        "engine e: eks\n\n// c\n",
        "store s: s3 /* open",
        "access a scoped { read store x as \"s\" /* c */ }\n/* never closed",
        "network n { ingress ssh tcp 22-23 from 10.0.0.0/8ingress x tcp from tag \"t\" }",
        "access a scoped { k8s role \"r\" in \"ns\" { rule verbs [\"get\",] groups \"\" } }",
        "deployment d { external var.a, aws_s3.b.arn param x = \"1\", y }",
        "ack W0420 \"why\"",
        "",
        "   // only a comment",
    ] {
        if let Err(e) = fast_path_agrees(odd) {
            panic!("{odd:?}: {e}");
        }
    }
}

/// Each rule of the grammar has its function here; each keyword its word.
#[test]
fn every_grammar_rule_has_a_recognizer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let grammar = std::fs::read_to_string(root.join("../../grammar/eng.pest")).unwrap();
    let source: String = ["mod.rs", "rules.rs", "decls.rs", "access.rs"]
        .iter()
        .map(|f| std::fs::read_to_string(root.join("src/syntax/parser/fast").join(f)).unwrap())
        .collect();
    // pest's own rules, and the silent choices written out in the rules that use them.
    let inlined = [
        "WHITESPACE",
        "COMMENT",
        "item",
        "ident_char",
        "string_inner",
        "deployment_stmt",
        "principal_stmt",
        "network_stmt",
        "engine_body",
        "engine_stmt",
        "store_body",
        "store_stmt",
        "principal_ref",
        "access_stmt",
        "kind_stmt",
        "component_stmt",
    ];
    let mut missing = Vec::new();
    for line in grammar.lines() {
        let Some((name, _)) = line.split_once(" = ") else {
            continue;
        };
        let name = name.trim();
        if name.starts_with("//") || name.contains(' ') {
            continue;
        }
        let found = if let Some(w) = name.strip_prefix("kwc_").or(name.strip_prefix("kw_")) {
            source.contains(&format!("b\"{w}\""))
        } else {
            inlined.contains(&name) || source.contains(&format!("fn {name}("))
        };
        if !found {
            missing.push(name.to_string());
        }
    }
    assert!(missing.is_empty(), "no recognizer for {missing:?}");
}
