//! `engc diff` rendered: for people, as JSON, and as Markdown for a pull-request
//! comment. Every change is one block of lines, each line led by its mark: `+` widens
//! access, `-` narrows it, `~` changes nothing (the other version holds it through a
//! wider grant). In Markdown the blocks sit in ```` ```diff ```` fences, which colour
//! the marks. The lines themselves are [`engc_ide::diff`]'s, shared with the hover.

use engc_core::access::diff::{Diff, PrincipalDiff};
use engc_ide::diff::{finding_lines, heading, heading_md, principal_lines, verdict};
use serde::Serialize;
use std::fmt::Write;

/// The diff with the names of what was compared, as `--format json` prints it.
#[derive(Serialize)]
struct Document<'a> {
    old: &'a str,
    new: &'a str,
    grows: bool,
    gained: usize,
    lost: usize,
    principals: &'a [PrincipalDiff],
    findings: &'a [engc_core::access::diff::FindingChange],
}

pub fn json(d: &Diff, old: &str, new: &str) -> String {
    let (gained, lost) = d.counts();
    let doc = Document {
        old,
        new,
        grows: d.grows,
        gained,
        lost,
        principals: &d.principals,
        findings: &d.findings,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

pub fn human(d: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("engc diff {old} {new}: {}\n", verdict(d));
    for p in &d.principals {
        let _ = writeln!(out, "\n{}", heading(p));
        for line in principal_lines(p) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !d.findings.is_empty() {
        out.push_str("\nrisk findings\n");
        for line in finding_lines(d) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !d.is_empty() {
        out.push_str(
            "\n+ widens access, - narrows it, ~ changes nothing (held through a wider grant)\n",
        );
    }
    out
}

pub fn markdown(d: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("### engc diff: {}\n\n", verdict(d));
    let _ = writeln!(out, "`{old}` → `{new}`");
    if d.is_empty() {
        return out;
    }
    out.push_str(
        "\n`+` widens access, `-` narrows it, `~` changes nothing (held through a wider grant).\n",
    );
    for p in &d.principals {
        let _ = writeln!(out, "\n#### {}\n\n```diff", heading_md(p));
        for line in principal_lines(p) {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("```\n");
    }
    if !d.findings.is_empty() {
        out.push_str("\n#### Risk findings\n\n```diff\n");
        for line in finding_lines(d) {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("```\n");
    }
    out
}
