//! The rule functions shared by every declaration (spans, names, strings, the
//! dispatch over declarations) and those of `use`, `ack`, `deployment`, `principal`,
//! `network`, `engine` and `store`.
//!
//! Each takes the tree node of its rule and finds the parts by their rule. A part the
//! grammar requires is there for every declaration pest accepted; where one is missing
//! all the same, the function returns `None` and the statement or declaration is left
//! out (no panic, no diagnostic: it cannot happen for a file that parsed).

use super::{Ctx, Rule, N};
use crate::source::{Span, Spanned};
use crate::syntax::ast::*;

impl Ctx {
    /// The node's span without the white space and line comments that pest's implicit
    /// skipping attaches after an optional part that did not match.
    pub(super) fn span(&self, n: N) -> Span {
        // Most nodes end at a token, followed by no more than white space in pest's
        // rule: that is what the trim leaves (it is called for every span).
        let (text, rule) = (n.text(), n.rule_text());
        if n.ends_at_token()
            && !text.ends_with(char::is_whitespace)
            && rule.as_bytes()[text.len()..]
                .iter()
                .all(u8::is_ascii_whitespace)
        {
            debug_assert_eq!(trim_trailing_trivia(rule), text);
            return Span::new(self.file, n.start(), n.end());
        }
        let text = trim_trailing_trivia(rule);
        Span::new(self.file, n.start(), n.start() + text.len())
    }

    pub(super) fn name(&self, n: N) -> Name {
        Spanned::new(n.text().to_string(), self.span(n))
    }

    pub(super) fn declaration(&self, n: N) -> Option<Item> {
        Some(match n.rule()? {
            Rule::use_decl => Item::Use(self.string(n.child(Rule::string)?)),
            Rule::deployment => Item::Deployment(self.deployment(n)?),
            Rule::principal => Item::Principal(self.principal(n)?),
            Rule::network => Item::Network(self.network(n)?),
            Rule::engine => Item::Engine(self.engine(n)?),
            Rule::store => Item::Store(self.store(n)?),
            Rule::access => Item::Access(self.access(n)?),
            Rule::grants_decl => Item::Grants(self.grants_decl(n)?),
            Rule::scp => Item::Scp(self.scp(n)?),
            Rule::kind_decl => Item::Kind(self.kind_decl(n)?),
            Rule::component_decl => Item::Component(self.component_decl(n)?),
            Rule::crd_decl => Item::Crd(self.crd_decl(n)?),
            Rule::ack => Item::Ack(self.ack(n)?),
            _ => return None,
        })
    }

    pub(super) fn string(&self, n: N) -> Str {
        let text = n.text();
        let inner = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or("");
        Spanned::new(crate::syntax::unescape(inner), self.span(n))
    }

    /// `strings`: one string or a bracketed list.
    pub(super) fn strings(&self, n: N) -> Vec<Str> {
        match n.rule() {
            Some(Rule::string_list) => kids(n, Rule::string).map(|s| self.string(s)).collect(),
            _ => vec![self.string(n)],
        }
    }

    /// Every `strings` directly under `n`, in one list.
    pub(super) fn all_strings(&self, n: N) -> Vec<Str> {
        string_parts(n).flat_map(|s| self.strings(s)).collect()
    }

    pub(super) fn names(&self, n: N) -> Vec<Name> {
        kids(n, Rule::ident).map(|i| self.name(i)).collect()
    }

    pub(super) fn ack(&self, n: N) -> Option<Ack> {
        Some(Ack {
            code: self.name(n.child(Rule::code)?),
            reason: self.string(n.child(Rule::string)?),
            span: self.span(n),
        })
    }

    pub(super) fn cloud(&self, n: N) -> Option<Spanned<Cloud>> {
        Some(Spanned::new(Cloud::parse(n.text())?, self.span(n)))
    }

