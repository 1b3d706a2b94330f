//! The RBAC documents written straight as YAML ([`Block`]), byte for byte what
//! `serde_yaml` makes of their `Serialize` structs, which stay the fallback for any
//! string whose YAML style is not certain (see `tests`).

use super::{BindingDoc, Metadata, RoleDoc, RuleDoc, Subject};
use crate::backend::yaml::{to_yaml, Block, Unsure};
use serde::Serialize;

/// Appends `doc` to `out`: written directly, or by `serde_yaml` when the writer is unsure.
pub(super) fn push_doc<D: Direct + Serialize>(out: &mut String, doc: &D) {
    let start = out.len();
    if doc.write(&mut Block::new(out)).is_err() {
        out.truncate(start);
        out.push_str(&to_yaml(doc));
    }
}

/// `apiVersion`, `kind` and `metadata`, as every RBAC document begins.
fn head(b: &mut Block, api_version: &str, kind: &str, m: &Metadata) -> Result<(), Unsure> {
    b.entry(0, "apiVersion", api_version)?;
    b.entry(0, "kind", kind)?;
    b.open(0, "metadata")?;
    b.entry(2, "name", m.name)?;
    if let Some(ns) = m.namespace {
        b.entry(2, "namespace", ns)?;
    }
    if !m.labels.is_empty() {
        b.map(2, "labels", m.labels.iter().map(|(k, v)| (*k, *v)))?;
    }
    Ok(())
}

pub(super) trait Direct {
    fn write(&self, b: &mut Block) -> Result<(), Unsure>;
}

impl Direct for RoleDoc<'_> {
    fn write(&self, b: &mut Block) -> Result<(), Unsure> {
        head(b, self.api_version, self.kind, &self.metadata)?;
        if let Some(agg) = &self.aggregation_rule {
            b.open(0, "aggregationRule")?;
            if agg.cluster_role_selectors.is_empty() {
                return Err(Unsure);
            }
            b.open(2, "clusterRoleSelectors")?;
            for sel in &agg.cluster_role_selectors {
                b.item();
                b.map(
                    4,
                    "matchLabels",
                    sel.match_labels.iter().map(|(k, v)| (*k, *v)),
                )?;
            }
        }
        if self.rules.is_empty() {
            return Err(Unsure);
        }
        b.open(0, "rules")?;
        for rule in &self.rules {
            b.item();
            rule.write(b)?;
        }
        Ok(())
    }
}

impl RuleDoc<'_> {
    fn write(&self, b: &mut Block) -> Result<(), Unsure> {
        if let Some(groups) = self.api_groups {
            b.list(2, "apiGroups", groups)?;
        }
        if let Some(resources) = self.resources {
            b.list(2, "resources", resources)?;
        }
        b.list(2, "verbs", self.verbs)?;
        if !self.resource_names.is_empty() {
            b.list(2, "resourceNames", self.resource_names)?;
        }
        if !self.non_resource_urls.is_empty() {
            b.list(2, "nonResourceURLs", self.non_resource_urls)?;
        }
        Ok(())
    }
}

impl Direct for BindingDoc<'_> {
    fn write(&self, b: &mut Block) -> Result<(), Unsure> {
        head(b, self.api_version, self.kind, &self.metadata)?;
        b.open(0, "roleRef")?;
        b.entry(2, "apiGroup", self.role_ref.api_group)?;
        b.entry(2, "kind", self.role_ref.kind)?;
        b.entry(2, "name", self.role_ref.name)?;
        if self.subjects.is_empty() {
            return Err(Unsure);
        }
        b.open(0, "subjects")?;
        for s in &self.subjects {
            b.item();
            s.write(b)?;
        }
        Ok(())
    }
}

