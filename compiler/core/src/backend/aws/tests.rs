use super::*;
use crate::backend::test_model::{file, sample_model, statement};

fn paths(files: &[OutputFile]) -> Vec<&str> {
    files.iter().map(|f| f.path.as_str()).collect()
}

fn check_all_json(files: &[OutputFile]) {
    for f in files {
        assert!(f.contents.ends_with("}\n"), "{}", f.path);
        serde_json::from_str::<serde::de::IgnoredAny>(&f.contents)
            .unwrap_or_else(|e| panic!("{}: {e}", f.path));
    }
}

#[test]
fn emits_the_expected_files() {
    let model = sample_model();
    let files = emit(&model);
    assert_eq!(emit(&model), files, "byte-identical on a second run");
    check_all_json(&files);
    insta::assert_snapshot!(paths(&files).join("\n"));
}

#[test]
fn bucket_and_key_policies() {
    let mut model = sample_model();
    model.resource_policies = crate::backend::test_model::resource_policies();
    let files = emit(&model);
    check_all_json(&files);
    let bucket = file(&files, "aws/datasets.bucket-policy.json");
    assert_eq!(bucket.kind, kind::BUCKET_POLICY);
    assert_eq!(bucket.store.as_deref(), Some("datasets"));
    insta::assert_snapshot!("bucket_policy", bucket.contents);
    let v: serde_json::Value = serde_json::from_str(&bucket.contents).unwrap();
    assert_eq!(v["Statement"][1]["Principal"], "*");
    assert_eq!(
        v["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::754784422779:role/chalk-api-server"
    );
    let key = file(&files, "aws/keys.key-policy.json");
    assert_eq!(key.kind, kind::KEY_POLICY);
    let v: serde_json::Value = serde_json::from_str(&key.contents).unwrap();
    assert_eq!(v["Statement"][0]["Resource"], "*");
}

#[test]
fn ongoing_policy() {
    let files = emit(&sample_model());
    let f = file(&files, "aws/ongoing.policy.json");
    assert_eq!(f.kind, kind::POLICY);
    assert_eq!(f.access.as_deref(), Some("ongoing"));
    assert_eq!(f.principal.as_deref(), Some("chalk_api"));
    insta::assert_snapshot!(f.contents);
}

#[test]
fn logs_policy_single_elements_are_strings() {
    let files = emit(&sample_model());
    let f = file(&files, "aws/logs.policy.json");
    insta::assert_snapshot!(f.contents);
    #[derive(serde::Deserialize)]
    #[allow(non_snake_case)]
    struct Doc {
        Version: String,
        Statement: Vec<serde_json::Map<String, serde_json::Value>>,
    }
    let doc: Doc = serde_json::from_str(&f.contents).unwrap();
    assert_eq!(doc.Version, "2012-10-17");
    let deny = &doc.Statement[1];
    assert_eq!(deny["Action"], serde_json::json!("logs:StopQuery"));
    assert_eq!(deny["Resource"], serde_json::json!("*"));
    assert!(!deny.contains_key("Condition"));
    assert!(!deny.contains_key("Sid"));
    assert!(doc.Statement[0]["Action"].is_array());
}

#[test]
fn statement_key_order() {
    let mut st = statement(Some("S1"), &["a:B", "a:C"], &["r1"]);
    st.not_action = true;
    st.not_resource = true;
    st.effect = Effect::Deny;
    st.conditions.insert(
        "StringEquals".into(),
        [("aws:RequestTag/x".to_string(), vec!["true".to_string()])]
            .into_iter()
            .collect(),
    );
    st.conditions.insert(
        "ForAnyValue:StringLike".into(),
        [(
            "aws:TagKeys".to_string(),
            vec!["a*".to_string(), "b*".to_string()],
        )]
        .into_iter()
        .collect(),
    );
    let text = policy_document(&[st]);
    insta::assert_snapshot!(text);
    let order = [
        "\"Sid\"",
        "\"Effect\"",
        "\"NotAction\"",
        "\"NotResource\"",
        "\"Condition\"",
    ];
    let positions: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains("\"Action\"") && !text.contains("\"Resource\""));
}

