//! What each principal can do, as rows a page can show: from the effective access
//! ([`engc_core::access::effective`], the model the risk analysis reads), each grant
//! cut by class ([`access_classes`]) and service, with its resources, conditions and
//! the access level and source line it came from.

use engc_core::access::{self, Principal};
use engc_core::catalog::aws;
use engc_core::model::Model;
use engc_core::source::Span;
use engc_core::vocab::access_classes::{self as classes, Class};
use std::collections::BTreeMap;

/// The clouds a principal's grants are shown for, in page order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cloud {
    Aws,
    Gcp,
    Azure,
    K8s,
}

impl Cloud {
    pub const ALL: [Cloud; 4] = [Cloud::Aws, Cloud::Gcp, Cloud::Azure, Cloud::K8s];

    pub fn title(self) -> &'static str {
        match self {
            Cloud::Aws => "AWS",
            Cloud::Gcp => "GCP",
            Cloud::Azure => "Azure",
            Cloud::K8s => "Kubernetes",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Gcp => "gcp",
            Cloud::Azure => "azure",
            Cloud::K8s => "k8s",
        }
    }

    /// What the service column holds on this cloud.
    pub fn service_word(self) -> &'static str {
        match self {
            Cloud::Aws => "Service",
            Cloud::Gcp => "Service",
            Cloud::Azure => "Provider",
            Cloud::K8s => "API group",
        }
    }

    /// What the actions column holds on this cloud.
    pub fn action_word(self) -> &'static str {
        match self {
            Cloud::Aws => "Actions",
            Cloud::Gcp => "Permissions",
            Cloud::Azure => "Operations",
            Cloud::K8s => "Verbs",
        }
    }
}

/// One line of a table: some actions of one service and one class, from one grant.
#[derive(Clone, Debug)]
pub struct Row {
    pub class: Class,
    pub service: String,
    /// The names granted (sorted, unique); for an AWS `NotAction`, the names excepted.
    pub actions: Vec<String>,
    /// The names or wildcards as written that gave them, when they differ.
    pub written: Vec<String>,
    pub except: bool,
    pub resources: Vec<String>,
    pub not_resource: bool,
    /// AWS: none of the statement's resources is of a type the actions take, so the
    /// row grants nothing (the statement's resources are in `resources`).
    pub never: bool,
    pub conditions: Vec<String>,
    /// Deny, Azure `NotActions`: taken away rather than granted.
    pub deny: bool,
    /// The engc access level.
    pub level: String,
    /// A managed policy, predefined or built-in role, or bound role it came through.
    pub via: Option<String>,
    /// The source lines that grant them: the statement, or each name as written.
    pub spans: Vec<Span>,
}

impl Row {
    /// A row of `class` and `service` granted by `level` (through `via`), on
    /// `resources`: no names yet, no conditions, granted rather than taken away.
    fn new(
        class: Class,
        service: String,
        level: &str,
        via: Option<String>,
        resources: Vec<String>,
    ) -> Row {
        Row {
            class,
            service,
            actions: Vec::new(),
            written: Vec::new(),
            except: false,
            resources,
            not_resource: false,
            never: false,
            conditions: Vec::new(),
            deny: false,
            level: level.to_string(),
            via,
            spans: Vec::new(),
        }
    }
}

/// The rows of one principal on one cloud, sorted by class, service and source.
pub fn rows(p: &Principal, cloud: Cloud, model: &Model) -> Vec<Row> {
    let mut out = match cloud {
        Cloud::Aws => aws_rows(p),
        Cloud::Gcp => gcp_rows(p, model),
        Cloud::Azure => azure_rows(p),
        Cloud::K8s => k8s_rows(p),
    };
    out.sort_by(|a, b| {
        (a.deny, a.class, &a.service, &a.spans, &a.level, &a.actions)
            .cmp(&(b.deny, b.class, &b.service, &b.spans, &b.level, &b.actions))
    });
    out
}

/// `StringEquals aws:ResourceTag/k = v`, one line per operator and key.
pub fn conditions(c: &engc_core::model::Conditions) -> Vec<String> {
    engc_core::model::condition_lines(c, ", ")
}

