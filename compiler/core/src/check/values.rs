//! Values where they land. Every string whose target has a format (an external id, a
//! Kubernetes namespace, an Azure scope, an ARN, a GCP member...) is checked as the
//! target will read it: after parameters are filled. `param root = "/"` used as an
//! Azure scope, or `--set namespace='x"; kind: ClusterRole'`, is reported at the use,
//! with a pointer to where the value came from (the default, the prefix, or the
//! `--set` / `--set-file` that gave it).
//!
//! A value that still holds a `${name}` placeholder is checked once it is filled;
//! an ARN is checked field by field, so its literal fields are checked at once.

use crate::catalog::is_pattern;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::lower::bindings::is_guid;
use crate::resolve::decls::Decls;
use crate::resolve::params::{Origin, Params};
use crate::syntax::ast::{self, Str};
use crate::vocab::resource_policies::{principal_form, Kind, PrincipalForm};

/// Where a string lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    ExternalId,
    AwsPrincipal,
    Arn,
    TagKey,
    TagValue,
    NamePrefix,
    GcpServiceAccount,
    GcpMember,
    GcpRoleId,
    /// The resource of `gcp bind ... on KIND "NAME"`.
    GcpBucket,
    GcpFolder,
    GcpOrganization,
    GcpProject,
    AzurePrincipal,
    AzureScope,
    K8sName,
    Namespace,
    OuId,
    /// The bucket a bucket policy is attached to.
    BucketName,
}

/// What is wrong with a value in its slot.
struct Problem {
    code: Code,
    /// What the value is not (`a valid Kubernetes namespace`).
    what: String,
    label: String,
    help: String,
    /// A replacement for the whole string, where one is obvious.
    fix: Option<String>,
    /// The message, where `` `VALUE` is not WHAT `` does not say it best.
    message: Option<String>,
}

impl Problem {
    fn new(code: Code, what: impl Into<String>, label: &str, help: &str) -> Box<Problem> {
        Box::new(Problem {
            code,
            what: what.into(),
            label: label.into(),
            help: help.into(),
            fix: None,
            message: None,
        })
    }
}

/// A value's verdict in its slot (the problem boxed: it is the rare case).
type Verdict = Result<(), Box<Problem>>;

fn placeholder(v: &str) -> bool {
    !crate::resolve::params::references(v).is_empty()
}

impl Slot {
    fn check(self, v: &str) -> Verdict {
        if placeholder(v) && self != Slot::Arn && self != Slot::AwsPrincipal {
            return Ok(()); // checked once the parameter is set
        }
        match self {
            Slot::ExternalId => external_id(v),
            Slot::AwsPrincipal => aws_principal(v),
            Slot::Arn => arn(v),
            Slot::TagKey => tag(v, true),
            Slot::TagValue => tag(v, false),
            Slot::NamePrefix => name_prefix(v),
            Slot::GcpServiceAccount => gcp_service_account(v),
            Slot::GcpMember => gcp_member(v),
            Slot::GcpRoleId => gcp_role_id(v),
            Slot::GcpBucket => gcp_resource(
                v,
                bucket(v),
                "a GCS bucket name",
                "bucket names are 3 to 63 lowercase letters, digits, `-`, `_` and `.`",
            ),
            Slot::GcpFolder => gcp_resource(
                v,
                numeric_id(v.strip_prefix("folders/").unwrap_or(v)),
                "a GCP folder id",
                "expected the folder's number, or `folders/NUMBER`",
            ),
            Slot::GcpOrganization => gcp_resource(
                v,
                numeric_id(v.strip_prefix("organizations/").unwrap_or(v)),
                "a GCP organization id",
                "expected the organization's number, or `organizations/NUMBER`",
            ),
            Slot::GcpProject => gcp_resource(
                v,
                gcp_project(v),
                "a GCP project id",
                "expected 6 to 30 lowercase letters, digits and `-`, starting with a letter",
            ),
            Slot::AzurePrincipal => is_guid(v).then_some(()).ok_or_else(|| {
                Problem::new(
                    Code::E0116,
                    "an Azure object id",
                    "Azure identifies a service principal by its object id, a GUID",
                    "use the service principal's object id: `az ad sp show --id APP_ID --query id`",
                )
            }),
            Slot::AzureScope => azure_scope(v),
            Slot::K8sName => k8s_name(v),
            Slot::Namespace => namespace(v),
            Slot::OuId => ou_id(v),
            Slot::BucketName => bucket_name(v),
        }
    }
}

