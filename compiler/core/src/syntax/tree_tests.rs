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

pub(crate) static COMPARED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// TEMPORARY: the AST read from the tree is the old pair-based lowering's.
fn same_ast_as_before(text: &str) {
    crate::syntax::parser::take_old();
    let (ast, _) = super::parse(FileId(0), text);
    let old = crate::syntax::ast::File { items: crate::syntax::parser::take_old() };
    if format!("{old:#?}") != format!("{ast:#?}") {
        std::fs::write("/tmp/treeast-old.txt", format!("{old:#?}")).unwrap();
        std::fs::write("/tmp/treeast-new.txt", format!("{ast:#?}")).unwrap();
        std::fs::write("/tmp/treeast-in.eng", text).unwrap();
        panic!("AST differs");
    }
    COMPARED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// The tree of `text` holds it byte for byte, and its AST is [`parse`]'s.
fn lossless(text: &str) {
    same_ast_as_before(text);
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
    eprintln!("COMPARED corpus {} files, {} inputs", all.len(), COMPARED.load(std::sync::atomic::Ordering::Relaxed));
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
    eprintln!("COMPARED after mutations: {}", COMPARED.load(std::sync::atomic::Ordering::Relaxed));
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

#[test]
fn dbg_one() {
    let Ok(text) = std::fs::read_to_string("/tmp/treeast-in.eng") else { return };
    let p = parse_full(FileId(0), &text);
    for c in p.tree.root().children() {
        eprintln!("DBG {:?} {:?}", c, &c.text()[..c.text().len().min(40)]);
    }
    for d in &p.diags { eprintln!("DBG diag {:?}", d); }
}

#[test]
fn compare_many() {
    let inserts = [
        "}", "{", "/*", "*/", "// x\n", "\"", "\\", "é🦀", "\r\n", "\t", "store s: s3\n",
        "engine e: eks on\n", "access a for b scoped {\n", "[", "]", ",", "fd00::/8",
        "10.0.0.0/8x", "ack W0402 \"x\"\n", "\n\n", "=", ":", "/* c */", "/* c\n store x: s3 */\n",
        "10.0.0.0/8ingress", "abc::/8", " ", "\nstore z: s3 /* open\n",
    ];
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let all = corpus();
    let before = COMPARED.load(std::sync::atomic::Ordering::Relaxed);
    for (_, src) in &all {
        for _ in 0..60 {
            let mut text = src.clone();
            for _ in 0..1 + next(5) {
                let at = next(text.len() + 1);
                if !text.is_char_boundary(at) {
                    continue;
                }
                match next(4) {
                    0 | 3 => text.insert_str(at, inserts[next(inserts.len())]),
                    1 => {
                        let end = (at + next(40)).min(text.len());
                        if text.is_char_boundary(end) {
                            text.replace_range(at..end, "");
                        }
                    }
                    _ => {
                        // Glue two words: drop one white space.
                        if let Some(w) = text[at..].find(' ') {
                            text.remove(at + w);
                        }
                    }
                }
            }
            same_ast_as_before(&text);
        }
    }
    for t in [
        "network n { cidr 10.0.0.0/8\n ingress ssh tcp 22 from 10.0.0.0/8ingress x tcp from 1.2.3.4/32 }",
        "network n { subnet abc::/8 }",
        "store a: s3\n/* open\nstore b: s3\n",
        "store a: s3 x\n/* closed\nstore b: s3\n*/ store c: s3\n",
    ] {
        same_ast_as_before(t);
    }
    eprintln!("COMPARED many: {}", COMPARED.load(std::sync::atomic::Ordering::Relaxed) - before);
}
