//! Links the `engc` executable at a fixed address (not as a position-independent
//! executable) on Linux with glibc: the dynamic loader then has no relocations to
//! apply at each start (11,400 pointers in static tables, vtables and string lists;
//! about 150,000 instructions and 10% of the CPU time of `engc check` on a small
//! file). The cost is that the executable's own code is not placed at a random
//! address; the libraries it loads still are.
fn main() {
    println!("cargo:rerun-if-changed=compiler/cli/build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bin=engc=-no-pie");
    }
}
