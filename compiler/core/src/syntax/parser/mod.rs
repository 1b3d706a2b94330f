//! pest pairs to the typed AST: one function per grammar rule. Each top-level
//! declaration is parsed on its own so that parsing resumes after a syntax error at the
//! next line that starts a declaration.
//!
//! This file holds the entry [`parse`], the windows a declaration is parsed from, the
//! recovery after a syntax error and the words of its message; `decls` and `access`
//! hold the rule functions.

mod access;
mod decls;
#[cfg(test)]
mod tests;

use super::ast::*;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/eng.pest"]
struct EngParser;

type P<'i> = Pair<'i, Rule>;

/// Words that start a top-level declaration: where parsing resumes after an error.
pub const DECLARATION_KEYWORDS: &[&str] = &[
    "use",
    "deployment",
    "principal",
    "network",
    "engine",
    "store",
    "access",
    "grants",
    "scp",
    "kind",
    "component",
    "crd",
    "ack",
];

/// Parses one file; syntax errors are returned as diagnostics, never as a panic.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    // Bounds pest's work on pathological input.
    pest::set_call_limit(Some(std::num::NonZeroUsize::new(50_000_000).unwrap()));
    let layout = Layout::new(text);
    parse_each(file, text, |pos| parse_item(text, pos, &layout))
}