fn aws_rows(p: &Principal) -> Vec<Row> {
    let catalog = aws::catalog();
    let mut out = Vec::new();
    for g in &p.aws {
        let conds = match &g.managed {
            None => conditions(&g.conditions),
            Some(_) if g.condition_keys.is_empty() => Vec::new(),
            Some(_) => vec![format!("on {}", g.condition_keys.join(", "))],
        };
        let row = |class, service: String| Row {
            not_resource: g.not_resource,
            conditions: conds.clone(),
            deny: !g.allow,
            spans: vec![g.origin.span],
            ..Row::new(
                class,
                service,
                &g.origin.level,
                g.managed.clone(),
                g.resources.clone(),
            )
        };
        if g.not_action {
            let mut r = row(Class::Every, "*".into());
            r.actions = sorted(g.actions.clone());
            r.except = true;
            out.push(r);
            continue;
        }
        let mut by: BTreeMap<(Class, String), Row> = BTreeMap::new();
        // The services of the ARNs each row's actions take (`*`-only actions: none).
        let mut takes: BTreeMap<(Class, String), Vec<String>> = BTreeMap::new();
        for pattern in &g.actions {
            let found = catalog.matching(pattern);
            if found.is_empty() {
                let service = pattern.split(':').next().unwrap_or(pattern).to_string();
                let r = by
                    .entry((Class::Unknown, service.clone()))
                    .or_insert_with(|| row(Class::Unknown, service));
                r.actions.push(pattern.clone());
                continue;
            }
            for (svc, action) in found {
                let class = Class::of_aws(action.access_level);
                let r = by
                    .entry((class, svc.prefix.to_string()))
                    .or_insert_with(|| row(class, svc.prefix.to_string()));
                r.actions.push(svc.full_name(action));
                if !r.written.contains(pattern) {
                    r.written.push(pattern.clone());
                }
                let arns = takes.entry((class, svc.prefix.to_string())).or_default();
                for t in action.resource_types {
                    let Some(rt) = svc.resource_type(&t.name) else {
                        continue;
                    };
                    for arn in rt.arns() {
                        let service = arn.split(':').nth(2).unwrap_or("").to_string();
                        if !arns.contains(&service) {
                            arns.push(service);
                        }
                    }
                }
            }
        }
        for (key, mut r) in by {
            if !r.not_resource && key.0 != Class::Unknown {
                narrow(&mut r, takes.get(&key).map(Vec::as_slice).unwrap_or(&[]));
            }
            out.push(finish(r));
        }
    }
    out
}

/// Keeps the resources that can name what the row's actions take: `*`, and ARNs of
/// the services of those resource types (a statement's list usually covers many
/// services). When none is left, the row never applies.
fn narrow(r: &mut Row, arn_services: &[String]) {
    let fits = |res: &str| {
        let fields: Vec<&str> = res.splitn(6, ':').collect();
        match fields.as_slice() {
            ["*"] => true,
            ["arn", _, svc, ..] => arn_services
                .iter()
                .any(|s| engc_core::catalog::glob_match(svc, s)),
            // `arn:*`: the wildcard reaches any service.
            _ => fields.last().is_some_and(|f| f.ends_with('*')) && !arn_services.is_empty(),
        }
    };
    let kept: Vec<String> = r.resources.iter().filter(|x| fits(x)).cloned().collect();
    if kept.is_empty() {
        r.never = true;
    } else {
        r.resources = kept;
    }
}

fn gcp_rows(p: &Principal, model: &Model) -> Vec<Row> {
    let project = format!("project {}", model.deployment.project_id);
    let binding = |level: &str, span: Span| {
        model
            .accesses
            .iter()
            .find(|a| a.name == level)?
            .bindings
            .gcp
            .iter()
            .find(|b| b.span == span)
    };
    type Key = (Class, String, String, Option<String>, Option<Span>);
    let mut by: BTreeMap<Key, Row> = BTreeMap::new();
    for g in &p.gcp {
        let is_role = g.name.starts_with("roles/") || g.name.contains("/roles/");
        // A role's permissions come as grants of their own; the role alone only when
        // the catalog does not know what it holds.
        if is_role
            && p.gcp
                .iter()
                .any(|o| o.via_role.as_deref() == Some(g.name.as_str()))
        {
            continue;
        }
        let (class, service) = match is_role {
            true => (Class::Unknown, "roles".to_string()),
            false => (
                classes::gcp(&g.name),
                g.name.split('.').next().unwrap_or(&g.name).to_string(),
            ),
        };
        let bound = binding(&g.origin.level, g.origin.span);
        // Rows differ by binding: each has its resource and condition.
        let key = (
            class,
            service.clone(),
            g.origin.level.clone(),
            g.via_role.clone(),
            bound.map(|b| b.span),
        );
        let r = by.entry(key).or_insert_with(|| {
            let resource = match bound {
                Some(b) => format!("{} {}", b.target.as_str().replace('_', " "), b.resource),
                None => project.clone(),
            };
            Row {
                conditions: bound
                    .and_then(|b| b.condition.as_ref())
                    .map(|(title, expr)| vec![format!("{title}: {expr}")])
                    .unwrap_or_default(),
                ..Row::new(
                    class,
                    service,
                    &g.origin.level,
                    g.via_role.clone(),
                    vec![resource],
                )
            }
        });
        r.actions.push(g.name.clone());
        r.spans.push(g.origin.span);
    }
    by.into_values().map(finish).collect()
}

