//! The strings of the CloudFormation template: plain or under `Fn::Sub`, with the
//! engc parameters and external references they use recorded as they are rendered.

use super::{sub_parts, Document, Str, TrustDocument};
use crate::backend::aws::{Dialect, PolicyDocument, TrustPolicy};
use crate::backend::template::{parts, Part};
use crate::model::{AwsStatement, ResourceStatement};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// Renders strings and records the parameters they use.
pub(super) struct Strings {
    pub(super) used: RefCell<BTreeSet<String>>,
    pub(super) externals: RefCell<BTreeSet<String>>,
    /// Template parameters of engc's own without a default (a VPC id).
    pub(super) inputs: RefCell<BTreeSet<String>>,
}

impl Strings {
    /// Cuts `s` into parts once: the parameters it uses, then its `Fn::Sub` text.
    pub(super) fn render(&self, s: &str) -> String {
        let parts = parts(s);
        self.record(&parts);
        sub_parts(&parts)
    }

    /// Records the parameters of the strings that a document in `Dialect::Sub` renders
    /// only as the template is written, so that they are known before.
    fn note<'a>(&self, lists: impl IntoIterator<Item = &'a Vec<String>>) {
        for x in lists.into_iter().flatten() {
            if crate::backend::template::has_substitutions(x) {
                self.record(&parts(x));
            }
        }
    }

    /// [`Strings::note`] of a policy's statements: their actions, resources and
    /// condition values (what `OneOrMany` writes through `Txt`).
    fn note_statements<'a>(&self, statements: impl IntoIterator<Item = &'a AwsStatement>) {
        for st in statements {
            self.note([&st.actions, &st.resources]);
            self.note(st.conditions.values().flat_map(|keys| keys.values()));
        }
    }

    /// The parameters and external references of `parts`, recorded.
    fn record(&self, parts: &[Part]) {
        for p in parts {
            let (set, name) = match *p {
                Part::Param(n) if n != "region" && n != "account_id" => (&self.used, n),
                Part::External(e) => (&self.externals, e),
                _ => continue,
            };
            let mut set = set.borrow_mut();
            if !set.contains(name) {
                set.insert(name.to_string());
            }
        }
    }

    pub(super) fn str(&self, s: &str) -> Str {
        if crate::backend::template::has_substitutions(s) {
            Str::Sub {
                sub: self.render(s),
            }
        } else {
            Str::Plain(s.to_string())
        }
    }

    pub(super) fn trust<'a>(
        &'a self,
        statements: &'a [crate::model::TrustStatement],
        d: Dialect<'a>,
    ) -> TrustDocument<'a> {
        let key_has_params = any_key(
            statements.iter().map(|st| &st.conditions),
            crate::backend::template::has_params,
        );
        if key_has_params {
            let text = crate::backend::json::to_compact_json(&TrustPolicy::with(
                statements,
                Dialect::Plain,
            ));
            TrustDocument::Text(self.str(&text))
        } else {
            for st in statements {
                self.note([&st.principals, &st.actions]);
                self.note(st.conditions.values().flat_map(|keys| keys.values()));
            }
            TrustDocument::Object(TrustPolicy::with(statements, d))
        }
    }

    pub(super) fn document<'a>(
        &'a self,
        statements: &'a [AwsStatement],
        d: Dialect<'a>,
    ) -> Document<'a> {
        let key_has_params = any_key(
            statements.iter().map(|st| &st.conditions),
            crate::backend::template::has_substitutions,
        );
        if key_has_params {
            Document::Text(self.str(&crate::backend::aws::policy_document_compact(statements)))
        } else {
            self.note_statements(statements);
            Document::Object(PolicyDocument::with(statements, d))
        }
    }
}

impl Strings {
    /// A resource policy, as [`Strings::document`] writes a policy.
    pub(super) fn resource_document<'a>(
        &'a self,
        statements: &'a [ResourceStatement],
        d: Dialect<'a>,
    ) -> Document<'a> {
        let key_has_params = statements.iter().any(|st| {
            st.statement
                .conditions
                .values()
                .flat_map(|keys| keys.keys())
                .any(|k| crate::backend::template::has_params(k))
        });
        if key_has_params {
            Document::Text(self.str(&crate::backend::aws::resource_policy_compact(statements)))
        } else {
            for st in statements {
                self.note([&st.principal.aws, &st.principal.service]);
            }
            self.note_statements(statements.iter().map(|st| &st.statement));
            Document::Object(PolicyDocument::resource(statements, d))
        }
    }
}

/// Whether a condition key of the blocks passes `test`. A key with a parameter makes
/// the whole document one `Fn::Sub` text: a JSON object's key cannot hold an `Fn::Sub`.
fn any_key<'c>(
    blocks: impl IntoIterator<Item = &'c crate::model::Conditions>,
    test: fn(&str) -> bool,
) -> bool {
    blocks
        .into_iter()
        .flat_map(|c| c.values())
        .flat_map(|keys| keys.keys())
        .any(|k| test(k))
}
