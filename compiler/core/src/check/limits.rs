//! The targets' limits on sizes, counts and names, checked on the lowered model with the
//! backends' own functions, so that what is measured is what would be written:
//!
//! - E0801: more than 10 managed policies for one AWS role (the policy files every level
//!   `for` the principal writes, after splitting, plus the AWS managed policies);
//! - E0806: an AWS statement whose smallest piece the splitter can make is still over
//!   the 6,144 characters of a managed policy;
//! - E0802: a trust policy over 2,048 characters;
//! - E0805: a service control policy over 5,120 characters (SCPs are not split);
//! - E0803: a GCP custom role with more than 3,000 permissions;
//! - E0804: a GCP custom role title over 100 bytes or description over 300 bytes.
//!
//! Sizes are counted as AWS counts them: every character except white space.

use crate::backend::aws::{
    policy_document, policy_size, split_policy, MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_SIZE_LIMIT, SCP_SIZE_LIMIT,
};
use crate::backend::{description_of, title_of};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::model::{Access, AwsStatement, Model, Principal};
use crate::resolve::decls::Decls;
use crate::source::Span;
use crate::syntax::ast::Cloud;
use std::collections::{BTreeSet, HashMap};

/// The most characters (white space excluded) of a role trust policy (default quota).
pub const TRUST_POLICY_SIZE_LIMIT: usize = 2048;
/// The most characters of an `sts:ExternalId`.
const EXTERNAL_ID_MAX: usize = 1224;
/// The most permissions of a GCP custom role.
pub const GCP_ROLE_PERMISSIONS_LIMIT: usize = 3000;
/// The most bytes of a GCP custom role's title.
pub const GCP_TITLE_LIMIT: usize = 100;
/// The most bytes of a GCP custom role's description.
pub const GCP_DESCRIPTION_LIMIT: usize = 300;

pub fn check(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    check_with(decls, model, diags, None)
}

/// [`check`], reusing each level's policy file count and size findings (E0806) that
/// `memo` kept for its frame: both read only the level's lowering. Not with
/// `--minimize`, which rewrites the lowered statements.
pub fn check_with(
    decls: &Decls,
    model: &Model,
    diags: &mut Vec<Diagnostic>,
    memo: Option<&crate::memo::Context>,
) {
    let clouds = &model.deployment.clouds;
    if clouds.contains(&Cloud::Aws) {
        // Per level first (in the model's order), so a level's work is done once.
        let mut sizes = Vec::new();
        let counts: Vec<usize> = model
            .accesses
            .iter()
            .map(|a| level_with(decls, a, &mut sizes, memo))
            .collect();
        let count_of: HashMap<&str, usize> = model
            .accesses
            .iter()
            .zip(&counts)
            .map(|(a, &n)| (a.name.as_str(), n))
            .collect();
        let levels = crate::backend::levels_by_principal(model);
        for p in &model.principals {
            let own = levels.get(p.name.as_str()).map_or(&[][..], Vec::as_slice);
            managed_policy_count(decls, p, own, &count_of, diags);
            trust_policy(decls, p, diags);
        }
        diags.append(&mut sizes);
        scps(decls, model, diags);
    }
    if clouds.contains(&Cloud::Gcp) {
        for a in &model.accesses {
            gcp_role(decls, model, a, diags);
        }
    }
}

/// [`level`], kept in `memo` under the level's frame.
fn level_with(
    decls: &Decls,
    a: &Access,
    diags: &mut Vec<Diagnostic>,
    memo: Option<&crate::memo::Context>,
) -> usize {
    let frame = memo.and_then(|m| {
        let span = decls.accesses.get(a.name.as_str())?.span;
        Some((m, m.frame(span)?))
    });
    let Some((memo, frame)) = frame else {
        return level(decls, a, diags);
    };
    if let Some((count, kept)) = memo.get_limits(&frame) {
        diags.extend(kept);
        return count;
    }
    let first = diags.len();
    let count = level(decls, a, diags);
    memo.put_limits(&frame, count, &diags[first..]);
    count
}

/// One level's managed policy files (none for an inline policy, which E0429 measures),
/// and E0806 for each of its statements that cannot fit one.
fn level(decls: &Decls, a: &Access, diags: &mut Vec<Diagnostic>) -> usize {
    if a.aws_inline {
        return 0;
    }
    for st in &a.aws {
        statement_size(decls, a, st, diags);
    }
    crate::backend::aws::policy_count(&a.aws, MANAGED_POLICY_SIZE_LIMIT)
}

