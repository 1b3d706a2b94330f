//! Any bytes as a `--catalog` file: the GCP and the Azure parsers refuse or accept
//! them without panicking, and a catalog they accept answers look-ups.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(g) = engc::catalog::gcp::Catalog::parse(text) {
        let _ = g.is_empty();
    }
    if let Ok(a) = engc::catalog::azure::Catalog::parse(text) {
        let _ = a.is_empty();
    }
});
