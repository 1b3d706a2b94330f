//! Unit tests of the parser: windows change no result, many syntax errors stay fast,
//! trailing trivia is trimmed from spans.

use super::decls::trim_trailing_trivia;
use super::*;

/// `parse` as it was before windows: every declaration parsed from the whole rest
/// of the text. Windows must not change any result.
fn parse_whole_rest(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    parse_each(file, text, |pos| EngParser::parse(Rule::item, &text[pos..]))
}

#[test]
fn windows_change_no_result() {
    let sources = [
        include_str!("../../../../../examples/chalk.eng"),
        include_str!("../../../../../examples/aichor.eng"),
        include_str!("../../../../../examples/iomete.eng"),
        include_str!("../../../../../examples/quickstart.eng"),
        include_str!("../../../../../stdlib/components.eng"),
        include_str!("../../../../../stdlib/stores.eng"),
    ];
    // Text that runs a declaration into the next line, or hides one in a comment.
    let inserts = [
        "engine e: eks on\n",
        "engine e: eks create\n",
        "store s: s3\n",
        "}\n",
        "{\n",
        "/*\n",
        "*/\n",
        "/* x */ ",
        "// x\n",
        "\"",
        "\"a/*\"\n",
        "ack W0402 \"x\"\n",
        "  ack W0402 \"x\"\n",
        "component keda\n",
        "  components keda,\n",
        "read\n",
        "read store\n",
        "zone\n",
        "within\n",
        "subnet a 10.0.0.0/8 zone\n",
        "use\n",
        "access a for b scoped {\n",
        "aws allow [\"s3:x\",\n",
        "\\\n",
        "é🦀\n",
        "\r",
        "/* never closed",
        "store s: bucket /*\n",
        "engine e: eks import on\n",
        "  store",
        "kind store k {\n",
        "\"a\\q /*\"\n",
        "x /* c\n",
        "\"unterminated /*\n",
        "\t",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for src in sources {
        for _ in 0..100 {
            let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
            for _ in 0..1 + next(4) {
                let i = next(lines.len());
                match next(3) {
                    0 => {
                        lines.remove(i);
                    }
                    1 => lines.insert(i, inserts[next(inserts.len())].to_string()),
                    _ => {
                        let at = next(lines[i].len() + 1);
                        if lines[i].is_char_boundary(at) {
                            lines[i].insert_str(at, inserts[next(inserts.len())]);
                        }
                    }
                }
            }
            let mut text = lines.join(if next(4) == 0 { "\r\n" } else { "\n" });
            // A range deleted or repeated anywhere (on character boundaries).
            let a = next(text.len() + 1);
            let b = (a + next(200)).min(text.len());
            if next(2) == 0 && text.is_char_boundary(a) && text.is_char_boundary(b) {
                let piece = text[a..b].to_string();
                match next(2) {
                    0 => text.replace_range(a..b, ""),
                    _ => text.insert_str(b, &piece),
                }
            }
            let (a, da) = parse(FileId(0), &text);
            let (b, db) = parse_whole_rest(FileId(0), &text);
            assert_eq!(format!("{da:?}"), format!("{db:?}"), "{text}");
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}");
        }
    }
}

#[test]
fn many_syntax_errors() {
    // 20,000 broken lines: each error used to cost a scan of the rest of the file,
    // a minute and a half in all; a second now.
    let text = "access a for b {\n".repeat(20_000);
    let (_, diags) = parse(FileId(0), &text);
    assert_eq!(diags.len(), 20_000);
}

#[test]
fn trailing_trivia() {
    assert_eq!(
        trim_trailing_trivia("aws role \"x\"\n  // note\n  "),
        "aws role \"x\""
    );
    assert_eq!(trim_trailing_trivia("a \"arn://x\" "), "a \"arn://x\"");
    assert_eq!(trim_trailing_trivia("a // c"), "a");
}

/// `scope by`: either order of `tag and name`, in a deployment, a store and a level; a
/// word twice or another word is a syntax error.
#[test]
fn scope_by_modes() {
    let text = "deployment d { scope by name and tag }\nstore s: s3 { name \"x\"; scope by tag }\naccess l scoped { scope by name }\n";
    let (f, diags) = parse(FileId(0), text);
    assert!(diags.is_empty(), "{diags:?}");
    let modes: Vec<ScopeMode> = f
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Deployment(d) => d.scope_by.map(|b| b.mode),
            Item::Store(s) => s.scope_by.map(|b| b.mode),
            Item::Access(a) => a.scope_by.map(|b| b.mode),
            _ => None,
        })
        .collect();
    assert_eq!(
        modes,
        [ScopeMode::TagAndName, ScopeMode::Tag, ScopeMode::Name]
    );
    for bad in [
        "store s: s3 { scope by tag and tag }",
        "store s: s3 { scope by prefix }",
        "store s: s3 { scope tag }",
    ] {
        let (_, diags) = parse(FileId(0), bad);
        assert!(!diags.is_empty(), "{bad}");
    }
}
