//! A syntax error's message: what was expected, in the words a user knows, and what
//! was found, at the mistake; with help where the mistake has a likely fix: a
//! misspelt keyword ("did you mean `principal`"), a list without `,`, a list in
//! brackets where the setting takes bare strings, a block left open.

use super::{Rule, DECLARATION_KEYWORDS, RESERVED_WORDS};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// What the user would call a grammar rule, for "expected ..." messages.
pub(super) fn rule_words(rule: &Rule) -> Option<&'static str> {
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
        kwc_service_account => "`service_account`",
        kwc_service_principal => "`service_principal`",
        kwc_services => "`services`",
        kwc_subnet => "`subnet`",
        kwc_title => "`title`",
        kwc_unscoped => "`unscoped`",
        kwc_verbs => "`verbs`",
        kwc_within => "`within`",
        kwc_zone => "`zone`",
        kwc_connect => "`connect`",
        kwc_external => "`external`",
        kwc_from => "`from`",
        kwc_master => "`master`",
        kwc_psc => "`psc`",
        kwc_secondary => "`secondary`",
        kwc_tag => "`tag`",
        external_stmt | external_ref => "an external reference such as `var.vpc_id`",
        secondary_range => "`secondary`",
        net_rule | direction => "a rule (`ingress` or `egress`)",
        protocol => "a protocol (`tcp`, `udp`, `icmp`, `all`)",
        port_list | port => "a port or port range such as `443` or `8000-8999`",
        peer | peer_subnet | peer_tag => "a CIDR block, `subnet NAME` or `tag \"NAME\"`",
        kwc_actions => "`actions`",
        kwc_boundary => "`boundary`",
        kwc_inline => "`inline`",
        kwc_instance_profile => "`instance_profile`",
        kwc_roles => "`roles`",
        kwc_trust => "`trust`",
        kwc_under => "`under`",
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
        aws_trust | aws_instance_profile | aws_boundary => {
            "an AWS role setting (`aws trust`, `aws instance_profile`, `aws boundary`)"
        }
        trust_kind => "`account`, `role`, `service`, `federated` or `oidc`",
        trust_subject => "`service_account`",
        trust_actions => "`actions`",
        network_cidr | subnet | pods_range | services_range | psc_range | master_range
        | connect_stmt => {
            "a network setting (`cidr`, `subnet`, `pods`, `services`, `psc`, `master`, `ingress`, `egress`, `connect`)"
        }
        zone => "a zone",
        engine_mode => "`create` or `import`",
        namespaces_stmt | components_stmt => "an engine setting (`namespace`, `components`)",
        store_name | policy_statement => "a store setting (`name`, `aws allow|deny`)",
        principal_list => "`for` and principals",
        access_scope | scoped | unscoped => "`scoped` or `unscoped \"reason\"`",
        title_stmt | description_stmt | within_stmt | abstract_grant | aws_statement
        | aws_managed_policy | aws_inline | aws_roles_under | gcp_permissions | gcp_role
        | gcp_role_id | azure_list
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

pub(super) fn syntax_error(
    file: FileId,
    text: &str,
    item: usize,
    at: usize,
    e: &pest::error::Error<Rule>,
) -> Diagnostic {
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
    let d = Diagnostic::new(
        Code::E0001,
        span,
        format!("expected {what}, found {}", found.0),
    )
    .label(format!("expected {what}"));
    help(d, file, text, item, at, &expected)
}

/// Settings whose values are a list separated by `,`.
const LIST_SETTINGS: &[&str] = &[
    "clouds",
    "param",
    "components",
    "component",
    "namespace",
    "namespaces",
];

/// The likely fix of a syntax error, as help (and a label on an open block).
fn help(
    d: Diagnostic,
    file: FileId,
    text: &str,
    item: usize,
    at: usize,
    expected: &[&str],
) -> Diagnostic {
    let word = found_word(text, at);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..at].trim();
    let first = before.split_whitespace().next().unwrap_or("");
    // A declaration keyword at the start of a line, inside a block still open: the
    // block above lacks its `}`.
    if before.is_empty() && DECLARATION_KEYWORDS.contains(&word) {
        if let Some(open) = open_brace(text, item, at) {
            return d
                .with_secondary(Span::new(file, open, open + 1), "this block is not closed")
                .help("close the block with `}` before this declaration");
        }
    }
    // A misspelt keyword: the words in backticks of what was expected.
    let keywords: Vec<&str> = expected
        .iter()
        .flat_map(|e| e.split('`').skip(1).step_by(2))
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    // A reserved word out of place (`as` after a grant) is not a misspelling of the
    // keyword one edit away (`aws`): a suggestion there would mislead.
    let reserved = DECLARATION_KEYWORDS.contains(&word) || RESERVED_WORDS.contains(&word);
    if !word.is_empty() && !reserved && !keywords.contains(&word) {
        if let Some(k) = crate::catalog::did_you_mean(word, keywords.iter().copied()) {
            let span = Span::new(file, at, at + word.len());
            return d.suggest(span, k, format!("did you mean `{k}`?"));
        }
    }
    // `components keda argo_workflows`: a list without its `,`.
    if LIST_SETTINGS.contains(&first) && before.len() > first.len() && !before.ends_with(',') {
        let next = text[at..].split_whitespace().next().unwrap_or("");
        if !next.is_empty() && !next.starts_with(['{', '}', '[']) {
            return d.help(format!("separate the items of `{first}` with `,`"));
        }
    }
    // `namespace ["x", "y"]`: brackets where the setting takes bare strings.
    if text[at..].starts_with('[') && expected.contains(&"a string") {
        return d.help(format!(
            "`{first}` takes its strings without brackets, separated by `,`: `{first} \"a\", \"b\"`"
        ));
    }
    d
}

/// The word at `at`, or "".
fn found_word(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The `{` of the innermost block that `item..at` opens and does not close (strings
/// and comments skipped), if any.
fn open_brace(text: &str, item: usize, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut i = item;
    while i < at {
        match b[i] {
            b'"' => {
                i += 1;
                while i < at && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < at && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < at && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' => open.push(i),
            b'}' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    open.pop()
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
