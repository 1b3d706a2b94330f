//! Resource policies written next to a store: which store kinds have one (by the AWS
//! service of the kind), what it is called, and the condition keys that limit who a
//! public statement reaches.

/// A kind of resource policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An S3 bucket policy.
    Bucket,
    /// A KMS key policy.
    Key,
}

pub struct Info {
    pub kind: Kind,
    /// The AWS service of the store kind (its `services` in the kind's `aws` section).
    pub service: &'static str,
    /// In prose: `bucket policy`.
    pub title: &'static str,
    /// The file name's kind, also the manifest's `kind`: `aws/STORE.bucket-policy.json`.
    pub file_kind: &'static str,
    /// What the store's `name` must then be, in prose.
    pub name_is: &'static str,
    /// The most characters (white space excluded) the service takes.
    pub size_limit: usize,
}

pub const ALL: &[Info] = &[
    Info {
        kind: Kind::Bucket,
        service: "s3",
        title: "bucket policy",
        file_kind: crate::backend::kind::BUCKET_POLICY,
        name_is: "the bucket's name",
        size_limit: 20 * 1024,
    },
    Info {
        kind: Kind::Key,
        service: "kms",
        title: "key policy",
        file_kind: crate::backend::kind::KEY_POLICY,
        name_is: "the key's id or ARN",
        size_limit: 32 * 1024,
    },
];

impl Kind {
    pub fn info(self) -> &'static Info {
        ALL.iter()
            .find(|i| i.kind == self)
            .expect("every kind is listed")
    }
}

/// The resource policy of a store kind whose AWS services are `services`.
pub fn for_services<'s>(mut services: impl Iterator<Item = &'s str>) -> Option<&'static Info> {
    services.find_map(|s| ALL.iter().find(|i| i.service == s))
}

/// Condition keys that, tested for fixed values, limit a statement for any principal
/// (`*`) to one organization, account, source or network: the keys S3 Block Public
/// Access and IAM Access Analyzer accept as making a policy not public.
pub const LIMITING_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:userid",
    "kms:CallerAccount",
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
];

/// Operators that test a key for given values (not their negation, not `...IfExists`,
/// which a request without the key passes).
pub const LIMITING_OPERATORS: &[&str] = &[
    "ArnEquals",
    "ArnLike",
    "IpAddress",
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
];

/// Condition keys whose value is an account id or names one.
pub const ACCOUNT_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "kms:CallerAccount",
];

/// How a resource policy principal is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalForm {
    /// `*`: anyone.
    Any,
    /// An account id, an IAM or STS ARN, or a parameter standing for one: `{"AWS": ...}`.
    Aws,
    /// A service principal (`logs.amazonaws.com`): `{"Service": ...}`.
    Service,
    Invalid,
}

pub fn principal_form(s: &str) -> PrincipalForm {
    let param = s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1;
    let arn = s.starts_with("arn:")
        && matches!(s.split(':').nth(2), Some("iam" | "sts"))
        && s.split(':').count() >= 6;
    let account = s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if s == "*" {
        PrincipalForm::Any
    } else if arn || param || account {
        PrincipalForm::Aws
    } else if !s.contains(':')
        && (s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn"))
    {
        PrincipalForm::Service
    } else {
        PrincipalForm::Invalid
    }
}

/// The account of an AWS principal as written: the ARN's account field or the id.
pub fn principal_account(s: &str) -> &str {
    if s.starts_with("arn:") {
        s.split(':').nth(4).unwrap_or("")
    } else {
        s
    }
}
