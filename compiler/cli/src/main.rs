//! The `engc` command line.

fn main() {
    std::process::exit(engc::cli::run(std::env::args_os().collect()));
}
