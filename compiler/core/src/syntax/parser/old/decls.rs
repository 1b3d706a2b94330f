//! The rule functions shared by every declaration (spans, names, strings, the
//! dispatch over declarations) and those of `use`, `ack`, `deployment`, `principal`,
//! `network`, `engine` and `store`.

use super::{Ctx, P};
use crate::syntax::parser::Rule;
use crate::source::{Span, Spanned};
use crate::syntax::ast::*;

impl Ctx {
    /// The pair's span without the white space and line comments that pest's implicit
    /// skipping attaches after an optional part that did not match.
    pub(super) fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        let text = trim_trailing_trivia(p.as_str());
        Span::new(
            self.file,
            self.base + s.start(),
            self.base + s.start() + text.len(),
        )
    }

    pub(super) fn name(&self, p: P) -> Name {
        Spanned::new(p.as_str().to_string(), self.span(&p))
    }

    pub(crate) fn declaration(&self, p: P) -> Item {
        match p.as_rule() {
            Rule::use_decl => Item::Use(self.string(p.into_inner().nth(1).unwrap())),
            Rule::deployment => Item::Deployment(self.deployment(p)),
            Rule::principal => Item::Principal(self.principal(p)),
            Rule::network => Item::Network(self.network(p)),
            Rule::engine => Item::Engine(self.engine(p)),
            Rule::store => Item::Store(self.store(p)),
            Rule::access => Item::Access(self.access(p)),
            Rule::grants_decl => Item::Grants(self.grants_decl(p)),
            Rule::scp => Item::Scp(self.scp(p)),
            Rule::kind_decl => Item::Kind(self.kind_decl(p)),
            Rule::component_decl => Item::Component(self.component_decl(p)),
            Rule::crd_decl => Item::Crd(self.crd_decl(p)),
            Rule::ack => Item::Ack(self.ack(p)),
            r => unreachable!("not a declaration: {r:?}"),
        }
    }

    pub(super) fn string(&self, p: P) -> Str {
        let span = self.span(&p);
        let inner = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        Spanned::new(crate::syntax::unescape(inner), span)
    }

    /// `strings`: one string or a bracketed list.
    pub(super) fn strings(&self, p: P) -> Vec<Str> {
        match p.as_rule() {
            Rule::string_list => p.into_inner().map(|s| self.string(s)).collect(),
            _ => vec![self.string(p)],
        }
    }

    pub(super) fn names(&self, p: P) -> Vec<Name> {
        p.into_inner().map(|n| self.name(n)).collect()
    }

    pub(super) fn ack(&self, p: P) -> Ack {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let code = self.name(it.next().unwrap());
        let reason = self.string(it.next().unwrap());
        Ack { code, reason, span }
    }

    pub(super) fn cloud(&self, p: P) -> Spanned<Cloud> {
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
            scope_by: None,
            params: Vec::new(),
            externals: Vec::new(),
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
                Rule::scope_by => {
                    note_repeat(
                        &mut d.repeated,
                        d.scope_by.map(|b| b.span),
                        sspan,
                        "scope by",
                    );
                    d.scope_by = Some(self.scope_by(s));
                }
                Rule::param_stmt => {
                    d.params.extend(s.into_inner().map(|pd| self.param_def(pd)));
                }
                Rule::external_stmt => {
                    d.externals.extend(s.into_inner().map(|e| self.name(e)));
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
            aws_trust: Vec::new(),
            aws_instance_profile: None,
            aws_boundary: None,
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
                Rule::aws_trust => pr.aws_trust.push(self.aws_trust(s)),
                Rule::aws_instance_profile => {
                    note_repeat(
                        &mut pr.repeated,
                        pr.aws_instance_profile.as_ref().map(|r| r.span),
                        sspan,
                        "aws instance_profile",
                    );
                    let name = s
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::string)
                        .map(|x| self.string(x));
                    pr.aws_instance_profile = Some(Spanned::new(name, sspan));
                }
                Rule::aws_boundary => {
                    note_repeat(
                        &mut pr.repeated,
                        pr.aws_boundary.as_ref().map(|r| r.span),
                        sspan,
                        "aws boundary",
                    );
                    pr.aws_boundary = Some(self.name(s.into_inner().nth(1).unwrap()));
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

    fn aws_trust(&self, p: P) -> AwsTrust {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let k = it.next().unwrap();
        let kind = Spanned::new(
            TrustKind::parse(k.as_str()).expect("grammar"),
            self.span(&k),
        );
        let mut t = AwsTrust {
            kind,
            principals: self.strings(it.next().unwrap()),
            service_account: None,
            actions: None,
            conditions: Vec::new(),
            sid: None,
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::trust_subject => {
                    let parts: Vec<P> = s
                        .into_inner()
                        .filter(|x| x.as_rule() == Rule::string)
                        .collect();
                    t.service_account =
                        Some((self.string(parts[0].clone()), self.string(parts[1].clone())));
                }
                Rule::kw_when | Rule::kw_and => {}
                Rule::condition => t.conditions.push(self.condition(s)),
                Rule::trust_actions => {
                    t.actions = Some(s.into_inner().flat_map(|x| self.strings(x)).collect())
                }
                Rule::kw_as => {}
                Rule::string => t.sid = Some(self.string(s)),
                r => unreachable!("aws trust: {r:?}"),
            }
        }
        t
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
        let mut n = Network::empty(self.name(it.next().unwrap()), span);
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
                Rule::psc_range => {
                    note_repeat(
                        &mut n.repeated,
                        n.psc.as_ref().map(|c| c.span),
                        sspan,
                        "psc",
                    );
                    n.psc = Some(self.name(s.into_inner().next().unwrap()));
                }
                Rule::master_range => {
                    note_repeat(
                        &mut n.repeated,
                        n.master.as_ref().map(|c| c.span),
                        sspan,
                        "master",
                    );
                    n.master = Some(self.name(s.into_inner().next().unwrap()));
                }
                Rule::connect_stmt => {
                    n.connects
                        .extend(self.names(s.into_inner().next().unwrap()));
                }
                Rule::net_rule => n.rules.push(self.net_rule(s)),
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
        let mut secondary = Vec::new();
        for s in it {
            match s.as_rule() {
                Rule::zone => zone = Some(self.zone(s)),
                Rule::cidr => public = Some(self.name(s)),
                Rule::secondary_range => {
                    let mut i = s.into_inner();
                    let n = self.name(i.next().unwrap());
                    secondary.push((n, self.name(i.next().unwrap())));
                }
                r => unreachable!("subnet: {r:?}"),
            }
        }
        Subnet {
            name,
            cidr,
            zone,
            public,
            secondary,
            span,
        }
    }

    fn net_rule(&self, p: P) -> NetRule {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let d = it.next().unwrap();
        let direction = Spanned::new(
            if d.as_str() == "ingress" {
                Direction::Ingress
            } else {
                Direction::Egress
            },
            self.span(&d),
        );
        let name = self.name(it.next().unwrap());
        let pr = it.next().unwrap();
        let protocol = Spanned::new(
            Protocol::parse(pr.as_str()).expect("grammar"),
            self.span(&pr),
        );
        let mut ports = Vec::new();
        let mut peers = Vec::new();
        for s in it {
            match s.as_rule() {
                Rule::port_list => ports.extend(s.into_inner().map(|x| self.name(x))),
                Rule::peer => {
                    let inner = s.into_inner().next().unwrap();
                    peers.push(match inner.as_rule() {
                        Rule::cidr => Peer::Cidr(self.name(inner)),
                        Rule::peer_subnet => {
                            Peer::Subnet(self.name(inner.into_inner().next().unwrap()))
                        }
                        Rule::peer_tag => {
                            Peer::Tag(self.string(inner.into_inner().next().unwrap()))
                        }
                        r => unreachable!("peer: {r:?}"),
                    });
                }
                Rule::kwc_from | Rule::kwc_to => {}
                r => unreachable!("rule: {r:?}"),
            }
        }
        NetRule {
            direction,
            name,
            protocol,
            ports,
            peers,
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
            scope_by: None,
            policy: Vec::new(),
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
                Rule::scope_by => {
                    let sspan = self.span(&s);
                    note_repeat(
                        &mut st.repeated,
                        st.scope_by.map(|b| b.span),
                        sspan,
                        "scope by",
                    );
                    st.scope_by = Some(self.scope_by(s));
                }
                Rule::policy_statement => st.policy.push(self.policy_statement(s)),
                Rule::ack => st.acks.push(self.ack(s)),
                r => unreachable!("store: {r:?}"),
            }
        }
        st
    }
}

impl Ctx {
    /// `scope by tag`, `scope by name`, `scope by tag and name` (either order).
    pub(super) fn scope_by(&self, p: P) -> ScopeBy {
        let span = self.span(&p);
        let words: Vec<Rule> = p
            .into_inner()
            .flat_map(|m| m.into_inner())
            .map(|w| w.as_rule())
            .filter(|r| matches!(r, Rule::scope_tag | Rule::scope_name))
            .collect();
        let mode = match words.as_slice() {
            [Rule::scope_tag] => ScopeMode::Tag,
            [Rule::scope_name] => ScopeMode::Name,
            _ => ScopeMode::TagAndName,
        };
        ScopeBy { mode, span }
    }
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
    let t = text.trim_end();
    if !t[t.rfind('\n').map_or(0, |i| i + 1)..].contains("//") {
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
