//! A statement's action names indexed for [`super::AwsGrant::covers_action`]: the risk
//! model asks about each capability's actions of every statement.

use crate::catalog::{glob_match, is_pattern};
use std::collections::HashSet;

/// The exact names lower-cased (IAM compares actions without case), the wildcards
/// whose service is written out grouped by that service, and the other wildcards.
#[derive(Clone, Debug, Default)]
pub(super) struct ActionIndex {
    exact: HashSet<String>,
    /// (service lower-cased, the patterns' parts after its `:`), one entry a service:
    /// an action is matched only against the wildcards of its own service.
    by_service: Vec<(String, Vec<String>)>,
    /// Wildcards in the service part (`*`, `s3*:Get*`) or without `:`: matched whole.
    other: Vec<String>,
}

impl ActionIndex {
    pub(super) fn new(actions: &[String]) -> ActionIndex {
        let mut index = ActionIndex::default();
        let mut split: Vec<(String, String)> = Vec::new();
        for a in actions {
            if !is_pattern(a) {
                index.exact.insert(a.to_ascii_lowercase());
                continue;
            }
            // A literal ASCII service matches only an action whose text before its
            // first `:` is that service without case (glob_match compares ASCII
            // pattern characters without case, and `:` only with itself).
            match crate::byte_search::split_once(a, b':') {
                Some((svc, rest)) if svc.is_ascii() && !is_pattern(svc) => {
                    split.push((svc.to_ascii_lowercase(), rest.to_string()));
                }
                _ => index.other.push(a.clone()),
            }
        }
        split.sort_by(|a, b| a.0.cmp(&b.0));
        for (svc, rest) in split {
            match index.by_service.last_mut() {
                Some((s, rests)) if *s == svc => rests.push(rest),
                _ => index.by_service.push((svc, vec![rest])),
            }
        }
        index
    }

    pub(super) fn names(&self, action: &str) -> bool {
        self.names_exactly(action) || self.names_by_pattern(action)
    }

    fn names_exactly(&self, action: &str) -> bool {
        // Asked about a million times on 10,000 levels: no allocation for a name that
        // fits the buffer, and no hashing for the few names most statements have.
        if self.exact.len() <= 4 {
            self.exact.iter().any(|e| e.eq_ignore_ascii_case(action))
        } else if !action.bytes().any(|b| b.is_ascii_uppercase()) {
            self.exact.contains(action)
        } else if action.len() <= 128 {
            let mut buf = [0u8; 128];
            let lower = &mut buf[..action.len()];
            lower.copy_from_slice(action.as_bytes());
            lower.make_ascii_lowercase();
            // Lower-casing ASCII bytes keeps the text UTF-8.
            std::str::from_utf8(lower).is_ok_and(|l| self.exact.contains(l))
        } else {
            self.exact.contains(&action.to_ascii_lowercase())
        }
    }

    fn names_by_pattern(&self, action: &str) -> bool {
        let own = crate::byte_search::split_once(action, b':').is_some_and(|(svc, rest)| {
            self.by_service
                .iter()
                .filter(|(s, _)| s.eq_ignore_ascii_case(svc))
                .any(|(_, rests)| rests.iter().any(|p| glob_match(p, rest)))
        });
        own || self.other.iter().any(|p| glob_match(p, action))
    }
}

#[cfg(test)]
mod tests {
    use super::ActionIndex;
    use crate::catalog::glob_match;

    /// Names compare without ASCII case on each path of [`ActionIndex::names`]: a short
    /// list, a hashed one asked in lower case, in mixed case, and with a long name.
    #[test]
    fn names_compare_without_case_on_every_path() {
        let long = format!("s3:{}", "Get".repeat(50));
        for n in [2usize, 8] {
            let mut actions: Vec<String> = (0..n).map(|i| format!("s3:Action{i}")).collect();
            actions.push("iam:PassRole".into());
            actions.push(long.clone());
            actions.push("ec2:Describe*".into());
            let index = ActionIndex::new(&actions);
            for yes in [
                "iam:passrole",
                "IAM:PassRole",
                "s3:action1",
                "EC2:DescribeVpcs",
            ] {
                assert!(index.names(yes), "{n}: {yes}");
            }
            assert!(index.names(&long.to_ascii_uppercase()), "{n}: long");
            for no in [
                "iam:PassRoles",
                "s3:Action",
                "ec2:RunInstances",
                "é:PassRole",
            ] {
                assert!(!index.names(no), "{n}: {no}");
            }
        }
    }

    /// The wildcards, grouped by service, answer as matching each one whole does.
    #[test]
    fn grouped_wildcards_answer_as_glob_match() {
        let patterns = [
            "ec2:Describe*",
            "EC2:Get?",
            "s3:*",
            "s3*:List*",
            "*",
            "*:Put*",
            "?am:Pass*",
            "kms:*:x",
            "é:A*",
            "sqs:*Queue",
            "noservice*",
        ];
        let actions = [
            "ec2:DescribeVpcs",
            "Ec2:getx",
            "ec2:Getxy",
            "s3:GetObject",
            "s3control:ListJobs",
            "iam:PassRole",
            "iam:PutRolePolicy",
            "kms:a:x",
            "é:Abc",
            "É:Abc",
            "sqs:CreateQueue",
            "sqs:Create",
            "noservice-at-all",
            "ec2",
            "",
        ];
        for one in patterns {
            let index = ActionIndex::new(&[one.to_string()]);
            for a in actions {
                assert_eq!(index.names(a), glob_match(one, a), "{one} / {a}");
            }
        }
        let all: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let index = ActionIndex::new(&all[..9]);
        for a in actions {
            let want = all[..9].iter().any(|p| glob_match(p, a));
            assert_eq!(index.names(a), want, "{a}");
        }
    }
}
