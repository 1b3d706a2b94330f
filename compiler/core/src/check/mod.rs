//! The checks: each a function over the resolved declarations (or, after lowering,
//! the model) that pushes diagnostics. None compares all pairs.

pub mod aws_catalog;
pub mod aws_dead;
pub mod aws_statements;
pub mod bindings;
pub mod cidr;
pub mod cloud_catalogs;
pub mod cloud_names;
pub mod k8s;
pub mod limits;
pub mod netrules;
pub mod placeholders;
pub mod relations;
pub mod resource_policies;
pub mod risk;
pub mod roles;
pub mod values;
