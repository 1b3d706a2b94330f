//! Helpers the command-line tests share: running the built binary as users do, the
//! examples, and reading back what it wrote.
#![allow(dead_code)] // each test file uses its own share of them

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `engc` with `args` in `dir` (no colour, no backtraces).
pub fn engc_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("engc runs")
}

/// Runs `engc` with `args` in the current folder.
pub fn engc(args: &[&str]) -> Output {
    engc_in(Path::new("."), args)
}

/// The path of `examples/<name>.eng`.
pub fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.eng"))
        .display()
        .to_string()
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// The codes of `--format json`'s diagnostics, in order.
pub fn json_codes(v: &serde_json::Value) -> Vec<&str> {
    v["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().expect("a code"))
        .collect()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file below `dir`, relative, with its contents, sorted.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}
