//! AWS actions from the Service Authorization Reference: one action's fields and
//! resource types, a pattern's table, the hint for a name without a service.

use super::{count_line, lookup, table, Entry, Fields, Found};
use engc_core::catalog::{aws, Why};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct AwsJson<'a> {
    name: String,
    service: &'a str,
    service_name: &'a str,
    access_level: &'a str,
    resource_types: Vec<AwsResourceJson<'a>>,
    condition_keys: Vec<&'a str>,
    dependent_actions: Vec<&'a str>,
}

#[derive(Serialize)]
struct AwsResourceJson<'a> {
    name: &'a str,
    required: bool,
    arns: Vec<&'a str>,
    condition_keys: Vec<&'a str>,
    resource_type_condition_keys: Vec<&'a str>,
    dependent_actions: Vec<&'a str>,
}

fn aws_json<'a>(svc: &'a aws::Service, a: &'a aws::Action) -> AwsJson<'a> {
    AwsJson {
        name: svc.full_name(a),
        service: &svc.prefix,
        service_name: &svc.name,
        access_level: a.access_level.as_str(),
        resource_types: a
            .resource_types
            .iter()
            .map(|r| {
                let rt = svc.resource_type(&r.name);
                AwsResourceJson {
                    name: &r.name,
                    required: r.required,
                    arns: rt.map(|t| t.arns().collect()).unwrap_or_default(),
                    condition_keys: r.condition_keys.strs().collect(),
                    resource_type_condition_keys: rt
                        .map(|t| t.condition_keys.strs().collect())
                        .unwrap_or_default(),
                    dependent_actions: r.dependent_actions.strs().collect(),
                }
            })
            .collect(),
        condition_keys: a.condition_keys.strs().collect(),
        dependent_actions: a.dependent_actions.strs().collect(),
    }
}

fn aws_human(svc: &aws::Service, a: &aws::Action) -> String {
    let mut f = Fields::new();
    f.one("action", svc.full_name(a));
    f.one("service", format!("{} ({})", svc.name, svc.prefix));
    f.one("access level", a.access_level.as_str());
    let mut res = Vec::new();
    for r in a.resource_types {
        let kind = if r.required { "required" } else { "optional" };
        res.push(format!("{} ({kind})", r.name));
        let rt = svc.resource_type(&r.name);
        if let Some(rt) = rt {
            res.extend(rt.arns().map(|arn| format!("  {arn}")));
        }
        // The keys the reference lists for this action on this resource type; when it
        // lists none, those of the resource type itself (its tag keys, usually).
        if !r.condition_keys.is_empty() {
            res.push(format!("  condition keys: {}", r.condition_keys.join(", ")));
        } else if let Some(rt) = rt.filter(|t| !t.condition_keys.is_empty()) {
            res.push(format!(
                "  condition keys (of the resource type): {}",
                rt.condition_keys.join(", ")
            ));
        }
        if !r.dependent_actions.is_empty() {
            res.push(format!(
                "  dependent actions: {}",
                r.dependent_actions.join(", ")
            ));
        }
    }
    if res.is_empty() {
        res.push("none: the action takes only `\"Resource\": \"*\"`".to_owned());
    }
    f.list("resource types", res);
    f.list(
        "condition keys",
        a.condition_keys.iter().map(|k| k.to_string()),
    );
    f.list(
        "dependent actions",
        a.dependent_actions.iter().map(|d| d.to_string()),
    );
    f.out
}

pub(super) fn lookup_aws(name: &str) -> Found<'static> {
    let cat = aws::catalog();
    lookup(
        cat,
        name,
        format!("built-in: {}", cat.source()),
        |(s, a)| (aws_human(s, a), Entry::Aws(aws_json(s, a))),
        |hits, pattern| {
            let rows: Vec<Vec<String>> = hits
                .iter()
                .map(|(s, a)| vec![s.full_name(a), a.access_level.as_str().to_owned()])
                .collect();
            let json = hits
                .iter()
                .map(|(s, a)| Entry::Aws(aws_json(s, a)))
                .collect();
            (
                table(
                    &rows,
                    count_line(hits.len(), "action", "actions", "", pattern),
                ),
                json,
            )
        },
        |u| {
            let mut notes = Vec::new();
            if u.why == Why::NoMatch && !u.name.contains(':') && u.name != "*" {
                notes.push(
                    "note: AWS patterns name the service: `SERVICE:ACTION`, e.g. `s3:Get*`"
                        .to_owned(),
                );
            }
            notes
        },
    )
}
