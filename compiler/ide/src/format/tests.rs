use super::*;

fn check(src: &str, want: &str) {
    let got = try_format(src).expect("formats");
    assert_eq!(got, want, "from {src:?}");
    assert_eq!(format(&got), got, "idempotent");
    assert_eq!(words(&got), words(src), "same tokens");
}

#[test]
fn blocks_statements_and_spacing() {
    check(
        "deployment d\n{\n      clouds aws ,gcp\n   param a,\n         b   // t\n}\n\n\n\nstore s : s3{ name \"x\" }\nengine e:eks create on n {\nnamespace \"ns\" }\n",
        "deployment d {\n  clouds aws, gcp\n  param a,\n        b // t\n}\n\nstore s: s3 { name \"x\" }\nengine e: eks create on n {\n  namespace \"ns\"\n}\n",
    );
}

#[test]
fn lists_and_continuations() {
    check(
        "access x for p scoped {\n\tread store s\n    aws allow [\n        \"a\" ,\n      \"b\"\n    ] on \"*\"\n  aws allow [ \"a\",\n    \"b\" ] on \"*\"  when tag\n  k8s role \"r\" in \"n\" {\n rule groups [\"\"] resources [\"pods\"]\n     verbs [\"get\"]\n }\n}",
        "access x for p scoped {\n  read store s\n  aws allow [\n    \"a\",\n    \"b\"\n  ] on \"*\"\n  aws allow [\"a\",\n             \"b\"] on \"*\" when tag\n  k8s role \"r\" in \"n\" {\n    rule groups [\"\"] resources [\"pods\"]\n      verbs [\"get\"]\n  }\n}\n",
    );
}

#[test]
fn alignment_is_kept_where_lines_agree() {
    // Columns shared with the next or previous line stay; a lone wide gap closes.
    check(
        "network n {\n  subnet a   10.0.0.0/20  zone \"a\"\n  subnet bb  10.0.16.0/20 zone \"b\"\n  cidr    10.0.0.0/16\n}\n",
        "network n {\n  subnet a   10.0.0.0/20  zone \"a\"\n  subnet bb  10.0.16.0/20 zone \"b\"\n  cidr 10.0.0.0/16\n}\n",
    );
}

#[test]
fn comments_are_kept_byte_for_byte() {
    check(
        "/* a   \n      b */\nnetwork n {\n// c\n    cidr 10.0.0.0/16// d\n}\n",
        "/* a   \n      b */\nnetwork n {\n  // c\n  cidr 10.0.0.0/16 // d\n}\n",
    );
    check("", "");
    check("\n\n", "");
}

#[test]
fn text_with_syntax_errors_is_formatted_too() {
    check(
        "store s: s3 { }\nbroken {{ stuff \" unclosed  \nstore t : s3\n",
        // pest resumes at `store t`: a declaration, at the margin, whatever the broken
        // line before left open.
        "store s: s3 {}\nbroken { { stuff \" unclosed\nstore t: s3\n",
    );
}

#[test]
fn words_written_together_stay_together() {
    // `ForAnyValue:StringLike` is one operator to pest; `:` spacing is only that of
    // `store NAME: KIND`.
    check(
        "access a for p scoped {\n  aws allow [\"s3:GetObject\"] on \"*\" when \"aws:x\" ForAnyValue:StringLike [\"a\"]\n}\n",
        "access a for p scoped {\n  aws allow [\"s3:GetObject\"] on \"*\" when \"aws:x\" ForAnyValue:StringLike [\"a\"]\n}\n",
    );
}

#[test]
fn the_shipped_files_are_formatted() {
    for (name, text) in engc_core::stdlib::FILES {
        assert_eq!(format(text), *text, "{name}");
    }
}

#[test]
fn crlf_files_stay_crlf() {
    let src = "// note   \r\ndeployment d {\r\n  clouds aws\t \r\n}\r\n";
    assert_eq!(
        format(src),
        "// note\r\ndeployment d {\r\n  clouds aws\r\n}\r\n"
    );
}

/// Inputs the fuzzer (fuzz/fuzz_targets/ide.rs, fmt.rs) found.
#[test]
fn fuzz_regressions() {
    for input in [
        "\x0b",
        "/*",
        "/i/*\"\x01\u{fffd}sc",
        "id: /*\" \x01 \u{fffd}sc",
        "principal p { aws role \"arn:aws   \n}\n",
        "// note   \r\ndeployment d {\r\n  clouds aws\t \r\n}\r\n",
        "/* a   \n   b */\n",
        "x \"] as \n}\n",
    ] {
        let once = try_format(input).expect("formats");
        assert_eq!(format(&once), once, "{input:?}");
        let lf =
            |s: &str| -> Vec<String> { words(s).iter().map(|w| w.replace('\r', "")).collect() };
        assert_eq!(lf(&once), lf(input), "{input:?} -> {once:?}");
    }
}

#[test]
fn the_tree_says_where_statements_are() {
    // A comment between the tokens of one statement continues it.
    check(
        "access a for p scoped {\n  aws allow [\"s3:x\"]\n// only the bucket\n  on \"arn:aws:s3:::b\"\n  read store s\n}\n",
        "access a for p scoped {\n  aws allow [\"s3:x\"]\n    // only the bucket\n    on \"arn:aws:s3:::b\"\n  read store s\n}\n",
    );
    // Two statements on a line: the second is a statement of its own.
    check(
        "deployment d {\n  clouds aws; param a,\n b\n}\n",
        "deployment d {\n  clouds aws; param a,\n                    b\n}\n",
    );
}
