//! The language server in process: a client on an in-memory connection drives
//! `engc::lsp::serve` through each feature, and through input meant to break it.

use crate::generate;
use crate::lsp_client;

use lsp_client::*;
use lsp_types as lt;
use serde_json::{json, Value};
use std::path::Path;
#[test]
fn initialize_shutdown_exit_by_the_spec() {
    let mut c = Client::raw();
    // Before initialize: requests are refused, notifications dropped.
    let r = c.request_raw("textDocument/hover", json!({}));
    assert_eq!(r.response_result.unwrap_err().code, -32002);
    c.notify("textDocument/didOpen", json!({"nonsense": true}));
    let r = c.request_raw(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let result: lt::InitializeResult = serde_json::from_value(r.response_result.unwrap()).unwrap();
    let caps = result.capabilities;
    assert_eq!(
        caps.position_encoding,
        Some(lt::PositionEncodingKind::UTF16)
    );
    assert!(caps.hover_provider.is_some());
    // Completion opens by itself after `store x:` and after the space that follows.
    let triggers = caps
        .completion_provider
        .unwrap()
        .trigger_characters
        .unwrap();
    assert!(triggers.contains(&":".into()) && triggers.contains(&" ".into()));
    assert!(caps.definition_provider.is_some());
    assert!(caps.references_provider.is_some());
    assert!(caps.code_action_provider.is_some());
    assert!(caps.document_symbol_provider.is_some());
    assert_eq!(result.server_info.unwrap().name, "engc");
    c.notify("initialized", json!({}));
    // A second initialize is an error.
    let r = c.request_raw(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert_eq!(r.response_result.unwrap_err().code, -32600);
    let r = c.request_raw("shutdown", Value::Null);
    assert_eq!(r.response_result.ok(), Some(Value::Null));
    // After shutdown: requests are invalid.
    let r = c.request_raw("textDocument/hover", json!({}));
    assert_eq!(r.response_result.unwrap_err().code, -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), 0);
}

#[test]
fn exit_without_shutdown_is_code_1() {
    let mut c = Client::start();
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), 1);
}

