//! The JSON of AWS documents: policies, trust policies and resource policies, keys in
//! the order AWS writes them, in the plain dialect or CloudFormation's.

use super::*;

#[derive(Serialize)]
pub(crate) struct PolicyDocument<'a> {
    #[serde(rename = "Version")]
    version: &'static str,
    #[serde(rename = "Statement")]
    statement: Vec<StatementJson<'a>>,
}

impl<'a> PolicyDocument<'a> {
    pub(super) fn new(statements: &'a [AwsStatement]) -> Self {
        Self::with(statements, Dialect::Plain)
    }

    /// The policy with its strings written in `d`.
    pub(crate) fn with(statements: &'a [AwsStatement], d: Dialect<'a>) -> Self {
        PolicyDocument {
            version: POLICY_VERSION,
            statement: statements
                .iter()
                .map(|st| StatementJson::new(st, d))
                .collect(),
        }
    }

    /// A resource policy: each statement with its `Principal`.
    pub(crate) fn resource(statements: &'a [ResourceStatement], d: Dialect<'a>) -> Self {
        PolicyDocument {
            version: POLICY_VERSION,
            statement: statements
                .iter()
                .map(|st| StatementJson {
                    principal: Some(PrincipalJson::new(&st.principal, d)),
                    ..StatementJson::new(&st.statement, d)
                })
                .collect(),
        }
    }
}

/// `"*"`, or `{"AWS": ..., "Service": ...}`.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum PrincipalJson<'a> {
    Any(&'static str),
    Named {
        #[serde(rename = "AWS", skip_serializing_if = "Option::is_none")]
        aws: Option<OneOrMany<'a>>,
        #[serde(rename = "Service", skip_serializing_if = "Option::is_none")]
        service: Option<OneOrMany<'a>>,
    },
}

impl<'a> PrincipalJson<'a> {
    pub(super) fn new(p: &'a PolicyPrincipal, d: Dialect<'a>) -> Self {
        if p.any {
            return PrincipalJson::Any("*");
        }
        let list = |l: &'a [String]| (!l.is_empty()).then_some(OneOrMany(l, d));
        PrincipalJson::Named {
            aws: list(&p.aws),
            service: list(&p.service),
        }
    }
}

/// One statement; keys in the order Sid, Effect, Principal (resource policies),
/// Action/NotAction, Resource/NotResource, Condition.
#[derive(Serialize)]
pub(super) struct StatementJson<'a> {
    #[serde(rename = "Sid", skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    #[serde(rename = "Effect")]
    effect: &'static str,
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    principal: Option<PrincipalJson<'a>>,
    #[serde(rename = "Action", skip_serializing_if = "Option::is_none")]
    action: Option<OneOrMany<'a>>,
    #[serde(rename = "NotAction", skip_serializing_if = "Option::is_none")]
    not_action: Option<OneOrMany<'a>>,
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none")]
    resource: Option<OneOrMany<'a>>,
    #[serde(rename = "NotResource", skip_serializing_if = "Option::is_none")]
    not_resource: Option<OneOrMany<'a>>,
    #[serde(rename = "Condition", skip_serializing_if = "BTreeMap::is_empty")]
    condition: BTreeMap<&'a str, BTreeMap<&'a str, OneOrMany<'a>>>,
}

impl<'a> StatementJson<'a> {
    pub(super) fn new(st: &'a AwsStatement, d: Dialect<'a>) -> Self {
        let actions = Some(OneOrMany(&st.actions, d));
        let resources = Some(OneOrMany(&st.resources, d));
        StatementJson {
            sid: st.sid.as_deref(),
            principal: None,
            effect: match st.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            },
            action: if st.not_action { None } else { actions },
            not_action: if st.not_action { actions } else { None },
            resource: if st.not_resource { None } else { resources },
            not_resource: if st.not_resource { resources } else { None },
            condition: conditions_json(&st.conditions, d),
        }
    }
}

/// A list written as a JSON string when it has exactly one element, else as an array.
#[derive(Clone, Copy)]
pub(super) struct OneOrMany<'a>(pub(super) &'a [String], pub(super) Dialect<'a>);

impl Serialize for OneOrMany<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] => Txt(one, self.1).serialize(s),
            many => s.collect_seq(many.iter().map(|m| Txt(m, self.1))),
        }
    }
}

/// How a document's strings are written: as they are, or for a tool that fills
/// placeholders itself (CloudFormation: `{"Fn::Sub": ...}` where a string holds one;
/// the function renders such a string).
#[derive(Clone, Copy)]
pub(crate) enum Dialect<'a> {
    Plain,
    Sub(&'a dyn Fn(&str) -> String),
}

/// A string in a [`Dialect`].
#[derive(Clone, Copy)]
pub(super) struct Txt<'a>(&'a str, Dialect<'a>);

impl Serialize for Txt<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.1 {
            Dialect::Sub(render) if crate::backend::template::has_substitutions(self.0) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Fn::Sub", &render(self.0))?;
                m.end()
            }
            _ => s.serialize_str(self.0),
        }
    }
}
