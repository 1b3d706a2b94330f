//! pest pairs to the typed AST: one function per grammar rule. Each top-level
//! declaration is parsed on its own so that parsing resumes after a syntax error at the
//! next line that starts a declaration.

use super::ast::*;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span, Spanned};
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
    "scp",
    "kind",
    "component",
    "crd",
    "ack",
];

/// Parses one file; syntax errors are returned as diagnostics, never as a panic.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut diags = Vec::new();
    let mut pos = 0;
    // Bounds pest's work on pathological input.
    pest::set_call_limit(Some(std::num::NonZeroUsize::new(50_000_000).unwrap()));
    let layout = Layout::new(text);
    while pos <= text.len() {
        match parse_item(text, pos, &layout) {
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
        | access | scp | kind_decl | component_decl | crd_decl | ack => "a declaration",
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
        store_name => "a store setting (`name`)",
        access_scope | scoped | unscoped => "`scoped` or `unscoped \"reason\"`",
        title_stmt | description_stmt | within_stmt | abstract_grant | aws_statement
        | aws_managed_policy | gcp_permissions | gcp_role | gcp_role_id | azure_list
        | azure_scope | k8s_role => "a grant",
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

impl Ctx {
    /// The pair's span without the white space and line comments that pest's implicit
    /// skipping attaches after an optional part that did not match.
    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        let text = trim_trailing_trivia(p.as_str());
        Span::new(
            self.file,
            self.base + s.start(),
            self.base + s.start() + text.len(),
        )
    }

    fn name(&self, p: P) -> Name {
        Spanned::new(p.as_str().to_string(), self.span(&p))
    }

    fn declaration(&self, p: P) -> Item {
        match p.as_rule() {
            Rule::use_decl => Item::Use(self.string(p.into_inner().nth(1).unwrap())),
            Rule::deployment => Item::Deployment(self.deployment(p)),
            Rule::principal => Item::Principal(self.principal(p)),
            Rule::network => Item::Network(self.network(p)),
            Rule::engine => Item::Engine(self.engine(p)),
            Rule::store => Item::Store(self.store(p)),
            Rule::access => Item::Access(self.access(p)),
            Rule::scp => Item::Scp(self.scp(p)),
            Rule::kind_decl => Item::Kind(self.kind_decl(p)),
            Rule::component_decl => Item::Component(self.component_decl(p)),
            Rule::crd_decl => Item::Crd(self.crd_decl(p)),
            Rule::ack => Item::Ack(self.ack(p)),
            r => unreachable!("not a declaration: {r:?}"),
        }
    }

    fn string(&self, p: P) -> Str {
        let span = self.span(&p);
        let inner = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(o) => out.push(o),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        Spanned::new(out, span)
    }

    /// `strings`: one string or a bracketed list.
    fn strings(&self, p: P) -> Vec<Str> {
        match p.as_rule() {
            Rule::string_list => p.into_inner().map(|s| self.string(s)).collect(),
            _ => vec![self.string(p)],
        }
    }

    fn names(&self, p: P) -> Vec<Name> {
        p.into_inner().map(|n| self.name(n)).collect()
    }

    fn ack(&self, p: P) -> Ack {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let code = self.name(it.next().unwrap());
        let reason = self.string(it.next().unwrap());
        Ack { code, reason, span }
    }

    fn cloud(&self, p: P) -> Spanned<Cloud> {
        Spanned::new(Cloud::parse(p.as_str()).expect("grammar"), self.span(&p))
    }

    fn deployment(&self, p: P) -> Deployment {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let mut d = Deployment {
            name: self.name(it.next().unwrap()),
            span,
            clouds: Vec::new(),
            clouds_span: None,
            managed_tag: None,
            name_prefix: None,
            params: Vec::new(),
            acks: Vec::new(),
            repeated: Vec::new(),
        };
        for s in it {
            let sspan = self.span(&s);
            match s.as_rule() {
                Rule::clouds_stmt => {
                    note_repeat(&mut d.repeated, d.clouds_span, sspan, "clouds");
                    d.clouds_span = Some(sspan);
                    d.clouds = s.into_inner().map(|c| self.cloud(c)).collect();
                }
                Rule::managed_tag_stmt => {
                    note_repeat(
                        &mut d.repeated,
                        d.managed_tag.as_ref().map(|t| t.0.span),
                        sspan,
                        "managed_tag",
                    );
                    let mut i = s.into_inner();
                    let k = self.string(i.next().unwrap());
                    let v = self.string(i.next().unwrap());
                    d.managed_tag = Some((k, v));
                }
                Rule::name_prefix_stmt => {
                    note_repeat(
                        &mut d.repeated,
                        d.name_prefix.as_ref().map(|t| t.span),
                        sspan,
                        "name_prefix",
                    );
                    d.name_prefix = Some(self.string(s.into_inner().next().unwrap()));
                }
                Rule::param_stmt => {
                    d.params.extend(s.into_inner().map(|pd| self.param_def(pd)));
                }
                Rule::ack => d.acks.push(self.ack(s)),
                r => unreachable!("deployment: {r:?}"),
            }
        }
        d
    }

    fn param_def(&self, p: P) -> Param {
        let mut it = p.into_inner();
        Param {
            name: self.name(it.next().unwrap()),
            default: it.next().map(|s| self.string(s)),
        }
    }

    fn principal(&self, p: P) -> Principal {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let mut pr = Principal {
            name: self.name(it.next().unwrap()),
            span,
            aws_role: None,
            gcp_service_account: None,
            azure_principal: None,
            k8s_service_account: None,
            acks: Vec::new(),
            repeated: Vec::new(),
        };
        for s in it {
            let sspan = self.span(&s);
            match s.as_rule() {
                Rule::aws_role => {
                    note_repeat(
                        &mut pr.repeated,
                        pr.aws_role.as_ref().map(|r| r.span),
                        sspan,
                        "aws role",
                    );
                    pr.aws_role = Some(self.aws_role(s));
                }
                Rule::gcp_service_account => {
                    note_repeat(
                        &mut pr.repeated,
                        pr.gcp_service_account.as_ref().map(|r| r.span),
                        sspan,
                        "gcp service_account",
                    );
                    pr.gcp_service_account = Some(self.gcp_service_account(s));
                }
                Rule::azure_principal => {
                    note_repeat(
                        &mut pr.repeated,
                        pr.azure_principal.as_ref().map(|r| r.span),
                        sspan,
                        "azure service_principal",
                    );
                    pr.azure_principal = Some(self.string(s.into_inner().nth(1).unwrap()));
                }
                Rule::k8s_service_account => {
                    note_repeat(
                        &mut pr.repeated,
                        pr.k8s_service_account.as_ref().map(|r| r.span),
                        sspan,
                        "k8s service_account",
                    );
                    pr.k8s_service_account = Some(self.k8s_service_account(s));
                }
                Rule::ack => pr.acks.push(self.ack(s)),
                r => unreachable!("principal: {r:?}"),
            }
        }
        pr
    }

    fn aws_role(&self, p: P) -> AwsRole {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        AwsRole {
            arn: self.string(it.next().unwrap()),
            external_id: it.next().map(|s| self.string(s)),
            span,
        }
    }

    fn gcp_service_account(&self, p: P) -> GcpServiceAccount {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        GcpServiceAccount {
            account: self.string(it.next().unwrap()),
            impersonated_by: it.flat_map(|s| self.strings(s)).collect(),
            span,
        }
    }

    fn k8s_service_account(&self, p: P) -> K8sServiceAccount {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = self.string(it.next().unwrap());
        let namespace = self.string(it.nth(1).unwrap());
        K8sServiceAccount {
            name,
            namespace,
            span,
        }
    }

    fn network(&self, p: P) -> Network {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable();
        let mut n = Network {
            name: self.name(it.next().unwrap()),
            span,
            cloud: None,
            cidr: None,
            subnets: Vec::new(),
            pods: None,
            services: None,
            acks: Vec::new(),
            repeated: Vec::new(),
        };
        for s in it {
            let sspan = self.span(&s);
            match s.as_rule() {
                Rule::kw_for => {}
                Rule::cloud => n.cloud = Some(self.cloud(s)),
                Rule::network_cidr => {
                    note_repeat(
                        &mut n.repeated,
                        n.cidr.as_ref().map(|c| c.span),
                        sspan,
                        "cidr",
                    );
                    n.cidr = Some(self.name(s.into_inner().next().unwrap()));
                }
                Rule::subnet => n.subnets.push(self.subnet(s)),
                Rule::pods_range => {
                    note_repeat(
                        &mut n.repeated,
                        n.pods.as_ref().map(|c| c.span),
                        sspan,
                        "pods",
                    );
                    n.pods = Some(self.name(s.into_inner().next().unwrap()));
                }
                Rule::services_range => {
                    note_repeat(
                        &mut n.repeated,
                        n.services.as_ref().map(|c| c.span),
                        sspan,
                        "services",
                    );
                    n.services = Some(self.name(s.into_inner().next().unwrap()));
                }
                Rule::ack => n.acks.push(self.ack(s)),
                r => unreachable!("network: {r:?}"),
            }
        }
        n
    }

    fn subnet(&self, p: P) -> Subnet {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.name(it.next().unwrap());
        let cidr = self.name(it.next().unwrap());
        let mut zone = None;
        let mut public = None;
        for s in it {
            match s.as_rule() {
                Rule::zone => zone = Some(self.zone(s)),
                Rule::cidr => public = Some(self.name(s)),
                r => unreachable!("subnet: {r:?}"),
            }
        }
        Subnet {
            name,
            cidr,
            zone,
            public,
            span,
        }
    }

    fn zone(&self, p: P) -> Str {
        let inner = p.into_inner().next().unwrap();
        match inner.as_rule() {
            Rule::string => self.string(inner),
            _ => self.name(inner),
        }
    }

    fn engine(&self, p: P) -> Engine {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let mut e = Engine {
            name: self.name(it.next().unwrap()),
            kind: self.name(it.next().unwrap()),
            mode: None,
            network: None,
            namespaces: Vec::new(),
            components: Vec::new(),
            acks: Vec::new(),
            span,
        };
        let mut after_on = false;
        for s in it {
            match s.as_rule() {
                Rule::engine_mode => {
                    let m = if s.as_str() == "create" {
                        EngineMode::Create
                    } else {
                        EngineMode::Import
                    };
                    e.mode = Some(Spanned::new(m, self.span(&s)));
                }
                Rule::kw_on => after_on = true,
                Rule::ident if after_on => e.network = Some(self.name(s)),
                Rule::namespaces_stmt => {
                    e.namespaces.extend(s.into_inner().map(|n| self.string(n)))
                }
                Rule::components_stmt => {
                    let names = s.into_inner().find(|x| x.as_rule() == Rule::names).unwrap();
                    e.components.extend(self.names(names))
                }
                Rule::ack => e.acks.push(self.ack(s)),
                r => unreachable!("engine: {r:?}"),
            }
        }
        e
    }

    fn store(&self, p: P) -> Store {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let mut st = Store {
            name: self.name(it.next().unwrap()),
            kind: self.name(it.next().unwrap()),
            resource_name: None,
            acks: Vec::new(),
            span,
            repeated: Vec::new(),
        };
        for s in it {
            match s.as_rule() {
                Rule::store_name => {
                    let sspan = self.span(&s);
                    note_repeat(
                        &mut st.repeated,
                        st.resource_name.as_ref().map(|n| n.span),
                        sspan,
                        "name",
                    );
                    st.resource_name = Some(self.string(s.into_inner().next().unwrap()));
                }
                Rule::ack => st.acks.push(self.ack(s)),
                r => unreachable!("store: {r:?}"),
            }
        }
        st
    }

    fn access(&self, p: P) -> Access {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable();
        let name = self.name(it.next().unwrap());
        let mut principal = None;
        if it.peek().map(|p| p.as_rule()) == Some(Rule::kw_for) {
            it.next();
            principal = Some(self.name(it.next().unwrap()));
        }
        let scope = self.access_scope(it.next().unwrap());
        let mut a = Access {
            name,
            principal,
            scope,
            title: None,
            description: None,
            within: Vec::new(),
            grants: Vec::new(),
            aws: Vec::new(),
            aws_managed: Vec::new(),
            gcp_permissions: Vec::new(),
            gcp_roles: Vec::new(),
            gcp_role_id: None,
            azure: AzureLists::default(),
            azure_scopes: Vec::new(),
            k8s: Vec::new(),
            acks: Vec::new(),
            span,
            repeated: Vec::new(),
        };
        for s in it {
            let sspan = self.span(&s);
            match s.as_rule() {
                Rule::title_stmt => {
                    note_repeat(
                        &mut a.repeated,
                        a.title.as_ref().map(|t| t.span),
                        sspan,
                        "title",
                    );
                    a.title = Some(self.string(s.into_inner().next().unwrap()));
                }
                Rule::description_stmt => {
                    note_repeat(
                        &mut a.repeated,
                        a.description.as_ref().map(|t| t.span),
                        sspan,
                        "description",
                    );
                    a.description = Some(self.string(s.into_inner().next().unwrap()));
                }
                Rule::within_stmt => a.within.push(self.name(s.into_inner().next().unwrap())),
                Rule::abstract_grant => a.grants.push(self.abstract_grant(s)),
                Rule::aws_statement => a.aws.push(self.aws_statement(s)),
                Rule::aws_managed_policy => a
                    .aws_managed
                    .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
                Rule::gcp_permissions => a
                    .gcp_permissions
                    .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
                Rule::gcp_role => a
                    .gcp_roles
                    .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
                Rule::gcp_role_id => {
                    note_repeat(
                        &mut a.repeated,
                        a.gcp_role_id.as_ref().map(|t| t.span),
                        sspan,
                        "gcp role_id",
                    );
                    a.gcp_role_id = Some(self.string(s.into_inner().nth(1).unwrap()))
                }
                Rule::azure_list => self.azure_list(s, &mut a.azure),
                Rule::azure_scope => a
                    .azure_scopes
                    .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
                Rule::k8s_role => a.k8s.push(self.k8s_role(s)),
                Rule::ack => a.acks.push(self.ack(s)),
                r => unreachable!("access: {r:?}"),
            }
        }
        a
    }

    fn access_scope(&self, p: P) -> Spanned<Scope> {
        let span = self.span(&p);
        let inner = p.into_inner().next().unwrap();
        match inner.as_rule() {
            Rule::scoped => Spanned::new(Scope::Scoped, span),
            _ => Spanned::new(
                Scope::Unscoped(self.string(inner.into_inner().next().unwrap())),
                span,
            ),
        }
    }

    fn abstract_grant(&self, p: P) -> AbstractGrant {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let level = self.level(it.next().unwrap());
        let t = it.next().unwrap();
        let target = Spanned::new(
            if t.as_str() == "engine" {
                TargetKind::Engine
            } else {
                TargetKind::Store
            },
            self.span(&t),
        );
        AbstractGrant {
            level,
            target,
            names: self.names(it.next().unwrap()),
            span,
        }
    }

    fn level(&self, p: P) -> Spanned<Level> {
        Spanned::new(Level::parse(p.as_str()).expect("grammar"), self.span(&p))
    }

    fn aws_statement(&self, p: P) -> AwsStatement {
        let span = self.span(&p);
        let mut st = AwsStatement {
            effect: Spanned::new(Effect::Allow, span),
            not_action: false,
            actions: Vec::new(),
            not_resource: false,
            resources: None,
            conditions: Vec::new(),
            sid: None,
            span,
        };
        let mut after_as = false;
        for s in p.into_inner() {
            match s.as_rule() {
                Rule::kw_aws | Rule::kw_when | Rule::kw_and => {}
                Rule::effect => {
                    let e = if s.as_str() == "allow" {
                        Effect::Allow
                    } else {
                        Effect::Deny
                    };
                    st.effect = Spanned::new(e, self.span(&s));
                }
                Rule::action_list => {
                    let (not, list) = self.negatable_list(s);
                    st.not_action = not;
                    st.actions = list;
                }
                Rule::resource_list => {
                    let (not, list) = self.negatable_list(s);
                    st.not_resource = not;
                    st.resources = Some(list);
                }
                Rule::condition => st.conditions.push(self.condition(s)),
                Rule::kw_as => after_as = true,
                Rule::string if after_as => st.sid = Some(self.string(s)),
                r => unreachable!("aws statement: {r:?}"),
            }
        }
        st
    }

    /// `action_list` / `resource_list`: an optional `not` and strings.
    fn negatable_list(&self, p: P) -> (bool, Vec<Str>) {
        let mut not = false;
        let mut list = Vec::new();
        for s in p.into_inner() {
            match s.as_rule() {
                Rule::kw_not => not = true,
                Rule::kw_on => {}
                _ => list.extend(self.strings(s)),
            }
        }
        (not, list)
    }

    fn condition(&self, p: P) -> Condition {
        let inner = p.into_inner().next().unwrap();
        let span = self.span(&inner);
        match inner.as_rule() {
            Rule::tag_condition => Condition::Tag(span),
            Rule::request_tag_condition => Condition::RequestTag(span),
            _ => {
                let mut it = inner.into_inner();
                let operator = self.name(it.next().unwrap());
                let key = self.string(it.next().unwrap());
                let values = it.flat_map(|s| self.strings(s)).collect();
                Condition::Explicit {
                    operator,
                    key,
                    values,
                    span,
                }
            }
        }
    }

    fn azure_list(&self, p: P, lists: &mut AzureLists) {
        let mut it = p.into_inner().skip(1);
        let field = it.next().unwrap();
        let values: Vec<Str> = it.flat_map(|s| self.strings(s)).collect();
        let target = match field.as_str() {
            "actions" => &mut lists.actions,
            "not_actions" => &mut lists.not_actions,
            "data_actions" => &mut lists.data_actions,
            _ => &mut lists.not_data_actions,
        };
        target.extend(values);
    }

    fn k8s_role(&self, p: P) -> K8sRole {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let header = it.next().unwrap();
        let (name, namespace) = match header.as_rule() {
            Rule::cluster_role => (header.into_inner().next().map(|s| self.string(s)), None),
            _ => {
                let parts: Vec<P> = header
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::string)
                    .collect();
                match parts.len() {
                    2 => (
                        Some(self.string(parts[0].clone())),
                        Some(self.string(parts[1].clone())),
                    ),
                    _ => (None, Some(self.string(parts[0].clone()))),
                }
            }
        };
        K8sRole {
            namespace,
            name,
            rules: it.map(|r| self.k8s_rule(r)).collect(),
            span,
        }
    }

    fn k8s_rule(&self, p: P) -> K8sRule {
        let mut rule = K8sRule {
            span: self.span(&p),
            ..K8sRule::default()
        };
        for part in p.into_inner() {
            let mut it = part.into_inner();
            let field = it.next().unwrap();
            let values: Vec<Str> = it.flat_map(|s| self.strings(s)).collect();
            match field.as_str() {
                "groups" => rule.groups.extend(values),
                "resources" => rule.resources.extend(values),
                "verbs" => rule.verbs.extend(values),
                "names" => rule.names.extend(values),
                _ => rule.urls.extend(values),
            }
        }
        rule
    }

    fn scp(&self, p: P) -> Scp {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = self.name(it.next().unwrap());
        it.next(); // for
        let ou = self.string(it.next().unwrap());
        let mut scp = Scp {
            name,
            ou,
            statements: Vec::new(),
            acks: Vec::new(),
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::aws_statement => scp.statements.push(self.aws_statement(s)),
                Rule::ack => scp.acks.push(self.ack(s)),
                r => unreachable!("scp: {r:?}"),
            }
        }
        scp
    }

    fn kind_decl(&self, p: P) -> KindDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable();
        let t = it.next().unwrap();
        let target = Spanned::new(
            if t.as_str() == "engine" {
                TargetKind::Engine
            } else {
                TargetKind::Store
            },
            self.span(&t),
        );
        let name = self.name(it.next().unwrap());
        let doc = if it.peek().map(|p| p.as_rule()) == Some(Rule::string) {
            Some(self.string(it.next().unwrap()))
        } else {
            None
        };
        KindDecl {
            target,
            name,
            doc,
            clouds: it.map(|c| self.kind_cloud(c)).collect(),
            span,
        }
    }

    fn kind_cloud(&self, p: P) -> KindCloud {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let c = it.next().unwrap();
        let mut kc = KindCloud {
            cloud: Spanned::new(Cloud::parse(c.as_str()).expect("grammar"), self.span(&c)),
            services: Vec::new(),
            resources: Vec::new(),
            levels: Vec::new(),
            data_levels: Vec::new(),
            create: Vec::new(),
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::kind_service => kc
                    .services
                    .extend(s.into_inner().flat_map(|x| self.strings(x))),
                Rule::kind_resources => kc
                    .resources
                    .extend(s.into_inner().flat_map(|x| self.strings(x))),
                Rule::kind_level => {
                    let mut i = s.into_inner();
                    let level = self.level(i.next().unwrap());
                    kc.levels
                        .push((level, i.flat_map(|x| self.strings(x)).collect()));
                }
                Rule::kind_data_level => {
                    let mut i = s.into_inner();
                    let level = self.level(i.next().unwrap());
                    kc.data_levels
                        .push((level, i.flat_map(|x| self.strings(x)).collect()));
                }
                Rule::kind_create => kc
                    .create
                    .extend(s.into_inner().flat_map(|x| self.strings(x))),
                r => unreachable!("kind cloud: {r:?}"),
            }
        }
        kc
    }

    fn component_decl(&self, p: P) -> ComponentDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable();
        let name = self.name(it.next().unwrap());
        let mut c = ComponentDecl {
            name,
            doc: None,
            engine_kinds: Vec::new(),
            resources: Vec::new(),
            clouds: Vec::new(),
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::string => c.doc = Some(self.string(s)),
                Rule::kw_for => {}
                Rule::names => c.engine_kinds = self.names(s),
                Rule::component_resource => c.resources.push(self.component_resource(s)),
                Rule::kind_cloud => c.clouds.push(self.kind_cloud(s)),
                r => unreachable!("component: {r:?}"),
            }
        }
        c
    }

    fn component_resource(&self, p: P) -> ComponentResource {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let group = self.string(it.next().unwrap());
        let resource = self.string(it.next().unwrap());
        let namespaced = it.next().unwrap().as_str() == "namespaced";
        ComponentResource {
            group,
            resource,
            namespaced,
            verbs: it.flat_map(|s| self.strings(s)).collect(),
            span,
        }
    }

    fn crd_decl(&self, p: P) -> Crd {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        Crd {
            group: self.string(it.next().unwrap()),
            resource: self.string(it.next().unwrap()),
            namespaced: it.next().unwrap().as_str() == "namespaced",
            span,
        }
    }
}

