//! The lossless tree: its text is the input byte for byte (examples, the standard
//! library, every test case, and mutated and broken inputs), its structure is
//! consistent, and its typed accessors agree with the AST.

use super::ast::Item;
use super::nodes::{Declaration, Root, Use};
use super::parse_full;
use super::tree::{Element, NodeKind, SyntaxNode};
use crate::source::FileId;
use std::path::Path;

fn file() -> FileId {
    crate::source::SourceMap::new().add("t.eng".into(), None, String::new())
}

/// Every node's range is its children's, which follow each other with no gap.
fn check_ranges(n: SyntaxNode) {
    let mut at = n.start();
    for c in n.children_with_tokens() {
        let (s, e) = match c {
            Element::Node(c) => {
                check_ranges(c);
                (c.start(), c.end())
            }
            Element::Token(t) => (t.start(), t.end()),
        };
        assert_eq!(s, at, "gap or overlap before {c:?} in {n:?}");
        assert!(s < e, "empty element {c:?}");
        at = e;
    }
    if n.children_with_tokens().next().is_some() {
        assert_eq!(at, n.end(), "{n:?} ends after its children");
    }
}

/// The tree of `text` holds it byte for byte, and its AST is [`parse`]'s.
fn lossless(text: &str) {
    let p = parse_full(file(), text);
    assert_eq!(p.tree.text(), text, "the tree's text is the input");
    let root = p.tree.root();
    assert_eq!((root.start(), root.end()), (0, text.len()));
    check_ranges(root);
    let (ast, diags) = super::parse(file(), text);
    assert_eq!(format!("{ast:?}"), format!("{:?}", p.ast));
    assert_eq!(diags.len(), p.diags.len());
    // One error node per syntax error; a parsed declaration per item, except after a
    // block comment that never closes: to the tokenizer (and the editor) the rest of
    // the file is that comment, while pest resumes after the error it is.
    let r = Root::cast(root).unwrap();
    let open = crate::syntax::tokens::tokenize(text)
        .last()
        .is_some_and(|t| t.kind == (crate::syntax::tokens::Tok::Comment { closed: false }));
    if open {
        assert!(r.declarations().count() <= ast.items.len());
    } else {
        assert_eq!(r.declarations().count(), ast.items.len(), "{text}");
    }
    assert!(r.errors().count() <= diags.len());
}

fn eng_files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eng"))
        // (A few test cases are not UTF-8 on purpose: decoding rejects them first.)
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect();
    out.sort();
    out
}

fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all = eng_files(&root.join("examples"));
    all.extend(eng_files(&root.join("stdlib")));
    all.extend(eng_files(&root.join("tests/cases")));
    all
}

#[test]
fn every_file_is_kept_byte_for_byte() {
    let all = corpus();
    assert!(all.len() > 200, "the corpus: {}", all.len());
    for (name, text) in &all {
        let r = std::panic::catch_unwind(|| lossless(text));
        assert!(r.is_ok(), "{name}");
    }
}

