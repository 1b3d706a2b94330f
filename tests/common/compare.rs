//! Compilations through the language server's cache against compilations from scratch:
//! an example's text, an input, and the comparison (diagnostics, model, documents).

use engc_core::{Compilation, Input};
use std::path::{Path, PathBuf};

/// `examples/NAME.eng`: its path and text.
pub fn example(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.eng"));
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

pub fn input(path: &Path, text: &str) -> Input {
    Input {
        name: path.display().to_string(),
        path: Some(path.to_path_buf()),
        bytes: text.as_bytes().to_vec(),
    }
}

/// Fails, showing where they part, unless both give the same diagnostics, model and
/// documents.
pub fn same(cached: &Compilation, fresh: &Compilation, what: &str) {
    let pairs = [
        (
            "diagnostics",
            &cached.diagnostics as &dyn std::fmt::Debug,
            &fresh.diagnostics as &dyn std::fmt::Debug,
        ),
        ("model", &cached.model, &fresh.model),
        ("documents", &cached.outputs, &fresh.outputs),
    ];
    for (name, a, b) in pairs {
        let (a, b) = (format!("{a:?}"), format!("{b:?}"));
        if a != b {
            // Where they part, not two whole models.
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let near =
                |s: &str| s[floor(s, at.saturating_sub(200))..floor(s, at + 200)].to_string();
            panic!(
                "{name} after {what} differ:\ncached: …{}…\nfresh:  …{}…",
                near(&a),
                near(&b)
            );
        }
    }
}

/// The largest char boundary at or before `at`.
pub fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
