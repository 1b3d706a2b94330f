//! The examples in the documentation compile. Every ```eng and ```eng-error block of
//! `docs/language.md`, and every ```eng block of `README.md`, is compiled on its own:
//!
//! - a ```eng block must compile without errors (warnings are allowed);
//! - a ```eng-error block must produce at least one error.
//!
//! Diagnostic codes written after the tag (```eng W0401, ```eng-error E0002) must
//! each be among the block's diagnostics, so a block that shows a particular warning
//! or error keeps showing that one.
//!
//! `use` paths in a block resolve against the current directory, which for `cargo
//! test` is the package root. Diagnostics name the Markdown file and its line numbers.

use engc::diag::Severity;
use engc::{compile_str, Options};
use std::path::Path;

/// A fenced code block of a Markdown file.
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    /// The info string's first word (`eng`, `eng-error`, `sh`, or empty).
    tag: String,
    /// The rest of the info string, split on white space.
    args: Vec<String>,
    text: String,
}

/// The fenced (``` or ~~~) code blocks of a Markdown text, in order. A closing fence is
/// a line of the same fence character, at least as long as the opening one, with nothing
/// after it; content lines lose the opening fence's indentation.
/// A code block being read: its first line, fence character, fence length, indent,
/// tag, arguments and text so far.
type OpenBlock = (usize, char, usize, usize, String, Vec<String>, String);

fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<OpenBlock> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let fence_len = fence_char.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match &mut open {
            None => {
                if let Some(c) = fence_char {
                    if fence_len >= 3 && indent <= 3 {
                        let info = trimmed[fence_len..].trim();
                        let mut words = info.split_whitespace().map(str::to_string);
                        let tag = words.next().unwrap_or_default();
                        let args = words.collect();
                        open = Some((i + 1, c, fence_len, indent, tag, args, String::new()));
                    }
                }
            }
            Some((start, c, len, open_indent, tag, args, text)) => {
                let closes = fence_char == Some(*c)
                    && fence_len >= *len
                    && trimmed[fence_len..].trim().is_empty()
                    && indent <= 3;
                if closes {
                    blocks.push(Block {
                        line: *start,
                        tag: std::mem::take(tag),
                        args: std::mem::take(args),
                        text: std::mem::take(text),
                    });
                    open = None;
                } else {
                    let strip = line.len() - line.trim_start_matches(' ').len();
                    text.push_str(&line[strip.min(*open_indent)..]);
                    text.push('\n');
                }
            }
        }
    }
    if let Some((start, ..)) = open {
        panic!("the code block opened at line {start} is never closed");
    }
    blocks
}

/// Compiles one block; returns a description of what is wrong with it, if anything.
fn check_block(file: &str, block: &Block) -> Option<String> {
    // Blank lines in front of the block keep the lines of its diagnostics those of the
    // Markdown file, so that `docs/language.md:LINE:COL` points at the example itself.
    let text = format!("{}{}", "\n".repeat(block.line), block.text);
    let c = compile_str(file, &text, &Options::default());
    let rendered = match engc::render::plain(&c.sources, &c.diagnostics) {
        r if r.is_empty() => "(no diagnostics)\n".to_string(),
        r => r,
    };
    let errors = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let header = format!("{file}, the ```{} block at line {}", block.tag, block.line);
    let problem = match block.tag.as_str() {
        "eng" if errors > 0 => Some(format!(
            "{header} must compile without errors, but:\n{rendered}"
        )),
        "eng-error" if errors == 0 => Some(format!(
            "{header} must produce at least one error, but it compiles:\n{rendered}"
        )),
        _ => None,
    };
    if problem.is_some() {
        return problem;
    }
    let missing: Vec<&str> = block
        .args
        .iter()
        .map(String::as_str)
        .filter(|code| !c.diagnostics.iter().any(|d| d.code == *code))
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "{header} names {} after its tag, but compiling it does not report {}:\n{rendered}",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        ));
    }
    None
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Checks the blocks with the given tags; returns (blocks checked, failures).
fn check_file(file: &str, tags: &[&str]) -> (usize, Vec<String>) {
    let blocks: Vec<Block> = fenced_blocks(&read(file))
        .into_iter()
        .filter(|b| tags.contains(&b.tag.as_str()))
        .collect();
    let failures = blocks.iter().filter_map(|b| check_block(file, b)).collect();
    (blocks.len(), failures)
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} documentation example(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn language_reference_examples_compile() {
    let (count, failures) = check_file("docs/language.md", &["eng", "eng-error"]);
    assert!(
        count >= 20,
        "docs/language.md has only {count} ```eng / ```eng-error blocks; is the file complete?"
    );
    assert_no_failures(failures);
}

#[test]
fn readme_examples_compile() {
    let (count, failures) = check_file("README.md", &["eng"]);
    assert!(
        count >= 1,
        "README.md has no ```eng block; its language tour should be tagged ```eng so that it is checked"
    );
    assert_no_failures(failures);
}

#[test]
fn fences_are_found() {
    let md = "text\n```eng\na\n```\n\n  ```eng-error E0002 W0601\n  b\n    c\n  ```\n````\n```eng\n````\n~~~sh\nx\n~~~\n";
    let blocks = fenced_blocks(md);
    let summary: Vec<(usize, &str, Vec<String>, &str)> = blocks
        .iter()
        .map(|b| (b.line, b.tag.as_str(), b.args.clone(), b.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (2, "eng", vec![], "a\n"),
            (
                6,
                "eng-error",
                vec!["E0002".to_string(), "W0601".to_string()],
                "b\n  c\n"
            ),
            (10, "", vec![], "```eng\n"),
            (13, "sh", vec![], "x\n"),
        ]
    );
}
