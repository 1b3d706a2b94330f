//! Network plans: the CIDR plan as data a Terraform module can take (the shape of
//! Chalk's `vpc_cidr_block` / `vpc_subnets` variables).

use super::json::to_json;
use super::{kind, OutputFile, Target};
use crate::model::{Model, Network};
use serde::Serialize;

/// `network/<name>.json` for every network.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    model.networks.iter().map(network_file).collect()
}

#[derive(Serialize)]
struct Plan<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    vpc_cidr_block: Option<&'a str>,
    vpc_subnets: Vec<SubnetPlan<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_cidr_block: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_cidr_block: Option<&'a str>,
}

#[derive(Serialize)]
struct SubnetPlan<'a> {
    name: &'a str,
    cidr_block: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    az: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_cidr_block: Option<&'a str>,
}

fn network_file(net: &Network) -> OutputFile {
    let plan = Plan {
        vpc_cidr_block: net.cidr.as_deref(),
        vpc_subnets: net
            .subnets
            .iter()
            .map(|s| SubnetPlan {
                name: &s.name,
                cidr_block: &s.cidr,
                az: s.zone.as_deref(),
                public_cidr_block: s.public.as_deref(),
            })
            .collect(),
        pod_cidr_block: net.pods.as_deref(),
        service_cidr_block: net.services.as_deref(),
    };
    OutputFile {
        path: format!("network/{}.json", net.name),
        target: Some(Target::Network),
        kind: kind::NETWORK_PLAN,
        access: None,
        principal: None,
        ou: None,
        store: None,
        inputs: None,
        contents: to_json(&plan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::sample_model;

    #[test]
    fn plans() {
        let model = sample_model();
        let files = emit(&model);
        assert_eq!(files, emit(&model));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["network/byo.json", "network/main.json"]);
        insta::assert_snapshot!("main", files[1].contents);
        insta::assert_snapshot!("byo_minimal", files[0].contents);
        for f in &files {
            assert_eq!(f.kind, kind::NETWORK_PLAN);
            assert!(f.contents.ends_with("}\n"));
        }

        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct P {
            vpc_cidr_block: Option<String>,
            vpc_subnets: Vec<S>,
            pod_cidr_block: Option<String>,
            service_cidr_block: Option<String>,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            name: String,
            cidr_block: String,
            az: Option<String>,
            public_cidr_block: Option<String>,
        }
        let main: P = serde_json::from_str(&files[1].contents).unwrap();
        assert_eq!(main.vpc_cidr_block.as_deref(), Some("10.130.0.0/16"));
        assert_eq!(main.vpc_subnets.len(), 3);
        assert_eq!(
            main.vpc_subnets[2].public_cidr_block.as_deref(),
            Some("10.130.80.0/20")
        );
        assert_eq!(main.pod_cidr_block.as_deref(), Some("100.64.0.0/16"));
        assert_eq!(main.service_cidr_block.as_deref(), Some("172.20.0.0/16"));
        let byo: P = serde_json::from_str(&files[0].contents).unwrap();
        assert!(byo.vpc_cidr_block.is_none() && byo.pod_cidr_block.is_none());
        assert!(byo.vpc_subnets[0].az.is_none());
    }
}
