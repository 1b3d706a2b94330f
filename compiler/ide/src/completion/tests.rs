//! Completion reads the tokens of the tree from the cursor's declaration on: the same
//! completions as from every token of the file, on valid and broken files alike.

use super::{complete, complete_in};
use crate::lexer::{self, Tok};
use crate::Analysis;
use engc_core::{compile_str, Options};
use std::path::Path;

fn eng_files(dir: &Path) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eng"))
        .collect();
    paths.sort();
    // A case may not be UTF-8 (the editor gets such a file as text all the same).
    paths
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect()
}

/// The texts: the examples, each also cut at three points (blocks left open), the
/// diagnostics' cases, and a few broken by hand.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for t in eng_files(&root.join("examples")) {
        for k in [3, 5, 7] {
            let mut cut = t.len() * k / 10;
            while !t.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push(t[..cut].to_string());
        }
        out.push(t);
    }
    out.extend(eng_files(&root.join("tests/cases")));
    out.extend(
        [
            "store a: s3\nstore b: s3 foo bar\naccess x scoped {\n  read store a\n  wr\n}\n",
            "deployment d {\n  clouds aws\n\nprincipal p { aws role \"r\" }\naccess x for p scoped {\n  aws allow [\"s3:Get\n}\n",
            "access x scoped { k8s role \"r\" in \"n\" {\n    rule groups [\"\"] resources [\"\n  }\n}\n",
            "}}} store a: s3\n{ access x scoped {\n  read store \n}\n",
            "kind store k {\n  aws {\n    read [\"s3:\n",
        ]
        .map(String::from),
    );
    out
}

#[test]
fn same_completions_as_from_every_token() {
    let mut compared = 0;
    for text in corpus() {
        let a = Analysis::new(
            compile_str("t.eng", &text, &Options::default()),
            Options::default(),
        );
        let file = a.comp.files[0].0;
        let all = lexer::tokenize(&text);
        let mut offsets: Vec<usize> = all
            .iter()
            .flat_map(|t| [t.start, t.end, t.start + 1])
            .chain(text.match_indices('\n').map(|(i, _)| i))
            .chain([0, text.len()])
            .filter(|&o| o <= text.len() && text.is_char_boundary(o))
            .collect();
        offsets.sort();
        offsets.dedup();
        // Inside the catalogs' strings every offset is slow and says nothing new.
        offsets.retain(|&o| {
            lexer::token_at(&all, o)
                .is_none_or(|i| !matches!(all[i].kind, Tok::Str { .. }) || o == all[i].start + 1)
        });
        for o in offsets {
            assert_eq!(
                complete(&a, file, o),
                complete_in(&a, file, o, &all),
                "at {o} of {text:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 10_000, "{compared}");
}
