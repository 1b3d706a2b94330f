//! `engc fmt`: the formatter over every `.eng` file of the repository and over
//! generated inputs (each example with its white space shuffled), and the command's
//! behaviour (in place, `--check`, stdin, exit codes). Mutants are formatted in
//! tests/robustness.rs.

use engc::ide::format::{build_outcome as build, format, try_format, words};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files(dirs: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in dirs {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "eng") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn lf_words(s: &str) -> Vec<String> {
    words(s).iter().map(|w| w.replace('\r', "")).collect()
}

/// fmt(fmt(x)) == fmt(x), the same tokens, and the same build; the lossless tree the
/// formatter reads holds the text byte for byte, before and after.
fn check_formats(name: &str, text: &str) {
    let tree = |s: &str| engc::syntax::parse_full(engc::source::FileId::default(), s).tree;
    assert_eq!(tree(text).text(), text, "{name}: the tree lost bytes");
    let once = try_format(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(tree(&once).text(), once, "{name}: the tree lost bytes");
    assert_eq!(format(&once), once, "{name}: not idempotent");
    assert_eq!(lf_words(&once), lf_words(text), "{name}: tokens changed");
    assert!(
        !once.lines().any(|l| l.ends_with(' ')) || once.contains("/*"),
        "{name}: trailing spaces"
    );
    let (before, after) = (build(text), build(&once));
    assert_eq!(after.0, before.0, "{name}: other diagnostics");
    assert!(after.1 == before.1, "{name}: other documents");
}

#[test]
fn every_eng_file_formats_idempotently_to_the_same_build() {
    let all = files(&["examples", "stdlib", "tests/cases", "tests/seeds"]);
    assert!(all.len() > 150);
    for f in all {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue; // the invalid UTF-8 case
        };
        check_formats(&f.display().to_string(), &text);
    }
}

#[test]
fn the_examples_and_the_standard_library_are_formatted() {
    for f in files(&["examples", "stdlib"]) {
        let text = std::fs::read_to_string(&f).unwrap();
        assert_eq!(format(&text), text, "{}", f.display());
    }
}

/// An example with each gap between two tokens replaced: spaces and tabs of any width,
/// extra blank lines, a line break where there was none (only after a token that cannot
/// end a declaration, so that the parse is the same).
fn reshuffled(text: &str, choices: &[u8]) -> String {
    let tokens = engc::ide::lexer::tokenize(text);
    let mut out = String::new();
    let mut last = 0;
    for (i, t) in tokens.iter().enumerate() {
        let gap = &text[last..t.start];
        let c = choices[i % choices.len()];
        let keep_break = gap.contains('\n');
        let new_gap = if i == 0 || gap.is_empty() {
            gap.to_string()
        } else if keep_break {
            ["\n", "\n\n\n", "\n\t   ", "\n      "][c as usize % 4].to_string()
        } else if t.is_comment() {
            gap.to_string()
        } else {
            [" ", "   ", "\t", "  \t "][c as usize % 4].to_string()
        };
        out.push_str(&new_gap);
        out.push_str(t.text(text));
        last = t.end;
    }
    out.push_str(&text[last..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x666d74),
        ..ProptestConfig::default()
    })]

    #[test]
    fn examples_with_their_white_space_shuffled_format_to_the_same_build(
        which in 0usize..4,
        choices in proptest::collection::vec(any::<u8>(), 1..64),
    ) {
        let f = &files(&["examples"])[which];
        let text = std::fs::read_to_string(f).unwrap();
        let messy = reshuffled(&text, &choices);
        check_formats(&f.display().to_string(), &messy);
        // The layout is canonical: the shuffled text formats to the example itself,
        // but for blank lines and aligned columns (which shuffling destroys).
        let layout = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let body = l.trim_start();
                    let words: Vec<&str> = body.split(' ').filter(|w| !w.is_empty()).collect();
                    format!("{}{}", &l[..l.len() - body.len()], words.join(" "))
                })
                .collect()
        };
        prop_assert_eq!(layout(&format(&messy)), layout(&text));
    }
}

// ---- the command -------------------------------------------------------------------

fn engc(args: &[&str], dir: &Path, stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_engc"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const MESSY: &str = "deployment d\n{\n      clouds aws\n}\n\n\n\nstore s : s3   \n";
const TIDY: &str = "deployment d {\n  clouds aws\n}\n\nstore s: s3\n";

#[test]
fn fmt_rewrites_in_place_and_leaves_formatted_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.eng");
    let tidy = dir.path().join("tidy.eng");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let before = std::fs::metadata(&tidy).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, out, err) = engc(&["fmt", "messy.eng", "tidy.eng"], dir.path(), None);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), TIDY);
    assert_eq!(
        std::fs::metadata(&tidy).unwrap().modified().unwrap(),
        before
    );
    // No temporary file is left beside them.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn fmt_check_writes_nothing_and_lists_what_would_change() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.eng"), MESSY).unwrap();
    std::fs::write(dir.path().join("tidy.eng"), TIDY).unwrap();
    let (code, out, _) = engc(
        &["fmt", "--check", "messy.eng", "tidy.eng"],
        dir.path(),
        None,
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("messy.eng is not formatted:\n@@ -1,8 +1,5 @@\n-deployment d\n-{\n"),
        "{out}"
    );
    assert!(out.contains("+deployment d {\n"), "{out}");
    assert!(!out.contains("tidy.eng"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("messy.eng")).unwrap(),
        MESSY
    );
    let (code, out, _) = engc(&["fmt", "--check", "tidy.eng"], dir.path(), None);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn fmt_formats_files_with_syntax_errors_and_reads_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "network n {\n      cidr 10.0.0.0/16 zone\n}\n";
    let (code, out, _) = engc(&["fmt", "-"], dir.path(), Some(broken));
    assert_eq!(code, 0);
    assert_eq!(out, "network n {\n  cidr 10.0.0.0/16 zone\n}\n");
    let (code, _, _) = engc(&["fmt", "--check", "-"], dir.path(), Some(broken));
    assert_eq!(code, 1);
}

#[test]
fn fmt_exits_2_on_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tidy.eng"), TIDY).unwrap();
    let (code, _, err) = engc(&["fmt", "missing.eng", "tidy.eng"], dir.path(), None);
    assert_eq!(code, 2);
    assert!(err.contains("missing.eng"), "{err}");
}

#[test]
fn a_brace_after_an_unclosed_string_stays_on_its_line() {
    // An unclosed string runs to the end of its line: joining the `{` below onto it
    // would make the brace part of the string (found by the mutant runs).
    for text in ["\"\"\"\n{", "engine x: \"abc\n{\n}\n"] {
        let once = try_format(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(words(&once), words(text), "{text:?} -> {once:?}");
        assert_eq!(try_format(&once).unwrap(), once);
    }
}