#[test]
fn managed_trust_and_scp() {
    let files = emit(&sample_model());
    let managed = file(&files, "aws/setup.managed.json");
    assert_eq!(managed.kind, kind::MANAGED_POLICIES);
    insta::assert_snapshot!("managed", managed.contents);

    let trust = file(&files, "aws/chalk_api.trust.json");
    assert_eq!(trust.kind, kind::TRUST_POLICY);
    assert_eq!(trust.principal.as_deref(), Some("chalk_api"));
    assert_eq!(trust.access, None);
    insta::assert_snapshot!("trust", trust.contents);
    assert!(trust
        .contents
        .starts_with("{\n  \"Version\": \"2012-10-17\",\n"));

    // no external id: no Condition
    let trust = file(&files, "aws/chalk_workload.trust.json");
    assert!(!trust.contents.contains("Condition"), "{}", trust.contents);

    let scp = file(&files, "aws/tag_guard.scp.json");
    assert_eq!(scp.kind, kind::SCP);
    assert_eq!(scp.ou.as_deref(), Some("ou-abcd-11111111"));
    insta::assert_snapshot!("scp", scp.contents);
}

#[test]
fn policy_size_ignores_white_space_only() {
    assert_eq!(policy_size("{ \"a b\" :\n\t[1] }\n"), 10);
    assert_eq!(policy_size(""), 0);
    assert_eq!(policy_size("é"), 1);
    assert_eq!(
        empty_policy_size(),
        r#"{"Version":"2012-10-17","Statement":[]}"#.len()
    );
    // pretty and compact render to the same size
    let st = statement(
        Some("A"),
        &["s3:GetObject", "s3:PutObject"],
        &["arn:aws:s3:::b/*"],
    );
    let pretty = policy_document(std::slice::from_ref(&st));
    let compact = to_compact_json(&PolicyDocument::new(std::slice::from_ref(&st)));
    assert_eq!(policy_size(&pretty), policy_size(&compact));
    assert_eq!(
        policy_size(&pretty),
        empty_policy_size() + statement_size(&st)
    );
}

fn many_actions(prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{prefix}:SomeRatherLongActionName{i:04}"))
        .collect()
}

/// The pieces, read in order, cover each input statement's (action, resource) pairs
/// exactly once and in order (so every action appears, in order, and only in the
/// pieces of its statement), with the same effect, negations and conditions.
fn assert_split_faithful(input: &[AwsStatement], parts: &[Vec<AwsStatement>]) {
    let mut flat = parts.iter().flatten();
    for st in input {
        let expected: Vec<(&String, &String)> = st
            .actions
            .iter()
            .flat_map(|a| st.resources.iter().map(move |r| (a, r)))
            .collect();
        let mut seen = Vec::new();
        let mut actions = Vec::new();
        while seen.len() < expected.len() {
            let piece = flat.next().expect("pieces missing");
            assert_eq!(piece.effect, st.effect);
            assert_eq!(piece.not_action, st.not_action);
            assert_eq!(piece.not_resource, st.not_resource);
            assert_eq!(piece.conditions, st.conditions);
            match (&st.sid, &piece.sid) {
                (None, None) => {}
                (Some(base), Some(sid)) => assert!(
                    sid == base
                        || sid
                            .strip_prefix(base.as_str())
                            .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 2)),
                    "{sid} from {base}"
                ),
                other => panic!("sid changed: {other:?}"),
            }
            for a in &piece.actions {
                if actions.last() != Some(a) {
                    actions.push(a.clone());
                }
                for r in &piece.resources {
                    seen.push((a, r));
                }
            }
        }
        assert_eq!(seen, expected, "pairs of {:?}", st.sid);
        assert_eq!(actions, st.actions, "each action once, in order");
    }
    assert!(flat.next().is_none(), "no extra statements");
}

fn assert_parts_fit(parts: &[Vec<AwsStatement>], limit: usize) {
    for (n, part) in parts.iter().enumerate() {
        let size = policy_size(&policy_document(part));
        assert!(size <= limit, "part {} is {size} > {limit}", n + 1);
    }
}

