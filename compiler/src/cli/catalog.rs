//! `engc catalog <aws|gcp|azure|k8s> NAME-OR-PATTERN` (being written).

#[derive(clap::Args)]
pub struct CatalogArgs {
    /// aws, gcp, azure or k8s.
    cloud: String,
    /// A name (`s3:GetObject`) or a pattern (`ec2:Describe*`).
    name: String,
}

pub fn run(_args: &CatalogArgs) -> i32 {
    super::EXIT_USAGE
}
