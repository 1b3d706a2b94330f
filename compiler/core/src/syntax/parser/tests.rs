//! Unit tests of the parser: windows change no result, many syntax errors stay fast,
//! trailing trivia is trimmed from spans.

use super::decls::trim_trailing_trivia;
use super::*;

/// `parse` as it was before windows: every declaration parsed from the whole rest
/// of the text. Windows must not change any result.
fn parse_whole_rest(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let (tree, diags) = parse_each(file, text, |pos| {
        EngParser::parse(Rule::item, &text[pos..]).map(|p| found(p, pos))
    });
    (lower(file, &tree), diags)
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
    // (A `//` inside a string before a comment once kept the comment.)
    assert_eq!(trim_trailing_trivia("a \"x//y\" // c\n"), "a \"x//y\"");
    assert_eq!(trim_trailing_trivia("a /* b */ // c"), "a /* b */");
    assert_eq!(trim_trailing_trivia("// a\n// b\n"), "// a");
    // Only a `//` on the last line counts; single slashes are no comment.
    assert_eq!(trim_trailing_trivia("a // b\nc \n"), "a // b\nc");
    assert_eq!(trim_trailing_trivia("10.0.0.0/8 /x/ "), "10.0.0.0/8 /x/");
    assert_eq!(trim_trailing_trivia("/"), "/");
    assert_eq!(trim_trailing_trivia(""), "");
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

/// A syntax error's (line, column, message, help) for `src`, each 1-based.
fn first_error(src: &str) -> (usize, usize, String, Option<String>, usize) {
    let (_, diags) = parse(FileId(0), src);
    let d = diags.first().expect("a syntax error");
    let at = d.span.start as usize;
    let line = src[..at].matches('\n').count() + 1;
    let col = at - src[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col, d.message.clone(), d.help.clone(), diags.len())
}

const HEAD: &str = "deployment shop {\n  clouds aws\n}\n";

#[test]
fn mistakes_inside_engine_and_store_bodies_are_reported_at_the_word() {
    let e = first_error(&format!(
        "{HEAD}engine c: eks create {{\n  namespaec \"x\"\n}}\n"
    ));
    assert_eq!((e.0, e.1), (5, 3), "{e:?}");
    assert!(
        e.2.contains("found `namespaec`") && e.2.contains("`namespace`"),
        "{e:?}"
    );
    assert_eq!(e.3.as_deref(), Some("did you mean `namespace`?"));
    let e = first_error(&format!(
        "{HEAD}engine c: eks create {{\n  components keda argo_workflows\n}}\n"
    ));
    assert_eq!((e.0, e.1), (5, 19), "{e:?}");
    assert_eq!(
        e.3.as_deref(),
        Some("separate the items of `components` with `,`")
    );
    let e = first_error(&format!(
        "{HEAD}engine c: eks create {{\n  namespace [\"x\", \"y\"]\n}}\n"
    ));
    assert_eq!((e.0, e.1), (5, 13), "{e:?}");
    assert!(e.3.unwrap().contains("without brackets"));
    let e = first_error(&format!("{HEAD}store s: bucket {{\n  nam \"x\"\n}}\n"));
    assert_eq!((e.0, e.1), (5, 3), "{e:?}");
    assert_eq!(e.3.as_deref(), Some("did you mean `name`?"));
    // A store or engine without a body is still fine.
    assert!(parse(
        FileId(0),
        &format!("{HEAD}store s: bucket\nengine c: eks\n")
    )
    .1
    .is_empty());
}

#[test]
fn a_misspelt_declaration_keyword_gets_did_you_mean_and_no_follow_on_errors() {
    let src = format!("{HEAD}principle vendor {{\n  aws role \"arn:aws:iam::111122223333:role/x\"\n}}\nstore data: bucket\n");
    let e = first_error(&src);
    assert_eq!((e.0, e.1), (4, 1), "{e:?}");
    assert_eq!(e.3.as_deref(), Some("did you mean `principal`?"));
    assert_eq!(e.4, 1, "one error only");
    let (_, diags) = parse(FileId(0), &src);
    let s = diags[0].suggestion.as_ref().unwrap();
    let at = src.find("principle").unwrap() as u32;
    assert_eq!(
        (s.replacement.as_str(), s.span.start, s.span.end),
        ("principal", at, at + 9)
    );
}

#[test]
fn a_missing_brace_points_at_the_block_left_open() {
    let (_, diags) = parse(
        FileId(0),
        "deployment shop {\n  clouds aws\n\nstore data: bucket\n",
    );
    let d = &diags[0];
    assert_eq!(
        d.help.as_deref(),
        Some("close the block with `}` before this declaration")
    );
    let l = &d.secondary[0];
    assert_eq!(
        (l.span.start, l.span.end, l.message.as_str()),
        (16, 17, "this block is not closed")
    );
    // A closed block: no such label (the error is something else).
    let (_, diags) = parse(
        FileId(0),
        "deployment shop {\n  clouds aws\n}\nstore data bucket\n",
    );
    assert!(
        diags[0].secondary.is_empty() && diags[0].help.is_none(),
        "{:?}",
        diags[0]
    );
}

#[test]
fn trust_statements_and_role_settings() {
    let text = r#"principal p {
  aws trust oidc ["a.example/id/1", "b.example"] service_account "sa" in "ns"
    actions ["sts:AssumeRoleWithWebIdentity"]
    when StringEquals "a.example/id/1:aud" = "sts.amazonaws.com" and tag as "Irsa"
  aws trust service "ec2.amazonaws.com"
  aws instance_profile "prof"
  aws boundary limits
}
access a for p scoped {
  aws inline
  aws roles under limits on ["arn:aws:iam::1:role/x-*"]
  aws roles under limits
}"#;
    let (file, diags) = parse(FileId(0), text);
    assert!(diags.is_empty(), "{diags:?}");
    let Item::Principal(p) = &file.items[0] else {
        panic!("a principal")
    };
    assert_eq!(p.aws_trust.len(), 2);
    let t = &p.aws_trust[0];
    assert_eq!(t.kind.node, TrustKind::Oidc);
    assert_eq!(t.principals.len(), 2);
    let (sa, ns) = t.service_account.as_ref().unwrap();
    assert_eq!((sa.node.as_str(), ns.node.as_str()), ("sa", "ns"));
    assert_eq!(
        t.actions.as_ref().unwrap()[0].node,
        "sts:AssumeRoleWithWebIdentity"
    );
    assert_eq!(t.conditions.len(), 2);
    assert_eq!(t.sid.as_ref().unwrap().node, "Irsa");
    assert_eq!(p.aws_trust[1].kind.node, TrustKind::Service);
    assert!(p.aws_trust[1].actions.is_none() && p.aws_trust[1].sid.is_none());
    assert_eq!(
        p.aws_instance_profile
            .as_ref()
            .unwrap()
            .node
            .as_ref()
            .unwrap()
            .node,
        "prof"
    );
    assert_eq!(p.aws_boundary.as_ref().unwrap().node, "limits");
    let Item::Access(a) = &file.items[1] else {
        panic!("an access level")
    };
    assert!(a.aws_inline.is_some());
    assert_eq!(a.aws_roles_under.len(), 2);
    assert_eq!(a.aws_roles_under[0].roles.as_ref().unwrap().len(), 1);
    assert!(a.aws_roles_under[1].roles.is_none());
    // A kind the grammar does not know is a syntax error naming the kinds.
    let (_, diags) = parse(FileId(0), "principal p { aws trust user \"x\" }");
    assert!(diags[0].message.contains("`oidc`"), "{}", diags[0].message);
}

#[test]
fn short_keywords_out_of_place_get_no_misleading_suggestion() {
    // `as` is a keyword elsewhere, one edit from `aws`: no "did you mean `aws`".
    let e = first_error(&format!(
        "{HEAD}access l scoped {{\n  title \"T\" as \"X\"\n}}\n"
    ));
    assert!(e.2.contains("found `as`"), "{e:?}");
    assert_eq!(e.3, None, "{e:?}");
}

/// The last `*/` found a byte at a time is the substring search's.
#[test]
fn last_close_is_rfind() {
    let texts = [
        "",
        "*",
        "/",
        "*/",
        "/*",
        "**/",
        "*//",
        "a */ b */ c",
        "/* x */ y",
        "*/*/",
        "é*/é",
        "* /",
        "0123456789*/abcdefgh",
        "*/0123456789abcdefgh*",
    ];
    for t in texts {
        assert_eq!(last_close(t.as_bytes()), t.rfind("*/"), "{t:?}");
    }
    let mut long = String::new();
    for i in 0..200 {
        long.push_str(if i % 7 == 0 { "*/" } else { "a*b/" });
        assert_eq!(last_close(long.as_bytes()), long.rfind("*/"));
    }
}
