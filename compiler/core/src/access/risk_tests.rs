//! [`Services`] and [`Prepared`]'s services only skip work: the grants each need finds are
//! those found without them.

use super::{meets, Prepared, Services};
use crate::access::capabilities::CAPABILITIES;
use crate::access::{AwsGrant, Origin, Principal};
use crate::catalog::managed::Statement;
use crate::source::{FileId, Span};

fn grant(actions: &[&str], allow: bool, not_action: bool, at: usize) -> AwsGrant {
    AwsGrant {
        statement: Statement {
            allow,
            actions: actions.iter().map(|a| a.to_string()).collect(),
            not_action,
            resources: vec!["*".into()],
            not_resource: false,
            condition_keys: Vec::new(),
        },
        managed: None,
        written: Vec::new(),
        conditions: Default::default(),
        origin: Origin {
            level: "l".into(),
            scoped: true,
            span: Span::new(FileId(0), at, at + 1),
        },
        index: Default::default(),
    }
}

#[test]
fn services_change_no_need_s_grants() {
    let lists: &[&[&str]] = &[
        &["iam:PassRole"],
        &["IAM:passrole", "s3:GetObject"],
        &["iam:Pass*"],
        &["*"],
        &["i?m:PassRole"],
        &["*:PassRole"],
        &["iam*"],
        &["ec2:RunInstances", "lambda:CreateFunction"],
        &["STS:AssumeRole"],
        &["é:x", "ec2:*"],
        &["s3:*", "ec2:CreateTags"],
        &["noservice"],
    ];
    let mut principals = Vec::new();
    for (i, actions) in lists.iter().enumerate() {
        principals.push(vec![grant(actions, true, false, i)]);
        principals.push(vec![grant(actions, true, true, i)]);
        principals.push(vec![
            grant(actions, true, false, i),
            grant(&["s3:GetObject"], true, false, 100 + i),
            grant(&["iam:PassRole"], false, false, 200 + i),
        ]);
    }
    let everything = Services {
        all: true,
        names: Vec::new(),
    };
    let mut found = 0;
    for aws in principals {
        let p = Principal {
            name: "p".into(),
            aws,
            ..Principal::default()
        };
        let services = Services::of(&p);
        for c in CAPABILITIES.iter() {
            for need in c.needs {
                let prepared = Prepared::new(need);
                let with = meets(&p, &services, need, &prepared);
                let without = meets(&p, &everything, need, &prepared);
                assert_eq!(format!("{with:?}"), format!("{without:?}"), "{}", c.id);
                found += usize::from(with.is_some());
            }
        }
    }
    assert!(found > 50, "the cases hold capabilities: {found}");
}