    fn deployment(&self, n: N) -> Option<Deployment> {
        let mut d = Deployment {
            name: self.name(n.child(Rule::ident)?),
            span: self.span(n),
            clouds: Vec::new(),
            clouds_span: None,
            managed_tag: None,
            name_prefix: None,
            scope_by: None,
            params: Vec::new(),
            externals: Vec::new(),
            acks: Vec::new(),
            repeated: Vec::new(),
        };
        for s in n.children() {
            let sspan = self.span(s);
            match s.rule() {
                Some(Rule::clouds_stmt) => {
                    note_repeat(&mut d.repeated, d.clouds_span, sspan, "clouds");
                    d.clouds_span = Some(sspan);
                    d.clouds = kids(s, Rule::cloud).filter_map(|c| self.cloud(c)).collect();
                }
                Some(Rule::managed_tag_stmt) => {
                    let mut i = kids(s, Rule::string);
                    let (Some(k), Some(v)) = (i.next(), i.next()) else {
                        continue;
                    };
                    note_repeat(
                        &mut d.repeated,
                        d.managed_tag.as_ref().map(|t| t.0.span),
                        sspan,
                        "managed_tag",
                    );
                    d.managed_tag = Some((self.string(k), self.string(v)));
                }
                Some(Rule::name_prefix_stmt) => {
                    let Some(v) = s.child(Rule::string) else {
                        continue;
                    };
                    note_repeat(
                        &mut d.repeated,
                        d.name_prefix.as_ref().map(|t| t.span),
                        sspan,
                        "name_prefix",
                    );
                    d.name_prefix = Some(self.string(v));
                }
                Some(Rule::scope_by) => {
                    note_repeat(
                        &mut d.repeated,
                        d.scope_by.map(|b| b.span),
                        sspan,
                        "scope by",
                    );
                    d.scope_by = Some(self.scope_by(s));
                }
                Some(Rule::param_stmt) => {
                    d.params
                        .extend(kids(s, Rule::param_def).filter_map(|pd| self.param_def(pd)));
                }
                Some(Rule::external_stmt) => {
                    d.externals
                        .extend(kids(s, Rule::external_ref).map(|e| self.name(e)));
                }
                Some(Rule::ack) => d.acks.extend(self.ack(s)),
                // The keyword and the name.
                _ => {}
            }
        }
        Some(d)
    }

    fn param_def(&self, n: N) -> Option<Param> {
        Some(Param {
            name: self.name(n.child(Rule::ident)?),
            default: n.child(Rule::string).map(|s| self.string(s)),
        })
    }

    fn principal(&self, n: N) -> Option<Principal> {
        let mut pr = Principal {
            name: self.name(n.child(Rule::ident)?),
            span: self.span(n),
            aws_role: None,
            aws_trust: Vec::new(),
            aws_instance_profile: None,
            aws_boundary: None,
            gcp_service_account: None,
            azure_principal: None,
            k8s_service_account: None,
            acks: Vec::new(),
            repeated: Vec::new(),
        };
        for s in n.children() {
            let sspan = self.span(s);
            match s.rule() {
                Some(Rule::aws_role) => {
                    let Some(role) = self.aws_role(s) else {
                        continue;
                    };
                    note_repeat(
                        &mut pr.repeated,
                        pr.aws_role.as_ref().map(|r| r.span),
                        sspan,
                        "aws role",
                    );
                    pr.aws_role = Some(role);
                }
                Some(Rule::aws_trust) => pr.aws_trust.extend(self.aws_trust(s)),
                Some(Rule::aws_instance_profile) => {
                    note_repeat(
                        &mut pr.repeated,
                        pr.aws_instance_profile.as_ref().map(|r| r.span),
                        sspan,
                        "aws instance_profile",
                    );
                    let name = s.child(Rule::string).map(|x| self.string(x));
                    pr.aws_instance_profile = Some(Spanned::new(name, sspan));
                }
                Some(Rule::aws_boundary) => {
                    let Some(b) = s.child(Rule::ident) else {
                        continue;
                    };
                    note_repeat(
                        &mut pr.repeated,
                        pr.aws_boundary.as_ref().map(|r| r.span),
                        sspan,
                        "aws boundary",
                    );
                    pr.aws_boundary = Some(self.name(b));
                }
                Some(Rule::gcp_service_account) => {
                    let Some(sa) = self.gcp_service_account(s) else {
                        continue;
                    };
                    note_repeat(
                        &mut pr.repeated,
                        pr.gcp_service_account.as_ref().map(|r| r.span),
                        sspan,
                        "gcp service_account",
                    );
                    pr.gcp_service_account = Some(sa);
                }
                Some(Rule::azure_principal) => {
                    let Some(id) = s.child(Rule::string) else {
                        continue;
                    };
                    note_repeat(
                        &mut pr.repeated,
                        pr.azure_principal.as_ref().map(|r| r.span),
                        sspan,
                        "azure service_principal",
                    );
                    pr.azure_principal = Some(self.string(id));
                }
                Some(Rule::k8s_service_account) => {
                    let Some(sa) = self.k8s_service_account(s) else {
                        continue;
                    };
                    note_repeat(
                        &mut pr.repeated,
                        pr.k8s_service_account.as_ref().map(|r| r.span),
                        sspan,
                        "k8s service_account",
                    );
                    pr.k8s_service_account = Some(sa);
                }
                Some(Rule::ack) => pr.acks.extend(self.ack(s)),
                _ => {}
            }
        }
        Some(pr)
    }

