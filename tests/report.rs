//! `engc report`: the reviewer's page. The whole page of the quickstart and an outline
//! of every example's page (headings and table rows, folded lists left folded) as
//! snapshots; escaping of hostile source text; exit codes and nothing written on error.
//! .ci/report-e2e.sh renders the pages in headless Chromium.

use crate::common;

use common::{engc, engc_in, example, stderr, write};
use std::path::Path;

const EXAMPLES: [&str; 5] = ["aichor", "chalk", "iomete", "lakeside", "quickstart"];

/// The page of `examples/NAME.eng`, named by a relative path (file names appear on the
/// page).
fn report(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = engc_in(root, &["report", &format!("examples/{name}.eng")]);
    assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// Text of the markup, with entities for `<`, `>`, `&` and quotes decoded.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The page's outline: headings, and each body row's cells (`|`-separated), with the
/// names inside `<details>` left out (their summary, the count, stays).
fn outline(html: &str) -> String {
    let mut out = String::new();
    for line in html.lines() {
        let folded = match (line.find("<details>"), line.find("</summary>")) {
            (Some(a), Some(b)) => {
                let end = line
                    .find("</details>")
                    .map(|e| e + 10)
                    .unwrap_or(line.len());
                format!("{}{}{}", &line[..a], &line[a..b], &line[end..])
            }
            _ => line.to_string(),
        };
        let l = folded.trim_start();
        if ["<h1", "<h2", "<h3", "<h4"].iter().any(|h| l.contains(h)) {
            out.push_str(text(l).trim());
            out.push('\n');
        } else if l.starts_with("<tr") || l.starts_with("<thead><tr") {
            let cells: Vec<String> = l
                .replace("</li>", "; ")
                .replace("</summary>", ": ")
                .replace("</td>", "\u{1}")
                .replace("</th>", "\u{1}")
                .split('\u{1}')
                .map(|c| text(c).trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            out.push_str(&format!("  | {}\n", cells.join(" | ")));
        }
    }
    out
}

#[test]
fn report_of_the_quickstart_whole() {
    let page = report("quickstart");
    assert!(page.starts_with("<!DOCTYPE html>\n") && page.ends_with("</html>\n"));
    assert_eq!(report("quickstart"), page, "deterministic");
    insta::assert_snapshot!("report_quickstart_html", page);
}

#[test]
fn report_of_every_example() {
    for name in EXAMPLES {
        let page = report(name);
        assert!(page.ends_with("</html>\n"), "{name}");
        // Self-contained: no script, nothing fetched.
        for bad in ["<script", "src=", "href=\"http", "url(", "@import", "<link"] {
            assert!(!page.contains(bad), "{name}: `{bad}` on the page");
        }
        // Every table has a caption and header cells with a scope.
        assert_eq!(
            page.matches("<table").count(),
            page.matches("<caption>").count(),
            "{name}"
        );
        assert!(
            !page.contains("<th>"),
            "{name}: a header cell without scope"
        );
        insta::assert_snapshot!(format!("report_{name}_outline"), outline(&page));
    }
}

#[test]
fn report_of_chalk_says_what_each_principal_can_do() {
    let t = text(&report("chalk"));
    for want in [
        "Principal chalk_api",
        "Principal chalk_management",
        "chalk_api on AWS",
        "AWS: Permissions management",
        "iam:PassRole",
        "StringEquals aws:ResourceTag/chalk.ai/managed-by = chalk",
        "W0411",
        "the setup role creates the cluster's IAM roles and policies",
        "10.130.0.0/16",
        "10.130.16.0",
        "examples/chalk.eng:",
    ] {
        assert!(t.contains(want), "no `{want}` on the page");
    }
}

#[test]
fn report_escapes_hostile_source_text() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "evil.eng",
        include_bytes!("e2e/report/hostile.eng"),
    );
    let o = engc_in(dir.path(), &["report", "evil.eng"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = String::from_utf8(o.stdout).unwrap();
    for bad in ["<script", "<img", "<b>", "<i>", "<u>"] {
        assert!(!page.contains(bad), "`{bad}` reached the page unescaped");
    }
    let t = text(&page);
    for kept in [
        "<script>document.title='pwned'</script> & 'quotes'",
        "</td></tr></table><img src=x onerror=\"document.title='pwned'\">",
        "arn:aws:s3:::<b>x</b>/*",
        "StringEquals aws:PrincipalTag/team = <u>ops</u>",
        "<i>z</i>",
    ] {
        assert!(t.contains(kept), "`{kept}` is not on the page as text");
    }
}

#[test]
fn report_exit_codes_and_nothing_written_on_error() {
    common::check_rendering_command("report", "report.html");
    // A folder is not a page's file.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let o = engc(&[
        "report",
        &example("quickstart"),
        "-o",
        &folder.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
    let o = engc(&["report", &example("quickstart"), "--set", "nope=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn report_of_a_level_without_principal_and_a_range_outside_the_block() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lone.eng",
        br#"deployment d {
  clouds gcp
}
network n {
  cidr 10.0.0.0/8
  subnet s 10.0.0.0/24 zone "a"
  pods 192.168.0.0/16
}
access lone scoped {
  gcp permissions ["storage.objects.get", "storage.buckets.setIamPolicy"]
}
"#,
    );
    let o = engc_in(dir.path(), &["report", "lone.eng"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = text(&String::from_utf8(o.stdout).unwrap());
    for want in [
        "Without a principal: access level lone",
        "GCP: Permissions management",
        "storage.buckets.setIamPolicy",
        "GCP: Read",
        "storage.objects.get",
        "pod range (outside the block)",
        "10.0.0.255",
        "16777216",
    ] {
        assert!(t.contains(want), "no `{want}` on the page:\n{t}");
    }
}