#[test]
fn mutated_and_broken_inputs_are_kept() {
    let inserts = [
        "}",
        "{",
        "/*",
        "*/",
        "// x\n",
        "\"",
        "\\",
        "é🦀",
        "\r\n",
        "\t",
        "store s: s3\n",
        "engine e: eks on\n",
        "access a for b scoped {\n",
        "[",
        "]",
        ",",
        "fd00::/8",
        "10.0.0.0/8x",
        "ack W0402 \"x\"\n",
        "\n\n",
        "=",
        ":",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let all = corpus();
    let sources: Vec<&String> = all
        .iter()
        .filter(|(n, _)| n.contains("examples") || n.contains("stdlib"))
        .map(|(_, t)| t)
        .collect();
    for src in sources {
        for _ in 0..40 {
            let mut text = src.clone();
            for _ in 0..1 + next(5) {
                let at = next(text.len() + 1);
                if !text.is_char_boundary(at) {
                    continue;
                }
                match next(3) {
                    0 => text.insert_str(at, inserts[next(inserts.len())]),
                    1 => {
                        let end = (at + next(40)).min(text.len());
                        if text.is_char_boundary(end) {
                            text.replace_range(at..end, "");
                        }
                    }
                    _ => text.truncate(at),
                }
            }
            lossless(&text);
        }
    }
    for text in [
        "",
        " ",
        "\n\n",
        "}",
        "deployment",
        "deployment x {",
        "/* open",
        "\"a\nb",
        "é",
    ] {
        lossless(text);
    }
}

#[test]
fn broken_declaration_is_an_error_node() {
    let text = "store a: s3\n\nstore b s3 // no colon\n  // note\nstore c: s3\n";
    let p = parse_full(file(), text);
    let root = Root::cast(p.tree.root()).unwrap();
    let names: Vec<_> = root
        .declarations()
        .map(|d| d.name().unwrap().text())
        .collect();
    assert_eq!(names, ["a", "c"]);
    let errors: Vec<_> = root.errors().map(|e| e.text()).collect();
    assert_eq!(errors, ["store b s3"]);
    assert_eq!(p.tree.text(), text);
}

#[test]
fn accessors_agree_with_the_ast() {
    for (name, text) in corpus() {
        let p = parse_full(file(), &text);
        let root = Root::cast(p.tree.root()).unwrap();
        let decls: Vec<Declaration> = root.declarations().collect();
        assert_eq!(decls.len(), p.ast.items.len(), "{name}");
        for (d, item) in decls.iter().zip(&p.ast.items) {
            let ast_name = match item {
                Item::Deployment(x) => Some(&x.name),
                Item::Principal(x) => Some(&x.name),
                Item::Network(x) => Some(&x.name),
                Item::Engine(x) => Some(&x.name),
                Item::Store(x) => Some(&x.name),
                Item::Access(x) => Some(&x.name),
                Item::Grants(x) => Some(&x.name),
                Item::Scp(x) => Some(&x.name),
                Item::Kind(x) => Some(&x.name),
                Item::Component(x) => Some(&x.name),
                _ => None,
            };
            if let Some(n) = ast_name {
                let t = d.name().expect("a named declaration has a name");
                assert_eq!(t.text(), n.node, "{name}");
                assert_eq!(t.start(), n.span.start as usize, "{name}");
            }
            if let Item::Use(s) = item {
                let u = d.to::<Use>().unwrap();
                assert_eq!(u.path().and_then(|p| p.value()).as_deref(), Some(&*s.node));
            }
            assert!(d.keyword().is_some());
            // A block's statements lie inside its braces.
            if let (Some(l), Some(r)) = (d.l_brace(), d.r_brace()) {
                for s in d.statements() {
                    assert!(
                        l.end() <= s.start() && s.end() <= r.start(),
                        "{name}: {s:?}"
                    );
                }
            }
        }
        assert!(root
            .syntax()
            .descendants()
            .all(|n| n.kind() != NodeKind::Root || n == root.syntax()));
    }
}

#[test]
fn tree_dump_of_a_small_file() {
    let text = "// The vendor.\ndeployment shop {\n  clouds aws, gcp // two\n  param region = \"us\"\n}\n\nstore data: s3\nstore broken s3\n";
    let p = parse_full(file(), text);
    insta::assert_snapshot!(p.tree.debug_dump());
}

/// Where pest sees a boundary inside a token, the tree cuts the token there: the AST,
/// read from the tree, has what pest parsed (a declaration where parsing resumed inside
/// a comment that never closes, a keyword glued to an address).
#[test]
fn tokens_are_cut_where_pest_sees_a_boundary() {
    let text = "store a: s3 x\n/* open\nstore b: s3\n";
    lossless(text);
    let p = parse_full(file(), text);
    let root = Root::cast(p.tree.root()).unwrap();
    let names: Vec<_> = root
        .declarations()
        .filter_map(|d| d.name())
        .map(|t| t.text())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(p.ast.items.len(), 2);

    let text = "network n {\n  ingress a tcp from 10.0.0.0/8egress b udp from 1.2.3.4/32\n}\n";
    lossless(text);
    let p = parse_full(file(), text);
    let Item::Network(n) = &p.ast.items[0] else {
        panic!("{:?}", p.ast)
    };
    let rules: Vec<_> = n.rules.iter().map(|r| r.name.node.as_str()).collect();
    assert_eq!(rules, ["a", "b"]);
    assert!(p.diags.is_empty());
}
