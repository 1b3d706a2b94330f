//! Ports that administer a machine or a data store, and the sources that mean "the whole
//! internet": a firewall rule that opens one of these ports to one of those sources is
//! W0211. Extend the tables, not the check.

/// One administrative port: number, the protocols it listens on, what it is.
pub struct AdminPort {
    pub port: u16,
    pub tcp: bool,
    pub udp: bool,
    pub service: &'static str,
}

const fn tcp(port: u16, service: &'static str) -> AdminPort {
    AdminPort {
        port,
        tcp: true,
        udp: false,
        service,
    }
}

/// Sorted by port.
pub const ADMIN_PORTS: &[AdminPort] = &[
    tcp(22, "SSH"),
    tcp(23, "Telnet"),
    tcp(135, "Microsoft RPC"),
    tcp(445, "SMB"),
    tcp(1433, "SQL Server"),
    tcp(1521, "Oracle Database"),
    tcp(2375, "Docker API"),
    tcp(2376, "Docker API (TLS)"),
    tcp(2379, "etcd"),
    tcp(2380, "etcd peers"),
    tcp(3306, "MySQL"),
    AdminPort {
        port: 3389,
        tcp: true,
        udp: true,
        service: "Remote Desktop",
    },
    tcp(5432, "PostgreSQL"),
    tcp(5900, "VNC"),
    tcp(5985, "WinRM"),
    tcp(5986, "WinRM (TLS)"),
    tcp(6379, "Redis"),
    tcp(6443, "Kubernetes API"),
    tcp(9200, "Elasticsearch"),
    tcp(10250, "kubelet API"),
    tcp(27017, "MongoDB"),
];

/// Sources that stand for every address: CIDR blocks and the clouds' tags.
pub const WORLD_BLOCKS: &[&str] = &["0.0.0.0/0", "::/0"];
/// Azure's service tag for the internet, and `*` (any source).
pub const WORLD_TAGS: &[&str] = &["Internet", "*"];

/// The administrative ports inside `from..=to` for a protocol (`None`: every protocol).
pub fn in_range(from: u16, to: u16, tcp: Option<bool>) -> impl Iterator<Item = &'static AdminPort> {
    ADMIN_PORTS.iter().filter(move |p| {
        p.port >= from
            && p.port <= to
            && match tcp {
                None => true,
                Some(true) => p.tcp,
                Some(false) => p.udp,
            }
    })
}
