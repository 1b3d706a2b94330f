//! Network plans: the CIDR plan as data a Terraform module can take (the shape of
//! Chalk's `vpc_cidr_block` / `vpc_subnets` variables).

use super::json::to_json;
use super::{kind, OutputFile, Target};
use crate::model::{Model, NetRule, Network, Peer};
use serde::Serialize;
use serde_with::skip_serializing_none;

/// `network/<name>.json` for every network.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    model.networks.iter().map(network_file).collect()
}

#[skip_serializing_none]
#[derive(Serialize)]
struct Plan<'a> {
    vpc_cidr_block: Option<&'a str>,
    vpc_subnets: Vec<SubnetPlan<'a>>,
    pod_cidr_block: Option<&'a str>,
    service_cidr_block: Option<&'a str>,
    psc_cidr_block: Option<&'a str>,
    master_cidr_block: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    firewall_rules: Vec<RulePlan<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    connected_networks: &'a [String],
}

#[derive(Serialize)]
struct RulePlan<'a> {
    name: &'a str,
    direction: &'static str,
    protocol: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<String>,
    /// The sources of an ingress rule, the destinations of an egress rule.
    peers: Vec<PeerPlan<'a>>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct PeerPlan<'a> {
    subnet: Option<&'a str>,
    cidr_block: Option<&'a str>,
    tag: Option<&'a str>,
}

#[derive(Serialize)]
struct SecondaryPlan<'a> {
    range_name: &'a str,
    ip_cidr_range: &'a str,
}

/// `443`, or `8000-8999` for a range: as GCP and Azure write ports.
pub fn port_text((a, b): (u16, u16)) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    }
}

fn rule_plan(r: &NetRule) -> RulePlan<'_> {
    RulePlan {
        name: &r.name,
        direction: r.direction.as_str(),
        protocol: r.protocol.as_str(),
        ports: r.ports.iter().map(|&p| port_text(p)).collect(),
        peers: r
            .peers
            .iter()
            .map(|p| match p {
                Peer::Cidr(c) => PeerPlan {
                    subnet: None,
                    cidr_block: Some(c),
                    tag: None,
                },
                Peer::Subnet { name, cidr } => PeerPlan {
                    subnet: Some(name),
                    cidr_block: Some(cidr),
                    tag: None,
                },
                Peer::Tag(t) => PeerPlan {
                    subnet: None,
                    cidr_block: None,
                    tag: Some(t),
                },
            })
            .collect(),
    }
}

#[skip_serializing_none]
#[derive(Serialize)]
struct SubnetPlan<'a> {
    name: &'a str,
    cidr_block: &'a str,
    az: Option<&'a str>,
    public_cidr_block: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    secondary_ip_ranges: Vec<SecondaryPlan<'a>>,
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
                secondary_ip_ranges: s
                    .secondary
                    .iter()
                    .map(|(n, c)| SecondaryPlan {
                        range_name: n,
                        ip_cidr_range: c,
                    })
                    .collect(),
            })
            .collect(),
        pod_cidr_block: net.pods.as_deref(),
        service_cidr_block: net.services.as_deref(),
        psc_cidr_block: net.psc.as_deref(),
        master_cidr_block: net.master.as_deref(),
        firewall_rules: net.rules.iter().map(rule_plan).collect(),
        connected_networks: &net.connects,
    };
    let path = format!("network/{}.json", net.name);
    OutputFile::new(Target::Network, path, kind::NETWORK_PLAN, to_json(&plan))
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