    fn aws_role(&self, n: N) -> Option<AwsRole> {
        let mut strings = kids(n, Rule::string);
        Some(AwsRole {
            arn: self.string(strings.next()?),
            external_id: strings.next().map(|s| self.string(s)),
            span: self.span(n),
        })
    }

    fn aws_trust(&self, n: N) -> Option<AwsTrust> {
        let k = n.child(Rule::trust_kind)?;
        let kind = Spanned::new(TrustKind::parse(k.text())?, self.span(k));
        let mut t = AwsTrust {
            kind,
            // The first strings are the principals; a string after `as` is the Sid.
            principals: self.strings(string_parts(n).next()?),
            service_account: None,
            actions: None,
            conditions: Vec::new(),
            sid: None,
            span: self.span(n),
        };
        let mut after_as = false;
        for s in n.children() {
            match s.rule() {
                Some(Rule::trust_subject) => {
                    let mut parts = kids(s, Rule::string);
                    if let (Some(a), Some(ns)) = (parts.next(), parts.next()) {
                        t.service_account = Some((self.string(a), self.string(ns)));
                    }
                }
                Some(Rule::condition) => t.conditions.extend(self.condition(s)),
                Some(Rule::trust_actions) => t.actions = Some(self.all_strings(s)),
                Some(Rule::kw_as) => after_as = true,
                Some(Rule::string) if after_as => t.sid = Some(self.string(s)),
                _ => {}
            }
        }
        Some(t)
    }

    fn gcp_service_account(&self, n: N) -> Option<GcpServiceAccount> {
        let mut parts = string_parts(n);
        Some(GcpServiceAccount {
            account: self.string(parts.next()?),
            impersonated_by: parts.flat_map(|s| self.strings(s)).collect(),
            span: self.span(n),
        })
    }

    fn k8s_service_account(&self, n: N) -> Option<K8sServiceAccount> {
        let mut strings = kids(n, Rule::string);
        Some(K8sServiceAccount {
            name: self.string(strings.next()?),
            namespace: self.string(strings.next()?),
            span: self.span(n),
        })
    }

