//! Vocabularies: one table per concept the language, the checks and the editor share,
//! each with what hover says of its words and what the risk model notes. Every user
//! reads these tables; none keeps a list of its own.
//!
//! - [`access_classes`]: the classes (List ... Permissions management) a report groups
//!   permissions by;
//! - [`k8s_verbs`]: the RBAC verbs the API server authorizes;
//! - [`iam_operators`]: the IAM condition operators;
//! - [`iam_roles`]: trust actions, OIDC claims and the permissions boundary guard;
//! - [`address_ranges`]: the private and shared address ranges;
//! - [`resource_policies`]: the stores' resource policies and what limits a public one;
//! - [`admin_ports`]: administrative ports and the sources that mean the internet;
//! - cloud display names: [`crate::syntax::ast::Cloud::title`].

pub mod access_classes;
pub mod address_ranges;
pub mod admin_ports;
pub mod iam_operators;
pub mod iam_roles;
pub mod k8s_verbs;
pub mod resource_policies;