/// S3's rules for a general purpose bucket's name.
fn bucket_name(v: &str) -> Verdict {
    let b = v.as_bytes();
    let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-';
    let edge = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if (3..=63).contains(&b.len())
        && b.iter().all(inner)
        && edge(b.first())
        && edge(b.last())
        && !v.contains("..")
    {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "a valid S3 bucket name",
        "S3 takes 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit",
        "use a name such as `shop-data-eu`",
    ))
}

fn external_id(v: &str) -> Verdict {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c);
    if (2..=1224).contains(&v.chars().count()) && v.chars().all(ok_char) {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "a valid external id",
        "STS takes 2 to 1,224 characters of letters, digits and `+=,.@:/-_`",
        "use a random id of letters and digits, such as a UUID",
    ))
}

fn aws_principal(v: &str) -> Verdict {
    if v == "*" || (v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())) {
        return Ok(());
    }
    if v.starts_with("arn:") {
        return arn(v).and_then(|()| {
            let service = v.split(':').nth(2).unwrap_or("");
            if service == "iam" || service == "sts" || service.contains("${") {
                Ok(())
            } else {
                Err(Problem::new(
                    Code::E0116,
                    "an IAM principal",
                    "a trust policy names an IAM role, user or account",
                    "use `arn:aws:iam::ACCOUNT:role/NAME`",
                ))
            }
        });
    }
    if placeholder(v) {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "an AWS principal",
        "expected an IAM ARN, a 12-digit account id or `*`",
        "use `arn:aws:iam::ACCOUNT:role/NAME`",
    ))
}