    fn network(&self, n: N) -> Option<Network> {
        let mut net = Network::empty(self.name(n.child(Rule::ident)?), self.span(n));
        for s in n.children() {
            let sspan = self.span(s);
            // The setting's address block (present in every one pest accepted).
            let cidr = || s.child(Rule::cidr).map(|c| self.name(c));
            match s.rule() {
                Some(Rule::cloud) => net.cloud = self.cloud(s),
                Some(Rule::network_cidr) => {
                    note_repeat(
                        &mut net.repeated,
                        net.cidr.as_ref().map(|c| c.span),
                        sspan,
                        "cidr",
                    );
                    net.cidr = cidr();
                }
                Some(Rule::subnet) => net.subnets.extend(self.subnet(s)),
                Some(Rule::pods_range) => {
                    note_repeat(
                        &mut net.repeated,
                        net.pods.as_ref().map(|c| c.span),
                        sspan,
                        "pods",
                    );
                    net.pods = cidr();
                }
                Some(Rule::services_range) => {
                    note_repeat(
                        &mut net.repeated,
                        net.services.as_ref().map(|c| c.span),
                        sspan,
                        "services",
                    );
                    net.services = cidr();
                }
                Some(Rule::psc_range) => {
                    note_repeat(
                        &mut net.repeated,
                        net.psc.as_ref().map(|c| c.span),
                        sspan,
                        "psc",
                    );
                    net.psc = cidr();
                }
                Some(Rule::master_range) => {
                    note_repeat(
                        &mut net.repeated,
                        net.master.as_ref().map(|c| c.span),
                        sspan,
                        "master",
                    );
                    net.master = cidr();
                }
                Some(Rule::connect_stmt) => {
                    if let Some(names) = s.child(Rule::names) {
                        net.connects.extend(self.names(names));
                    }
                }
                Some(Rule::net_rule) => net.rules.extend(self.net_rule(s)),
                Some(Rule::ack) => net.acks.extend(self.ack(s)),
                _ => {}
            }
        }
        Some(net)
    }

    fn subnet(&self, n: N) -> Option<Subnet> {
        // The subnet's block, then the public one.
        let mut cidrs = kids(n, Rule::cidr);
        Some(Subnet {
            name: self.name(n.child(Rule::ident)?),
            cidr: self.name(cidrs.next()?),
            zone: n.child(Rule::zone).and_then(|z| self.zone(z)),
            public: cidrs.next().map(|c| self.name(c)),
            secondary: kids(n, Rule::secondary_range)
                .filter_map(|s| {
                    Some((
                        self.name(s.child(Rule::ident)?),
                        self.name(s.child(Rule::cidr)?),
                    ))
                })
                .collect(),
            span: self.span(n),
        })
    }

    fn net_rule(&self, n: N) -> Option<NetRule> {
        let d = n.child(Rule::direction)?;
        let direction = Spanned::new(
            if d.text() == "ingress" {
                Direction::Ingress
            } else {
                Direction::Egress
            },
            self.span(d),
        );
        let pr = n.child(Rule::protocol)?;
        let protocol = Spanned::new(Protocol::parse(pr.text())?, self.span(pr));
        let ports = n
            .child(Rule::port_list)
            .map(|l| kids(l, Rule::port).map(|x| self.name(x)).collect())
            .unwrap_or_default();
        let peers = kids(n, Rule::peer)
            .filter_map(|s| {
                let inner = s.children().next()?;
                Some(match inner.rule()? {
                    Rule::cidr => Peer::Cidr(self.name(inner)),
                    Rule::peer_subnet => Peer::Subnet(self.name(inner.child(Rule::ident)?)),
                    Rule::peer_tag => Peer::Tag(self.string(inner.child(Rule::string)?)),
                    _ => return None,
                })
            })
            .collect();
        Some(NetRule {
            direction,
            name: self.name(n.child(Rule::ident)?),
            protocol,
            ports,
            peers,
            span: self.span(n),
        })
    }

    fn zone(&self, n: N) -> Option<Str> {
        let inner = n.children().next()?;
        Some(match inner.rule()? {
            Rule::string => self.string(inner),
            _ => self.name(inner),
        })
    }

    fn engine(&self, n: N) -> Option<Engine> {
        // The name, the kind after `:` and the network after `on`.
        let mut idents = kids(n, Rule::ident);
        let mut e = Engine {
            name: self.name(idents.next()?),
            kind: self.name(idents.next()?),
            mode: None,
            network: idents.next().map(|i| self.name(i)),
            namespaces: Vec::new(),
            components: Vec::new(),
            acks: Vec::new(),
            span: self.span(n),
        };
        for s in n.children() {
            match s.rule() {
                Some(Rule::engine_mode) => {
                    let m = if s.text() == "create" {
                        EngineMode::Create
                    } else {
                        EngineMode::Import
                    };
                    e.mode = Some(Spanned::new(m, self.span(s)));
                }
                Some(Rule::namespaces_stmt) => e
                    .namespaces
                    .extend(kids(s, Rule::string).map(|n| self.string(n))),
                Some(Rule::components_stmt) => {
                    if let Some(names) = s.child(Rule::names) {
                        e.components.extend(self.names(names))
                    }
                }
                Some(Rule::ack) => e.acks.extend(self.ack(s)),
                _ => {}
            }
        }
        Some(e)
    }

