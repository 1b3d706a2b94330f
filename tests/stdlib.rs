//! The standard library names only what exists: AWS actions and resource types in the
//! catalog, Kubernetes verbs, engine kinds in components' `for`.

use engc::syntax::ast::{Item, KindCloud};

fn stdlib() -> engc::Compilation {
    engc::compile_str(
        "empty.eng",
        "deployment d {\n  clouds aws\n}\n",
        &engc::Options::default(),
    )
}

fn check_section(owner: &str, section: &KindCloud, errors: &mut Vec<String>) {
    let catalog = engc::catalog::aws::catalog();
    if section.cloud.node != engc::syntax::ast::Cloud::Aws {
        return;
    }
    for s in &section.services {
        if catalog.service(&s.node).is_none() {
            errors.push(format!("{owner}: unknown AWS service `{}`", s.node));
        }
    }
    for r in &section.resources {
        let known = section
            .services
            .iter()
            .filter_map(|s| catalog.service(&s.node))
            .any(|svc| svc.resource_type(&r.node).is_some());
        if !known {
            errors.push(format!(
                "{owner}: no service of the kind has resource type `{}`",
                r.node
            ));
        }
    }
    let lists = section
        .levels
        .iter()
        .chain(&section.data_levels)
        .flat_map(|(_, l)| l)
        .chain(&section.create);
    for a in lists {
        if catalog.matching(&a.node).is_empty() {
            errors.push(format!("{owner}: `{}` is not an AWS action", a.node));
        }
    }
}

#[test]
fn stdlib_names_exist() {
    let c = stdlib();
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let mut errors = Vec::new();
    let mut engine_kinds = Vec::new();
    for (_, file) in &c.stdlib {
        for item in &file.items {
            if let Item::Kind(k) = item {
                if k.target.node == engc::syntax::ast::TargetKind::Engine {
                    engine_kinds.push(k.name.node.clone());
                }
                for s in &k.clouds {
                    check_section(&format!("kind {}", k.name.node), s, &mut errors);
                }
            }
        }
    }
    for (_, file) in &c.stdlib {
        for item in &file.items {
            if let Item::Component(comp) = item {
                for s in &comp.clouds {
                    check_section(&format!("component {}", comp.name.node), s, &mut errors);
                }
                for k in &comp.engine_kinds {
                    if !engine_kinds.contains(&k.node) {
                        errors.push(format!(
                            "component {}: `for {}` is no engine kind",
                            comp.name.node, k.node
                        ));
                    }
                }
                for r in &comp.resources {
                    for v in &r.verbs {
                        if engc::vocab::k8s_verbs::get(&v.node).is_none() {
                            errors.push(format!(
                                "component {}: unknown verb `{}`",
                                comp.name.node, v.node
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn every_store_kind_grants_something_on_aws() {
    // A scoped read of each AWS store kind compiles to at least one statement.
    let c = stdlib();
    for (_, file) in &c.stdlib {
        for item in &file.items {
            let Item::Kind(k) = item else { continue };
            if k.target.node != engc::syntax::ast::TargetKind::Store
                || !k
                    .clouds
                    .iter()
                    .any(|s| s.cloud.node == engc::syntax::ast::Cloud::Aws)
            {
                continue;
            }
            let src = format!(
                "deployment d {{\n  clouds aws\n  managed_tag \"d/managed\" = \"true\"\n  name_prefix \"d\"\n}}\nstore s: {}\naccess a scoped {{\n  read store s\n}}\n",
                k.name.node
            );
            let c = engc::compile_str("k.eng", &src, &engc::Options::default());
            let model = c
                .model
                .unwrap_or_else(|| panic!("{}: {:?}", k.name.node, c.diagnostics));
            assert!(
                !model.accesses[0].aws.is_empty(),
                "`read store` of kind `{}` grants nothing",
                k.name.node
            );
        }
    }
}

/// A component expands only for the clouds of the engine it runs on: external-dns on
/// an `eks` engine in an AWS and Azure deployment grants Route 53, and no Azure DNS
/// (which made the level E0501, an Azure role without a scope, before).
#[test]
fn components_expand_only_for_their_engines_clouds() {
    let src = r#"
deployment shop {
  clouds aws, azure
  managed_tag "shop.example/managed" = "true"
  name_prefix "shop"
}
engine cluster: eks import { components external_dns }
access operate scoped {
  list engine cluster
}
"#;
    let c = engc::compile_str("shop.eng", src, &engc::Options::default());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let m = c.model.unwrap();
    let a = &m.accesses[0];
    assert!(a.azure.is_empty(), "{:?}", a.azure);
    let actions: Vec<&str> = a
        .aws
        .iter()
        .flat_map(|s| s.actions.iter().map(String::as_str))
        .collect();
    assert!(actions.contains(&"route53:ListHostedZones"), "{actions:?}");
}