#[test]
fn position_encoding_is_negotiated() {
    let mut c = Client::raw();
    let r = c.request_raw(
        "initialize",
        json!({"processId": null, "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    let result: lt::InitializeResult = serde_json::from_value(r.response_result.unwrap()).unwrap();
    assert_eq!(
        result.capabilities.position_encoding,
        Some(lt::PositionEncodingKind::UTF8)
    );
}

#[test]
fn unknown_methods_and_bad_params_are_errors_not_crashes() {
    let mut c = Client::start();
    let r = c.request_raw("textDocument/unheardOf", json!({}));
    assert_eq!(r.response_result.unwrap_err().code, -32601);
    let r = c.request_raw("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(r.response_result.unwrap_err().code, -32602);
    let r = c.request_raw("textDocument/completion", Value::Null);
    assert_eq!(r.response_result.unwrap_err().code, -32602);
    let r = c.request_raw("textDocument/definition", json!([1, 2, 3]));
    assert_eq!(r.response_result.unwrap_err().code, -32602);
    // Notifications with bad params, for documents never opened, unknown ones.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nowhere.eng", "version": 2}, "contentChanges": [{"text": "x"}]}));
    c.notify("textDocument/didOpen", json!({"textDocument": 1}));
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///never-opened.eng"}}),
    );
    c.notify("$/unknownNotification", json!({}));
    c.notify("$/cancelRequest", json!({"id": 999}));
    // Requests about documents nobody opened answer null.
    let h = c.hover(Path::new("/nowhere/at/all.eng"), pos(0, 0));
    assert_eq!(h, None);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn diagnostics_appear_with_the_right_range_and_clear_when_fixed() {
    let bad = QUICKSTART.replace("keda, argo_workflows", "keda, argo_workflow");
    let (_dir, path, mut c) = opened("shop.eng", &bad);
    let p = c.diagnostics(&path);
    assert_eq!(p.version, Some(1));
    assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
    let d = &p.diagnostics[0];
    assert_eq!(d.code, Some(lt::NumberOrString::String("E0105".into())));
    assert_eq!(d.severity, Some(lt::DiagnosticSeverity::ERROR));
    assert_eq!(d.source.as_deref(), Some("engc"));
    let start = find(&bad, "argo_workflow");
    assert_eq!(d.range.start, start);
    assert_eq!(d.range.end, pos(start.line, start.character + 13));
    assert!(
        d.message.contains("did you mean `argo_workflows`"),
        "{}",
        d.message
    );
    // Fixed: an empty list, not silence.
    c.change(&path, 2, QUICKSTART);
    assert_eq!(c.diagnostics_of_version(&path, 2), vec![]);
    // Broken again in another way: a warning and an error.
    let two = QUICKSTART.replace("10.20.0.0/20", "10.20.0.1/20");
    c.change(&path, 3, &two);
    let d = c.diagnostics_of_version(&path, 3);
    assert!(d
        .iter()
        .any(|d| d.code == Some(lt::NumberOrString::String("E0202".into()))));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn utf16_ranges_on_lines_with_non_ascii_text() {
    let text = QUICKSTART.replace(
        "engine cluster: eks create on main {\n  namespace \"${namespace}\"\n  components keda, argo_workflows\n}",
        "engine cluster: eks create on main { namespace \"é🦀\" components karpentr }",
    );
    let (_dir, path, mut c) = opened("u.eng", &text);
    let d = c.diagnostics(&path).diagnostics;
    let e = d
        .iter()
        .find(|d| d.code == Some(lt::NumberOrString::String("E0105".into())))
        .unwrap_or_else(|| panic!("{d:?}"));
    let line = text.lines().position(|l| l.contains("karpentr")).unwrap() as u32;
    let byte_col = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .find("karpentr")
        .unwrap() as u32;
    // `é` is 2 bytes but 1 unit, `🦀` 4 bytes but 2 units: 3 fewer units than bytes.
    assert_eq!(e.range.start, pos(line, byte_col - 3));
    assert_eq!(e.range.end, pos(line, byte_col - 3 + 8));
    // Hover at that UTF-16 position lands on the name.
    c.hover_has(&path, pos(line, byte_col - 3 + 2), &["karpentr"]);
    // A position inside the emoji's surrogate pair is harmless.
    let emoji = find(&text, "🦀");
    c.hover(&path, pos(emoji.line, emoji.character + 1));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn files_joined_by_use_get_their_own_diagnostics_from_open_buffers() {
    let dir = tmp();
    let main = dir.path().join("main.eng");
    let net = dir.path().join("net.eng");
    let main_text = QUICKSTART
        .replace(
            "network main {\n  cidr     10.20.0.0/16\n  subnet a 10.20.0.0/20  zone \"a\" public 10.20.128.0/20\n  pods     100.64.0.0/16\n  services 172.20.0.0/16\n}\n",
            "",
        )
        .replace("deployment shop {", "use \"net.eng\"\n\ndeployment shop {");
    let net_good = "network main {\n  cidr 10.20.0.0/16\n  subnet a 10.20.0.0/20 zone \"a\"\n}\n";
    // On disk the network is fine; the open buffer will not be.
    std::fs::write(&main, &main_text).unwrap();
    std::fs::write(&net, net_good).unwrap();
    let mut c = Client::start();
    c.open(&main, &main_text);
    assert_eq!(c.diagnostics_of_version(&main, 1), vec![]);
    // Opening the fragment: it is checked as part of main.eng, not alone (no E0004).
    c.open(&net, net_good);
    assert_eq!(c.diagnostics_of_version(&net, 1), vec![]);
    // An unsaved edit in the fragment reaches main.eng's compilation.
    let net_bad = net_good.replace("10.20.0.0/20", "10.20.0.1/20");
    c.change(&net, 2, &net_bad);
    let d = c.diagnostics_of_version(&net, 2);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, Some(lt::NumberOrString::String("E0202".into())));
    assert_eq!(d[0].range.start, find(&net_bad, "10.20.0.1/20"));
    // The fix (host bits) is a code action in the fragment.
    let actions = c.request::<lt::request::CodeActionRequest>(lt::CodeActionParams {
        text_document: lt::TextDocumentIdentifier { uri: uri(&net) },
        range: d[0].range,
        context: lt::CodeActionContext {
            diagnostics: d.clone(),
            only: None,
            trigger_kind: None,
        },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    let actions = actions.unwrap();
    let fix = actions
        .iter()
        .find_map(|a| match a {
            lt::CodeActionOrCommand::CodeAction(a) if a.is_preferred == Some(true) => Some(a),
            _ => None,
        })
        .expect("a preferred fix");
    let edits = &fix.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri(&net)];
    assert_eq!(edits[0].new_text, "10.20.0.0/20");
    // Go to definition across files: `main` in main.eng is declared in net.eng.
    let locs = c.definition(&main, inside(&main_text, "on main", 4));
    assert_eq!(locs.len(), 1);
    assert_eq!(locs[0].uri, uri(&net));
    assert_eq!(locs[0].range.start, find(&net_bad, "main"));
    // Fixed in the buffer: cleared.
    c.change(&net, 3, net_good);
    assert_eq!(c.diagnostics_of_version(&net, 3), vec![]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_fragment_opened_alone_is_checked_through_the_file_on_disk_that_uses_it() {
    let dir = tmp();
    let main = dir.path().join("main.eng");
    let net = dir.path().join("net.eng");
    std::fs::write(
        &main,
        "use \"net.eng\"\ndeployment d { clouds aws }\nengine e: eks create on main\n",
    )
    .unwrap();
    let net_text = "network main {\n  cidr 10.0.0.0/16\n  subnet a 10.0.0.0/20 zone \"a\"\n  subnet b 10.0.8.0/24 zone \"b\"\n}\n";
    std::fs::write(&net, net_text).unwrap();
    let mut c = Client::start();
    c.open(&net, net_text);
    let d = c.diagnostics_of_version(&net, 1);
    // Overlapping subnets, and no "no deployment block".
    let codes: Vec<_> = d.iter().filter_map(|d| d.code.clone()).collect();
    assert!(
        codes.contains(&lt::NumberOrString::String("E0204".into())),
        "{d:?}"
    );
    assert!(
        !codes.contains(&lt::NumberOrString::String("E0004".into())),
        "{d:?}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let (_dir, path, mut c) = opened("x.eng", "network n { cidr 10.0.0.0/16 }");
    assert!(!c.diagnostics(&path).diagnostics.is_empty()); // E0004
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&path)}}),
    );
    assert_eq!(c.diagnostics(&path).diagnostics, vec![]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn changes_queued_together_are_checked_once() {
    let (_dir, path, mut c) = opened("shop.eng", QUICKSTART);
    c.diagnostics_of_version(&path, 1);
    // 200 edits sent at once; the last one has an error.
    for v in 2..=200 {
        let text = if v == 200 {
            QUICKSTART.replace("store data: bucket", "store data: buckett")
        } else {
            format!("{QUICKSTART}// edit {v}\n")
        };
        c.change(&path, v, &text);
    }
    let mut publishes = 0;
    let last = loop {
        let p = c.diagnostics(&path);
        publishes += 1;
        if p.version == Some(200) {
            break p.diagnostics;
        }
    };
    assert!(
        publishes < 100,
        "{publishes} publishes for 199 queued edits"
    );
    assert_eq!(last.len(), 1);
    assert_eq!(
        last[0].code,
        Some(lt::NumberOrString::String("E0104".into()))
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_on_actions_grants_cidrs_and_names() {
    let text = QUICKSTART.replace(
        "  azure scope",
        "  gcp permissions [\"storage.buckets.get\"]\n  k8s role \"r\" in \"x\" {\n    rule groups [\"apps\"] resources [\"deployments\"] verbs [\"get\"]\n  }\n  azure actions [\"Microsoft.Storage/storageAccounts/read\"]\n  azure scope",
    );
    let (_dir, path, mut c) = checked("shop.eng", &text);
    // An AWS action: what the catalog knows.
    let h = c.hover(&path, inside(&text, "s3:GetObject", 3)).unwrap();
    assert!(h.contains("s3:GetObject") && h.contains("Read"), "{h}");
    assert!(h.contains("object"), "resource types: {h}");
    // A GCP permission, an Azure operation, a Kubernetes resource.
    let h = c
        .hover(&path, inside(&text, "storage.buckets.get", 2))
        .unwrap();
    assert!(h.contains("GCP permission"), "{h}");
    let h = c
        .hover(
            &path,
            inside(&text, "Microsoft.Storage/storageAccounts/read", 2),
        )
        .unwrap();
    assert!(h.contains("Azure operation"), "{h}");
    let h = c.hover(&path, inside(&text, "\"deployments\"", 2)).unwrap();
    assert!(h.contains("apps/v1") && h.contains("Deployment"), "{h}");
    assert!(h.contains("namespaced"), "{h}");
    // An abstract grant: what it expands to on each cloud.
    let h = c.hover_has(
        &path,
        inside(&text, "read store data", 1),
        &["**AWS**", "s3:GetObject"],
    );
    assert!(
        h.contains("**GCP**") && h.contains("storage.objects.get"),
        "{h}"
    );
    assert!(h.contains("**Azure**"), "{h}");
    let h = c
        .hover(&path, inside(&text, "manage engine cluster", 1))
        .unwrap();
    assert!(h.contains("**Kubernetes**") && h.contains("keda.sh"), "{h}");
    // A CIDR: range, size, overlaps.
    let h = c.hover(&path, inside(&text, "10.20.0.0/20", 3)).unwrap();
    assert!(h.contains("10.20.0.0") && h.contains("10.20.15.255"), "{h}");
    assert!(h.contains("4,096 addresses"), "{h}");
    assert!(h.contains("inside network `main`"), "{h}");
    // A name: its declaration.
    let h = c.hover(&path, inside(&text, "for vendor", 5)).unwrap();
    assert!(
        h.contains("principal vendor") && h.contains("111122223333"),
        "{h}"
    );
    let h = c
        .hover(&path, inside(&text, "store data: bucket", 13))
        .unwrap();
    assert!(h.contains("store kind") && h.contains("bucket"), "{h}");
    let h = c.hover(&path, inside(&text, "keda,", 1)).unwrap();
    assert!(
        h.contains("component") && h.contains("scaledobjects"),
        "{h}"
    );
    let h = c.hover(&path, inside(&text, "${namespace}", 3)).unwrap();
    assert!(h.contains("parameter") && h.contains("\"shop\""), "{h}");
    // With a default, the documents get it; without one, a placeholder stays.
    assert!(
        h.contains("the documents get `\"shop\"`") && !h.contains("placeholder"),
        "{h}"
    );
    c.hover_has(
        &path,
        inside(&text, "${external_id}", 3),
        &["stays a `${...}` placeholder"],
    );
    // A name in a grant: the declaration and what the grant gives on it.
    let h = c.hover(&path, inside(&text, "images\n", 1)).unwrap();
    assert!(h.contains("registry") && h.contains("grants"), "{h}");
    // Nothing at all: white space.
    assert_eq!(c.hover(&path, pos(6, 0)), None);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn definition_and_references_for_declared_names() {
    let (_dir, path, mut c) = checked("shop.eng", QUICKSTART);
    // Principal, network, store: to the declaration.
    let l = c.definition(&path, inside(QUICKSTART, "for vendor", 5));
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].uri, uri(&path));
    assert_eq!(l[0].range.start, find(QUICKSTART, "vendor {"));
    let l = c.definition(&path, inside(QUICKSTART, "store data,", 7));
    assert_eq!(l[0].range.start, find(QUICKSTART, "data: bucket"));
    // Parameters: `${namespace}` to `param ... namespace`.
    let l = c.definition(&path, inside(QUICKSTART, "${namespace}\"\n  comp", 3));
    assert_eq!(l[0].range.start, find(QUICKSTART, "namespace = \"shop\""));
    // A standard library kind: a real file the editor can open.
    let l = c.definition(&path, inside(QUICKSTART, "eks create", 1));
    assert_eq!(l.len(), 1);
    let p = engc::lsp::convert::uri_to_path(l[0].uri.as_str()).unwrap();
    let stdlib = std::fs::read_to_string(&p).unwrap();
    assert!(stdlib.contains("kind engine eks"));
    // Opened in the editor, it answers hovers and is not checked as a deployment.
    c.open(&p, &stdlib);
    let h = c.hover(&p, inside(&stdlib, "kind engine eks", 13)).unwrap();
    assert!(h.contains("engine kind") && h.contains("EKS"), "{h}");
    // References: the declaration and each use.
    let refs = c
        .request::<lt::request::References>(lt::ReferenceParams {
            text_document_position: Client::tdp(&path, inside(QUICKSTART, "data: bucket", 1)),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: lt::ReferenceContext {
                include_declaration: true,
            },
        })
        .unwrap();
    assert_eq!(refs.len(), 3, "{refs:?}"); // store data, read store data, write store data
    let refs = c
        .request::<lt::request::References>(lt::ReferenceParams {
            text_document_position: Client::tdp(&path, inside(QUICKSTART, "data: bucket", 1)),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: lt::ReferenceContext {
                include_declaration: false,
            },
        })
        .unwrap();
    assert_eq!(refs.len(), 2);
    // Highlights in the file.
    let hl = c
        .request::<lt::request::DocumentHighlightRequest>(lt::DocumentHighlightParams {
            text_document_position_params: Client::tdp(&path, inside(QUICKSTART, "main {", 1)),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    assert_eq!(hl.len(), 2);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn rename_changes_every_occurrence() {
    let (_dir, path, mut c) = checked("shop.eng", QUICKSTART);
    let at = inside(QUICKSTART, "data: bucket", 1);
    let r = c.request_raw(
        "textDocument/prepareRename",
        serde_json::to_value(Client::tdp(&path, at)).unwrap(),
    );
    assert!(r.response_result.is_ok(), "{r:?}");
    let edit = c
        .request::<lt::request::Rename>(lt::RenameParams {
            text_document_position: Client::tdp(&path, at),
            new_name: "datasets".into(),
            work_done_progress_params: Default::default(),
        })
        .unwrap();
    let edits = &edit.changes.unwrap()[&uri(&path)];
    assert_eq!(edits.len(), 3);
    assert!(edits.iter().all(|e| e.new_text == "datasets"));
    // Renaming onto an existing name, to a non-name, or a stdlib kind: refused.
    for (at, name) in [
        (at, "images"),
        (at, "no spaces"),
        (inside(QUICKSTART, "bucket", 1), "pail"),
    ] {
        let r = c.request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&path)}, "position": at, "newName": name}),
        );
        // RequestFailed (-32803): the request was valid; renaming this way is not.
        assert_eq!(r.response_result.unwrap_err().code, -32803, "{name}");
    }
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn completion_of_keywords_names_kinds_and_catalogs() {
    let dir = tmp();
    let path = dir.path().join("shop.eng");
    let mut c = Client::start();
    // Catalog names: `s3:Get` lists the S3 actions that start so.
    let text = QUICKSTART.replace("[\"s3:GetObject\"]", "[\"s3:Get\"]");
    c.open(&path, &text);
    c.diagnostics(&path);
    let items = c.completion(&path, inside(&text, "s3:Get\"", 6));
    let l = labels(&items);
    assert!(l.contains(&"s3:GetObject".to_string()), "{l:?}");
    assert!(l.iter().all(|x| x.starts_with("s3:Get")), "{l:?}");
    assert!(l.len() > 20);
    // The edit replaces what was typed inside the quotes.
    let item = items.iter().find(|i| i.label == "s3:GetObject").unwrap();
    match &item.text_edit {
        Some(lt::CompletionTextEdit::Edit(e)) => {
            assert_eq!(e.range.start, inside(&text, "s3:Get\"", 0));
            assert_eq!(e.range.end, inside(&text, "s3:Get\"", 6));
            assert_eq!(e.new_text, "s3:GetObject");
        }
        other => panic!("{other:?}"),
    }
    // Declared names of the right kind after `read store`.
    let text2 = text.replace("read store data, images", "read store ");
    c.change(&path, 2, &text2);
    let l = labels(&c.completion(&path, inside(&text2, "read store \n", 11)));
    assert!(
        l.contains(&"data".into()) && l.contains(&"images".into()),
        "{l:?}"
    );
    assert!(
        !l.contains(&"vendor".into()) && !l.contains(&"cluster".into()),
        "{l:?}"
    );
    assert!(!l.contains(&"as".into()), "{l:?}");
    // After the names, `as` (the Sid of the generated statements).
    let text2 = text.replace("read store data, images", "read store data ");
    c.change(&path, 3, &text2);
    let l = labels(&c.completion(&path, inside(&text2, "read store data \n", 16)));
    assert_eq!(l, vec!["as".to_string()], "{l:?}");
    // Standard library kinds after `store x:`, components in `components`.
    let text3 = format!("{text}\nstore more: b");
    c.change(&path, 4, &text3);
    let end = find(&text3, "store more: b");
    let l = labels(&c.completion(&path, pos(end.line, end.character + 13)));
    assert!(
        l.contains(&"bucket".into()) && l.contains(&"blob".into()),
        "{l:?}"
    );
    assert!(!l.contains(&"eks".into()), "{l:?}");
    // Right after `: ` too (the space is a trigger character), and kinds are classes.
    let text3b = format!("{text}\nstore more: ");
    c.change(&path, 5, &text3b);
    let end = find(&text3b, "store more: ");
    let items = c.completion(&path, pos(end.line, end.character + 12));
    let bucket = items
        .iter()
        .find(|i| i.label == "bucket")
        .expect("kinds offered");
    assert_eq!(bucket.kind, Some(lt::CompletionItemKind::CLASS));
    let text4 = text.replace("components keda, argo_workflows", "components keda, ");
    c.change(&path, 6, &text4);
    let l = labels(&c.completion(&path, inside(&text4, "keda, \n", 6)));
    assert!(
        l.contains(&"karpenter".into()) && l.contains(&"cert_manager".into()),
        "{l:?}"
    );
    // Keywords: at the top level, and in an access level.
    let text5 = format!("{text}\nacc");
    c.change(&path, 7, &text5);
    let end = find(&text5, "\nacc");
    let items = c.completion(&path, pos(end.line + 1, 3));
    assert_eq!(labels(&items), vec!["access".to_string()]);
    assert_eq!(
        items[0].insert_text_format,
        Some(lt::InsertTextFormat::SNIPPET)
    );
    let text6 = text.replace("  write store data\n", "  wr\n");
    c.change(&path, 8, &text6);
    let l = labels(&c.completion(&path, inside(&text6, "  wr\n", 4)));
    assert_eq!(l, vec!["write".to_string()]);
    // Kubernetes resources of the rule's group; parameters in `${`.
    let text7 = text.replace(
        "  azure scope",
        "  k8s role \"r\" in \"x\" {\n    rule groups [\"apps\"] resources [\"dep\"]\n  }\n  azure scope",
    );
    c.change(&path, 9, &text7);
    let l = labels(&c.completion(&path, inside(&text7, "\"dep\"", 4)));
    assert!(l.contains(&"deployments".to_string()), "{l:?}");
    assert!(l.contains(&"deployments/scale".to_string()), "{l:?}");
    assert!(l.iter().all(|x| x.starts_with("dep")), "{l:?}");
    let text8 = text.replace("resourceGroups/shop\"", "resourceGroups/${na\"");
    c.change(&path, 10, &text8);
    let items = c.completion(&path, inside(&text8, "${na\"", 4));
    assert_eq!(labels(&items), vec!["namespace".to_string()]);
    match &items[0].text_edit {
        Some(lt::CompletionTextEdit::Edit(e)) => assert_eq!(e.new_text, "namespace}"),
        other => panic!("{other:?}"),
    }
    // In a comment: nothing.
    let text9 = format!("{text}// s3:Get");
    c.change(&path, 11, &text9);
    let end = find(&text9, "// s3:Get");
    assert!(c
        .completion(&path, pos(end.line, end.character + 9))
        .is_empty());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn code_actions_apply_suggestions_and_offer_acks() {
    let bad = QUICKSTART.replace("store data: bucket", "store data: buckt");
    let (_dir, path, mut c) = opened("shop.eng", &bad);
    let d = c.diagnostics(&path).diagnostics;
    assert_eq!(d.len(), 1);
    let actions = c
        .request::<lt::request::CodeActionRequest>(lt::CodeActionParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            range: lt::Range::new(d[0].range.start, d[0].range.start),
            context: lt::CodeActionContext {
                diagnostics: d.clone(),
                only: None,
                trigger_kind: None,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lt::CodeActionOrCommand::CodeAction(a) = &actions[0] else {
        panic!("{actions:?}")
    };
    assert_eq!(a.kind, Some(lt::CodeActionKind::QUICKFIX));
    assert!(a.title.contains("bucket"), "{}", a.title);
    let e = &a.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri(&path)][0];
    assert_eq!(e.new_text, "bucket");
    assert_eq!(e.range, d[0].range);
    // The same fix with the cursor at the start of the diagnostic's line, outside its
    // span, as editors ask when the cursor is anywhere on the line; none a line below.
    let at_line = |line: u32| lt::CodeActionParams {
        text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
        range: lt::Range::new(lt::Position::new(line, 0), lt::Position::new(line, 0)),
        context: lt::CodeActionContext {
            diagnostics: Vec::new(),
            only: None,
            trigger_kind: None,
        },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    assert!(d[0].range.start.character > 0);
    let on_line = c
        .request::<lt::request::CodeActionRequest>(at_line(d[0].range.start.line))
        .unwrap();
    assert!(
        format!("{on_line:?}").contains("new_text: \"bucket\""),
        "{on_line:?}"
    );
    let below = c
        .request::<lt::request::CodeActionRequest>(at_line(d[0].range.end.line + 1))
        .unwrap_or_default();
    assert!(!format!("{below:?}").contains("bucket"), "{below:?}");
    // A warning gets an `ack` in its block.
    let warn = QUICKSTART.replace(
        "access operate for vendor scoped {",
        "principal idle {\n  gcp service_account \"x@y.iam.gserviceaccount.com\"\n}\n\naccess operate for vendor scoped {",
    );
    c.change(&path, 2, &warn);
    let d = c.diagnostics_of_version(&path, 2);
    let w = d
        .iter()
        .find(|d| d.code == Some(lt::NumberOrString::String("W0113".into())))
        .unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(w.tags, Some(vec![lt::DiagnosticTag::UNNECESSARY]));
    let actions = c
        .request::<lt::request::CodeActionRequest>(lt::CodeActionParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            range: w.range,
            context: lt::CodeActionContext {
                diagnostics: vec![w.clone()],
                only: None,
                trigger_kind: None,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let ack = actions
        .iter()
        .find_map(|a| match a {
            lt::CodeActionOrCommand::CodeAction(a) if a.title.contains("ack") => Some(a),
            _ => None,
        })
        .unwrap();
    let e = &ack.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri(&path)][0];
    assert!(e.new_text.contains("ack W0113"), "{e:?}");
    assert_eq!(e.range.start, inside(&warn, "idle {", 6));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn document_symbols_outline_the_file() {
    let (_dir, path, mut c) = checked("shop.eng", QUICKSTART);
    let r = c
        .request::<lt::request::DocumentSymbolRequest>(lt::DocumentSymbolParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lt::DocumentSymbolResponse::Nested(syms) = r else {
        panic!("{r:?}")
    };
    let names: Vec<&str> = syms.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["shop", "vendor", "main", "cluster", "data", "images", "operate"]
    );
    let main = &syms[2];
    assert_eq!(main.kind, lt::SymbolKind::MODULE);
    assert_eq!(main.children.as_ref().unwrap()[0].name, "a");
    assert_eq!(main.selection_range.start, find(QUICKSTART, "main {"));
    let operate = &syms[6];
    assert_eq!(operate.children.as_ref().unwrap().len(), 3);
    assert_eq!(syms[0].children.as_ref().unwrap().len(), 3); // parameters
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hostile_input_neither_crashes_nor_hangs_the_server() {
    let dir = tmp();
    let path = dir.path().join("h.eng");
    let mut c = Client::start();
    let nasty = [
        "",
        "\u{0}\u{1}\u{7f}",
        "deployment",
        "deployment d { clouds aws }\nuse \"/dev/stdin\"\nuse \"/dev/zero\"\nuse \"/\"\nuse \"h.eng\"",
        "access a for b scoped { read store ",
        "\"unterminated é🦀",
        "/* never closed",
        "network n { cidr 999.999.999.999/99 subnet a ::::/200 }",
        &"{".repeat(5000),
        &"[\"s3:".repeat(2000),
        &"é🦀\r\n\r".repeat(1000),
    ];
    for (i, text) in nasty.iter().enumerate() {
        let v = i as i32 + 1;
        if i == 0 {
            c.open(&path, text);
        } else {
            c.change(&path, v, text);
        }
        c.diagnostics_of_version(&path, v);
        // Every request at every kind of position, including ones out of range.
        for p in [
            pos(0, 0),
            pos(0, 3),
            pos(0, 5000),
            pos(3, 1),
            pos(u32::MAX, u32::MAX),
        ] {
            c.hover(&path, p);
            c.completion(&path, p);
            c.definition(&path, p);
            for m in [
                "textDocument/references",
                "textDocument/documentHighlight",
                "textDocument/prepareRename",
            ] {
                c.request_raw(
                    m,
                    json!({"textDocument": {"uri": uri(&path)}, "position": p, "context": {"includeDeclaration": true}}),
                );
            }
            c.request_raw(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri(&path)}, "range": {"start": p, "end": pos(0, 0)}, "context": {"diagnostics": []}}),
            );
        }
        c.request_raw(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(&path)}}),
        );
        c.request_raw(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri(&path)}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
    }
    // Incremental edits with ranges past the end, and odd URIs.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&path), "version": 100},
               "contentChanges": [{"range": {"start": pos(9999, 0), "end": pos(0, 0)}, "text": "x"}]}),
    );
    c.diagnostics_of_version(&path, 100);
    c.open(Path::new("/"), "deployment d { clouds aws }");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "eng", "version": 1, "text": "use \"x.eng\""}}),
    );
    // Still answering.
    c.hover(&path, pos(0, 0));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn the_binary_serves_stdio_and_survives_malformed_messages() {
    // As Neovim starts it, and as vscode-languageclient does (`--stdio`, and
    // `--clientProcessId` for some transports).
    serve_over_stdio(&["lsp"]);
    serve_over_stdio(&["lsp", "--stdio"]);
    serve_over_stdio(&["lsp", "--stdio", "--clientProcessId=4242"]);
}