#[test]
fn small_policy_is_not_split() {
    let model = sample_model();
    let ongoing = &model
        .accesses
        .iter()
        .find(|a| a.name == "ongoing")
        .unwrap()
        .aws;
    let parts = split_policy(ongoing, MANAGED_POLICY_SIZE_LIMIT);
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].len(), ongoing.len());
    assert!(split_policy(&[], MANAGED_POLICY_SIZE_LIMIT).is_empty());
}

/// `policy_parts` (borrowing the statements when they fit whole) gives what
/// `split_policy` gives, for levels of every size around the limit, cut or not.
#[test]
fn policy_parts_are_split_policy() {
    let sizes = [1, 3, 10, 40, 90, 150, 400];
    let mut borrowed = 0;
    for n in 0..sizes.len() {
        for repeat in [1, 4, 12] {
            let mut a = crate::backend::test_model::access("level", None);
            a.aws = sized(sizes[..=n].iter().cycle().take((n + 1) * repeat));
            let parts = policy_parts(&a);
            let split = split_policy(&a.aws, MANAGED_POLICY_SIZE_LIMIT);
            assert_eq!(parts.len(), split.len(), "{n} sizes x {repeat}");
            for (p, s) in parts.iter().zip(&split) {
                assert_eq!(
                    policy_document_compact(p),
                    policy_document_compact(s),
                    "{n} sizes x {repeat}"
                );
                borrowed += usize::from(matches!(p, Cow::Borrowed(_)));
            }
        }
    }
    assert!(borrowed > 3 && borrowed < 21, "both ways taken: {borrowed}");
    assert!(policy_parts(&crate::backend::test_model::access("none", None)).is_empty());
}

/// Statements `S0`, `S1`... on `*`, the `i`th with as many actions as the `i`th size.
fn sized<'a>(sizes: impl Iterator<Item = &'a usize>) -> Vec<AwsStatement> {
    sizes
        .enumerate()
        .map(|(i, k)| {
            statement(
                Some(&format!("S{i}")),
                &many_actions(&format!("s{i}"), *k)[..],
                &["*"],
            )
        })
        .collect()
}

/// `policy_count` (the size check's) agrees with `split_policy` (the writer's), for
/// statements of every size around the limits, cut or not.
#[test]
fn policy_count_is_the_number_of_parts() {
    let sizes = [1, 3, 10, 40, 90, 150, 400];
    for limit in [300, 1_000, 2_048, MANAGED_POLICY_SIZE_LIMIT] {
        for n in 0..sizes.len() {
            let input = sized(sizes[..=n].iter().chain(sizes[..n].iter().rev()));
            assert_eq!(
                policy_count(&input, limit),
                split_policy(&input, limit).len(),
                "limit {limit}, {} statements",
                input.len()
            );
        }
    }
}

#[test]
fn greedy_packing_by_statements() {
    // 6 statements of ~1,700 chars: 3 per policy.
    let input: Vec<AwsStatement> = (0..6)
        .map(|i| {
            statement(
                Some(&format!("S{i}")),
                &many_actions(&format!("svc{i}"), 40)[..],
                &["*"],
            )
        })
        .collect();
    let parts = split_policy(&input, MANAGED_POLICY_SIZE_LIMIT);
    assert_parts_fit(&parts, MANAGED_POLICY_SIZE_LIMIT);
    assert_split_faithful(&input, &parts);
    assert!(parts.len() >= 2);
    // no statement was cut
    assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 6);
    // greedy: nothing from the next part would have fitted
    for w in parts.windows(2) {
        let mut joined = w[0].clone();
        joined.push(w[1][0].clone());
        assert!(policy_size(&policy_document(&joined)) > MANAGED_POLICY_SIZE_LIMIT);
    }
}