const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// An ARN's fields, each checked unless it holds a placeholder or a wildcard.
fn arn(v: &str) -> Verdict {
    let bad = |field: &str, label: &str| {
        Err(Problem::new(
            Code::E0116,
            format!("a valid ARN (its {field})"),
            label,
            "ARNs read `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`",
        ))
    };
    let mut fields: Vec<&str> = v.splitn(6, ':').collect();
    let open = |f: &str| f.contains("${") || is_pattern(f);
    if fields.len() < 6 {
        // `arn:aws:ecr:*`: a wildcard may stand for the fields after it.
        if !fields.last().is_some_and(|f| open(f)) {
            return bad("fields", "an ARN has six `:`-separated fields");
        }
        fields.resize(6, "*");
    }
    let (partition, service, region, account, resource) =
        (fields[1], fields[2], fields[3], fields[4], fields[5]);
    if !open(partition) && !PARTITIONS.contains(&partition) {
        return bad(
            "partition",
            "not an AWS partition (`aws`, `aws-cn`, `aws-us-gov`...)",
        );
    }
    if !open(service)
        && (service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        return bad("service", "not a service prefix");
    }
    if !open(region) && !region.is_empty() && !aws_region(region) {
        return bad("region", "not a region such as `us-east-1`");
    }
    let account_ok = open(account)
        || account.is_empty()
        || account == "aws"
        || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    if !account_ok {
        return bad("account", "an account id has 12 digits");
    }
    if resource.is_empty() || resource.chars().any(|c| c.is_control() || c == '"') {
        return bad(
            "resource",
            "the resource part is empty or holds a control character or a quote",
        );
    }
    Ok(())
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-7`...
fn aws_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// AWS tags: keys 1-128 and values 0-256 characters of letters, digits, spaces and
/// `_.:/=+-@`; keys cannot start with `aws:`.
fn tag(v: &str, key: bool) -> Verdict {
    let ok_char = |c: char| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c);
    let len = v.chars().count();
    let ok = if key {
        (1..=128).contains(&len) && !v.to_ascii_lowercase().starts_with("aws:")
    } else {
        len <= 256
    } && v.chars().all(ok_char);
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        if key { "a valid tag key" } else { "a valid tag value" },
        "tags take letters, digits, spaces and `_.:/=+-@` (keys 1-128 characters, not starting with `aws:`; values up to 256)",
        "choose a key such as `vendor.example/managed`",
    ))
}

fn name_prefix(v: &str) -> Verdict {
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "a valid name prefix",
        "the prefix begins resource names and ARNs: 1 to 64 letters, digits, `-`, `_` or `.`",
        "use a short lowercase word such as the vendor's name",
    ))
}

fn email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && (local.chars().chain(domain.chars()))
            .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c))
}

fn gcp_service_account(v: &str) -> Verdict {
    let id = |s: &str| {
        (6..=30).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let ok = if v.contains('@') {
        email(v) && v.ends_with(".gserviceaccount.com")
    } else {
        id(v)
    };
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "a GCP service account",
        "expected `NAME@PROJECT.iam.gserviceaccount.com`, or an account id of 6 to 30 lowercase letters, digits and `-`",
        "use the service account's email",
    ))
}

fn workload_identity(v: &str) -> bool {
    let Some((pool, rest)) = v.split_once(".svc.id.goog[") else {
        return false;
    };
    let Some((ns, ksa)) = rest.strip_suffix(']').and_then(|r| r.split_once('/')) else {
        return false;
    };
    gcp_project(pool) && namespace(ns).is_ok() && k8s_name(ksa).is_ok()
}

fn gcp_member(v: &str) -> Verdict {
    let ok = match v.split_once(':') {
        _ if v == "allUsers" || v == "allAuthenticatedUsers" => true,
        // Workload identity: `serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA]`.
        Some(("serviceAccount", rest)) if rest.contains(".svc.id.goog[") => workload_identity(rest),
        Some(("user" | "serviceAccount" | "group", rest)) => email(rest),
        Some(("domain", rest)) => {
            rest.contains('.')
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        }
        Some(("principal" | "principalSet", rest)) => {
            rest.starts_with("//") && rest.len() > 2 && !rest.contains(char::is_whitespace)
        }
        Some(("projectOwner" | "projectEditor" | "projectViewer", rest)) => !rest.is_empty(),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "a GCP member",
        "expected `serviceAccount:EMAIL`, `user:EMAIL`, `group:EMAIL`, `domain:DOMAIN`, `principal://...` or `principalSet://...`",
        "write the member with its type, such as `serviceAccount:ci@vendor.iam.gserviceaccount.com`",
    ))
}

fn gcp_resource(_v: &str, ok: bool, what: &str, label: &str) -> Verdict {
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0902,
        what,
        label,
        "name the resource as GCP does (`gcloud ... list` prints it)",
    ))
}

fn bucket(v: &str) -> bool {
    (3..=63).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn numeric_id(v: &str) -> bool {
    !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_digit())
}

fn gcp_role_id(v: &str) -> Verdict {
    if crate::check::cloud_names::valid_role_id(v) {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0115,
        "a valid GCP role id",
        "GCP role ids match `[a-zA-Z0-9_.]{3,64}`",
        "use letters, digits, `_` and `.` only, 3 to 64 of them",
    ))
}

