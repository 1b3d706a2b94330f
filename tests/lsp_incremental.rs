//! The language server keeps syntax trees and compilations between edits: after any
//! sequence of edits, opens and closes, what it publishes must equal what a server
//! that compiled the same texts from scratch publishes.

use crate::lsp_client;

use lsp_client::*;
use lsp_types as lt;
use proptest::prelude::*;
use serde_json::json;
use std::path::Path;

/// The protocol's position (line, UTF-16 column) of a byte offset.
fn position(text: &str, at: usize) -> lt::Position {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    pos(text[..at].matches('\n').count() as u32, col as u32)
}

/// Sends one incremental change replacing `start..end` (bytes) of `text` with `new`,
/// and applies it to `text`.
fn edit(
    c: &mut Client,
    path: &Path,
    version: i32,
    text: &mut String,
    start: usize,
    end: usize,
    new: &str,
) {
    let range = json!({"start": position(text, start), "end": position(text, end)});
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": version},
               "contentChanges": [{"range": range, "text": new}]}),
    );
    text.replace_range(start..end, new);
}

/// What a new server publishes for `path` opened with `text` (and `others` open first).
fn fresh(path: &Path, text: &str, others: &[(&Path, &str)]) -> Vec<lt::Diagnostic> {
    let mut c = Client::start();
    for (p, t) in others {
        c.open(p, t);
    }
    c.open(path, text);
    let d = c.diagnostics_of_version(path, 1);
    assert_eq!(c.shutdown(), 0);
    d
}

use crate::generate;

use generate::example_paths as examples;

use generate::{floor, TYPED};

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random edits of an example, one notification each: the diagnostics of every
    /// version equal a fresh compile's of that text.
    #[test]
    fn edits_give_what_a_fresh_compile_gives(
        which in 0usize..64,
        edits in prop::collection::vec((0.0f64..1.0, 0usize..18, 0usize..TYPED.len()), 1..5),
    ) {
        let all = examples();
        let path = &all[which % all.len()];
        let mut text = std::fs::read_to_string(path).unwrap();
        let mut c = Client::start();
        c.open(path, &text);
        c.diagnostics_of_version(path, 1);
        for (i, (at, len, typed)) in edits.into_iter().enumerate() {
            let version = i as i32 + 2;
            let start = floor(&text, (at * text.len() as f64) as usize);
            // Past 11: typed over, as many bytes as typed (the length stays the same).
            let len = if len < 12 { len } else { TYPED[typed].len() };
            let end = floor(&text, start + len);
            edit(&mut c, path, version, &mut text, start, end, TYPED[typed]);
            let got = c.diagnostics_of_version(path, version);
            prop_assert_eq!(got, fresh(path, &text, &[]), "after edit {} of {}", version, path.display());
        }
        prop_assert_eq!(c.shutdown(), 0);
    }
}

const MAIN: &str = "use \"net.eng\"\n\ndeployment d {\n  clouds aws\n  managed_tag \"d/managed\" = \"true\"\n}\n\nengine e: eks create on main\n";
const NET: &str = "network main {\n  cidr 10.0.0.0/16\n  subnet a 10.0.0.0/20 zone \"a\"\n}\n";

fn codes(d: &[lt::Diagnostic]) -> Vec<String> {
    d.iter()
        .filter_map(|d| match &d.code {
            Some(lt::NumberOrString::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_edit_in_a_used_file_updates_the_root() {
    let dir = tmp();
    let (main, net) = (dir.path().join("main.eng"), dir.path().join("net.eng"));
    std::fs::write(&main, MAIN).unwrap();
    std::fs::write(&net, NET).unwrap();
    let mut c = Client::start();
    c.open(&main, MAIN);
    assert_eq!(c.diagnostics_of_version(&main, 1), vec![]);
    c.open(&net, NET);
    assert_eq!(c.diagnostics_of_version(&net, 1), vec![]);
    // Renaming the network in the used file: the root's `on main` no longer resolves.
    let mut net_text = NET.to_string();
    let at = NET.find("main").unwrap();
    edit(&mut c, &net, 2, &mut net_text, at, at + 4, "mainx");
    let root = c.diagnostics(&main);
    assert!(!root.diagnostics.is_empty(), "{root:?}");
    let want = fresh(&main, MAIN, &[(&net, &net_text)]);
    assert_eq!(root.diagnostics, want);
    // And back: cleared.
    edit(&mut c, &net, 3, &mut net_text, at, at + 5, "main");
    assert_eq!(c.diagnostics(&main).diagnostics, vec![]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn closing_and_reopening_a_used_file() {
    let dir = tmp();
    let (main, net) = (dir.path().join("main.eng"), dir.path().join("net.eng"));
    std::fs::write(&main, MAIN).unwrap();
    std::fs::write(&net, NET).unwrap();
    let bad = NET.replace("10.0.0.0/20", "10.0.0.1/20");
    let mut c = Client::start();
    c.open(&main, MAIN);
    c.diagnostics_of_version(&main, 1);
    // The unsaved buffer has a mistake: reported in the fragment.
    c.open(&net, &bad);
    assert_eq!(codes(&c.diagnostics_of_version(&net, 1)), ["E0202"]);
    // Closed unsaved: the root reads the disk again, and the fragment is cleared.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&net)}}),
    );
    assert_eq!(c.diagnostics(&net).diagnostics, vec![]);
    // Reopened with the mistake: reported again, as a fresh server reports it.
    c.open(&net, &bad);
    let d = c.diagnostics_of_version(&net, 1);
    assert_eq!(codes(&d), ["E0202"]);
    assert_eq!(d, fresh(&net, &bad, &[(&main, MAIN)]));
    // The root closed: the fragment is checked through the file on disk that uses it.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&main)}}),
    );
    c.change(&net, 2, &bad);
    let d = c.diagnostics_of_version(&net, 2);
    assert_eq!(codes(&d), ["E0202"]);
    assert_eq!(d, fresh(&net, &bad, &[]));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn an_unrelated_document_opened_leaves_other_roots_alone() {
    let dir = tmp();
    let (a, b) = (dir.path().join("a.eng"), dir.path().join("b.eng"));
    let mut c = Client::start();
    c.open(&a, QUICKSTART);
    c.diagnostics_of_version(&a, 1);
    let typo = QUICKSTART.replace("store data: bucket", "store data: buckett");
    c.open(&b, &typo);
    // Only b is published: a's diagnostics did not change.
    let n = c.next_notification();
    assert_eq!(n.method, "textDocument/publishDiagnostics");
    let p: lt::PublishDiagnosticsParams = serde_json::from_value(n.params).unwrap();
    assert_eq!(p.uri, uri(&b));
    assert_eq!(codes(&p.diagnostics), ["E0104"]);
    assert_eq!(c.shutdown(), 0);
}
