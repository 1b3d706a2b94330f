//! The declarations and their statements, but for access levels, groups of grants
//! and SCPs (`access`): `use`, `ack`, `deployment`, `principal`, `network`, `engine`,
//! `store`, `kind`, `component`, `crd`.

use super::{Rule, P};

impl P<'_> {
    /// `declaration = _{ use_decl | deployment | ... | ack }`
    pub(super) fn declaration(&mut self) -> bool {
        self.use_decl()
            || self.deployment()
            || self.principal()
            || self.network()
            || self.engine()
            || self.store()
            || self.access()
            || self.grants_decl()
            || self.scp()
            || self.kind_decl()
            || self.component_decl()
            || self.crd_decl()
            || self.ack()
    }

    /// `"{" ~ (stmt ~ ";"?)* ~ "}"`
    pub(super) fn block(&mut self, mut stmt: impl FnMut(&mut Self) -> bool) -> bool {
        s!(self;
            self.lit(b"{"),
            self.rep(|p| s!(p; stmt(p), p.opt(|p| p.lit(b";")))),
            self.lit(b"}"))
    }

    /// `(kw_when ~ condition ~ (kw_and ~ condition)*)?`
    pub(super) fn when_conditions(&mut self) -> bool {
        self.opt(|p| {
            s!(p;
                p.kw(Rule::kw_when, b"when"),
                p.condition(),
                p.rep(|p| s!(p; p.kw(Rule::kw_and, b"and"), p.condition())))
        })
    }

    /// `(kw_as ~ string)?`
    pub(super) fn as_string(&mut self) -> bool {
        self.opt(|p| s!(p; p.kw(Rule::kw_as, b"as"), p.string()))
    }

    fn use_decl(&mut self) -> bool {
        self.rule(
            Rule::use_decl,
            |p| s!(p; p.kw(Rule::kw_use, b"use"), p.string()),
        )
    }

    pub(super) fn ack(&mut self) -> bool {
        self.rule(
            Rule::ack,
            |p| s!(p; p.kw(Rule::kw_ack, b"ack"), p.code(), p.string()),
        )
    }

    fn deployment(&mut self) -> bool {
        self.rule(Rule::deployment, |p| {
            s!(p; p.kw(Rule::kw_deployment, b"deployment"), p.ident(), p.block(|p| {
                p.clouds_stmt()
                    || p.managed_tag_stmt()
                    || p.name_prefix_stmt()
                    || p.scope_by()
                    || p.param_stmt()
                    || p.external_stmt()
                    || p.ack()
            }))
        })
    }

    fn clouds_stmt(&mut self) -> bool {
        self.rule(
            Rule::clouds_stmt,
            |p| s!(p; p.word(b"clouds"), p.cloud(), p.rep(|p| s!(p; p.lit(b","), p.cloud()))),
        )
    }

    fn managed_tag_stmt(&mut self) -> bool {
        self.rule(
            Rule::managed_tag_stmt,
            |p| s!(p; p.word(b"managed_tag"), p.string(), p.lit(b"="), p.string()),
        )
    }

    fn name_prefix_stmt(&mut self) -> bool {
        self.rule(
            Rule::name_prefix_stmt,
            |p| s!(p; p.word(b"name_prefix"), p.string()),
        )
    }

    fn param_stmt(&mut self) -> bool {
        self.rule(Rule::param_stmt, |p| {
            s!(p; p.word(b"param"), p.param_def(), p.rep(|p| s!(p; p.lit(b","), p.param_def())))
        })
    }

    fn param_def(&mut self) -> bool {
        self.rule(
            Rule::param_def,
            |p| s!(p; p.ident(), p.opt(|p| s!(p; p.lit(b"="), p.string()))),
        )
    }

    fn external_stmt(&mut self) -> bool {
        self.rule(Rule::external_stmt, |p| {
            s!(p; p.word(b"external"), p.external_ref(),
                p.rep(|p| s!(p; p.lit(b","), p.external_ref())))
        })
    }

    fn principal(&mut self) -> bool {
        self.rule(Rule::principal, |p| {
            s!(p; p.kw(Rule::kw_principal, b"principal"), p.ident(), p.block(|p| {
                p.aws_role()
                    || p.aws_trust()
                    || p.aws_instance_profile()
                    || p.aws_boundary()
                    || p.gcp_service_account()
                    || p.azure_principal()
                    || p.k8s_service_account()
                    || p.ack()
            }))
        })
    }

    fn aws_role(&mut self) -> bool {
        self.rule(Rule::aws_role, |p| {
            s!(p; p.kw(Rule::kw_aws, b"aws"), p.word(b"role"), p.string(),
                p.opt(|p| s!(p; p.word(b"external_id"), p.string())))
        })
    }

    fn aws_trust(&mut self) -> bool {
        self.rule(Rule::aws_trust, |p| {
            s!(p; p.kw(Rule::kw_aws, b"aws"), p.word(b"trust"), p.trust_kind(), p.strings(),
                p.opt(|p| p.trust_subject()), p.opt(|p| p.trust_actions()),
                p.when_conditions(), p.as_string())
        })
    }

    fn trust_subject(&mut self) -> bool {
        self.rule(
            Rule::trust_subject,
            |p| s!(p; p.word(b"service_account"), p.string(), p.kw(Rule::kw_in, b"in"), p.string()),
        )
    }

    fn trust_actions(&mut self) -> bool {
        self.rule(
            Rule::trust_actions,
            |p| s!(p; p.word(b"actions"), p.strings()),
        )
    }

    fn aws_instance_profile(&mut self) -> bool {
        self.rule(Rule::aws_instance_profile, |p| {
            s!(p; p.kw(Rule::kw_aws, b"aws"), p.word(b"instance_profile"), p.opt(|p| p.string()))
        })
    }

    fn aws_boundary(&mut self) -> bool {
        self.rule(
            Rule::aws_boundary,
            |p| s!(p; p.kw(Rule::kw_aws, b"aws"), p.word(b"boundary"), p.ident()),
        )
    }

    fn gcp_service_account(&mut self) -> bool {
        self.rule(Rule::gcp_service_account, |p| {
            s!(p; p.kw(Rule::kw_gcp, b"gcp"), p.word(b"service_account"), p.string(),
                p.opt(|p| s!(p; p.word(b"impersonated_by"), p.strings())))
        })
    }

    fn azure_principal(&mut self) -> bool {
        self.rule(
            Rule::azure_principal,
            |p| s!(p; p.kw(Rule::kw_azure, b"azure"), p.word(b"service_principal"), p.string()),
        )
    }

    fn k8s_service_account(&mut self) -> bool {
        self.rule(Rule::k8s_service_account, |p| {
            s!(p; p.kw(Rule::kw_k8s, b"k8s"), p.word(b"service_account"), p.string(),
                p.kw(Rule::kw_in, b"in"), p.string())
        })
    }

    fn network(&mut self) -> bool {
        self.rule(Rule::network, |p| {
            s!(p; p.kw(Rule::kw_network, b"network"), p.ident(),
            p.opt(|p| s!(p; p.kw(Rule::kw_for, b"for"), p.cloud())),
            p.block(|p| {
                p.network_cidr()
                    || p.subnet()
                    || p.pods_range()
                    || p.services_range()
                    || p.psc_range()
                    || p.master_range()
                    || p.net_rule()
                    || p.connect_stmt()
                    || p.ack()
            }))
        })
    }

    fn network_cidr(&mut self) -> bool {
        self.rule(Rule::network_cidr, |p| s!(p; p.word(b"cidr"), p.cidr()))
    }

    fn subnet(&mut self) -> bool {
        self.rule(Rule::subnet, |p| {
            s!(p; p.word(b"subnet"), p.ident(), p.cidr(),
                p.opt(|p| s!(p; p.word(b"zone"), p.zone())),
                p.opt(|p| s!(p; p.word(b"public"), p.cidr())),
                p.rep(|p| p.secondary_range()))
        })
    }

    fn secondary_range(&mut self) -> bool {
        self.rule(
            Rule::secondary_range,
            |p| s!(p; p.word(b"secondary"), p.ident(), p.cidr()),
        )
    }

    fn zone(&mut self) -> bool {
        self.rule(Rule::zone, |p| p.string() || p.ident())
    }

    fn pods_range(&mut self) -> bool {
        self.rule(Rule::pods_range, |p| s!(p; p.word(b"pods"), p.cidr()))
    }

    fn services_range(&mut self) -> bool {
        self.rule(
            Rule::services_range,
            |p| s!(p; p.word(b"services"), p.cidr()),
        )
    }

    fn psc_range(&mut self) -> bool {
        self.rule(Rule::psc_range, |p| s!(p; p.word(b"psc"), p.cidr()))
    }

    fn master_range(&mut self) -> bool {
        self.rule(Rule::master_range, |p| s!(p; p.word(b"master"), p.cidr()))
    }

    fn connect_stmt(&mut self) -> bool {
        self.rule(Rule::connect_stmt, |p| s!(p; p.word(b"connect"), p.names()))
    }

    fn net_rule(&mut self) -> bool {
        self.rule(Rule::net_rule, |p| {
            s!(p; p.direction(), p.ident(), p.protocol(), p.opt(|p| p.port_list()),
                p.word(b"from") || p.word(b"to"),
                p.peer(),
                p.rep(|p| s!(p; p.lit(b","), p.peer())))
        })
    }

    fn port_list(&mut self) -> bool {
        self.rule(
            Rule::port_list,
            |p| s!(p; p.port(), p.rep(|p| s!(p; p.lit(b","), p.port()))),
        )
    }

    fn peer(&mut self) -> bool {
        self.rule(Rule::peer, |p| p.cidr() || p.peer_subnet() || p.peer_tag())
    }

    fn peer_subnet(&mut self) -> bool {
        self.rule(Rule::peer_subnet, |p| s!(p; p.word(b"subnet"), p.ident()))
    }

    fn peer_tag(&mut self) -> bool {
        self.rule(Rule::peer_tag, |p| s!(p; p.word(b"tag"), p.string()))
    }

    fn engine(&mut self) -> bool {
        self.rule(Rule::engine, |p| {
            s!(p; p.kw(Rule::kw_engine, b"engine"), p.ident(), p.lit(b":"), p.ident(),
                p.opt(|p| p.engine_mode()),
                p.opt(|p| s!(p; p.kw(Rule::kw_on, b"on"), p.ident())),
                p.peek() != Some(b'{')
                    || p.block(|p| p.namespaces_stmt() || p.components_stmt() || p.ack()))
        })
    }

    fn namespaces_stmt(&mut self) -> bool {
        self.rule(Rule::namespaces_stmt, |p| {
            s!(p; p.word(b"namespaces") || p.word(b"namespace"), p.string(),
                p.rep(|p| s!(p; p.lit(b","), p.string())))
        })
    }

    fn components_stmt(&mut self) -> bool {
        self.rule(
            Rule::components_stmt,
            |p| s!(p; p.word(b"components") || p.kw(Rule::kw_component, b"component"), p.names()),
        )
    }

    fn store(&mut self) -> bool {
        self.rule(Rule::store, |p| {
            s!(p; p.kw(Rule::kw_store, b"store"), p.ident(), p.lit(b":"), p.ident(),
            p.peek() != Some(b'{')
                || p.block(|p| {
                    p.store_name() || p.scope_by() || p.policy_statement() || p.ack()
                }))
        })
    }

    fn store_name(&mut self) -> bool {
        self.rule(Rule::store_name, |p| s!(p; p.word(b"name"), p.string()))
    }

    fn policy_statement(&mut self) -> bool {
        self.rule(Rule::policy_statement, |p| {
            s!(p; p.kw(Rule::kw_aws, b"aws"), p.effect(), p.action_list(),
                p.opt(|p| p.principal_list()), p.opt(|p| p.resource_list()),
                p.when_conditions(), p.as_string())
        })
    }

    fn principal_list(&mut self) -> bool {
        self.rule(Rule::principal_list, |p| {
            let principal_ref = |p: &mut Self| p.string_list() || p.string() || p.ident();
            s!(p; p.kw(Rule::kw_for, b"for"), principal_ref(p),
                p.rep(|p| s!(p; p.lit(b","), principal_ref(p))))
        })
    }

    pub(super) fn scope_by(&mut self) -> bool {
        self.rule(
            Rule::scope_by,
            |p| s!(p; p.word(b"scope"), p.word(b"by"), p.scope_mode()),
        )
    }

    fn scope_mode(&mut self) -> bool {
        self.rule(Rule::scope_mode, |p| {
            p.seq(|p| {
                s!(p; p.scope_tag(),
                    p.opt(|p| s!(p; p.kw(Rule::kw_and, b"and"), p.scope_name())))
            }) || p.seq(|p| {
                s!(p; p.scope_name(),
                    p.opt(|p| s!(p; p.kw(Rule::kw_and, b"and"), p.scope_tag())))
            })
        })
    }

    fn kind_decl(&mut self) -> bool {
        self.rule(Rule::kind_decl, |p| {
            s!(p; p.kw(Rule::kw_kind, b"kind"), p.target_kind(), p.ident(),
                p.opt(|p| p.string()), p.block(|p| p.kind_cloud()))
        })
    }

    fn kind_cloud(&mut self) -> bool {
        self.rule(Rule::kind_cloud, |p| {
            s!(p; p.cloud_or_k8s(), p.block(|p| {
                p.kind_service()
                    || p.kind_resources()
                    || p.kind_level()
                    || p.kind_data_level()
                    || p.kind_create()
            }))
        })
    }

    fn kind_service(&mut self) -> bool {
        self.rule(
            Rule::kind_service,
            |p| s!(p; p.word(b"services"), p.strings()),
        )
    }

    fn kind_resources(&mut self) -> bool {
        self.rule(
            Rule::kind_resources,
            |p| s!(p; p.word(b"resources"), p.strings()),
        )
    }

    fn kind_level(&mut self) -> bool {
        self.rule(Rule::kind_level, |p| s!(p; p.level(), p.strings()))
    }

    fn kind_data_level(&mut self) -> bool {
        self.rule(
            Rule::kind_data_level,
            |p| s!(p; p.word(b"data"), p.level(), p.strings()),
        )
    }

    fn kind_create(&mut self) -> bool {
        self.rule(Rule::kind_create, |p| s!(p; p.word(b"create"), p.strings()))
    }

    fn component_decl(&mut self) -> bool {
        self.rule(Rule::component_decl, |p| {
            s!(p; p.kw(Rule::kw_component, b"component"), p.ident(), p.opt(|p| p.string()),
                p.opt(|p| s!(p; p.kw(Rule::kw_for, b"for"), p.names())),
                p.block(|p| p.component_resource() || p.kind_cloud()))
        })
    }

    fn component_resource(&mut self) -> bool {
        self.rule(Rule::component_resource, |p| {
            s!(p; p.word(b"resource"), p.string(), p.string(), p.resource_scope(),
                p.opt(|p| s!(p; p.word(b"verbs"), p.strings())))
        })
    }

    fn crd_decl(&mut self) -> bool {
        self.rule(
            Rule::crd_decl,
            |p| s!(p; p.kw(Rule::kw_crd, b"crd"), p.string(), p.string(), p.resource_scope()),
        )
    }
}