fn azure_scope(v: &str) -> Verdict {
    if v.trim() == "/" {
        let mut p = Problem::new(
            Code::E0502,
            "an assignable scope",
            "tenant root",
            "scope it to a subscription or resource group",
        );
        p.fix = Some("\"/subscriptions/${subscription_id}\"".into());
        p.message = Some("the root scope `/` is not assignable by a custom role".into());
        return Err(p);
    }
    let segments: Vec<&str> = v.strip_prefix('/').unwrap_or("").split('/').collect();
    let shaped = v.starts_with('/')
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.()".contains(c))
        });
    let ok = shaped
        && match segments.as_slice() {
            ["subscriptions", id, rest @ ..] => {
                is_guid(id) && (rest.is_empty() || rest[0].eq_ignore_ascii_case("resourceGroups"))
            }
            ["providers", ns, "managementGroups", _] => {
                ns.eq_ignore_ascii_case("Microsoft.Management")
            }
            _ => false,
        };
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "an Azure assignable scope",
        "expected `/subscriptions/GUID`, a resource group or resource below it, or `/providers/Microsoft.Management/managementGroups/ID`",
        "scope it as `/subscriptions/${subscription_id}/resourceGroups/NAME`",
    ))
}

/// A DNS-1123 subdomain, as Kubernetes names Roles, ClusterRoles and service accounts.
fn k8s_name(v: &str) -> Verdict {
    let ok = !v.is_empty()
        && v.len() <= 253
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        return Ok(());
    }
    let fixed: String = v
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut p = Problem::new(
        Code::E0115,
        "a valid Kubernetes name",
        "names must be lowercase DNS subdomains",
        "use lowercase letters, digits, `-` and `.`",
    );
    let fixed = fixed.trim_matches('-');
    if !fixed.is_empty() && !placeholder(v) {
        p.fix = Some(format!("\"{fixed}\""));
    }
    Err(p)
}

/// A DNS-1123 label, as Kubernetes names namespaces.
fn namespace(v: &str) -> Verdict {
    let ok = !v.is_empty()
        && v.len() <= 63
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0115,
        "a valid Kubernetes namespace",
        "namespaces are DNS labels: up to 63 lowercase letters, digits and `-`",
        "use lowercase letters, digits and `-`, starting and ending with a letter or digit",
    ))
}

fn ou_id(v: &str) -> Verdict {
    let lower_alnum = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let ok = match v.split('-').collect::<Vec<_>>().as_slice() {
        ["ou", root, id] => {
            (4..=32).contains(&root.len())
                && lower_alnum(root)
                && (8..=32).contains(&id.len())
                && lower_alnum(id)
        }
        ["r", root] => (4..=32).contains(&root.len()) && lower_alnum(root),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        Code::E0116,
        "an AWS Organizations OU or root id",
        "expected `ou-xxxx-xxxxxxxx` or `r-xxxx`",
        "use the id `aws organizations list-organizational-units-for-parent` prints",
    ))
}

/// Checks every value in its slot, after parameters are filled.
pub fn check(decls: &Decls, params: &Params, diags: &mut Vec<Diagnostic>) {
    visit(decls, &mut |slot, s| {
        let value = params.rendered(&s.node);
        if let Err(p) = slot.check(&value) {
            diags.push(diagnostic(s, &value, *p, params));
        }
    });
    implicit(decls, params, diags);
    template_free(decls, params, diags);
}

/// Parameter values never hold `${` or `%{` (see
/// [`template_in_value`](crate::resolve::params::template_in_value)): E0116 at the
/// default, or at the deployment's name for a value given outside the source (the
/// command line refuses those before it compiles; the editor's settings reach here).
fn template_free(decls: &Decls, params: &Params, diags: &mut Vec<Diagnostic>) {
    let Some(dep) = decls.deployment else {
        return;
    };
    for (name, value, origin) in params.values() {
        // The prefix is source text (`"demo-${env}"`): its references are genuine.
        if matches!(origin, Origin::Prefix(_)) {
            continue;
        }
        let Some(found) = crate::resolve::params::template_in_value(value) else {
            continue;
        };
        let message = format!("the value of `{name}` holds `{found}`");
        let why = "values cannot hold `${` or `%{`: the tools that apply the documents would read them as a placeholder or a template";
        let d = match origin {
            Origin::Default(span) | Origin::Prefix(span) => {
                Diagnostic::new(Code::E0116, *span, message).label(why)
            }
            Origin::Given(from) => Diagnostic::new(Code::E0116, dep.name.span, message)
                .label(why)
                .note(format!(
                    "`{name}` is `{}`, from {from}",
                    value.escape_debug()
                )),
        };
        diags.push(d.help(format!("give `{name}` a value without `${{` or `%{{`")));
    }
}

