//! `engc explain [CODE]`: what a diagnostic code means, why it matters and how to fix
//! it (docs/diagnostics.md), then a failing example with what engc reports on it and
//! the fixed example. The examples are the test suite's own cases and snapshot, built
//! into the binary, so what `explain` shows is what the tests prove engc does.

use super::{EXIT_OK, EXIT_USAGE};
use engc_core::diag::{codes, Severity};

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A code such as `E0301`; without one, every code is listed.
    code: Option<String>,
}

/// One section per code.
const EXPLANATIONS: &str = include_str!("../../../../docs/diagnostics.md");

/// A code's examples: the snapshot of the failing case (its source, then what engc
/// reports) and the fixed case.
struct Examples {
    name: &'static str,
    reported: &'static str,
    fixed: &'static str,
}

macro_rules! codes {
    ($( $code:ident $sev:ident $summary:literal ),* $(,)?) => {
        const EXAMPLES: &[Examples] = &[ $( Examples {
            name: stringify!($code),
            reported: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/diagnostics/", stringify!($code), ".snap"
            )),
            fixed: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"), "/tests/cases/", stringify!($code), ".ok.eng"
            )),
        } ),* ];
    };
}
include!("../../../core/src/diag/codes_table.rs");

/// Sources longer than this are cut in the output (the file is named).
const MAX_LINES: usize = 40;

pub fn run(args: &ExplainArgs) -> i32 {
    match &args.code {
        None => {
            for c in codes::ALL {
                println!("{}  {}", c.code, c.summary);
            }
            EXIT_OK
        }
        Some(code) => match codes::lookup(&code.to_ascii_uppercase()) {
            Some(c) => {
                print!("{}", explain(c));
                EXIT_OK
            }
            None => {
                eprintln!(
                    "error: unknown diagnostic code `{code}` (run `engc explain` for the list)"
                );
                EXIT_USAGE
            }
        },
    }
}

/// The whole text `engc explain CODE` prints.
fn explain(c: &codes::Entry) -> String {
    let sev = match c.severity {
        Severity::Error => "error (the build writes nothing)".to_string(),
        Severity::Warning => format!(
            "warning (can be acknowledged with `ack {} \"reason\"`)",
            c.name
        ),
        Severity::Note => "note".to_string(),
    };
    let mut out = format!("{}: {}\nseverity: {sev}\n", c.name, c.summary);
    if let Some(text) = section(c.name) {
        out.push('\n');
        out.push_str(text);
        out.push('\n');
    }
    if let Some(ex) = EXAMPLES.iter().find(|e| e.name == c.name) {
        let (source, report) = split_snapshot(ex.reported);
        // An `engc import` code's case names the document it imports.
        let (file, command) = match imported(ex.fixed) {
            Some(fixed) => (fixed.replace(".ok.", "."), "engc import"),
            None => (format!("tests/cases/{}.eng", c.name), "engc check"),
        };
        out.push_str(&format!("\nExample ({file}):\n\n{}", indent(source, &file)));
        out.push_str(&format!("\n{command} reports:\n\n{}", indent(report, "")));
        match imported(ex.fixed) {
            Some(fixed) => out.push_str(&format!(
                "\nFixed: the document {fixed} in the repository.\n"
            )),
            None => {
                let fixed = format!("tests/cases/{}.ok.eng", c.name);
                out.push_str(&format!(
                    "\nFixed ({fixed}):\n\n{}",
                    indent(ex.fixed, &fixed)
                ));
            }
        }
    }
    out
}

/// The document an import case (`// import: PATH`) imports.
fn imported(case: &str) -> Option<&str> {
    case.strip_prefix("// import: ").map(str::trim)
}

/// The section of docs/diagnostics.md headed `## CODE`, without its heading.
pub(crate) fn section(code: &str) -> Option<&'static str> {
    let heading = format!("\n## {code}\n");
    let start = EXPLANATIONS.find(&heading)? + heading.len();
    let rest = &EXPLANATIONS[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// An insta snapshot of a case: the case's source, then `=== engc check FILE ===` and
/// the rendered report (the header between `---` lines is dropped).
fn split_snapshot(snap: &str) -> (&str, &str) {
    let body = snap
        .strip_prefix("---\n")
        .and_then(|s| s.split_once("\n---\n"))
        .map_or(snap, |(_, body)| body);
    match body.split_once("\n=== ") {
        Some((source, rest)) => (source, rest.split_once("===\n").map_or(rest, |(_, r)| r)),
        None => (body, ""),
    }
}

/// Text indented four spaces; past [`MAX_LINES`] lines, the rest is named, not shown.
fn indent(text: &str, file: &str) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let mut out = String::new();
    for line in lines.iter().take(MAX_LINES) {
        out.push_str(format!("    {line}").trim_end());
        out.push('\n');
    }
    if lines.len() > MAX_LINES {
        let more = lines.len() - MAX_LINES;
        let whole = if file.is_empty() {
            String::new()
        } else {
            format!(": see {file}")
        };
        out.push_str(&format!("    ... {more} more lines{whole}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_section_and_every_section_a_code() {
        for c in codes::ALL {
            let text = section(c.name)
                .unwrap_or_else(|| panic!("docs/diagnostics.md has no `## {}`", c.name));
            assert!(
                text.len() > 80,
                "{}: the section is a paragraph, not a line",
                c.name
            );
        }
        for line in EXPLANATIONS.lines().filter_map(|l| l.strip_prefix("## ")) {
            assert!(
                codes::lookup(line).is_some(),
                "docs/diagnostics.md: `## {line}` is not a code"
            );
        }
    }

    #[test]
    fn every_code_shows_its_failing_example_its_report_and_the_fix() {
        for c in codes::ALL {
            let text = explain(c);
            let (source, report) =
                split_snapshot(EXAMPLES.iter().find(|e| e.name == c.name).unwrap().reported);
            assert!(
                !source.trim().is_empty() && report.contains(c.name),
                "{}: {report}",
                c.name
            );
            for part in ["Example (", "engc check reports:", "Fixed ("] {
                assert!(text.contains(part), "{}: no {part}", c.name);
            }
        }
    }
}
