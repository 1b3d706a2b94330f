//! Firewall rules of the networks as Terraform resources: an AWS security group with
//! one `aws_vpc_security_group_ingress_rule` / `_egress_rule` per port range and block;
//! a `google_compute_firewall` per rule; an Azure network security group with an
//! `azurerm_network_security_rule` per rule and peer. Written for the networks of each
//! cloud that have rules; the VPC, GCP network and Azure resource group are variables.

use super::{ident, reference, Strings};
use crate::backend::network::port_text;
use crate::model::{Model, NetRule, Network, Peer};
use crate::syntax::ast::{Cloud, Direction, Protocol};
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

/// The networks of `cloud` that have firewall rules.
fn networks(model: &Model, cloud: Cloud) -> impl Iterator<Item = &Network> {
    model
        .networks
        .iter()
        .filter(move |n| n.clouds.contains(&cloud) && !n.rules.is_empty())
}

/// `<prefix>-<network>[-<rule>]`, lowercase with `-` for `_`: a name every cloud takes.
fn resource_name(model: &Model, parts: &[&str]) -> String {
    let mut name = super::aws::base_name(model);
    for p in parts {
        name.push('-');
        name.push_str(&p.to_lowercase().replace('_', "-"));
    }
    name
}

/// A key not taken yet in `map`: `base`, else `base_2`, `base_3`...
fn fresh<T>(map: &BTreeMap<String, T>, base: String) -> String {
    crate::backend::unused_key(map, base, "_")
}

fn description(model: &Model, net: &Network, r: &NetRule) -> String {
    format!(
        "engc: {} network {} rule {}",
        model.deployment.name, net.name, r.name
    )
}

// ---- AWS ----------------------------------------------------------------------------

#[derive(Serialize, Default)]
pub struct Aws {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub aws_security_group: BTreeMap<String, SecurityGroup>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub aws_vpc_security_group_ingress_rule: BTreeMap<String, SgRule>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub aws_vpc_security_group_egress_rule: BTreeMap<String, SgRule>,
}

#[derive(Serialize)]
pub struct SecurityGroup {
    name: String,
    description: String,
    vpc_id: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
pub struct SgRule {
    security_group_id: String,
    description: String,
    ip_protocol: &'static str,
    from_port: Option<i32>,
    to_port: Option<i32>,
    cidr_ipv4: Option<String>,
    cidr_ipv6: Option<String>,
}

/// AWS's protocol and port span for a rule's port range (`-1`: every protocol).
pub fn aws_ports(p: Protocol, range: Option<(u16, u16)>) -> (&'static str, Option<(i32, i32)>) {
    match p {
        Protocol::Tcp | Protocol::Udp => {
            let (a, b) = range.unwrap_or((1, 65535));
            let name = if p == Protocol::Tcp { "tcp" } else { "udp" };
            (name, Some((i32::from(a), i32::from(b))))
        }
        Protocol::Icmp => ("icmp", Some((-1, -1))),
        Protocol::All => ("-1", None),
    }
}

/// One AWS rule entry: protocol, port span, block.
pub type AwsEntry<'a> = (&'static str, Option<(i32, i32)>, &'a str);

/// Each (port range, block) of a rule: AWS takes one of each per rule entry.
pub fn aws_entries(r: &NetRule) -> Vec<AwsEntry<'_>> {
    let ranges: Vec<Option<(u16, u16)>> = if r.ports.is_empty() {
        vec![None]
    } else {
        r.ports.iter().copied().map(Some).collect()
    };
    let mut out = Vec::new();
    for range in ranges {
        for cidr in r.peers.iter().filter_map(Peer::cidr) {
            let (proto, ports) = aws_ports(r.protocol, range);
            out.push((proto, ports, cidr));
        }
    }
    out
}

pub fn aws(model: &Model, s: &Strings) -> Aws {
    let mut out = Aws::default();
    for net in networks(model, Cloud::Aws) {
        let vpc = ident(&["vpc_id", &net.name]);
        s.required_variable(&vpc, format!("The id of the VPC of network `{}`", net.name));
        out.aws_security_group.insert(
            net.name.clone(),
            SecurityGroup {
                name: s.tf(&resource_name(model, &[&net.name])),
                description: s.tf(&format!(
                    "engc: {} network {}",
                    model.deployment.name, net.name
                )),
                vpc_id: format!("${{var.{vpc}}}"),
            },
        );
        for r in &net.rules {
            let map = match r.direction {
                Direction::Ingress => &mut out.aws_vpc_security_group_ingress_rule,
                Direction::Egress => &mut out.aws_vpc_security_group_egress_rule,
            };
            for (proto, ports, cidr) in aws_entries(r) {
                let key = fresh(map, ident(&[&net.name, &r.name]));
                let v6 = cidr.contains(':');
                map.insert(
                    key,
                    SgRule {
                        security_group_id: reference("aws_security_group", &net.name, "id"),
                        description: s.tf(&description(model, net, r)),
                        ip_protocol: proto,
                        from_port: ports.map(|p| p.0),
                        to_port: ports.map(|p| p.1),
                        cidr_ipv4: (!v6).then(|| cidr.to_string()),
                        cidr_ipv6: v6.then(|| cidr.to_string()),
                    },
                );
            }
        }
    }
    out
}

// ---- GCP ----------------------------------------------------------------------------