/// The implicit parameters land in the names engc generates (every ARN holds
/// `region` and `account_id`), where no source string shows them: their values are
/// checked as such, at their default or, when given outside the source, at the
/// deployment's name.
fn implicit(decls: &Decls, params: &Params, diags: &mut Vec<Diagnostic>) {
    let Some(dep) = decls.deployment else {
        return;
    };
    use crate::syntax::ast::Cloud;
    type Kind = (&'static str, Cloud, fn(&str) -> bool, &'static str);
    let kinds: [Kind; 4] = [
        (
            "region",
            Cloud::Aws,
            aws_region,
            "an AWS region such as `us-east-1`",
        ),
        (
            "account_id",
            Cloud::Aws,
            |v| v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()),
            "an AWS account id (12 digits)",
        ),
        (
            "project_id",
            Cloud::Gcp,
            gcp_project,
            "a GCP project id (6 to 30 lowercase letters, digits and `-`)",
        ),
        (
            "subscription_id",
            Cloud::Azure,
            is_guid,
            "an Azure subscription id (a GUID)",
        ),
    ];
    for (name, cloud, ok, what) in kinds {
        if !decls.targets(cloud) {
            continue; // the parameter lands in no generated name then
        }
        let Some((v, origin)) = params.value(name) else {
            continue;
        };
        if placeholder(v) || ok(v) {
            continue;
        }
        let shown = v.escape_debug();
        let (span, label, note) = match origin {
            Origin::Default(span) => (*span, format!("`{name}` is `{shown}` here"), None),
            Origin::Prefix(span) => (*span, format!("`{name}` is `{shown}` here"), None),
            Origin::Given(from) => (
                dep.name.span,
                format!("generated names of this deployment use `{name}`"),
                Some(format!("`{name}` is `{shown}`, from {from}")),
            ),
        };
        let mut d = Diagnostic::new(Code::E0116, span, format!("`{shown}` is not {what}"))
            .label(label)
            .help(format!("give `{name}` {what}"));
        if let Some(n) = note {
            d = d.note(n);
        }
        diags.push(d);
    }
}

/// A GCP project id: 6-30 lowercase letters, digits and `-`, starting with a letter.
fn gcp_project(v: &str) -> bool {
    (6..=30).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_lowercase())
        && !v.ends_with('-')
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn diagnostic(s: &Str, value: &str, p: Problem, params: &Params) -> Diagnostic {
    const MAX: usize = 80;
    let shown: String = if value.chars().count() > MAX {
        value.chars().take(MAX).chain("...".chars()).collect()
    } else {
        value.to_string()
    };
    let shown = shown.escape_debug().to_string();
    let message = p
        .message
        .unwrap_or_else(|| format!("`{shown}` is not {}", p.what));
    let mut d = Diagnostic::new(p.code, s.span, message).label(p.label);
    let filled = params.filled(&s.node);
    for (name, v, origin) in &filled {
        let v = v.escape_debug();
        match origin {
            Origin::Default(span) => {
                d = d.with_secondary(*span, format!("`{name}` is `{v}` here"));
            }
            Origin::Prefix(span) => {
                d = d.with_secondary(*span, format!("the prefix is `{v}` here"));
            }
            Origin::Given(from) => {
                d = d.note(format!("`{name}` is `{v}`, from {from}"));
            }
        }
    }
    match p.fix {
        Some(fix) if filled.is_empty() => d.suggest(s.span, fix, p.help),
        _ => d.help(p.help),
    }
}