    fn store(&self, n: N) -> Option<Store> {
        // The name and the kind after `:`.
        let mut idents = kids(n, Rule::ident);
        let mut st = Store {
            name: self.name(idents.next()?),
            kind: self.name(idents.next()?),
            resource_name: None,
            scope_by: None,
            policy: Vec::new(),
            acks: Vec::new(),
            span: self.span(n),
            repeated: Vec::new(),
        };
        for s in n.children() {
            match s.rule() {
                Some(Rule::store_name) => {
                    let Some(v) = s.child(Rule::string) else {
                        continue;
                    };
                    note_repeat(
                        &mut st.repeated,
                        st.resource_name.as_ref().map(|n| n.span),
                        self.span(s),
                        "name",
                    );
                    st.resource_name = Some(self.string(v));
                }
                Some(Rule::scope_by) => {
                    note_repeat(
                        &mut st.repeated,
                        st.scope_by.map(|b| b.span),
                        self.span(s),
                        "scope by",
                    );
                    st.scope_by = Some(self.scope_by(s));
                }
                Some(Rule::policy_statement) => st.policy.push(self.policy_statement(s)),
                Some(Rule::ack) => st.acks.extend(self.ack(s)),
                _ => {}
            }
        }
        Some(st)
    }

    /// `scope by tag`, `scope by name`, `scope by tag and name` (either order).
    pub(super) fn scope_by(&self, n: N) -> ScopeBy {
        let words: Vec<Rule> = n
            .children()
            .flat_map(|m| m.children())
            .filter_map(|w| w.rule())
            .filter(|r| matches!(r, Rule::scope_tag | Rule::scope_name))
            .collect();
        let mode = match words.as_slice() {
            [Rule::scope_tag] => ScopeMode::Tag,
            [Rule::scope_name] => ScopeMode::Name,
            _ => ScopeMode::TagAndName,
        };
        ScopeBy {
            mode,
            span: self.span(n),
        }
    }
}

/// The children of `n` of rule `r`, in order.
pub(super) fn kids<'t>(n: N<'t>, r: Rule) -> impl Iterator<Item = N<'t>> + 't {
    n.children().filter(move |c| c.rule() == Some(r))
}

/// The `strings` children of `n` (each a string or a bracketed list), in order.
pub(super) fn string_parts<'t>(n: N<'t>) -> impl Iterator<Item = N<'t>> + 't {
    n.children()
        .filter(|c| matches!(c.rule(), Some(Rule::string | Rule::string_list)))
}

pub(super) fn note_repeat(
    repeated: &mut Vec<(Span, Span, &'static str)>,
    first: Option<Span>,
    again: Span,
    what: &'static str,
) {
    if let Some(first) = first {
        repeated.push((first, again, what));
    }
}

/// `text` without trailing white space and trailing `//` comments (all of them but
/// the first when there is nothing else).
pub(super) fn trim_trailing_trivia(text: &str) -> &str {
    // Most pairs end at a token: only a last line with a `//` needs the tokens.
    // (One backward pass over the last line's bytes: called for every span.)
    let t = text.trim_end();
    let mut after = 0u8;
    let slashes = t.bytes().rev().take_while(|&c| c != b'\n').any(|c| {
        let pair = c == b'/' && after == b'/';
        after = c;
        pair
    });
    if !slashes {
        return t;
    }
    let tokens = crate::syntax::tokens::tokenize(text);
    let line_comment =
        |t: &crate::syntax::tokens::Token| t.is_comment() && t.text(text).starts_with("//");
    match tokens
        .iter()
        .rposition(|t| !line_comment(t))
        .or((!tokens.is_empty()).then_some(0))
    {
        Some(i) => &text[..tokens[i].end],
        None => text.trim_end(),
    }
}
