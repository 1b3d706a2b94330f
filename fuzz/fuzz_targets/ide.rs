//! Any text through the editor layer: formatting (idempotent, every token kept),
//! completion, hover, definitions, references, highlights, rename, symbols and code
//! actions at positions the input chooses.
#![no_main]

use engc::ide::{format::format, lexer::tokenize, Analysis};
use engc::{compile_str, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let text = String::from_utf8_lossy(&data[2..]).into_owned();
    let once = format(&text);
    assert_eq!(format(&once), once, "formatting is idempotent");
    // Line ends may become the file's dominant style (LF or CRLF).
    let words = |s: &str| -> Vec<String> {
        tokenize(s).iter().map(|t| t.text(s).replace('\r', "")).collect()
    };
    assert_eq!(words(&once), words(&text), "formatting keeps every token");

    let options = Options::default();
    let c = compile_str("fuzz.eng", &text, &options);
    let Some(file) = c.files.first().map(|(id, _)| *id) else {
        return;
    };
    let a = Analysis::new(c, options);
    let len = text.len().max(1);
    for seed in [data[0] as usize, data[1] as usize * 7, len / 2, len] {
        let at = engc::ide::clamp(&text, seed * 31 % (len + 1));
        let _ = a.completions(file, at);
        let _ = a.hover(file, at);
        let _ = a.definition(file, at);
        let _ = a.references(file, at, true);
        let _ = a.highlights(file, at);
        if a.prepare_rename(file, at).is_ok() {
            let _ = a.rename(file, at, "renamed");
        }
        let _ = a.code_actions(file, at, engc::ide::clamp(&text, at + 8));
    }
    let _ = a.symbols(file);
    let _ = a.format(file);
});
