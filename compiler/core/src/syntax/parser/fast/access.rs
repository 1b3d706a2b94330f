//! Access levels, named groups of grants, SCPs, and the grant statements they hold.

use super::{Rule, P};

impl P<'_> {
    pub(super) fn access(&mut self) -> bool {
        self.rule(Rule::access, |p| {
            s!(p; p.kw(Rule::kw_access, b"access"), p.ident(),
            p.opt(|p| s!(p; p.kw(Rule::kw_for, b"for"), p.ident())),
            p.access_scope(),
            p.block(|p| {
                p.title_stmt()
                    || p.description_stmt()
                    || p.within_stmt()
                    || p.gcp_role_id()
                    || p.scope_by()
                    || p.aws_inline()
                    || p.aws_roles_under()
                    || p.if_block()
                    || p.grant_stmt()
                    || p.ack()
            }))
        })
    }

    fn access_scope(&mut self) -> bool {
        self.rule(Rule::access_scope, |p| p.scoped() || p.unscoped())
    }

    fn unscoped(&mut self) -> bool {
        self.rule(Rule::unscoped, |p| s!(p; p.word(b"unscoped"), p.string()))
    }

    /// `grant_stmt = _{ include_stmt | abstract_grant | ... | k8s_bind }`
    fn grant_stmt(&mut self) -> bool {
        self.include_stmt()
            || self.abstract_grant()
            || self.aws_statement()
            || self.aws_managed_policy()
            || self.gcp_permissions()
            || self.gcp_role()
            || self.gcp_bind()
            || self.azure_list()
            || self.azure_scope()
            || self.azure_assign()
            || self.k8s_role()
            || self.k8s_bind()
    }

    fn include_stmt(&mut self) -> bool {
        self.rule(
            Rule::include_stmt,
            |p| s!(p; p.kw(Rule::kw_include, b"include"), p.ident()),
        )
    }

    fn if_block(&mut self) -> bool {
        self.rule(
            Rule::if_block,
            |p| s!(p; p.kw(Rule::kw_if, b"if"), p.guard(), p.block(|p| p.grant_stmt())),
        )
    }

    fn guard(&mut self) -> bool {
        self.rule(Rule::guard, |p| s!(p; p.ident(), p.guard_op(), p.string()))
    }

    fn title_stmt(&mut self) -> bool {
        self.rule(Rule::title_stmt, |p| s!(p; p.word(b"title"), p.string()))
    }

    fn description_stmt(&mut self) -> bool {
        self.rule(
            Rule::description_stmt,
            |p| s!(p; p.word(b"description"), p.string()),
        )
    }

    fn within_stmt(&mut self) -> bool {
        self.rule(Rule::within_stmt, |p| s!(p; p.word(b"within"), p.ident()))
    }

    fn abstract_grant(&mut self) -> bool {
        self.rule(
            Rule::abstract_grant,
            |p| s!(p; p.level(), p.target_kind(), p.names(), p.as_string()),
        )
    }

    fn aws_statement(&mut self) -> bool {
        self.rule(Rule::aws_statement, |p| {
            s!(p; p.kw(Rule::kw_aws, b"aws"), p.effect(), p.action_list(),
                p.opt(|p| p.resource_list()), p.when_conditions(), p.as_string())
        })
    }

    pub(super) fn action_list(&mut self) -> bool {
        self.rule(
            Rule::action_list,
            |p| s!(p; p.opt(|p| p.kw(Rule::kw_not, b"not")), p.strings()),
        )
    }

    pub(super) fn resource_list(&mut self) -> bool {
        self.rule(
            Rule::resource_list,
            |p| s!(p; p.kw(Rule::kw_on, b"on"), p.opt(|p| p.kw(Rule::kw_not, b"not")), p.strings()),
        )
    }

    pub(super) fn condition(&mut self) -> bool {
        self.rule(Rule::condition, |p| {
            p.tag_condition() || p.request_tag_condition() || p.explicit_condition()
        })
    }

    fn explicit_condition(&mut self) -> bool {
        self.rule(
            Rule::explicit_condition,
            |p| s!(p; p.operator(), p.string(), p.lit(b"="), p.strings()),
        )
    }

    /// `strings ~ ("," ~ strings)*`
    fn strings_list(&mut self) -> bool {
        s!(self; self.strings(), self.rep(|p| s!(p; p.lit(b","), p.strings())))
    }

    fn aws_managed_policy(&mut self) -> bool {
        self.rule(
            Rule::aws_managed_policy,
            |p| s!(p; p.kw(Rule::kw_aws, b"aws"), p.word(b"managed_policy"), p.strings_list()),
        )
    }

    fn aws_inline(&mut self) -> bool {
        self.rule(
            Rule::aws_inline,
            |p| s!(p; p.kw(Rule::kw_aws, b"aws"), p.word(b"inline")),
        )
    }

    fn aws_roles_under(&mut self) -> bool {
        self.rule(Rule::aws_roles_under, |p| {
            s!(p; p.kw(Rule::kw_aws, b"aws"), p.word(b"roles"), p.word(b"under"), p.ident(),
                p.opt(|p| s!(p; p.kw(Rule::kw_on, b"on"), p.strings())))
        })
    }

    fn gcp_permissions(&mut self) -> bool {
        self.rule(
            Rule::gcp_permissions,
            |p| s!(p; p.kw(Rule::kw_gcp, b"gcp"), p.word(b"permissions"), p.strings()),
        )
    }

    fn gcp_role(&mut self) -> bool {
        self.rule(
            Rule::gcp_role,
            |p| s!(p; p.kw(Rule::kw_gcp, b"gcp"), p.word(b"role"), p.strings_list()),
        )
    }

    fn gcp_role_id(&mut self) -> bool {
        self.rule(
            Rule::gcp_role_id,
            |p| s!(p; p.kw(Rule::kw_gcp, b"gcp"), p.word(b"role_id"), p.string()),
        )
    }

    fn gcp_bind(&mut self) -> bool {
        self.rule(Rule::gcp_bind, |p| {
            s!(p; p.kw(Rule::kw_gcp, b"gcp"), p.word(b"bind"), p.strings(),
                p.kw(Rule::kw_on, b"on"), p.gcp_bind_target(), p.string(),
                p.opt(|p| p.bind_members()), p.opt(|p| p.iam_condition()))
        })
    }

    fn bind_members(&mut self) -> bool {
        self.rule(Rule::bind_members, |p| s!(p; p.word(b"to"), p.strings()))
    }

    fn iam_condition(&mut self) -> bool {
        self.rule(
            Rule::iam_condition,
            |p| s!(p; p.kw(Rule::kw_when, b"when"), p.string(), p.as_string()),
        )
    }

    fn azure_list(&mut self) -> bool {
        self.rule(
            Rule::azure_list,
            |p| s!(p; p.kw(Rule::kw_azure, b"azure"), p.azure_field(), p.strings()),
        )
    }

    fn azure_scope(&mut self) -> bool {
        self.rule(
            Rule::azure_scope,
            |p| s!(p; p.kw(Rule::kw_azure, b"azure"), p.word(b"scope"), p.strings_list()),
        )
    }

    fn azure_assign(&mut self) -> bool {
        self.rule(Rule::azure_assign, |p| {
            s!(p; p.kw(Rule::kw_azure, b"azure"), p.word(b"assign"), p.strings(),
                p.kw(Rule::kw_on, b"on"), p.strings(), p.opt(|p| p.bind_members()))
        })
    }

    fn k8s_role(&mut self) -> bool {
        self.rule(Rule::k8s_role, |p| {
            s!(p; p.kw(Rule::kw_k8s, b"k8s"), p.cluster_role() || p.namespaced_role(),
                p.block(|p| p.k8s_rule()))
        })
    }

    fn cluster_role(&mut self) -> bool {
        self.rule(Rule::cluster_role, |p| {
            s!(p; p.word(b"cluster_role"), p.opt(|p| p.string()),
                p.opt(|p| p.role_aggregate()), p.opt(|p| p.role_labels()))
        })
    }

    fn role_aggregate(&mut self) -> bool {
        self.rule(
            Rule::role_aggregate,
            |p| s!(p; p.word(b"aggregate"), p.strings()),
        )
    }

    fn role_labels(&mut self) -> bool {
        self.rule(Rule::role_labels, |p| s!(p; p.word(b"labels"), p.strings()))
    }

    fn namespaced_role(&mut self) -> bool {
        self.rule(
            Rule::namespaced_role,
            |p| s!(p; p.word(b"role"), p.opt(|p| p.string()), p.kw(Rule::kw_in, b"in"), p.string()),
        )
    }

    fn k8s_rule(&mut self) -> bool {
        self.rule(
            Rule::k8s_rule,
            |p| s!(p; p.word(b"rule"), p.rep1(|p| p.rule_part())),
        )
    }

    fn rule_part(&mut self) -> bool {
        self.rule(Rule::rule_part, |p| s!(p; p.rule_field(), p.strings()))
    }

    fn k8s_bind(&mut self) -> bool {
        self.rule(Rule::k8s_bind, |p| {
            s!(p; p.kw(Rule::kw_k8s, b"k8s"), p.word(b"bind"), p.bind_role_kind(), p.string(),
                p.opt(|p| s!(p; p.kw(Rule::kw_in, b"in"), p.string())),
                p.opt(|p| p.bind_members()))
        })
    }

    pub(super) fn grants_decl(&mut self) -> bool {
        self.rule(Rule::grants_decl, |p| {
            s!(p; p.kw(Rule::kw_grants, b"grants"), p.ident(),
                p.block(|p| p.if_block() || p.grant_stmt() || p.ack()))
        })
    }

    pub(super) fn scp(&mut self) -> bool {
        self.rule(Rule::scp, |p| {
            s!(p; p.kw(Rule::kw_scp, b"scp"), p.ident(), p.kw(Rule::kw_for, b"for"),
                p.word(b"ou"), p.string(), p.block(|p| p.aws_statement() || p.ack()))
        })
    }
}