#[test]
fn one_huge_statement_is_cut_by_actions() {
    let actions = many_actions("ec2", 500);
    let mut big = statement(Some("Big"), &actions[..], &["arn:aws:ec2:*:*:instance/*"]);
    big.conditions.insert(
        "StringEquals".into(),
        [(
            "aws:ResourceTag/managed".to_string(),
            vec!["true".to_string()],
        )]
        .into_iter()
        .collect(),
    );
    let small = statement(Some("Small"), &["s3:GetObject"], &["*"]);
    let input = vec![small.clone(), big, small];
    let parts = split_policy(&input, MANAGED_POLICY_SIZE_LIMIT);
    assert!(parts.len() >= 3, "{}", parts.len());
    assert_parts_fit(&parts, MANAGED_POLICY_SIZE_LIMIT);
    assert_split_faithful(&input, &parts);

    let sids: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.sid.as_deref().unwrap())
        .collect();
    assert_eq!(sids[0], "Small");
    assert_eq!(sids[1], "Big");
    assert_eq!(sids[2], "Big2");
    assert_eq!(*sids.last().unwrap(), "Small");
    let mut unique = sids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sids.len() - 1, "only Small repeats: {sids:?}");

    let summary: String = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let stmts: Vec<String> = p
                .iter()
                .map(|s| format!("{}({})", s.sid.as_deref().unwrap(), s.actions.len()))
                .collect();
            format!(
                "part {}: size {} {}\n",
                i + 1,
                policy_size(&policy_document(p)),
                stmts.join(" ")
            )
        })
        .collect();
    insta::assert_snapshot!(summary);
}

#[test]
fn cut_without_sid_and_by_resources() {
    let resources: Vec<String> = (0..400)
        .map(|i| format!("arn:aws:s3:::some-customer-bucket-{i:04}/*"))
        .collect();
    let mut st = statement(None, &["s3:GetObject"], &resources[..]);
    st.sid = None;
    let input = vec![st];
    let parts = split_policy(&input, MANAGED_POLICY_SIZE_LIMIT);
    assert!(parts.len() > 1);
    assert_parts_fit(&parts, MANAGED_POLICY_SIZE_LIMIT);
    assert_split_faithful(&input, &parts);
    assert!(parts.iter().flatten().all(|s| s.sid.is_none()));
    let all: Vec<&String> = parts.iter().flatten().flat_map(|s| &s.resources).collect();
    assert_eq!(all.len(), 400);
}

#[test]
fn not_action_is_never_cut() {
    let mut st = statement(Some("Deny"), &many_actions("iam", 400)[..], &["*"]);
    st.not_action = true;
    st.effect = Effect::Deny;
    let parts = split_policy(std::slice::from_ref(&st), MANAGED_POLICY_SIZE_LIMIT);
    assert_eq!(parts.len(), 1);
    assert_eq!(policy_document(&parts[0]), policy_document(&[st]));
}

#[test]
fn emit_names_split_parts() {
    let mut model = sample_model();
    let access = model
        .accesses
        .iter_mut()
        .find(|a| a.name == "logs")
        .unwrap();
    access.aws = vec![statement(
        Some("Big"),
        &many_actions("logs", 600)[..],
        &["*"],
    )];
    let files = emit(&model);
    let names: Vec<&str> = paths(&files)
        .into_iter()
        .filter(|p| p.starts_with("aws/logs"))
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    assert!(names.contains(&"aws/logs.policy.json"));
    assert!(names.contains(&"aws/logs-2.policy.json"));
    assert!(names.contains(&"aws/logs-3.policy.json"));
    check_all_json(&files);
    for f in files.iter().filter(|f| f.path.starts_with("aws/logs")) {
        assert!(policy_size(&f.contents) <= MANAGED_POLICY_SIZE_LIMIT);
        assert_eq!(f.access.as_deref(), Some("logs"));
    }
}

#[test]
fn sid_suffix_fits_when_the_budget_is_tight() {
    // Try a range of limits so that the suffix digits land right at the edge.
    let actions = many_actions("ec2", 60);
    let st = statement(Some("Tight"), &actions[..], &["*"]);
    for limit in 200..400 {
        let parts = split_policy(std::slice::from_ref(&st), limit);
        assert_parts_fit(&parts, limit);
        assert_split_faithful(std::slice::from_ref(&st), &parts);
    }
}

#[test]
fn oversized_single_statement_is_kept_for_the_checker() {
    let st = statement(Some("One"), &many_actions("x", 1)[..], &["*"]);
    let parts = split_policy(std::slice::from_ref(&st), 10);
    assert_eq!(parts.len(), 1);
    assert_eq!(policy_document(&parts[0]), policy_document(&[st]));
}