/// `6144` -> `6,144`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `101 bytes`, or `101 bytes (97 characters)` when they differ.
fn bytes(s: &str) -> String {
    let chars = s.chars().count();
    if chars == s.len() {
        format!("{} bytes", thousands(s.len()))
    } else {
        format!(
            "{} bytes ({} characters)",
            thousands(s.len()),
            thousands(chars)
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The span of an access level's name (the model's access span when it is unknown).
fn access_name_span(decls: &Decls, a: &Access) -> Span {
    decls
        .accesses
        .get(a.name.as_str())
        .map(|x| x.name.span)
        .unwrap_or(a.span)
}

/// E0801: the policies attached to one role, over every level `for` its principal.
fn managed_policy_count(
    decls: &Decls,
    p: &Principal,
    own: &[&Access],
    count_of: &HashMap<&str, usize>,
    diags: &mut Vec<Diagnostic>,
) {
    if !p.has_aws_role() {
        return;
    }
    let mut levels: Vec<(&Access, usize, usize)> = Vec::new();
    let mut managed: BTreeSet<&str> = BTreeSet::new();
    let mut files = 0;
    for &a in own {
        let n = count_of.get(a.name.as_str()).copied().unwrap_or(0);
        if n + a.aws_managed.len() == 0 {
            continue;
        }
        files += n;
        managed.extend(a.aws_managed.iter().map(String::as_str));
        levels.push((a, n, a.aws_managed.len()));
    }
    let total = files + managed.len();
    if total <= MANAGED_POLICIES_PER_ROLE {
        return;
    }
    let Some(ast_p) = decls.principals.get(p.name.as_str()) else {
        return;
    };
    let span = role_span(ast_p);
    let mut d = Diagnostic::new(
        Code::E0801,
        span,
        format!(
            "the AWS role of `{}` would get {total} managed policies, over the {MANAGED_POLICIES_PER_ROLE} IAM attaches to a role",
            p.name
        ),
    )
    .label(format!(
        "{} and {} for this role",
        plural(files, "policy file", "policy files"),
        plural(managed.len(), "AWS managed policy", "AWS managed policies")
    ));
    for (a, n, m) in &levels {
        let mut parts = Vec::new();
        if *n > 0 {
            parts.push(plural(*n, "policy file", "policy files"));
        }
        if *m > 0 {
            parts.push(plural(*m, "AWS managed policy", "AWS managed policies"));
        }
        d = d.with_secondary(
            access_name_span(decls, a),
            format!("`{}`: {}", a.name, parts.join(" and ")),
        );
    }
    if managed.len() < levels.iter().map(|(_, _, m)| m).sum::<usize>() {
        d = d.note("an AWS managed policy attached by several levels is counted once");
    }
    diags.push(
        d.help(
            "merge access levels, shorten the action lists with wildcards (such as `ec2:Describe*`), \
             or ask AWS to raise the quota \"Managed policies per role\" (up to 20)",
        )
        .note(format!(
            "a policy file holds at most {} characters (white space excluded); a longer level is split into `-2`, `-3`... files",
            thousands(MANAGED_POLICY_SIZE_LIMIT)
        )),
    );
}

/// E0806: a statement still too large after the backend has cut it as far as it can
/// (by actions, then by resources; never `NotAction` or `NotResource` lists).
fn statement_size(decls: &Decls, a: &Access, st: &AwsStatement, diags: &mut Vec<Diagnostic>) {
    if crate::backend::aws::fits_alone(st) {
        return;
    }
    let pieces = split_policy(std::slice::from_ref(st), MANAGED_POLICY_SIZE_LIMIT);
    let Some((largest, piece)) = pieces
        .iter()
        .map(|part| (policy_size(&policy_document(part)), part))
        .max_by_key(|(size, _)| *size)
    else {
        return;
    };
    if largest <= MANAGED_POLICY_SIZE_LIMIT {
        return;
    }
    // A part over the limit holds a single piece (the packer starts a new part otherwise).
    let piece = &piece[0];
    // The statement's Sid, else its first action (a whole statement may span many lines).
    let src = decls.accesses.get(a.name.as_str()).and_then(|x| {
        x.aws
            .iter()
            .find(|s| s.span == st.span && st.span != a.span)
    });
    let span = match src {
        Some(s) => s
            .sid
            .as_ref()
            .or(s.actions.first())
            .map_or(s.span, |x| x.span),
        None => access_name_span(decls, a),
    };
    let what = match &st.sid {
        Some(sid) => format!("statement `{sid}` of `{}`", a.name),
        None => format!("a statement of `{}`", a.name),
    };
    let help = if st.not_action && piece.actions.len() > 1 {
        "a `NotAction` list is never cut, since that would change what it excludes: \
         shorten it with wildcards (such as `ec2:Describe*`)"
    } else if st.not_resource && piece.resources.len() > 1 {
        "a `NotResource` list is never cut, since that would change what it excludes: \
         shorten it with wildcards"
    } else {
        "one action on one resource with these conditions is already over the limit: \
         shorten the resource or the condition values"
    };
    diags.push(
        Diagnostic::new(
            Code::E0806,
            span,
            format!("{what} does not fit in a managed policy"),
        )
        .label(format!(
            "its smallest policy would be {} characters, over the {} a managed policy holds",
            thousands(largest),
            thousands(MANAGED_POLICY_SIZE_LIMIT)
        ))
        .help(help)
        .note("IAM counts every character except white space"),
    );
}

/// Where a principal's AWS role is declared: its `aws role`, else its first `aws trust`.
fn role_span(p: &crate::syntax::ast::Principal) -> Span {
    p.aws_role
        .as_ref()
        .map(|r| r.span)
        .or(p.aws_trust.first().map(|t| t.span))
        .unwrap_or(p.name.span)
}

/// E0802: the trust policy of a principal's AWS role.
fn trust_policy(decls: &Decls, p: &Principal, diags: &mut Vec<Diagnostic>) {
    // Counted from the statements the backend writes, without writing them.
    let Some(size) = crate::backend::aws::trust_size(p) else {
        return;
    };
    if size <= TRUST_POLICY_SIZE_LIMIT {
        return;
    }
    let Some(ast_p) = decls.principals.get(p.name.as_str()) else {
        return;
    };
    let long_id = p
        .aws_role
        .as_ref()
        .and_then(|r| r.external_id.as_ref())
        .filter(|id| id.chars().count() > EXTERNAL_ID_MAX);
    let src_id = ast_p.aws_role.as_ref().and_then(|r| r.external_id.as_ref());
    let (span, help) = match (long_id, src_id) {
        (Some(id), Some(src)) => (
            src.span,
            format!(
                "`sts:ExternalId` takes at most {} characters and this one has {}: use a shorter external id",
                thousands(EXTERNAL_ID_MAX),
                thousands(id.chars().count())
            ),
        ),
        _ => (
            role_span(ast_p),
            "shorten the role ARN (its path), the external id or the trust statements".to_string(),
        ),
    };
    diags.push(
        Diagnostic::new(
            Code::E0802,
            span,
            format!(
                "the trust policy of `{}` is {} characters, over the {} IAM allows",
                p.name,
                thousands(size),
                thousands(TRUST_POLICY_SIZE_LIMIT)
            ),
        )
        .label(format!("written to `aws/{}.trust.json`", p.name))
        .help(help)
        .note(
            "IAM counts every character except white space; the quota \"Role trust policy length\" \
             is 2,048 by default and can be raised to 4,096",
        ),
    );
}

/// E0805: SCPs are written whole, never split.
fn scps(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    for scp in &model.scps {
        let size = policy_size(&policy_document(&scp.statements));
        if size <= SCP_SIZE_LIMIT {
            continue;
        }
        let Some(ast_scp) = decls.scps.get(scp.name.as_str()) else {
            continue;
        };
        diags.push(
            Diagnostic::new(
                Code::E0805,
                ast_scp.name.span,
                format!(
                    "service control policy `{}` is {} characters, over the {} AWS Organizations allows",
                    scp.name,
                    thousands(size),
                    thousands(SCP_SIZE_LIMIT)
                ),
            )
            .label(format!("written whole to `aws/{}.scp.json`", scp.name))
            .help(
                "shorten the action lists with wildcards (such as `ec2:Describe*`), or move \
                 statements into another `scp` for the same OU (up to 5 attach to one OU)",
            )
            .note("white space is not counted; service control policies are never split"),
        );
    }
}

/// E0803 and E0804: the custom role the GCP backend writes (only when there are
/// permissions), with the backend's default title and description.
fn gcp_role(decls: &Decls, model: &Model, a: &Access, diags: &mut Vec<Diagnostic>) {
    let permissions = &a.gcp.permissions;
    if permissions.is_empty() {
        return;
    }
    let Some(ast_a) = decls.accesses.get(a.name.as_str()) else {
        return;
    };
    if permissions.len() > GCP_ROLE_PERMISSIONS_LIMIT {
        diags.push(
            Diagnostic::new(
                Code::E0803,
                ast_a.name.span,
                format!(
                    "the GCP custom role of `{}` has {} permissions, over the {} GCP allows",
                    a.name,
                    thousands(permissions.len()),
                    thousands(GCP_ROLE_PERMISSIONS_LIMIT)
                ),
            )
            .label(format!("its custom role, `gcp/{}.role.json`", a.name))
            .help(
                "split the permissions over two access levels, or bind predefined roles \
                 (`gcp role \"roles/...\"`) for some of them",
            ),
        );
    }
    let title = title_of(a);
    if title.len() > GCP_TITLE_LIMIT {
        let (span, help) = match &ast_a.title {
            Some(t) => (
                t.span,
                "shorten the title, and put the details in `description` (up to 300 bytes)",
            ),
            None => (
                ast_a.name.span,
                "the title defaults to the level's name: set a shorter `title`",
            ),
        };
        diags.push(
            Diagnostic::new(
                Code::E0804,
                span,
                format!(
                    "the GCP role title of `{}` is {}, over the {GCP_TITLE_LIMIT} bytes GCP allows",
                    a.name,
                    bytes(title)
                ),
            )
            .label(format!("the `title` of `gcp/{}.role.json`", a.name))
            .help(help),
        );
    }
    let description = description_of(model, a);
    if description.len() > GCP_DESCRIPTION_LIMIT {
        let (span, help) = match &ast_a.description {
            Some(d) => (d.span, "shorten the description"),
            None => (
                ast_a.name.span,
                "the default description names the deployment and the level: set a shorter `description`",
            ),
        };
        diags.push(
            Diagnostic::new(
                Code::E0804,
                span,
                format!(
                    "the GCP role description of `{}` is {}, over the {GCP_DESCRIPTION_LIMIT} bytes GCP allows",
                    a.name,
                    bytes(&description)
                ),
            )
            .label(format!("the `description` of `gcp/{}.role.json`", a.name))
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile_str, Options};

    fn codes(src: &str) -> Vec<(Code, String)> {
        compile_str("test.eng", src, &Options::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code, d.message))
            .collect()
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(123456), "123,456");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn a_long_action_list_is_split_not_reported() {
        // 600 explicit actions split by the backend into several policies: no E0806.
        let names: Vec<String> = crate::catalog::aws::catalog()
            .matching("ec2:*")
            .into_iter()
            .take(600)
            .map(|(s, a)| format!("\"{}\"", s.full_name(a)))
            .collect();
        let src = format!(
            "deployment shop {{\n  clouds aws\n}}\naccess setup unscoped \"setup\" {{\n  aws allow [{}] on \"*\"\n}}\n",
            names.join(", ")
        );
        let found: Vec<_> = codes(&src)
            .into_iter()
            .filter(|(c, _)| c.as_str().starts_with("E080"))
            .collect();
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn not_action_lists_are_not_cut() {
        let names: Vec<String> = crate::catalog::aws::catalog()
            .matching("ec2:Describe*")
            .into_iter()
            .map(|(s, a)| format!("\"{}\"", s.full_name(a)))
            .collect();
        let src = format!(
            "deployment shop {{\n  clouds aws\n}}\naccess guard unscoped \"guard\" {{\n  aws deny not [{}] on \"*\" as \"OnlyDescribe\"\n}}\n",
            names.join(", ")
        );
        let found: Vec<_> = codes(&src)
            .into_iter()
            .filter(|(c, _)| *c == Code::E0806)
            .collect();
        assert_eq!(
            found,
            [(
                Code::E0806,
                "statement `OnlyDescribe` of `guard` does not fit in a managed policy".to_string()
            )]
        );
    }

    #[test]
    fn gcp_default_description_counts() {
        let long = "a".repeat(290);
        let src = format!(
            "deployment shop {{\n  clouds gcp\n}}\naccess {long} scoped {{\n  gcp role_id \"shop_long\"\n  title \"Long\"\n  gcp permissions [\"storage.buckets.get\"]\n}}\n"
        );
        let found: Vec<_> = codes(&src)
            .into_iter()
            .filter(|(c, _)| *c == Code::E0804)
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("description"), "{found:?}");
    }
}