impl Subject<'_> {
    fn write(&self, b: &mut Block) -> Result<(), Unsure> {
        b.entry(2, "kind", self.kind)?;
        if let Some(group) = self.api_group {
            b.entry(2, "apiGroup", group)?;
        }
        b.entry(2, "name", self.name)?;
        if let Some(ns) = self.namespace {
            b.entry(2, "namespace", ns)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AggregationRule, Metadata, RoleRef, Selector};
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Strings of every kind YAML treats specially, and ordinary names.
    fn text() -> impl Strategy<Value = String> {
        let special = [
            "",
            "true",
            "True",
            "TRUE",
            "false",
            "False",
            "FALSE",
            "null",
            "Null",
            "NULL",
            "~",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "1",
            "0",
            "0x1F",
            "0o17",
            "0b1",
            "1e3",
            "-1",
            "+1",
            ".5",
            "1.",
            ".inf",
            "-.inf",
            "+.inf",
            ".nan",
            "NaN",
            "nan",
            "inf",
            "Infinity",
            "1_000",
            "0123",
            "2001-01-01",
            "12:30",
            "*",
            "**",
            "*a",
            "{}",
            "{a",
            "}",
            "${namespace}",
            "$",
            "/",
            "/healthz",
            "_",
            "-",
            "--",
            "---",
            "...",
            "a: b",
            "a:b",
            "a:",
            "#c",
            "a #c",
            "a#c",
            " lead",
            "trail ",
            "a\nb",
            "a\n",
            "é",
            "a'b",
            "'",
            "\"",
            "\t",
            "&a",
            "!t",
            "%p",
            "@a",
            "`b",
            "|",
            ">",
            "?",
            "?a",
            ",",
            "[a",
            "a]",
            "chalk-*",
            "rbac.authorization.k8s.io",
            "chalk.ai/managed-by",
        ];
        prop_oneof![
            "[a-z][a-z0-9.-]{0,10}",
            "[ -~]{0,8}",
            "[-._/${}*a-zA-Z0-9]{0,6}",
            "\\PC{0,4}",
            prop::sample::select(special.to_vec()).prop_map(String::from),
            // Long keys and values: complex keys past 128 characters.
            "[a-z]{95,135}",
        ]
    }

    fn texts() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(text(), 0..4)
    }

    fn labels() -> impl Strategy<Value = Vec<(String, String)>> {
        prop::collection::vec((text(), text()), 0..3)
    }

    type Rule = (
        Option<Vec<String>>,
        Option<Vec<String>>,
        Vec<String>,
        Vec<String>,
        Vec<String>,
    );

    fn rules() -> impl Strategy<Value = Vec<Rule>> {
        let rule = (
            prop::option::of(texts()),
            prop::option::of(texts()),
            texts(),
            texts(),
            texts(),
        );
        prop::collection::vec(rule, 0..3)
    }

    fn map(l: &[(String, String)]) -> BTreeMap<&str, &str> {
        l.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    /// Both ways of writing `doc`; the direct one only where it is sure.
    fn both<D: Direct + Serialize>(doc: &D) -> (Option<String>, String) {
        let mut direct = String::new();
        let sure = doc.write(&mut Block::new(&mut direct)).is_ok();
        (sure.then_some(direct), to_yaml(doc))
    }

    #[allow(clippy::too_many_arguments)]
    fn role<'a>(
        name: &'a str,
        ns: &'a Option<String>,
        labels: &'a [(String, String)],
        agg: &'a Option<Vec<Vec<(String, String)>>>,
        rules: &'a [Rule],
    ) -> RoleDoc<'a> {
        RoleDoc {
            api_version: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: Metadata {
                name,
                namespace: ns.as_deref(),
                labels: map(labels),
            },
            aggregation_rule: agg.as_ref().map(|sels| AggregationRule {
                cluster_role_selectors: sels
                    .iter()
                    .map(|l| Selector {
                        match_labels: map(l),
                    })
                    .collect(),
            }),
            rules: rules
                .iter()
                .map(|(g, r, v, n, u)| RuleDoc {
                    api_groups: g.as_deref(),
                    resources: r.as_deref(),
                    verbs: v,
                    resource_names: n,
                    non_resource_urls: u,
                })
                .collect(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn role_as_serde_yaml_writes_it(
            name in text(),
            ns in prop::option::of(text()),
            labels in labels(),
            agg in prop::option::of(prop::collection::vec(labels(), 0..3)),
            rules in rules(),
        ) {
            let doc = role(&name, &ns, &labels, &agg, &rules);
            if let (Some(direct), serde) = both(&doc) {
                prop_assert_eq!(direct, serde);
            }
        }

        #[test]
        fn binding_as_serde_yaml_writes_it(
            name in text(),
            ns in prop::option::of(text()),
            role_name in text(),
            subjects in prop::collection::vec(
                (prop::option::of(text()), text(), prop::option::of(text())), 0..3),
        ) {
            let doc = BindingDoc {
                api_version: "rbac.authorization.k8s.io/v1",
                kind: "RoleBinding",
                metadata: Metadata { name: &name, namespace: ns.as_deref(), labels: BTreeMap::new() },
                role_ref: RoleRef { api_group: "rbac.authorization.k8s.io", kind: "Role", name: &role_name },
                subjects: subjects
                    .iter()
                    .map(|(g, n, ns)| Subject {
                        kind: "User",
                        api_group: g.as_ref().map(|_| "rbac.authorization.k8s.io"),
                        name: n,
                        namespace: ns.as_deref(),
                    })
                    .collect(),
            };
            if let (Some(direct), serde) = both(&doc) {
                prop_assert_eq!(direct, serde);
            }
        }

        /// Every string alone, as a value, a list item and a key.
        #[test]
        fn strings_as_serde_yaml_writes_them(s in text()) {
            let one = [s.clone()];
            let m = [(s.clone(), s.clone())];
            let l = [(s.clone(), "x".to_string())];
            let rules = [(Some(one.to_vec()), None, one.to_vec(), vec![], vec![])];
            let agg = Some(vec![l.to_vec()]);
            let doc = role(&s, &None, &m, &agg, &rules);
            if let (Some(direct), serde) = both(&doc) {
                prop_assert_eq!(direct, serde);
            }
        }
    }

    /// The writer must be sure of what RBAC documents hold, or it saves nothing.
    #[test]
    fn sure_of_ordinary_documents() {
        let rules = [(
            Some(vec!["".into(), "apps".into()]),
            Some(vec!["*".into(), "pods/log".into()]),
            vec!["get".into(), "*".into()],
            vec!["chalk-config".into()],
            vec![],
        )];
        let labels = [("chalk.ai/managed-by".into(), "chalk".into())];
        let agg = Some(vec![labels.to_vec(), vec![]]);
        let ns = Some("${namespace}".to_string());
        let doc = role("chalk-role", &ns, &labels, &agg, &rules);
        let (direct, serde) = both(&doc);
        assert_eq!(direct.as_deref(), Some(serde.as_str()));
        assert!(
            serde.contains("- ''\n") && serde.contains("- '*'\n"),
            "{serde}"
        );
        assert!(serde.contains("matchLabels: {}\n"), "{serde}");
    }
}