#[test]
fn split_sids_stay_unique() {
    let actions: Vec<String> = (0..400)
        .map(|i| format!("ec2:DescribeThing{i:04}"))
        .collect();
    let big = AwsStatement {
        sid: Some("Big".into()),
        effect: Effect::Allow,
        not_action: false,
        actions,
        not_resource: false,
        resources: vec!["*".into()],
        conditions: Default::default(),
        span: Default::default(),
    };
    let other = AwsStatement {
        sid: Some("Big2".into()),
        actions: vec!["s3:GetObject".into()],
        ..big.clone()
    };
    let parts = split_policy(&[big, other], MANAGED_POLICY_SIZE_LIMIT);
    let sids: Vec<String> = parts
        .iter()
        .flatten()
        .filter_map(|s| s.sid.clone())
        .collect();
    let unique: std::collections::BTreeSet<&String> = sids.iter().collect();
    assert!(sids.len() > 2);
    assert_eq!(unique.len(), sids.len(), "{sids:?}");
}

/// The size bound is never below the size, whatever the text: quotes, back-slashes,
/// control characters, non-ASCII, conditions, NotAction/NotResource.
#[test]
fn size_bound_is_at_least_the_size() {
    let texts = [
        "", "a", "\"", "\\", "\u{1}", "é", "日本", "${p}", "s3:Get*", "\n\t",
    ];
    for (i, a) in texts.iter().enumerate() {
        for b in &texts {
            let mut st = statement(Some("Sid1"), &[*a, *b], &[*b]);
            st.not_action = i % 2 == 0;
            st.not_resource = i % 3 == 0;
            st.effect = if i % 2 == 0 {
                Effect::Deny
            } else {
                Effect::Allow
            };
            st.conditions
                .entry(format!("StringEquals{a}"))
                .or_default()
                .insert(format!("aws:k{b}"), vec![a.to_string(), b.to_string()]);
            assert!(
                size::size_bound(&st) >= size::statement_size(&st),
                "{a:?} {b:?}"
            );
            let empty = statement::<&str, &str>(None, &[], &[]);
            assert!(size::size_bound(&empty) >= size::statement_size(&empty));
        }
    }
}

/// Counting by the bound gives the count the packer gives, small levels and large.
#[test]
fn policy_count_by_bound_equals_the_split() {
    for n in [0, 1, 5, 40, 150, 160, 170, 180, 190, 400] {
        let sts: Vec<AwsStatement> = (0..n)
            .map(|i| statement(None, &[format!("s3:GetObject{i}")], &["*"]))
            .collect();
        assert_eq!(
            policy_count(&sts, MANAGED_POLICY_SIZE_LIMIT),
            split_policy(&sts, MANAGED_POLICY_SIZE_LIMIT).len(),
            "{n}"
        );
    }
}

/// The size added up from the strings is the size of the JSON written, whatever the
/// text: escapes, control characters, spaces, non-ASCII, one or many items, empty
/// lists, conditions with several operators and keys, NotAction/NotResource, no Sid.
#[test]
fn statement_size_is_the_serialized_size() {
    let texts = [
        "",
        "a",
        " ",
        "a b",
        "\"",
        "\\",
        "\u{1}",
        "\u{7f}",
        "\u{b}",
        "é",
        "日本",
        "😀",
        "${p}",
        "s3:Get*",
        "\n\t\r\u{8}\u{c}",
        "/",
    ];
    for (i, a) in texts.iter().enumerate() {
        for (j, b) in texts.iter().enumerate() {
            let sid = (j % 3 != 0).then_some(*a);
            let actions: Vec<&str> = texts.iter().take(j % 4).copied().chain([*a]).collect();
            let resources: Vec<&str> = texts.iter().skip(i).take(j % 3).copied().collect();
            let mut st = statement(sid, &actions, &resources);
            st.not_action = i % 2 == 0;
            st.not_resource = j % 2 == 0;
            st.effect = if (i + j) % 2 == 0 {
                Effect::Deny
            } else {
                Effect::Allow
            };
            assert_eq!(size::statement_size(&st), size::serialized_size(&st));
            for k in 0..(i + j) % 4 {
                let keys = st
                    .conditions
                    .entry(format!("StringEquals{a}{k}"))
                    .or_default();
                keys.insert(format!("aws:k{b}"), vec![a.to_string(); k]);
                keys.insert(format!("aws:x{k}"), vec![b.to_string()]);
            }
            st.conditions.entry("Null".into()).or_default();
            assert_eq!(
                size::statement_size(&st),
                size::serialized_size(&st),
                "{a:?} {b:?}"
            );
        }
    }
}

