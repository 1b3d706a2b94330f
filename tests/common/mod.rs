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

/// Runs `engc` with `args`, asserts that it exits with `code` (showing its stderr when
/// not), and returns its stderr.
pub fn exits(args: &[&str], code: i32) -> String {
    let o = engc(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "engc {args:?}: {err}");
    err
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

/// The exit codes and writing of a command that renders one text from a deployment
/// (`engc graph`, `engc report`): input errors exit 1 with nothing on stdout and no
/// file; `-o` writes the same text as stdout, whole, and an error later leaves it as it
/// was, with no temporary file behind; usage and I/O errors exit 2.
pub fn check_rendering_command(command: &str, out_name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.eng", b"");
    let broken = write(
        dir.path(),
        "broken.eng",
        b"deployment d {\n  clouds aws\n}\naccess a for {\n",
    );
    let out = dir.path().join(out_name);
    let out_s = out.display().to_string();
    for (f, code) in [(&empty, "E0004"), (&broken, "E0001")] {
        let o = engc(&[command, f]);
        assert_eq!(o.status.code(), Some(1), "{f}");
        assert!(o.stdout.is_empty(), "nothing on stdout on error");
        let err = stderr(&o);
        assert!(err.contains(&format!("error[{code}]")), "{err}");
        assert!(
            err.contains(&format!("{command} failed")) && err.contains("nothing written"),
            "{err}"
        );
        assert_eq!(engc(&[command, f, "-o", &out_s]).status.code(), Some(1));
        assert!(!out.exists(), "no file on error");
    }
    let quickstart = example("quickstart");
    let o = engc(&[command, &quickstart, "-o", &out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("wrote"));
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        written,
        String::from_utf8(engc(&[command, &quickstart]).stdout).unwrap()
    );
    assert_eq!(
        engc(&[command, &broken, "-o", &out_s]).status.code(),
        Some(1)
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    let left = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(left, 3, "no temporary file left behind");
    assert_eq!(engc(&[command]).status.code(), Some(2));
    assert_eq!(
        engc(&[command, "/nonexistent/x.eng"]).status.code(),
        Some(2)
    );
    let o = engc(&[command, &quickstart, "-o", "/nonexistent/dir/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}
