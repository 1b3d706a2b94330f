//! Any text through both parsers: the hand-written recognizer, wherever it accepts a
//! declaration, gives the tree, AST and diagnostics that pest alone gives.
#![no_main]

use engc::syntax::parser::fast_path_agrees;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = fast_path_agrees(text) {
        panic!("the fast parser and pest differ on {text:?}: {e}");
    }
});