mod bounds {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z:*/-]{0,12}",
            "\\PC{0,6}",
            "[\\x00-\\x7f]{0,6}",
            "[\"\\\\ ]{0,4}"
        ]
    }

    proptest! {
        /// The size added up from the strings is the serialized size on random
        /// statements, escapes and non-ASCII included: else `policy_parts` could keep
        /// whole a level `split_policy` cuts.
        #[test]
        fn statement_size_is_the_serialized_size_by_proptest(
            sid in prop::option::of(text()),
            actions in prop::collection::vec(text(), 0..4),
            resources in prop::collection::vec(text(), 0..4),
            conditions in prop::collection::btree_map(
                text(),
                prop::collection::btree_map(text(), prop::collection::vec(text(), 0..3), 0..3),
                0..3,
            ),
            not in any::<(bool, bool)>(),
        ) {
            let st = AwsStatement {
                sid,
                effect: Effect::Deny,
                not_action: not.0,
                actions,
                not_resource: not.1,
                resources,
                conditions,
                span: Default::default(),
            };
            prop_assert_eq!(statement_size(&st), size::serialized_size(&st));
        }
    }
}

mod trust_sizes {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z:*/-]{0,12}",
            "\\PC{0,6}",
            "[\\x00-\\x7f]{0,6}",
            "[\"\\\\ ${}]{0,4}"
        ]
    }

    fn list() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(text(), 0..3)
    }

    fn trust() -> impl Strategy<Value = TrustStatement> {
        (
            prop::option::of(text()),
            prop::sample::select(vec!["AWS", "Service", "Federated"]),
            list(),
            list(),
            prop::collection::btree_map(
                text(),
                prop::collection::btree_map(text(), list(), 0..3),
                0..3,
            ),
        )
            .prop_map(|(sid, principal_key, principals, actions, conditions)| {
                TrustStatement {
                    sid,
                    principal_key,
                    principals,
                    actions,
                    conditions,
                    span: Default::default(),
                }
            })
    }

    /// The size `engc check` gives E0802 and the size of the file `engc build` writes.
    fn sizes(p: &Principal) -> (Option<usize>, Option<usize>) {
        let written = trust_file(p).map(|f| policy_size(&f.contents));
        (trust_size(p), written)
    }

    #[test]
    fn trust_size_is_the_written_size() {
        let mut p = Principal {
            name: "p".into(),
            ..Default::default()
        };
        assert_eq!(sizes(&p), (None, None), "no role, no trust policy");
        p.aws_role = Some(AwsRole {
            arn: "arn:aws:iam::111122223333:role/vendor".into(),
            external_id: None,
        });
        assert_eq!(sizes(&p).0, sizes(&p).1);
        assert!(sizes(&p).0.is_some());
        p.aws_role.as_mut().unwrap().external_id = Some("${external_id} \"é\"\n".into());
        assert_eq!(sizes(&p).0, sizes(&p).1);
        for principal in &sample_model().principals {
            assert_eq!(sizes(principal).0, sizes(principal).1, "{}", principal.name);
        }
    }

    proptest! {
        /// The trust policy's size added up from its strings is the size of the file
        /// written, escapes and non-ASCII included: else E0802 could pass a trust
        /// policy IAM refuses, or refuse one it takes.
        #[test]
        fn trust_size_is_the_written_size_by_proptest(
            role in prop::option::of((text(), prop::option::of(text()))),
            aws_trust in prop::collection::vec(trust(), 0..3),
        ) {
            let p = Principal {
                name: "p".into(),
                aws_role: role.map(|(arn, external_id)| AwsRole { arn, external_id }),
                aws_trust,
                ..Default::default()
            };
            let (counted, written) = sizes(&p);
            prop_assert_eq!(counted, written);
        }
    }
}
