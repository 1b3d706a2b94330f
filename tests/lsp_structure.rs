//! The language server's structural features, in process: semantic tokens, document
//! links, folding ranges, selection ranges, workspace symbols and inlay hints.

use crate::lsp_client;

use lsp_client::*;
use lsp_types as lt;

/// The file's semantic tokens from the server, decoded.
fn semantic_tokens(
    c: &mut Client,
    path: &std::path::Path,
) -> Vec<(u32, u32, u32, &'static str, u32)> {
    let r = c
        .request::<lt::request::SemanticTokensFullRequest>(lt::SemanticTokensParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(path) },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lt::SemanticTokensResult::Tokens(tokens) = r else {
        panic!("{r:?}")
    };
    decode(&tokens)
}

/// Semantic tokens decoded to (line, column, length, type name, modifiers).
fn decode(tokens: &lt::SemanticTokens) -> Vec<(u32, u32, u32, &'static str, u32)> {
    let (mut line, mut col) = (0, 0);
    tokens
        .data
        .iter()
        .map(|t| {
            line += t.delta_line;
            col = if t.delta_line == 0 {
                col + t.delta_start
            } else {
                t.delta_start
            };
            let ty = engc::ide::semantic::TYPES[t.token_type as usize];
            (line, col, t.length, ty, t.token_modifiers_bitset)
        })
        .collect()
}

fn open_quickstart() -> (tempfile::TempDir, std::path::PathBuf, Client) {
    let dir = tmp();
    let path = dir.path().join("shop.eng");
    let mut c = Client::start();
    c.open(&path, QUICKSTART);
    c.diagnostics(&path);
    (dir, path, c)
}

