//! Any text through the formatter: it settles (never gives up), formatting twice
//! changes nothing, every token is kept in order, and the formatted text builds to the
//! same diagnostics' codes and the same documents. And through the lossless syntax
//! tree the formatter reads: its text is the input byte for byte, before and after
//! formatting.
#![no_main]

use engc::ide::format::{build_outcome as build, format, try_format, words};
use engc::source::FileId;
use engc::syntax::parse_full;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tree = parse_full(FileId::default(), text).tree;
    assert_eq!(tree.text(), text, "the tree keeps every byte");
    let once = try_format(text).expect("the layout settles and keeps every token");
    assert_eq!(format(&once), once, "formatting is idempotent");
    assert_eq!(parse_full(FileId::default(), &once).tree.text(), once);
    let lf = |s: &str| -> Vec<String> { words(s).iter().map(|w| w.replace('\r', "")).collect() };
    assert_eq!(lf(&once), lf(text), "formatting keeps every token");
    assert!(build(&once) == build(text), "formatting keeps the build");
});