fn note_repeat(
    repeated: &mut Vec<(Span, Span, &'static str)>,
    first: Option<Span>,
    again: Span,
    what: &'static str,
) {
    if let Some(first) = first {
        repeated.push((first, again, what));
    }
}

/// `text` without trailing white space and trailing `//` comment lines.
fn trim_trailing_trivia(text: &str) -> &str {
    let mut t = text.trim_end();
    loop {
        let last_line_start = t.rfind('\n').map_or(0, |i| i + 1);
        let last = &t[last_line_start..];
        match last.find("//") {
            // A comment that is the whole line, or follows code outside a string.
            Some(i)
                if last[..i].trim().is_empty()
                    || last[..i].matches('"').count().is_multiple_of(2) =>
            {
                let cut = &t[..last_line_start + i];
                if cut.len() == t.len() || cut.trim_end().is_empty() {
                    return t;
                }
                t = cut.trim_end();
            }
            _ => return t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse` as it was before windows: every declaration parsed from the whole rest
    /// of the text. Windows must not change any result.
    fn parse_whole_rest(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
        let mut items = Vec::new();
        let mut diags = Vec::new();
        let mut pos = 0;
        while pos <= text.len() {
            match EngParser::parse(Rule::item, &text[pos..]) {
                Ok(mut pairs) => {
                    let item = pairs.next().expect("item");
                    let end = item.as_span().end();
                    match item.into_inner().next() {
                        Some(decl) if decl.as_rule() != Rule::EOI => {
                            items.push(Ctx { file, base: pos }.declaration(decl));
                        }
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

    #[test]
    fn windows_change_no_result() {
        let sources = [
            include_str!("../../../../examples/chalk.eng"),
            include_str!("../../../../examples/aichor.eng"),
            include_str!("../../../../examples/iomete.eng"),
            include_str!("../../../../examples/quickstart.eng"),
            include_str!("../../../../stdlib/components.eng"),
            include_str!("../../../../stdlib/stores.eng"),
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
}
