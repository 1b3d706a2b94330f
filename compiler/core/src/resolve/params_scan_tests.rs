//! The byte scan of [`super::each_placeholder`] finds what the `str::find` scan it
//! replaced found.

/// The scan as it was: `str::find` for `$` and for `}`.
fn by_find(s: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = s[from..].find('$') {
        let start = from + i;
        if s.as_bytes().get(start + 1) != Some(&b'{') {
            from = start + 1;
            continue;
        }
        let Some(len) = s[start + 2..].find('}') else {
            break;
        };
        out.push((&s[start + 2..start + 2 + len], start..start + 3 + len));
        from = start + 2;
    }
    out
}

#[test]
fn byte_scan_finds_what_find_found() {
    let cases = [
        "",
        "$",
        "${",
        "${}",
        "$${a}",
        "${a",
        "é${a}ü",
        "${a}${b}",
        "${${a}}",
        "a$b{c}",
        "${aws:username}/${x-1}",
        "${é}",
        "}${a}{",
        "$$${b}}",
        "x${a}y${b",
    ];
    // Also inside long text, where the scan searches a word at a time (byte_search).
    let long: Vec<String> = cases
        .iter()
        .map(|c| format!("{}{c}{}{c}", "é".repeat(40), "a$".repeat(40)))
        .collect();
    for s in cases.iter().copied().chain(long.iter().map(String::as_str)) {
        let mut scanned = Vec::new();
        super::each_placeholder(s, |_| true, |n, r| scanned.push((n, r)));
        assert_eq!(scanned, by_find(s), "{s}");
        let refs: Vec<_> = by_find(s)
            .into_iter()
            .filter(|(n, _)| super::is_reference(n))
            .collect();
        assert_eq!(super::references(s), refs, "{s}");
    }
}
