//! The `engc` binary as users and CI run it: exit codes, output formats, what is
//! (not) written, and hostile input.

use crate::common;

use common::{engc, example, json_codes, stderr, tree, write};
use std::process::Command;

const BROKEN: &str = "deployment d {\n  clouds aws\n}\naccess a for nobody scoped {\n}\n";

#[test]
fn check_exit_codes() {
    assert_eq!(engc(&["check", &example("chalk")]).status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.eng", BROKEN.as_bytes());
    let o = engc(&["check", &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error[E0101]: unknown principal `nobody`"),
        "{}",
        stderr(&o)
    );
    // Usage and I/O problems are 2.
    assert_eq!(engc(&["check"]).status.code(), Some(2));
    assert_eq!(
        engc(&["check", "/nonexistent/x.eng"]).status.code(),
        Some(2)
    );
    assert_eq!(engc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        engc(&["build", &example("chalk"), "-o", "x", "--target", "ibm"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "w.eng",
        b"deployment d {\n  clouds aws\n}\naccess a unscoped \"setup\" {\n  aws allow [\"s3:GetObject\", \"s3:GetObject\"] on \"*\"\n}\n",
    );
    let o = engc(&["check", &f]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("warning[W0402]"), "{}", stderr(&o));
}

#[test]
fn human_diagnostic_rendering() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.eng", BROKEN.as_bytes());
    let o = engc(&["check", &bad]);
    let text = stderr(&o).replace(&bad, "bad.eng");
    insta::assert_snapshot!("human_rendering", text);
    assert!(!text.contains('\u{1b}'), "NO_COLOR means no escape codes");
    let colored = Command::new(env!("CARGO_BIN_EXE_engc"))
        .args(["check", &bad, "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&colored.stderr).contains('\u{1b}'));
}

#[test]
fn json_format() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.eng", BROKEN.as_bytes());
    let o = engc(&["check", &bad, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E0101");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 4);
    assert_eq!(d["column"], 14);
    assert_eq!(d["message"], "unknown principal `nobody`");
    // With every parameter set, Chalk is clean; without, each unset one is W0117.
    let clean = engc(&[
        "check",
        &example("chalk"),
        "--format",
        "json",
        "--set",
        "external_id=ext-0123456789",
        "--set",
        "namespace=chalk",
        "--set",
        "log_group=/chalk/engine",
        "--set",
        "region=us-east-1",
        "--set",
        "account_id=123456789012",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v}");
    let open = engc(&["check", &example("chalk"), "--format", "json"]);
    assert_eq!(open.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&open.stdout).unwrap();
    let codes = json_codes(&v);
    assert_eq!(codes, ["W0117"; 5]);
}

#[test]
fn failed_build_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A fresh folder is not created.
    let bad = write(dir.path(), "bad.eng", BROKEN.as_bytes());
    assert_eq!(
        engc(&["build", &bad, "-o", out.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    assert!(!out.exists());
    // An existing output folder stays exactly as it was.
    assert_eq!(
        engc(&["build", &example("chalk"), "-o", out.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let before = tree(&out);
    assert!(before.len() > 5);
    assert_eq!(
        engc(&["build", &bad, "-o", out.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(tree(&out), before);
    // Nothing is left behind beside it either: the input, the output and the lock
    // file builds into it share.
    let mut siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    siblings.sort();
    assert_eq!(siblings, [".out.engc-lock", "bad.eng", "out"]);
}

#[test]
fn build_replaces_only_engc_folders() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
    let o = engc(&["build", &example("chalk"), "-o", mine.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an engc output folder"));
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn rebuilds_are_byte_identical_and_stale_files_go() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    for out in [&a, &b] {
        assert_eq!(
            engc(&["build", &example("aichor"), "-o", out.to_str().unwrap()])
                .status
                .code(),
            Some(0)
        );
    }
    assert_eq!(tree(&a), tree(&b));
    // Building another deployment into `a` leaves none of the old files (engc wrote
    // them; a file it did not write would stop the build, see tests/build_folder.rs).
    assert!(a.join("gcp").exists());
    assert_eq!(
        engc(&["build", &example("iomete"), "-o", a.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(!a.join("gcp").exists());
}

#[test]
fn targets_and_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = engc(&[
        "build",
        &example("chalk"),
        "-o",
        out.to_str().unwrap(),
        "--target",
        "aws",
        "--set",
        "external_id=abc-123",
        "--set",
        "region=eu-west-1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("k8s").exists() && !out.join("network").exists());
    let trust = std::fs::read_to_string(out.join("aws/chalk_api.trust.json")).unwrap();
    assert!(trust.contains("\"sts:ExternalId\": \"abc-123\""));
    let ongoing = std::fs::read_to_string(out.join("aws/ongoing.policy.json")).unwrap();
    assert!(ongoing.contains("arn:aws:eks:eu-west-1:${account_id}:*"));
    // A parameter nobody declared is a usage error.
    let o = engc(&["check", &example("chalk"), "--set", "colour=blue"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is no parameter"), "{}", stderr(&o));
}

/// Hostile input: each a clear diagnostic and exit 1, never a panic.
#[test]
fn hostile_input() {
    let dir = tempfile::tempdir().unwrap();
    let long_line = format!(
        "deployment d {{ clouds aws }}\n// {}\nnetwork n {{ cidr {}/8 }}\n",
        "x".repeat(1 << 20),
        "1".repeat(1 << 20)
    );
    let nested_brackets = format!(
        "deployment d {{ clouds aws }}\naccess a unscoped \"r\" {{ aws allow {} }}\n",
        "[".repeat(10_000)
    );
    let nested_blocks = format!(
        "deployment d {{ clouds aws }}\n{}\n",
        "access a scoped {".repeat(10_000)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "E0004"),
        ("binary", vec![0, 1, 2, 0xff, 0xfe, 0, 7], "E0003"),
        (
            "invalid_utf8",
            b"deployment d { clouds aws }\n// caf\xe9\n".to_vec(),
            "E0003",
        ),
        (
            "nul_byte",
            b"deployment d { clouds aws }\n\0\n".to_vec(),
            "E0001",
        ),
        ("long_line", long_line.into_bytes(), "E0201"),
        ("nested_brackets", nested_brackets.into_bytes(), "E0001"),
        ("nested_blocks", nested_blocks.into_bytes(), "E0001"),
        (
            "unterminated_string",
            b"deployment d { clouds aws\n  name_prefix \"abc\n}\n".to_vec(),
            "E0001",
        ),
        (
            "bad_octet",
            b"deployment d { clouds aws }\nnetwork n { cidr 300.1.1.1/8 }\n".to_vec(),
            "E0201",
        ),
        (
            "bad_prefix",
            b"deployment d { clouds aws }\nnetwork n { cidr 10.0.0.0/33 }\n".to_vec(),
            "E0201",
        ),
    ];
    for (name, bytes, code) in cases {
        let f = write(dir.path(), &format!("{name}.eng"), &bytes);
        let o = engc(&["check", &f, "--format", "json"]);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{name} panicked: {err}");
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let codes = json_codes(&v);
        assert!(
            codes.contains(&code),
            "{name}: expected {code}, got {codes:?}"
        );
        // Human rendering of the same input must not panic either.
        let h = engc(&["check", &f]);
        assert!(
            !stderr(&h).contains("panicked"),
            "{name} panicked when rendering"
        );
        assert_eq!(h.status.code(), Some(1));
    }
}

#[test]
fn unterminated_string_message() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "u.eng",
        b"deployment d {\n  clouds aws\n  name_prefix \"abc\n}\n",
    );
    let o = engc(&["check", &f]);
    let text = stderr(&o).replace(&f, "u.eng");
    insta::assert_snapshot!("unterminated_string", text);
}

#[test]
fn syntax_errors_resume_at_the_next_declaration() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "two.eng",
        b"deployment d {\n  clouds aws\n}\nnetwork n {\n  cidr 10.0.0.0/16\n  subnet\n}\nprincipal p {\n  aws rol \"x\"\n}\nstore s: s3\n",
    );
    let o = engc(&["check", &f, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<u64> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0001")
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![7, 9], "{v:#}");
}

#[test]
fn explain_codes() {
    let o = engc(&["explain", "E0301"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("cluster-scoped resource in a namespaced Role"));
    // The paragraph, then the case, what engc reports on it, and the fix.
    assert!(out.contains("the API server ignores it"), "{out}");
    assert!(out.contains("Example (tests/cases/E0301.eng):"), "{out}");
    assert!(out.contains("error[E0301]"), "{out}");
    assert!(out.contains("Fixed (tests/cases/E0301.ok.eng):"), "{out}");
    assert_eq!(engc(&["explain", "E9999"]).status.code(), Some(2));
}

#[test]
fn setting_words_are_whole_words() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "w.eng", b"deployment d {\n  cloudsaws\n}\n");
    let o = engc(&["check", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "expected `ack`, `clouds`, `external`, `managed_tag`, `name_prefix`, `param` or `scope`, found `cloudsaws`"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn set_fills_generated_arns_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = engc(&[
        "build",
        &example("quickstart"),
        "-o",
        out.to_str().unwrap(),
        "--target",
        "aws",
        "--set",
        "region=eu-west-1",
        "--set",
        "account_id=123456789012",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let policy = std::fs::read_to_string(out.join("aws/operate.policy.json")).unwrap();
    assert!(
        policy.contains("arn:aws:ecr:eu-west-1:123456789012:repository/*"),
        "{policy}"
    );
    assert!(!policy.contains("${region}") && !policy.contains("${account_id}"));
}

/// Inputs that are not regular files, or too large, are refused at once (exit 2): a
/// device (`/dev/zero` grew to 1.9 GB and hung), a FIFO (hung), a folder.
#[test]
fn inputs_must_be_regular_files_of_bounded_size() {
    let dir = tempfile::tempdir().unwrap();
    let o = engc(&["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let o = engc(&["check", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a regular file"));
    let o = engc(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("a folder, not a file"),
        "{}",
        stderr(&o)
    );
    // 65 MiB (sparse): over the documented 64 MiB.
    let big = dir.path().join("big.eng");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    let o = engc(&["check", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("larger than the 64 MiB engc reads"),
        "{}",
        stderr(&o)
    );
    // The same limits for `--set-file` and `--catalog`.
    for flag in ["--set-file", "--catalog"] {
        let o = engc(&["check", &example("quickstart"), flag, "/dev/zero"]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(stderr(&o).contains("not a regular file"), "{flag}");
    }
}

/// JSON offsets are offsets into the file's bytes, also after invalid UTF-8 (each bad
/// byte was counted as the three of its replacement character).
#[test]
fn json_byte_offsets_count_the_files_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: &[u8] =
        b"deployment d {\n  clouds aws\n}\n\xff\xfe // two bad bytes\n\xc3(\nstore y: buckt\n";
    let f = write(dir.path(), "bad.eng", bytes);
    let o = engc(&["check", &f, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let at = bytes.windows(5).position(|w| w == b"buckt").unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0104")
        .expect("the unknown kind is reported");
    assert_eq!(d["start_byte"], at);
    assert_eq!(d["end_byte"], at + 5);
    let first = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0003")
        .unwrap();
    assert_eq!(first["start_byte"], 30);
    assert_eq!(first["end_byte"], 31);
}

/// Human output is capped (`--max-diagnostics`, default 200), errors first, with the
/// number left out; JSON has them all.
#[test]
fn human_output_is_capped_errors_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("deployment d {\n  clouds aws\n}\nnetwork m {\n  cidr 10.0.0.0/16\n}\nnetwork n {\n  cidr 10.0.0.0/16\n");
    for i in 0..500 {
        text.push_str(&format!("  subnet s{i} 10.0.0.0/24\n"));
    }
    text.push_str("}\n");
    let f = write(dir.path(), "many.eng", text.as_bytes());
    let o = engc(&["check", &f]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.matches("error[E0204]").count(), 200);
    assert!(!err.contains("warning[W0205]"), "the errors come first");
    assert!(
        err.contains("... and 300 more diagnostics not shown (--max-diagnostics 200; 0 shows all)"),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with("check failed: 499 errors, 1 warning"),
        "{err}"
    );
    let o = engc(&["check", &f, "--max-diagnostics", "0"]);
    assert_eq!(stderr(&o).matches("error[E0204]").count(), 499);
    assert!(stderr(&o).contains("warning[W0205]"));
    let o = engc(&["check", &f, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 500);
}

#[test]
fn completions_for_each_shell_know_the_commands_and_their_options() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = engc(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(o.stdout).unwrap();
        for word in [
            "check",
            "build",
            "explain",
            "catalog",
            "set-file",
            "customers",
        ] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    // bash reads the script without a syntax error.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("engc.bash");
    std::fs::write(&script, engc(&["completions", "bash"]).stdout).unwrap();
    let bash = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        bash.status.success(),
        "{}",
        String::from_utf8_lossy(&bash.stderr)
    );
    assert_eq!(engc(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn manual_pages_render_for_every_command() {
    let page = engc(&["man"]);
    assert_eq!(page.status.code(), Some(0));
    let roff = String::from_utf8(page.stdout).unwrap();
    assert!(
        roff.starts_with(".ie \\n(.g .ds Aq") || roff.contains(".TH engc 1"),
        "{roff}"
    );
    assert!(
        roff.contains("Exit status: 0 when there is no error"),
        "{roff}"
    );
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        engc(&["man", "--out", dir.path().to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert!(pages.contains(&"engc-build.1".to_string()), "{pages:?}");
    // groff (man-db's formatter) renders each page without a warning, where it exists.
    if Command::new("groff").arg("-v").output().is_ok() {
        for p in &pages {
            let out = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(dir.path().join(p))
                .output()
                .unwrap();
            assert!(
                out.stderr.is_empty(),
                "{p}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let build = Command::new("groff")
            .args(["-man", "-Tutf8", "-P-cbou"])
            .arg(dir.path().join("engc-build.1"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&build.stdout);
        assert!(text.contains("--customers"), "{text}");
    }
}