#[test]
fn semantic_tokens_colour_keywords_names_strings_and_parameters() {
    let (_dir, path, mut c) = open_quickstart();
    let toks = semantic_tokens(&mut c, &path);
    let at = |needle: &str, k: u32| {
        let p = inside(QUICKSTART, needle, k);
        *toks
            .iter()
            .find(|t| t.0 == p.line && t.1 <= p.character && p.character < t.1 + t.2)
            .unwrap_or_else(|| panic!("no token at {needle:?}: {toks:?}"))
    };
    assert_eq!(at("deployment shop", 0).3, "keyword");
    // A declaration carries the `declaration` modifier (bit 0); a use does not.
    assert_eq!(at("principal vendor", 10).3, "interface");
    assert_eq!(at("principal vendor", 10).4 & 1, 1);
    assert_eq!(at("for vendor", 4).3, "interface");
    assert_eq!(at("for vendor", 4).4 & 1, 0);
    assert_eq!(at("store data: bucket", 6).3, "struct");
    // Standard library kinds: `defaultLibrary` (bit 1).
    assert_eq!(at("store data: bucket", 12).3, "type");
    assert_eq!(at("store data: bucket", 12).4 & 2, 2);
    assert_eq!(at("10.20.0.0/16", 0).3, "number");
    // A parameter inside a string cuts it: string, parameter, string.
    let namespace = at("in \"${namespace}\"", 6);
    assert_eq!(namespace.3, "parameter");
    assert_eq!(at("in \"${namespace}\"", 3).3, "string");
    assert_eq!(at("in \"${namespace}\"", 16).3, "string");
    // Sorted, one line each, never overlapping, never empty.
    for w in toks.windows(2) {
        assert!((w[0].0, w[0].1 + w[0].2) <= (w[1].0, w[1].1), "{w:?}");
    }
    assert!(toks.iter().all(|t| t.2 > 0));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn links_on_use_paths_open_the_used_file() {
    let dir = tmp();
    let shared = dir.path().join("shared.eng");
    std::fs::write(&shared, "store extra: bucket\n").unwrap();
    let path = dir.path().join("main.eng");
    let text = format!("use \"shared.eng\"\n{QUICKSTART}");
    let mut c = Client::start();
    c.open(&path, &text);
    c.diagnostics(&path);
    let links = c
        .request::<lt::request::DocumentLinkRequest>(lt::DocumentLinkParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(
        links[0].target.as_ref().unwrap().as_str(),
        uri(&shared).as_str()
    );
    assert_eq!(links[0].range.start, pos(0, 4));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn folding_ranges_cover_blocks_and_comment_runs() {
    let dir = tmp();
    let path = dir.path().join("shop.eng");
    let text = format!("// one\n// two\n// three\n{QUICKSTART}");
    let mut c = Client::start();
    c.open(&path, &text);
    c.diagnostics(&path);
    let folds = c
        .request::<lt::request::FoldingRangeRequest>(lt::FoldingRangeParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let has = |start: u32, end: u32, kind: lt::FoldingRangeKind| {
        folds
            .iter()
            .any(|f| f.start_line == start && f.end_line == end && f.kind == Some(kind.clone()))
    };
    assert!(has(0, 2, lt::FoldingRangeKind::Comment), "{folds:?}");
    let dep = find(&text, "deployment shop").line;
    let dep_end = find(&text, "}\n\nprincipal").line;
    assert!(has(dep, dep_end, lt::FoldingRangeKind::Region), "{folds:?}");
    let access = find(&text, "access operate").line;
    assert!(folds.iter().any(|f| f.start_line == access), "{folds:?}");
    assert!(folds.iter().all(|f| f.end_line > f.start_line));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn selection_ranges_grow_from_the_word_to_the_file() {
    let (_dir, path, mut c) = open_quickstart();
    let at = inside(QUICKSTART, "s3:GetObject", 3);
    let r = c
        .request::<lt::request::SelectionRangeRequest>(lt::SelectionRangeParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            positions: vec![at],
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let mut ranges = Vec::new();
    let mut s = Some(&r[0]);
    while let Some(x) = s {
        ranges.push(x.range);
        s = x.parent.as_deref();
    }
    // The string's contents, the string, ..., the access level, the whole file.
    assert_eq!(ranges[0].start, find(QUICKSTART, "s3:GetObject"));
    assert_eq!(ranges[1].start, find(QUICKSTART, "\"s3:GetObject\""));
    let contains = |outer: &lt::Range, inner: &lt::Range| {
        (outer.start.line, outer.start.character) <= (inner.start.line, inner.start.character)
            && (inner.end.line, inner.end.character) <= (outer.end.line, outer.end.character)
    };
    for w in ranges.windows(2) {
        assert!(contains(&w[1], &w[0]) && w[0] != w[1], "{ranges:?}");
    }
    let access = find(QUICKSTART, "access operate");
    assert!(ranges.iter().any(|r| r.start == access), "{ranges:?}");
    assert_eq!(ranges.last().unwrap().start, pos(0, 0));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn workspace_symbols_find_declarations_by_fuzzy_name() {
    let (_dir, path, mut c) = open_quickstart();
    let search = |c: &mut Client, q: &str| -> Vec<lt::SymbolInformation> {
        match c
            .request::<lt::request::WorkspaceSymbolRequest>(lt::WorkspaceSymbolParams {
                query: q.into(),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            })
            .unwrap()
        {
            lt::WorkspaceSymbolResponse::Flat(v) => v,
            other => panic!("{other:?}"),
        }
    };
    let found = search(&mut c, "oprt");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].name, "operate");
    assert_eq!(found[0].location.uri.as_str(), uri(&path).as_str());
    assert_eq!(
        found[0].location.range.start,
        inside(QUICKSTART, "access operate", 7)
    );
    // A subnet is found with its network as the container; the standard library's
    // kinds are not listed.
    let all = search(&mut c, "");
    assert!(all
        .iter()
        .any(|s| s.name == "a" && s.container_name.as_deref() == Some("main")));
    assert!(!all.iter().any(|s| s.name == "bucket"), "{all:?}");
    assert!(search(&mut c, "zzz").is_empty());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn inlay_hints_show_expansions_and_parameter_values() {
    let (_dir, path, mut c) = open_quickstart();
    let hints = c
        .request::<lt::request::InlayHintRequest>(lt::InlayHintParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            range: lt::Range::new(pos(0, 0), pos(1000, 0)),
            work_done_progress_params: Default::default(),
        })
        .unwrap();
    let label = |h: &lt::InlayHint| match &h.label {
        lt::InlayHintLabel::String(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    // After `${namespace}` (default "shop"); none after `${external_id}` (no value).
    let ns_end = inside(QUICKSTART, "in \"${namespace}\"", 16);
    assert!(
        hints
            .iter()
            .any(|h| h.position == ns_end && label(h) == "= \"shop\""),
        "{hints:?}"
    );
    let ext_end = inside(QUICKSTART, "\"${external_id}\"", 15);
    assert!(!hints.iter().any(|h| h.position == ext_end), "{hints:?}");
    // After `write store data`: what it expands to on the deployment's clouds.
    let write_end = inside(QUICKSTART, "write store data", 16);
    let w = hints
        .iter()
        .find(|h| h.position == write_end)
        .unwrap_or_else(|| panic!("{hints:?}"));
    assert!(
        label(w).starts_with("→ AWS ") && label(w).contains("GCP "),
        "{}",
        label(w)
    );
    // Hints only in the range asked for.
    let few = c
        .request::<lt::request::InlayHintRequest>(lt::InlayHintParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            range: lt::Range::new(pos(0, 0), pos(3, 0)),
            work_done_progress_params: Default::default(),
        })
        .unwrap();
    assert!(few.is_empty(), "{few:?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn completion_offers_the_binding_statements_words_in_order() {
    let dir = tmp();
    let path = dir.path().join("shop.eng");
    let mut c = Client::start();
    let labels = |c: &mut Client, text: &str, at: &str| -> Vec<String> {
        c.open(&path, text);
        c.diagnostics(&path);
        // Just after `at` (which may span lines), as a UTF-16 position (ASCII here).
        let end = text.find(at).unwrap() + at.len();
        let line = text[..end].matches('\n').count() as u32;
        let col = (end - text[..end].rfind('\n').map_or(0, |i| i + 1)) as u32;
        let p = pos(line, col);
        c.completion(&path, p)
            .into_iter()
            .map(|i| i.label)
            .collect()
    };
    let with = |line: &str| {
        QUICKSTART.replace(
            "  write store data\n",
            &format!("  write store data\n  {line}\n"),
        )
    };
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("gcp ", &["bind", "permissions"], &[]),
        (
            "gcp bind \"roles/storage.objectViewer\" on ",
            &["bucket", "service_account", "folder", "organization"],
            &["to"],
        ),
        (
            "gcp bind \"roles/storage.objectViewer\" on bucket \"b\" ",
            &["to", "when"],
            &["as"],
        ),
        ("azure ", &["assign", "actions"], &[]),
        ("azure assign \"Reader\" ", &["on"], &["to"]),
        (
            "azure assign \"Reader\" on \"/subscriptions/x\" ",
            &["to"],
            &["on"],
        ),
        ("k8s ", &["bind", "cluster_role"], &[]),
        ("k8s bind ", &["cluster_role", "role"], &[]),
        ("k8s bind cluster_role \"edit\" ", &["in", "to"], &[]),
    ];
    for (line, want, not) in cases {
        let text = with(line);
        let l = labels(&mut c, &text, &format!("write store data\n  {line}"));
        for w in *want {
            assert!(l.iter().any(|x| x == w), "{line:?}: no {w} in {l:?}");
        }
        for n in *not {
            assert!(!l.iter().any(|x| x == n), "{line:?}: {n} in {l:?}");
        }
    }
    assert_eq!(c.shutdown(), 0);
}

/// A level with a syntax error in its block: the server's tree holds it as an `ERROR`
/// node, which folds as a whole and is coloured from its tokens, and the declarations
/// around it fold and colour as in a file without the error.
#[test]
fn a_broken_block_still_folds_and_colours_the_rest() {
    let text = QUICKSTART.replace(
        "access operate",
        "access broken for vendor scoped {\n  read store data ,,, {\n  aws allow [\"s3:GetObject\"]\n}\n\naccess operate",
    );
    let (_dir, path, mut c) = opened("shop.eng", &text);
    assert!(c
        .diagnostics(&path)
        .diagnostics
        .iter()
        .any(|d| d.severity == Some(lt::DiagnosticSeverity::ERROR)));
    let doc = || lt::TextDocumentIdentifier { uri: uri(&path) };
    let folds = c
        .request::<lt::request::FoldingRangeRequest>(lt::FoldingRangeParams {
            text_document: doc(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let starts = |needle: &str| {
        folds
            .iter()
            .any(|f| f.start_line == find(&text, needle).line)
    };
    assert!(starts("deployment shop"), "{folds:?}");
    assert!(starts("access broken"), "{folds:?}");
    assert!(starts("access operate"), "{folds:?}");
    let toks = semantic_tokens(&mut c, &path);
    let at = |needle: &str, k: u32| {
        let p = inside(&text, needle, k);
        toks.iter()
            .find(|t| t.0 == p.line && t.1 <= p.character && p.character < t.1 + t.2)
            .map(|t| t.3)
    };
    assert_eq!(at("access broken", 0), Some("keyword"));
    assert_eq!(at("[\"s3:GetObject\"]\n}\n\n", 2), Some("string"));
    assert_eq!(at("access operate", 0), Some("keyword"));
    assert_eq!(
        at("for vendor scoped {\n  read store data,", 4),
        Some("interface")
    );
    assert_eq!(at("store data: bucket", 12), Some("type"));
    assert_eq!(c.shutdown(), 0);
}