/// The loop over a file's declarations: `next(pos)` parses the declaration at `pos`
/// (from a window, or from the whole rest in the tests that compare the two).
fn parse_each<'i>(
    file: FileId,
    text: &'i str,
    next: impl Fn(usize) -> Result<pest::iterators::Pairs<'i, Rule>, pest::error::Error<Rule>>,
) -> (File, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut diags = Vec::new();
    let mut pos = 0;
    while pos <= text.len() {
        match next(pos) {
            Ok(mut pairs) => {
                let item = pairs.next().expect("item");
                let end = item.as_span().end();
                let mut inner = item.into_inner();
                match inner.next() {
                    Some(decl) if decl.as_rule() != Rule::EOI => {
                        items.push(Ctx { file, base: pos }.declaration(decl));
                    }
                    // (Defensive: a window holds a declaration's first word, so only
                    // the whole rest can end in EOI.)
                    Some(_) if pos + end < text.len() => {}
                    _ => break,
                }
                if end == 0 {
                    break;
                }
                pos += end;
            }
            Err(e) => {
                let at = pos + error_offset(&e);
                diags.push(syntax_error(file, text, at, &e));
                match resume_point(text, at) {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    (File { items }, diags)
}

/// Parses the declaration at `pos` (or the end of the input).
///
/// pest builds each error in time proportional to its whole input (it scans to the end
/// to find the error's line), so parsing `&text[pos..]` made a file with many syntax
/// errors take quadratic time: 10,000 broken lines took half a minute. The declaration
/// is therefore parsed from a window that ends at a later line's first word when that
/// is a declaration keyword, and the result is kept only when the text after the
/// window cannot change it; otherwise the window grows (doubling) up to the whole rest.
/// A result does not depend on the text past the window (which starts with a
/// declaration keyword) when:
/// - it is a declaration followed by nothing but white space and comments up to the
///   window's end: a declaration ends with `}`, a string or a word, and the optional
///   parts that may follow (an engine's `create`/`import`, `on NAME` and `{`, a store's
///   `{`) cannot start with a declaration keyword;
/// - it is an error before the window's end and no block comment is open there: every
///   grammar element that could match a word at the window's end is a named rule, and
///   pest reports the farthest position where a named rule failed, so a failure inside
///   the window means nothing was tried at its end, except the skipping of a block
///   comment, which the second condition rules out.
///
/// A block comment that no `*/` closes anywhere later fails the same way in the window
/// and in the whole text, so it does not count as open.
fn parse_item<'i>(
    text: &'i str,
    pos: usize,
    layout: &Layout,
) -> Result<pest::iterators::Pairs<'i, Rule>, pest::error::Error<Rule>> {
    let b = text.as_bytes();
    let closes = |at: usize| layout.closes(at);
    // The window holds at least the declaration's first word, so that an error there
    // reports what pest expected after the white space before it.
    let mut after = trivia_end(b, pos, b.len(), layout);
    loop {
        let cut = layout
            .lines
            .get(layout.lines.partition_point(|&l| l <= after))
            .copied()
            .unwrap_or(text.len());
        let result = EngParser::parse(Rule::item, &text[pos..cut]);
        if cut == text.len() {
            return result;
        }
        let settled = match &result {
            Ok(pairs) => {
                let end = pos + pairs.peek().map_or(0, |p| p.as_span().end());
                let t = trivia_end(b, end, cut, layout);
                t == cut || (b[t..].starts_with(b"/*") && !closes(t))
            }
            Err(e) => pos + error_offset(e) < cut && !open_comment(b, pos, cut).is_some_and(closes),
        };
        if settled {
            return result;
        }
        after = cut.max(pos + 2 * (cut - pos));
    }
}

/// What [`parse_item`] needs to know of the whole text, found once per file.
struct Layout {
    /// Where a window may end: the first word of each line whose first word is a
    /// declaration keyword. (Not the line's start: pest's skipping would read the
    /// indentation before it in the whole text.)
    lines: Vec<usize>,
    /// The position of the last `*/`.
    last_close: Option<usize>,
}

impl Layout {
    fn new(text: &str) -> Layout {
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let lines = text
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .filter_map(|start| {
                let line = text[start..].trim_start_matches([' ', '\t']);
                let word = &line[..line.find(|c: char| !ident(c)).unwrap_or(line.len())];
                let at = text.len() - line.len();
                // Indented, `ack` and `component` are mostly statements inside a block:
                // a window ending there would only grow.
                let statement = at > start && matches!(word, "ack" | "component");
                (DECLARATION_KEYWORDS.contains(&word) && !statement).then_some(at)
            })
            .collect();
        let b = text.as_bytes();
        let last_close = b.windows(2).rposition(|w| w == b"*/");
        Layout { lines, last_close }
    }

    /// Whether a block comment opened at `at` is closed by a `*/` somewhere after it.
    fn closes(&self, at: usize) -> bool {
        self.last_close.is_some_and(|c| c >= at + 2)
    }
}

/// Where the white space and comments that pest skips from `from` end, looking no
/// further than `to`: at `to`, or at the first other character, or at a `/*` whose `*/`
/// is not before `to`.
fn trivia_end(b: &[u8], from: usize, to: usize, layout: &Layout) -> usize {
    let mut i = from;
    while i < to {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..to]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(to, |n| i + n);
            }
            // (Searching for the `*/` of a comment that never closes would read to the end.)
            b'/' if b.get(i + 1) == Some(&b'*') && !layout.closes(i) => break,
            b'/' if b.get(i + 1) == Some(&b'*') => match find(&b[(i + 2).min(to)..to], b"*/") {
                Some(n) => i += 2 + n + 2,
                None => break,
            },
            _ => break,
        }
    }
    i
}