#[derive(Serialize)]
pub struct Firewall {
    name: String,
    project: String,
    network: String,
    description: String,
    direction: &'static str,
    allow: [Allow; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    source_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    source_tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    destination_ranges: Vec<String>,
}

#[derive(Serialize)]
pub struct Allow {
    protocol: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<String>,
}

pub fn gcp(model: &Model, s: &Strings, project: &str) -> BTreeMap<String, Firewall> {
    let mut out = BTreeMap::new();
    for net in networks(model, Cloud::Gcp) {
        let var = ident(&["network", &net.name]);
        s.required_variable(
            &var,
            format!(
                "The name or self link of the GCP network of network `{}`",
                net.name
            ),
        );
        for r in &net.rules {
            let cidrs: Vec<String> = r
                .peers
                .iter()
                .filter_map(Peer::cidr)
                .map(String::from)
                .collect();
            let tags: Vec<String> = r
                .peers
                .iter()
                .filter_map(|p| match p {
                    Peer::Tag(t) => Some(s.tf(t)),
                    _ => None,
                })
                .collect();
            let ingress = r.direction == Direction::Ingress;
            out.insert(
                ident(&[&net.name, &r.name]),
                Firewall {
                    name: s.tf(&resource_name(model, &[&net.name, &r.name])),
                    project: project.to_string(),
                    network: format!("${{var.{var}}}"),
                    description: s.tf(&description(model, net, r)),
                    direction: if ingress { "INGRESS" } else { "EGRESS" },
                    allow: [Allow {
                        protocol: r.protocol.as_str(),
                        ports: r.ports.iter().map(|&p| port_text(p)).collect(),
                    }],
                    source_ranges: if ingress { cidrs.clone() } else { Vec::new() },
                    source_tags: if ingress { tags } else { Vec::new() },
                    destination_ranges: if ingress { Vec::new() } else { cidrs },
                },
            );
        }
    }
    out
}

// ---- Azure --------------------------------------------------------------------------

#[derive(Serialize, Default)]
pub struct Azure {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub azurerm_network_security_group: BTreeMap<String, Nsg>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub azurerm_network_security_rule: BTreeMap<String, NsgRule>,
}

#[derive(Serialize)]
pub struct Nsg {
    name: String,
    location: String,
    resource_group_name: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
pub struct NsgRule {
    name: String,
    description: String,
    priority: u32,
    direction: &'static str,
    access: &'static str,
    protocol: &'static str,
    source_port_range: &'static str,
    destination_port_range: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    destination_port_ranges: Vec<String>,
    source_address_prefix: String,
    destination_address_prefix: String,
    resource_group_name: String,
    network_security_group_name: String,
}

/// Azure's lowest priority number engc gives; each rule of a direction takes the next.
pub const AZURE_FIRST_PRIORITY: u32 = 100;

pub fn azure(model: &Model, s: &Strings) -> Azure {
    let mut out = Azure::default();
    for net in networks(model, Cloud::Azure) {
        let rg = ident(&["resource_group_name", &net.name]);
        let location = ident(&["location", &net.name]);
        s.required_variable(
            &rg,
            format!(
                "The resource group of the network security group of network `{}`",
                net.name
            ),
        );
        s.required_variable(
            &location,
            format!(
                "The Azure region of the network security group of network `{}`",
                net.name
            ),
        );
        out.azurerm_network_security_group.insert(
            net.name.clone(),
            Nsg {
                name: s.tf(&resource_name(model, &[&net.name])),
                location: format!("${{var.{location}}}"),
                resource_group_name: format!("${{var.{rg}}}"),
            },
        );
        let mut next = [AZURE_FIRST_PRIORITY; 2];
        for r in &net.rules {
            let ingress = r.direction == Direction::Ingress;
            let protocol = match r.protocol {
                Protocol::Tcp => "Tcp",
                Protocol::Udp => "Udp",
                Protocol::Icmp => "Icmp",
                Protocol::All => "*",
            };
            for (i, peer) in r.peers.iter().enumerate() {
                let prefix = match peer {
                    Peer::Tag(t) => s.tf(t),
                    p => p.cidr().unwrap_or("*").to_string(),
                };
                let name = if r.peers.len() == 1 {
                    r.name.clone()
                } else {
                    format!("{}-{}", r.name, i + 1)
                };
                let priority = &mut next[usize::from(!ingress)];
                let base = if r.peers.len() == 1 {
                    ident(&[&net.name, &r.name])
                } else {
                    ident(&[&net.name, &r.name, &(i + 1).to_string()])
                };
                let key = fresh(&out.azurerm_network_security_rule, base);
                out.azurerm_network_security_rule.insert(
                    key,
                    NsgRule {
                        name: s.tf(&name),
                        description: s.tf(&description(model, net, r)),
                        priority: *priority,
                        direction: if ingress { "Inbound" } else { "Outbound" },
                        access: "Allow",
                        protocol,
                        source_port_range: "*",
                        destination_port_range: r.ports.is_empty().then_some("*"),
                        destination_port_ranges: r.ports.iter().map(|&p| port_text(p)).collect(),
                        source_address_prefix: if ingress { prefix.clone() } else { "*".into() },
                        destination_address_prefix: if ingress { "*".into() } else { prefix },
                        resource_group_name: format!("${{var.{rg}}}"),
                        network_security_group_name: reference(
                            "azurerm_network_security_group",
                            &net.name,
                            "name",
                        ),
                    },
                );
                *priority += 1;
            }
        }
    }
    out
}