fn azure_rows(p: &Principal) -> Vec<Row> {
    type Key = (Class, String, bool, String, Option<String>, Vec<String>);
    let mut by: BTreeMap<Key, Row> = BTreeMap::new();
    for g in &p.azure {
        let class = classes::azure(&g.operation);
        let provider = g.operation.split('/').next().unwrap_or(&g.operation);
        let service = match g.data {
            true => format!("{provider} (data)"),
            false => provider.to_string(),
        };
        let key = (
            class,
            service.clone(),
            g.not,
            g.origin.level.clone(),
            g.via_role.clone(),
            g.scopes.clone(),
        );
        let r = by.entry(key).or_insert_with(|| Row {
            deny: g.not,
            ..Row::new(
                class,
                service,
                &g.origin.level,
                g.via_role.clone(),
                g.scopes.clone(),
            )
        });
        r.actions.push(g.operation.clone());
        r.spans.push(g.origin.span);
    }
    by.into_values().map(finish).collect()
}

fn k8s_rows(p: &Principal) -> Vec<Row> {
    let mut out = Vec::new();
    for g in &p.k8s {
        let mut by: BTreeMap<Class, Vec<String>> = BTreeMap::new();
        for v in &g.verbs {
            by.entry(classes::k8s(v)).or_default().push(v.clone());
        }
        let place = match &g.namespace {
            Some(ns) => format!("in namespace {ns}"),
            None => "in every namespace".to_string(),
        };
        let mut resources: Vec<String> = g
            .resources
            .iter()
            .map(|r| match g.names.is_empty() {
                true => r.clone(),
                false => format!("{r} named {}", g.names.join(", ")),
            })
            .collect();
        resources.push(place);
        let groups: Vec<String> = g
            .groups
            .iter()
            .map(|g| match g.as_str() {
                "" => "core".to_string(),
                other => other.to_string(),
            })
            .collect();
        for (class, verbs) in by {
            let via = match (g.bound, &g.namespace) {
                (true, _) => format!("bound role {}", g.role),
                (false, Some(_)) => format!("Role {}", g.role),
                (false, None) => format!("ClusterRole {}", g.role),
            };
            let service = groups.join(", ");
            out.push(Row {
                actions: verbs,
                spans: vec![g.origin.span],
                ..Row::new(
                    class,
                    service,
                    &g.origin.level,
                    Some(via),
                    resources.clone(),
                )
            });
        }
    }
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Sorts the names; keeps the written forms only where they say more than the names.
fn finish(mut r: Row) -> Row {
    r.actions = sorted(std::mem::take(&mut r.actions));
    r.written.sort();
    r.spans.sort();
    r.spans.dedup();
    if r.written == r.actions {
        r.written.clear();
    }
    r
}

/// Whether the principal holds anything on `cloud`.
pub fn holds(p: &Principal, cloud: Cloud) -> bool {
    match cloud {
        Cloud::Aws => !p.aws.is_empty(),
        Cloud::Gcp => !p.gcp.is_empty(),
        Cloud::Azure => !p.azure.is_empty(),
        Cloud::K8s => !p.k8s.is_empty(),
    }
}

/// Every principal's effective access (see [`access::effective`]).
pub fn principals(decls: &engc_core::resolve::decls::Decls, model: &Model) -> Vec<Principal> {
    access::effective(decls, model)
}
