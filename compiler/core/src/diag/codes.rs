//! Every diagnostic code engc emits, with its severity and a one-line summary. The
//! README's diagnostics list and `engc explain` are generated from this table.

use super::Severity;
use Severity::*;

/// A diagnostic code. Each is a constant generated from the table below
/// (`Code::W0411`), so a misspelt code does not compile, and logic compares codes,
/// not strings. The registry is the one place a code's severity and summary live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code(u16);

/// A code's entry in the registry.
pub struct Entry {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

macro_rules! codes {
    ($( $code:ident $sev:ident $summary:literal ),* $(,)?) => {
        /// Every code, in the table's order.
        pub const ALL: &[Entry] = &[ $( Entry { code: Code::$code, name: stringify!($code), severity: $sev, summary: $summary } ),* ];

        /// The names alone, for [`index_of`].
        const NAMES: &[&str] = &[ $( stringify!($code) ),* ];

        impl Code {
            $( pub const $code: Code = Code(index_of(stringify!($code))); )*
        }
    };
}

/// A name's position in the table, at compile time.
const fn index_of(name: &str) -> u16 {
    let want = name.as_bytes();
    let mut i = 0;
    while i < NAMES.len() {
        let n = NAMES[i].as_bytes();
        if n.len() == want.len() {
            let mut j = 0;
            while j < n.len() && n[j] == want[j] {
                j += 1;
            }
            if j == n.len() {
                return i as u16;
            }
        }
        i += 1;
    }
    panic!("not in the table")
}

codes! {
    // Input and syntax.
    E0001 Error   "syntax error",
    E0002 Error   "a `use`d file cannot be read",
    E0003 Error   "the input is not valid UTF-8 text",
    E0004 Error   "no `deployment` block, or more than one",
    E0005 Error   "a setting given twice in one block",
    E0006 Error   "a required setting is missing",
    E0007 Error   "an empty list where at least one name is needed",
    // Names and references.
    E0101 Error   "unknown name",
    E0102 Error   "a name declared twice",
    E0103 Error   "a reference to the wrong kind of declaration",
    E0104 Error   "unknown engine or store kind",
    E0105 Error   "unknown platform component",
    E0106 Error   "a store or engine kind that a target cloud does not offer",
    E0107 Error   "unknown parameter in `${...}`",
    E0108 Error   "a grant for a cloud the principal has no identity on",
    W0109 Warning "a grant for a cloud the deployment does not target",
    E0110 Error   "`tag` condition without a `managed_tag` in the deployment",
    E0111 Error   "unknown IAM condition operator",
    E0112 Error   "a component that the engine's kind does not support",
    W0113 Warning "a declaration nothing refers to",
    E0114 Error   "an AWS statement Sid that is not alphanumeric, or used twice",
    E0115 Error   "a name that the target cannot use",
    E0116 Error   "a value the target refuses where it lands (external id, ARN, Azure scope or id, GCP member, OU id, tag)",
    W0117 Warning "a parameter without a value stays a `${...}` placeholder in written documents (an error with `--strict`)",
    // CIDR plans.
    E0201 Error   "malformed CIDR block",
    E0202 Error   "CIDR block with host bits set",
    E0203 Error   "subnet outside its network's block",
    E0204 Error   "overlapping subnets",
    W0205 Warning "overlapping networks",
    E0206 Error   "pod or service range overlapping the network",
    E0207 Error   "prefix length a target cloud refuses",
    W0208 Warning "public address space used for a private range",
    E0209 Error   "IPv4 and IPv6 blocks mixed in one network",
    // Kubernetes RBAC.
    E0301 Error   "cluster-scoped resource in a namespaced Role",
    W0302 Warning "duplicate Kubernetes rule or verb",
    E0303 Error   "unknown Kubernetes verb",
    E0304 Error   "unknown resource of a built-in Kubernetes API group",
    W0305 Warning "a Kubernetes API group that no longer serves the resource",
    W0306 Warning "unknown Kubernetes API group (neither built in nor a declared CRD)",
    E0307 Error   "a Kubernetes rule mixing `urls` with resources, or `urls` in a namespaced Role",
    // AWS.
    W0401 Warning "cross-account trust without `sts:ExternalId`",
    W0402 Warning "duplicate action or permission",
    E0403 Error   "malformed action or permission name",
    W0404 Warning "wildcard principal in a trust policy",
    W0405 Warning "AWS managed policy meant for a service-linked role",
    E0406 Error   "unknown AWS action or service",
    E0407 Error   "AWS wildcard that matches no action",
    W0408 Warning "condition the request never carries: the grant never applies",
    W0409 Warning "`aws:ResourceTag` on a create action",
    W0410 Warning "action on `*` in a scoped level that supports resource ARNs",
    W0411 Warning "privilege escalation or credential exposure: a capability the principal's effective access gives (an error in a scoped level until acknowledged)",
    E0412 Error   "a write that supports no resource in a scoped level",
    W0418 Warning "an action that never applies to the statement's resources (it takes no resource, or none of their types)",
    W0419 Warning "a resource that no action of the statement takes (malformed ARN, or another type)",
    W0420 Warning "a statement that repeats another one of the same level",
    E0421 Error   "a trust principal of the wrong shape (service name, account, role or provider ARN, OIDC issuer)",
    E0422 Error   "a trust action that is not one of assuming a role, or not for that principal",
    W0423 Warning "a trust condition key the request of the trust actions never carries",
    W0424 Warning "web identity (OIDC) trust without a `sub` condition: any identity of the provider can assume the role",
    W0425 Warning "an instance profile for a role EC2 cannot assume",
    E0426 Error   "a permissions boundary level that cannot be one managed policy (granted, inline, empty or split)",
    W0427 Warning "role creation without requiring the deployment's permissions boundary",
    E0428 Error   "`aws inline` in an access level granted to no principal",
    E0429 Error   "inline policies of one AWS role over 10,240 characters",
    // Relations between access levels.
    E0701 Error   "an access level grants what the level it is `within` does not",
    E0702 Error   "`within` names the access level itself",
    // Target limits.
    E0801 Error   "more than 10 managed policies for one AWS role",
    E0802 Error   "AWS trust policy over 2,048 characters",
    E0803 Error   "GCP custom role over 3,000 permissions",
    E0804 Error   "GCP role title over 100 bytes or description over 300 bytes",
    E0805 Error   "service control policy over 5,120 characters",
    E0806 Error   "an AWS statement too large for any one policy",
    // GCP and Azure catalogs.
    E0413 Error   "unknown GCP permission (checked against a `--catalog` file)",
    E0414 Error   "GCP permission that custom roles do not support",
    E0415 Error   "Azure data action listed as an action, or the reverse",
    E0416 Error   "unknown Azure operation (checked against a `--catalog` file)",
    E0417 Error   "writes in a scoped level that nothing bounds (no managed tag, name or prefix applies)",
    // Azure.
    E0501 Error   "Azure role without assignable scopes",
    E0502 Error   "Azure assignable scope is the root `/`",
    // Acknowledgements.
    W0601 Warning "acknowledgement that matches no warning",
    E0602 Error   "acknowledgement of an error or of an unknown code",
}

impl Code {
    fn entry(self) -> &'static Entry {
        &ALL[self.0 as usize]
    }

    /// `W0411`.
    pub fn as_str(self) -> &'static str {
        self.entry().name
    }

    pub fn severity(self) -> Severity {
        self.entry().severity
    }

    pub fn summary(self) -> &'static str {
        self.entry().summary
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests and tools compare codes with their names.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By name, as people read them.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The code named `name` (user input, such as `ack W0411`), if there is one.
pub fn lookup(name: &str) -> Option<&'static Entry> {
    ALL.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefix_matches_severity() {
        let mut seen = std::collections::BTreeSet::new();
        for (i, c) in ALL.iter().enumerate() {
            assert!(seen.insert(c.name), "duplicate code {}", c.name);
            assert_eq!(c.code.0 as usize, i, "{}", c.name);
            assert_eq!(c.code.as_str(), c.name);
            let want = match c.severity {
                Error => 'E',
                Warning => 'W',
                Note => 'N',
            };
            assert!(c.name.starts_with(want), "{} has the wrong letter", c.name);
        }
    }
}