/// Every string that lands in a slot, with its slot.
fn visit(decls: &Decls, f: &mut dyn FnMut(Slot, &Str)) {
    if let Some(d) = decls.deployment {
        if let Some((k, v)) = &d.managed_tag {
            f(Slot::TagKey, k);
            f(Slot::TagValue, v);
        }
        if let Some(p) = &d.name_prefix {
            f(Slot::NamePrefix, p);
        }
    }
    for p in decls.principals.values() {
        if let Some(r) = &p.aws_role {
            f(Slot::AwsPrincipal, &r.arn);
            if let Some(e) = &r.external_id {
                f(Slot::ExternalId, e);
            }
        }
        if let Some(g) = &p.gcp_service_account {
            f(Slot::GcpServiceAccount, &g.account);
            for m in &g.impersonated_by {
                f(Slot::GcpMember, m);
            }
        }
        if let Some(a) = &p.azure_principal {
            f(Slot::AzurePrincipal, a);
        }
        if let Some(k) = &p.k8s_service_account {
            f(Slot::K8sName, &k.name);
            f(Slot::Namespace, &k.namespace);
        }
    }
    for e in decls.engines.values() {
        for n in &e.namespaces {
            f(Slot::Namespace, n);
        }
    }
    let statement = |st: &ast::AwsStatement, f: &mut dyn FnMut(Slot, &Str)| {
        for r in st.resources.iter().flatten() {
            if r.node.starts_with("arn:") {
                f(Slot::Arn, r);
            }
        }
    };
    for a in decls.accesses.values() {
        if let Some(id) = &a.gcp_role_id {
            f(Slot::GcpRoleId, id);
        }
        for s in &a.azure_scopes {
            f(Slot::AzureScope, s);
        }
        for r in &a.k8s {
            if let Some(n) = &r.name {
                f(Slot::K8sName, n);
            }
            if let Some(ns) = &r.namespace {
                f(Slot::Namespace, ns);
            }
        }
        for st in &a.aws {
            statement(st, f);
        }
        for b in &a.gcp_binds {
            let slot = match b.target.node.as_str() {
                "bucket" => Slot::GcpBucket,
                "folder" => Slot::GcpFolder,
                "organization" => Slot::GcpOrganization,
                "project" => Slot::GcpProject,
                _ => Slot::GcpServiceAccount,
            };
            f(slot, &b.resource);
            for m in &b.members {
                f(Slot::GcpMember, m);
            }
        }
        for z in &a.azure_assigns {
            for s in &z.scopes {
                f(Slot::AzureScope, s);
            }
            for p in &z.principals {
                f(Slot::AzurePrincipal, p);
            }
        }
        // Role names may hold `:` (`system:...`): only the namespace has a shape.
        for k in &a.k8s_binds {
            if let Some(ns) = &k.namespace {
                f(Slot::Namespace, ns);
            }
        }
    }
    for s in decls.scps.values() {
        f(Slot::OuId, &s.ou);
        for st in &s.statements {
            statement(st, f);
        }
    }
    for s in decls.stores.values() {
        if s.policy.is_empty() {
            continue;
        }
        let policy = decls.store_policy(s).map(|i| i.kind);
        if let (Some(n), Some(Kind::Bucket)) = (&s.resource_name, policy) {
            if !n.node.contains(['*', '?']) {
                f(Slot::BucketName, n);
            }
        }
        for p in &s.policy {
            for x in &p.principals {
                if let ast::PolicyPrincipal::Literal(l) = x {
                    if principal_form(&l.node) == PrincipalForm::Aws && !l.node.contains('*') {
                        f(Slot::AwsPrincipal, l);
                    }
                }
            }
            statement(&p.statement, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(slot: Slot, v: &str) -> bool {
        slot.check(v).is_ok()
    }

    #[test]
    fn slots() {
        assert!(ok(Slot::ExternalId, "a1b2-c3d4"));
        assert!(ok(Slot::BucketName, "shop-data.eu-1"));
        assert!(!ok(Slot::BucketName, "Shop_Data"));
        assert!(!ok(Slot::BucketName, "-shop"));
        assert!(!ok(Slot::BucketName, "ab"));
        assert!(!ok(Slot::ExternalId, "x"));
        assert!(!ok(Slot::ExternalId, "x\"; y"));
        assert!(ok(Slot::Namespace, "shop"));
        assert!(!ok(Slot::Namespace, "x\"; kind: ClusterRole"));
        assert!(!ok(Slot::Namespace, "Shop"));
        assert!(ok(
            Slot::AzureScope,
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
        ));
        assert!(ok(
            Slot::AzureScope,
            "/providers/Microsoft.Management/managementGroups/mg1"
        ));
        assert!(!ok(Slot::AzureScope, "/"));
        assert!(!ok(Slot::AzureScope, ""));
        assert!(!ok(Slot::AzureScope, "/subscriptions/abc"));
        assert!(ok(Slot::AzureScope, "/subscriptions/${subscription_id}"));
        assert!(ok(Slot::Arn, "arn:aws:s3:::shop-*"));
        assert!(ok(
            Slot::Arn,
            "arn:aws:eks:${region}:${account_id}:cluster/*"
        ));
        assert!(ok(Slot::Arn, "arn:aws:iam::${aws:username}:user/x"));
        assert!(!ok(Slot::Arn, "arn:aws:eks:us-east-1:12345:cluster/*"));
        assert!(!ok(Slot::Arn, "arn:aws:eks:nowhere:123456789012:cluster/*"));
        assert!(!ok(Slot::Arn, "arn:aws:s3"));
        assert!(ok(Slot::Arn, "arn:aws:ecr:*"));
        assert!(ok(
            Slot::AwsPrincipal,
            "arn:aws:iam::754784422779:role/chalk-api-server"
        ));
        assert!(ok(Slot::AwsPrincipal, "*"));
        assert!(!ok(Slot::AwsPrincipal, "arn:aws:s3:::bucket"));
        assert!(ok(
            Slot::GcpMember,
            "serviceAccount:ci@vendor-prod.iam.gserviceaccount.com"
        ));
        assert!(ok(Slot::GcpMember, "allAuthenticatedUsers"));
        assert!(ok(
            Slot::GcpMember,
            "serviceAccount:shop-prod.svc.id.goog[shop/api]"
        ));
        assert!(!ok(
            Slot::GcpMember,
            "serviceAccount:shop-prod.svc.id.goog[Shop/api]"
        ));
        assert!(ok(Slot::GcpBucket, "shop-data"));
        assert!(!ok(Slot::GcpBucket, "Shop_Data!"));
        assert!(ok(Slot::GcpFolder, "folders/123456"));
        assert!(!ok(Slot::GcpOrganization, "example.com"));
        assert!(!ok(
            Slot::GcpMember,
            "ci@vendor-prod.iam.gserviceaccount.com"
        ));
        assert!(ok(
            Slot::GcpServiceAccount,
            "shop-vendor@p.iam.gserviceaccount.com"
        ));
        assert!(!ok(Slot::GcpServiceAccount, "shop-vendor@gmail.com"));
        assert!(ok(
            Slot::AzurePrincipal,
            "11111111-2222-3333-4444-555555555555"
        ));
        assert!(!ok(Slot::AzurePrincipal, "my-app"));
        assert!(ok(Slot::OuId, "ou-ab12-cdefgh34"));
        assert!(ok(Slot::OuId, "r-ab12"));
        assert!(!ok(Slot::OuId, "root"));
        assert!(ok(Slot::TagKey, "chalk.ai/managed-by"));
        assert!(!ok(Slot::TagKey, "aws:managed"));
        assert!(!ok(Slot::TagValue, "a\"b"));
    }
}