#[test]
fn the_binary_refuses_transports_it_does_not_have() {
    for arg in ["--pipe=/tmp/x", "--socket=5007", "--node-ipc"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_engc"))
            .args(["lsp", arg])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{arg}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument"));
    }
}

fn serve_over_stdio(args: &[&str]) {
    use std::io::{BufReader, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_engc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut send = |body: &str| {
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    let mut recv = || -> Value { generate::read_lsp_message(&mut out) };
    send("{this is not json");
    let r = recv();
    assert_eq!(r["error"]["code"], -32700);
    send(r#"{"jsonrpc":"2.0","id":1,"method":7}"#);
    assert_eq!(recv()["error"]["code"], -32600);
    send(r#"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"capabilities":{}}}"#);
    let r = recv();
    assert_eq!(r["id"], 2);
    assert_eq!(r["result"]["serverInfo"]["name"], "engc");
    send(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    send(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#);
    assert_eq!(recv()["id"], 3);
    send(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn formatting_keeps_tokens_is_idempotent_and_leaves_the_examples_alone() {
    use engc::ide::{format::format, lexer::tokenize};
    // Tokens as written, line ends aside (the formatter keeps the file's style).
    let words = |s: &str| -> Vec<String> {
        tokenize(s)
            .iter()
            .map(|t| t.text(s).replace('\r', ""))
            .collect()
    };
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["examples", "tests/cases", "tests/fixtures", "stdlib"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "eng") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 20);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue; // the invalid UTF-8 case
        };
        let once = format(&text);
        assert_eq!(format(&once), once, "{}: not idempotent", f.display());
        assert_eq!(
            words(&once),
            words(&text),
            "{}: tokens changed",
            f.display()
        );
        if !f.starts_with("tests") {
            assert_eq!(
                once,
                text,
                "{}: the shipped files are formatted",
                f.display()
            );
        }
    }
    // Through the server: one edit for the whole document.
    let dir = tmp();
    let path = dir.path().join("f.eng");
    let mut c = Client::start();
    let messy = "deployment d {\n      clouds aws\n}\n\n\n\nstore s: s3   \n";
    c.open(&path, messy);
    c.diagnostics(&path);
    let edits = c
        .request::<lt::request::Formatting>(lt::DocumentFormattingParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(&path) },
            options: lt::FormattingOptions {
                tab_size: 2,
                insert_spaces: true,
                ..Default::default()
            },
            work_done_progress_params: Default::default(),
        })
        .unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0].new_text,
        "deployment d {\n  clouds aws\n}\n\nstore s: s3\n"
    );
    assert_eq!(edits[0].range.start, pos(0, 0));
    assert_eq!(edits[0].range.end, pos(7, 0));
    // A file with a syntax error is formatted too (the formatter reads tokens).
    let broken_path = dir.path().join("broken.eng");
    c.open(
        &broken_path,
        "store s : s3
network n {
      cidr 10.0.0.0/16 zone
}
",
    );
    c.diagnostics(&broken_path);
    let edits = c
        .request::<lt::request::Formatting>(lt::DocumentFormattingParams {
            text_document: lt::TextDocumentIdentifier {
                uri: uri(&broken_path),
            },
            options: lt::FormattingOptions {
                tab_size: 2,
                insert_spaces: true,
                ..Default::default()
            },
            work_done_progress_params: Default::default(),
        })
        .unwrap();
    assert_eq!(
        edits[0].new_text,
        "store s: s3\nnetwork n {\n  cidr 10.0.0.0/16 zone\n}\n"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn completion_after_a_semicolon_starts_a_statement() {
    let text = "deployment d { clouds aws; man }\n";
    let (_dir, path, mut c) = checked("s.eng", text);
    let items = c.completion(&path, inside(text, "man }", 3));
    let labels: Vec<String> = items.into_iter().map(|i| i.label).collect();
    assert_eq!(labels, vec!["managed_tag".to_string()]);
    assert_eq!(c.shutdown(), 0);
}

/// A file with thousands of problems publishes a capped list: errors first, then one
/// note of how many are left out (50,000 garbage lines gave 50,000 in one message).
#[test]
fn published_diagnostics_are_capped() {
    let mut text =
        String::from("deployment d {\n  clouds aws\n}\nnetwork n {\n  cidr 10.0.0.0/8\n");
    for i in 0..3000 {
        text.push_str(&format!("  subnet s{i} 10.0.0.0/24\n"));
    }
    text.push_str("}\n");
    let (_dir, path, mut c) = opened("many.eng", &text);
    let d = c.diagnostics_of_version(&path, 1);
    assert_eq!(d.len(), engc::lsp::server::MAX_PUBLISHED);
    let last = d.last().unwrap();
    assert_eq!(last.severity, Some(lt::DiagnosticSeverity::INFORMATION));
    assert!(
        last.message
            .contains("more diagnostics in this file are not shown"),
        "{}",
        last.message
    );
    assert!(d[..d.len() - 1]
        .iter()
        .all(|x| x.severity == Some(lt::DiagnosticSeverity::ERROR)));
    // Below the cap, nothing is added.
    let small = "deployment d {\n  clouds aws\n}\nstore x: buckt\n";
    c.change(&path, 2, small);
    let d = c.diagnostics_of_version(&path, 2);
    assert_eq!(d.len(), 1);
    assert_eq!(c.shutdown(), 0);
}

/// The language server confines `use` as the command line does: a file outside the
/// checked file's folder (or its workspace folder) is refused unread.
#[test]
fn use_is_confined_in_the_editor_too() {
    let dir = tmp();
    std::fs::create_dir_all(dir.path().join("project")).unwrap();
    std::fs::create_dir_all(dir.path().join("secret")).unwrap();
    std::fs::write(
        dir.path().join("secret/creds.eng"),
        "aws_secret_access_key = AKIA-SECRET-MARKER\n",
    )
    .unwrap();
    let path = dir.path().join("project/main.eng");
    let text =
        "use \"../secret/creds.eng\"\nuse \"/etc/passwd\"\ndeployment d {\n  clouds aws\n}\n";
    let mut c = Client::start();
    c.open(&path, text);
    let d = c.diagnostics_of_version(&path, 1);
    let all = serde_json::to_string(&d).unwrap();
    assert!(!all.contains("AKIA-SECRET-MARKER"), "{all}");
    assert!(!all.contains("root:"), "{all}");
    let codes: Vec<_> = d
        .iter()
        .map(|x| match &x.code {
            Some(lt::NumberOrString::String(s)) => s.clone(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(codes, ["E0002", "E0002"], "{all}");
    assert!(d[0].message.contains("is outside"), "{}", d[0].message);
    assert_eq!(c.shutdown(), 0);
}

/// The roles of `tests/fixtures/roles.eng` in the editor: hovers on trust principals
/// and actions, the boundary's name leads to its level, completion of the role words.
#[test]
fn roles_hover_definition_and_completion() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/roles.eng"),
    )
    .unwrap();
    let (_dir, path, mut c) = opened("roles.eng", &text);
    let d = c.diagnostics(&path).diagnostics;
    assert!(d.is_empty(), "{d:?}");
    let h = c
        .hover(
            &path,
            inside(&text, "ec2.amazonaws.com\"\n  aws instance", 2),
        )
        .unwrap();
    assert!(
        h.contains("aws trust service") && h.contains("Principal.Service"),
        "{h}"
    );
    let h = c.hover(&path, inside(&text, "oidc.eks.", 2)).unwrap();
    assert!(h.contains("oidc-provider") && h.contains("sub"), "{h}");
    let h = c.hover(&path, inside(&text, "sts:TagSession", 4)).unwrap();
    assert!(
        h.contains("in a trust policy") && h.contains("session tags"),
        "{h}"
    );
    // `aws boundary workloads` and `roles under workloads` lead to the level.
    let l = c.definition(&path, inside(&text, "boundary workloads", 10));
    assert_eq!(l[0].range.start, find(&text, "workloads scoped"));
    let l = c.definition(&path, inside(&text, "under workloads", 7));
    assert_eq!(l[0].range.start, find(&text, "workloads scoped"));
    let h = c
        .hover(&path, inside(&text, "principal nodes", 11))
        .unwrap();
    assert!(
        h.contains("trusted by service") && h.contains("boundary"),
        "{h}"
    );
    // Completion: the role words of a principal and of a trust statement.
    let t2 = text.replace("  aws instance_profile\n", "  aws \n");
    c.change(&path, 2, &t2);
    let l = labels(&c.completion(&path, inside(&t2, "aws \n", 4)));
    for w in ["role", "trust", "instance_profile", "boundary"] {
        assert!(l.contains(&w.to_string()), "{l:?}");
    }
    let t3 = text.replace("  aws instance_profile\n", "  aws trust \n");
    c.change(&path, 3, &t3);
    let l = labels(&c.completion(&path, inside(&t3, "aws trust \n", 10)));
    assert_eq!(l, ["account", "role", "service", "federated", "oidc"]);
    let t4 = text.replace(
        "  aws instance_profile\n",
        "  aws trust oidc \"x.example.com\" \n",
    );
    c.change(&path, 4, &t4);
    let l = labels(&c.completion(&path, inside(&t4, "example.com\" \n", 13)));
    assert!(
        l.contains(&"service_account".to_string()) && l.contains(&"actions".to_string()),
        "{l:?}"
    );
    let t5 = text.replace("  aws inline\n", "  aws roles \n");
    c.change(&path, 5, &t5);
    let l = labels(&c.completion(&path, inside(&t5, "aws roles \n", 10)));
    assert_eq!(l, ["under"]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn incremental_changes_apply_their_ranges_in_order() {
    let (_dir, path, mut c) = opened("shop.eng", QUICKSTART);
    assert!(c.diagnostics(&path).diagnostics.is_empty());
    // Two edits in one notification, the second read against the text the first made:
    // a comment with non-ASCII text (UTF-16 columns) before the store, then a typo in
    // the store's kind on the same line, after the comment.
    let at = find(QUICKSTART, "store data: bucket");
    let kind = inside(QUICKSTART, "store data: bucket", 12);
    let comment = "/* é🦀 */ ";
    let shift = comment.encode_utf16().count() as u32;
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&path), "version": 2},
               "contentChanges": [
                   {"range": {"start": at, "end": at}, "text": comment},
                   {"range": {"start": pos(kind.line, kind.character + shift),
                              "end": pos(kind.line, kind.character + shift + 6)},
                    "text": "buckt"}]}),
    );
    let d = c.diagnostics_of_version(&path, 2);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, Some(lt::NumberOrString::String("E0104".into())));
    assert_eq!(d[0].range.start, pos(kind.line, kind.character + shift));
    // A deletion puts the kind back.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&path), "version": 3},
               "contentChanges": [
                   {"range": {"start": pos(kind.line, kind.character + shift),
                              "end": pos(kind.line, kind.character + shift + 5)},
                    "text": "bucket"}]}),
    );
    assert!(c.diagnostics_of_version(&path, 3).is_empty());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_on_include_shows_the_groups_lines() {
    let text = "deployment d {\n  clouds aws\n  param vpc = \"create\"\n}\n\ngrants inner {\n  aws allow [\"sqs:SendMessage\"] on \"arn:aws:sqs:${region}:${account_id}:d-*\"\n}\n\ngrants outer {\n  aws allow [\"logs:GetLogEvents\"] on \"*\"\n  include inner\n}\n\naccess l scoped {\n  include outer\n}\n";
    let (_dir, path, mut c) = checked("reuse.eng", text);
    // The nested group's lines, expanded.
    c.hovers_have(
        &path,
        &[
            inside(text, "include outer", 1),
            inside(text, "include outer", 10),
        ],
        &[
            "**grants** `outer`",
            "logs:GetLogEvents",
            "sqs:SendMessage",
            "included by: `l`",
        ],
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_and_completion_of_scope_by() {
    let text = "deployment d {\n  clouds aws\n  managed_tag \"d.example/managed\" = \"true\"\n  name_prefix \"d\"\n}\n\nstore data: s3 { name \"d-data-*\"; scope by tag and name }\n\naccess l scoped {\n  scope by name\n  read store data\n}\n";
    let (_dir, path, mut c) = checked("scope.eng", text);
    // On any word of the line: the mode, its tag and name, what it overrides.
    c.hovers_have(
        &path,
        &[
            inside(text, "scope by tag and name", 1),
            inside(text, "scope by tag and name", 14),
        ],
        &[
            "**scope by tag and name** (store `data`)",
            "`d-data-*`",
            "`d.example/managed` = `true`",
            "overrides the level's and the deployment's",
        ],
    );
    c.hover_has(
        &path,
        inside(text, "scope by name\n", 9),
        &["**scope by name** (access level `l`)"],
    );
    // Completion, word by word.
    for (version, (line, want)) in [
        ("  scope \n", vec!["by"]),
        ("  scope by \n", vec!["name", "tag"]),
        ("  scope by tag \n", vec!["and"]),
        ("  scope by name and \n", vec!["tag"]),
    ]
    .into_iter()
    .enumerate()
    {
        let t = text.replace("  scope by name\n", line);
        c.change(&path, version as i32 + 2, &t);
        let l = sorted_labels(&c.completion(&path, inside(&t, line, line.len() as u32 - 1)));
        assert_eq!(l, want, "{line:?}");
    }
    // At the start of a store's line, `scope` is offered.
    let t = text.replace("{ name \"d-data-*\"; scope by tag and name }", "{\n  sc\n}");
    c.change(&path, 10, &t);
    let l = sorted_labels(&c.completion(&path, inside(&t, "  sc\n", 4)));
    assert_eq!(l, vec!["scope".to_string()]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn network_rules_in_the_editor() {
    let text = "deployment d {\n  clouds aws\n}\n\nnetwork main for aws {\n  cidr 10.20.0.0/16\n  subnet a 10.20.0.0/20 zone \"a\"\n  ingress db tcp 5432 from subnet a\n  psc 10.31.0.0/24\n}\n";
    let (_dir, path, mut c) = checked("net.eng", text);
    // `subnet a` in the rule goes to the subnet's declaration.
    let defs = c.definition(&path, inside(text, "subnet a\n", 7));
    assert_eq!(defs.len(), 1, "{defs:?}");
    assert_eq!(defs[0].range.start, inside(text, "a 10.20.0.0/20", 0));
    // The PSC block is a block like the others.
    c.hover_has(&path, inside(text, "10.31.0.0/24", 2), &["256 addresses"]);
    // Protocols after the rule's name, `from` after the ports, peers after `from`.
    for (version, line, want) in [
        (2, "  ingress web ", &["tcp", "udp", "icmp", "all"][..]),
        (3, "  ingress web tcp 443 ", &["from"][..]),
        (4, "  egress web tcp 443 to ", &["subnet", "tag"][..]),
    ] {
        let t = text.replace("  psc 10.31.0.0/24\n", &format!("{line}\n"));
        c.change(&path, version, &t);
        let at = inside(&t, &format!("{line}\n"), line.len() as u32);
        let l = labels(&c.completion(&path, at));
        for w in want {
            assert!(l.contains(&w.to_string()), "{line}: {l:?}");
        }
    }
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_and_completion_in_store_policies() {
    let text = "deployment shop {\n  clouds aws\n  param org_id\n}\n\nprincipal vendor {\n  aws role \"arn:aws:iam::111122223333:role/shop-control-plane\"\n}\n\nstore data: s3 {\n  name \"shop-data\"\n  aws allow \"s3:GetObject\" for vendor, \"*\" on \"arn:aws:s3:::shop-data/*\"\n    when StringEquals \"aws:PrincipalOrgID\" = \"${org_id}\"\n  ack W0447 \"the vendor reads it\"\n}\n";
    let (_dir, path, mut c) = checked("shop.eng", text);
    // The store: its bucket policy and where it is written.
    let h = c.hover(&path, inside(text, "store data", 7)).unwrap();
    assert!(
        h.contains("bucket policy: 1 statement") && h.contains("aws/data.bucket-policy.json"),
        "{h}"
    );
    // A principal by name is a reference to its declaration.
    let h = c.hover(&path, inside(text, "for vendor", 5)).unwrap();
    assert!(
        h.contains("principal vendor") && h.contains("111122223333"),
        "{h}"
    );
    // `"*"`: anyone, public unless limited; an action: the catalog.
    let h = c.hover(&path, inside(text, "\"*\" on", 1)).unwrap();
    assert!(
        h.contains("anyone") && h.contains("aws:PrincipalOrgID"),
        "{h}"
    );
    let h = c.hover(&path, inside(text, "s3:GetObject", 3)).unwrap();
    assert!(h.contains("s3:GetObject") && h.contains("Read"), "{h}");
    // Completion: `aws` in the store body, `for` after the actions, principals after it.
    let text2 = text.replace("  ack W0447", "  aws allow \"s3:PutObject\" \n  ack W0447");
    c.change(&path, 2, &text2);
    let l = labels(&c.completion(&path, inside(&text2, "\"s3:PutObject\" \n", 15)));
    assert_eq!(l, ["for"], "{l:?}");
    let text3 = text.replace(
        "  ack W0447",
        "  aws allow \"s3:PutObject\" for \n  ack W0447",
    );
    c.change(&path, 3, &text3);
    let l = labels(&c.completion(&path, inside(&text3, "for \n", 4)));
    assert!(l.contains(&"vendor".into()), "{l:?}");
    let text4 = text.replace("  ack W0447", "  \n  ack W0447");
    c.change(&path, 4, &text4);
    let l = labels(&c.completion(&path, inside(&text4, "  \n  ack W0447", 2)));
    assert!(
        l.contains(&"aws".into()) && l.contains(&"name".into()),
        "{l:?}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn external_references_in_the_editor() {
    let text = "deployment d {\n  clouds aws\n  external var.log_bucket_arn\n}\n\naccess logs scoped {\n  aws allow \"s3:PutObject\" on \"${var.log_bucket_arn}/*\"\n}\n";
    let (_dir, path, mut c) = checked("ext.eng", text);
    let at = inside(text, "var.log_bucket_arn}", 4);
    c.hover_has(
        &path,
        at,
        &[
            "Terraform: the variable `log_bucket_arn`",
            "CloudFormation: the parameter `LogBucketArn`",
        ],
    );
    let defs = c.definition(&path, at);
    assert_eq!(defs.len(), 1, "{defs:?}");
    assert_eq!(defs[0].range.start, inside(text, "var.log_bucket_arn\n", 0));
    assert_eq!(c.shutdown(), 0);
}

/// A JSON policy pasted into a `.eng` file: the code action on its selection replaces it
/// with what `engc import` writes; in a file that has a deployment, without another one.
#[test]
fn import_this_document_code_action() {
    let policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::shop-data/*\"}\n  ]\n}\n";
    let action = |text: &str| -> Option<(String, String)> {
        let (_dir, path, mut c) = opened("paste.eng", text);
        c.diagnostics(&path);
        let start = find(text, "{\n  \"Version\"");
        let end = find(text, "]\n}\n");
        let reply = c.request_raw(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&path)},
                   "range": {"start": start, "end": pos(end.line + 1, 1)},
                   "context": {"diagnostics": []}}),
        );
        assert_eq!(c.shutdown(), 0);
        let result = reply.response_result.unwrap_or_default();
        let found = result.as_array()?.iter().find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Import this document"))
        })?;
        let edit = &found["edit"]["changes"][uri(&path).to_string()][0];
        Some((
            found["kind"].as_str()?.to_string(),
            edit["newText"].as_str()?.to_string(),
        ))
    };
    let (kind, eng) = action(policy).expect("offered on a lone policy");
    assert_eq!(kind, "refactor.rewrite");
    assert!(
        eng.contains("deployment ") && eng.contains("\"s3:GetObject\""),
        "{eng}"
    );
    // Built as is, the replacement is a valid file.
    let c = engc::compile_str("x.eng", &eng, &engc::Options::default());
    assert!(!c.has_errors(), "{eng}\n{:?}", c.diagnostics);
    // Inside a file with a deployment: the levels only.
    let (_, eng) = action(&format!("deployment d {{\n  clouds aws\n}}\n\n{policy}"))
        .expect("offered after a deployment");
    assert!(
        !eng.contains("deployment ") && eng.contains("access "),
        "{eng}"
    );
    // Not on ordinary source.
    assert_eq!(
        action("deployment d {\n  clouds aws\n}\n// {\n  \"Version\"\n]\n}\n"),
        None
    );
}