/// The start of a block comment still open at `to` when `b` is read from `from`, the
/// start of a declaration (`/*` inside a string or a line comment starts none).
fn open_comment(b: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut i = from;
    while i < to {
        match b[i] {
            b'"' => {
                // Strings end at their closing quote or, unclosed, at the line's end.
                i += 1;
                while i < to && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' && b.get(i + 1).is_some_and(|&c| c != b'\n') {
                        2
                    } else {
                        1
                    };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..to]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(to, |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match find(&b[(i + 2).min(to)..to], b"*/") {
                Some(n) => i += 2 + n + 2,
                None => return Some(i),
            },
            _ => i += 1,
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn error_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// The start of the next line after `at` whose first word begins a declaration.
fn resume_point(text: &str, at: usize) -> Option<usize> {
    let mut line_start = text[at..].find('\n')? + at + 1;
    loop {
        let line = &text[line_start..];
        let trimmed = line.trim_start_matches([' ', '\t']);
        let word: &str = trimmed
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if DECLARATION_KEYWORDS.contains(&word) {
            return Some(line_start + (line.len() - trimmed.len()));
        }
        line_start += line.find('\n')? + 1;
    }
}

/// What the user would call a grammar rule, for "expected ..." messages.
fn rule_words(rule: &Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "end of file",
        ident | names => "a name",
        string | string_list => "a string",
        string_inner => "the closing `\"`",
        cidr => "a CIDR block such as `10.0.0.0/16`",
        code => "a diagnostic code such as `W0402`",
        kw_use => "`use`",
        kw_deployment => "`deployment`",
        kw_principal => "`principal`",
        kw_network => "`network`",
        kw_engine => "`engine`",
        kw_store => "`store`",
        kw_access => "`access`",
        kw_scp => "`scp`",
        kw_kind => "`kind`",
        kw_component => "`component`",
        kw_crd => "`crd`",
        kw_ack => "`ack`",
        kw_for => "`for`",
        kw_on => "`on`",
        kw_in => "`in`",
        kw_when => "`when`",
        kw_and => "`and`",
        kw_as => "`as`",
        kw_not => "`not`",
        kw_aws => "`aws`",
        kw_gcp => "`gcp`",
        kw_azure => "`azure`",
        kw_k8s => "`k8s`",
        kw_grants => "`grants`",
        kw_include => "`include`",
        kw_if => "`if`",
        kwc_aggregate => "`aggregate`",
        kwc_assign => "`assign`",
        kwc_bind => "`bind`",
        kwc_labels => "`labels`",
        kwc_to => "`to`",
        kwc_cidr => "`cidr`",
        kwc_clouds => "`clouds`",
        kwc_cluster_role => "`cluster_role`",
        kwc_components => "`components`",
        kwc_create => "`create`",
        kwc_data => "`data`",
        kwc_description => "`description`",
        kwc_external_id => "`external_id`",
        kwc_impersonated_by => "`impersonated_by`",
        kwc_managed_policy => "`managed_policy`",
        kwc_managed_tag => "`managed_tag`",
        kwc_name => "`name`",
        kwc_name_prefix => "`name_prefix`",
        kwc_namespace => "`namespace`",
        kwc_namespaces => "`namespaces`",
        kwc_ou => "`ou`",
        kwc_param => "`param`",
        kwc_permissions => "`permissions`",
        kwc_pods => "`pods`",
        kwc_public => "`public`",
        kwc_resource => "`resource`",
        kwc_resources => "`resources`",
        kwc_role => "`role`",
        kwc_role_id => "`role_id`",
        kwc_rule => "`rule`",
        kwc_scope => "`scope`",
        kwc_by => "`by`",
        kwc_service_account => "`service_account`",
        kwc_service_principal => "`service_principal`",
        kwc_services => "`services`",
        kwc_subnet => "`subnet`",
        kwc_title => "`title`",
        kwc_unscoped => "`unscoped`",
        kwc_verbs => "`verbs`",
        kwc_within => "`within`",
        kwc_zone => "`zone`",
        declaration | item | use_decl | deployment | principal | network | engine | store
        | access | grants_decl | scp | kind_decl | component_decl | crd_decl | ack => {
            "a declaration"
        }
        clouds_stmt | managed_tag_stmt | name_prefix_stmt | param_stmt => "a deployment setting",
        cloud | cloud_or_k8s => "a cloud (`aws`, `gcp` or `azure`)",
        param_def => "a parameter name",
        aws_role | gcp_service_account | azure_principal | k8s_service_account => {
            "an identity (`aws role`, `gcp service_account`, `azure service_principal`, `k8s service_account`)"
        }
        network_cidr | subnet | pods_range | services_range => {
            "a network setting (`cidr`, `subnet`, `pods`, `services`)"
        }
        zone => "a zone",
        engine_mode => "`create` or `import`",
        namespaces_stmt | components_stmt => "an engine setting (`namespace`, `components`)",
        store_name => "a store setting (`name`, `scope by`)",
        scope_by => "`scope by`",
        scope_mode | scope_tag | scope_name => "`tag`, `name` or `tag and name`",
        access_scope | scoped | unscoped => "`scoped` or `unscoped \"reason\"`",
        title_stmt | description_stmt | within_stmt | abstract_grant | aws_statement
        | aws_managed_policy | gcp_permissions | gcp_role | gcp_role_id | azure_list
        | azure_scope | k8s_role | gcp_bind | azure_assign | k8s_bind | include_stmt
        | if_block => "a grant",
        guard => "a guard (`PARAM = \"VALUE\"`)",
        guard_op => "`=` or `!=`",
        gcp_bind_target => {
            "`bucket`, `service_account`, `project`, `folder` or `organization`"
        }
        bind_members => "`to` and members",
        iam_condition => "`when \"CEL\" as \"TITLE\"`",
        bind_role_kind => "`cluster_role` or `role`",
        role_aggregate => "`aggregate`",
        role_labels => "`labels`",
        level => "a level (`list`, `read`, `write`, `tag`, `permissions`, `manage`)",
        target_kind => "`engine` or `store`",
        effect => "`allow` or `deny`",
        action_list => "a list of actions",
        resource_list => "`on` and resources",
        condition | tag_condition | request_tag_condition | explicit_condition => {
            "a condition (`tag`, `request_tag`, or `Operator \"key\" = \"value\"`)"
        }
        operator => "a condition operator",
        azure_field => "`actions`, `not_actions`, `data_actions` or `not_data_actions`",
        cluster_role | namespaced_role => "`cluster_role` or `role`",
        k8s_rule => "`rule`",
        rule_part | rule_field => "`groups`, `resources`, `verbs`, `names` or `urls`",
        kind_cloud => "a cloud section",
        kind_service | kind_resources | kind_level | kind_data_level | kind_create => {
            "a kind setting"
        }
        component_resource => "`resource`",
        resource_scope => "`cluster` or `namespaced`",
        _ => return None,
    })
}

fn syntax_error(file: FileId, text: &str, at: usize, e: &pest::error::Error<Rule>) -> Diagnostic {
    let found = describe_found(text, at);
    let end = (at + found.1).min(text.len());
    let span = Span::new(file, at, end);
    if let Some(start) = unterminated_string(text, at) {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        return Diagnostic::new(
            Code::E0001,
            Span::new(file, start, line_end),
            "unterminated string",
        )
        .label("this string has no closing `\"`")
        .help("close the string with `\"` on the same line");
    }
    let mut expected: Vec<&str> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().filter_map(rule_words).collect()
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort();
    expected.dedup();
    let what = match expected.len() {
        0 => "something else".to_string(),
        1 => expected[0].to_string(),
        _ => {
            let (last, rest) = expected.split_last().unwrap();
            format!("{} or {}", rest.join(", "), last)
        }
    };
    Diagnostic::new(
        Code::E0001,
        span,
        format!("expected {what}, found {}", found.0),
    )
    .label(format!("expected {what}"))
}

/// A short description of the text at `at`, and its length in bytes.
fn describe_found(text: &str, at: usize) -> (String, usize) {
    let rest = &text[at.min(text.len())..];
    let Some(c) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if c.is_alphanumeric() || c == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .take(40)
            .collect();
        let len = word.len();
        return (format!("`{word}`"), len);
    }
    if c.is_control() {
        return (format!("character U+{:04X}", c as u32), c.len_utf8());
    }
    (format!("`{c}`"), c.len_utf8())
}

/// If `at` lies inside a string opened on its line and never closed, its start.
fn unterminated_string(text: &str, at: usize) -> Option<usize> {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let mut open: Option<usize> = None;
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if open.is_some() => {
                chars.next();
            }
            '"' => open = if open.is_some() { None } else { Some(i) },
            '/' if open.is_none() && line[i..].starts_with("//") => break,
            _ => {}
        }
    }
    open.map(|i| line_start + i)
        .filter(|&s| s <= at || at >= line_end)
}

/// Positions of one declaration parse: the file and the offset of the parsed slice.
#[derive(Clone, Copy)]
struct Ctx {
    file: FileId,
    base: usize,
}
