//! The `engc` command line.

/// Small blocks from size-class free lists (see `engc::alloc`).
#[global_allocator]
static ALLOC: engc::alloc::Small = engc::alloc::Small::new();

fn main() {
    std::process::exit(engc::cli::run(std::env::args_os().collect()));
}
