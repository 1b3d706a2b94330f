//! Any bytes through the whole pipeline as `engc build` runs it: decode, parse, check,
//! lower, emit every target (with and without --minimize and --strict), and render
//! the diagnostics both ways. Nothing may panic or hang, and every diagnostic's span
//! must lie inside its file on character boundaries.
#![no_main]

use engc::backend::Target;
use engc::{compile_str, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let minimize = data.first().is_some_and(|b| b & 1 == 1);
    let options = Options {
        minimize,
        strict: data.first().is_some_and(|b| b & 2 == 2),
        outputs: Some(Target::ALL.into_iter().collect()),
        ..Options::default()
    };
    let c = compile_str("fuzz.eng", &text, &options);
    for d in &c.diagnostics {
        let f = c.sources.get(d.span.file);
        let (s, e) = (d.span.start as usize, d.span.end as usize);
        assert!(s <= e && e <= f.text.len(), "{d:?}");
        assert!(f.text.is_char_boundary(s) && f.text.is_char_boundary(e), "{d:?}");
    }
    let _ = engc::render::plain(&c.sources, &c.diagnostics);
    let _ = engc::render::json(&c.sources, &c.diagnostics);
    if c.model.is_some() {
        assert!(!c.outputs.is_empty());
        for f in &c.outputs {
            assert!(f.contents.ends_with('\n'), "{}", f.path);
        }
    }
});
