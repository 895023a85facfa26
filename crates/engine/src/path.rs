//! The path data takes to a far host, named: the local interface the route uses,
//! its driver, link speed, MTU and the offloads zero-copy sending needs.

use crate::sys;
use std::net::{IpAddr, SocketAddr};

/// What the route to a far host goes through on this side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathInfo {
    pub interface: String,
    pub driver: Option<String>,
    /// Mb/s, where the device reports one.
    pub speed_mbps: Option<u32>,
    pub mtu: Option<u32>,
    /// Scatter-gather and transmit checksum offload, where ethtool answers.
    pub sg: Option<bool>,
    pub tx_csum: Option<bool>,
}

/// The interface the kernel routes `to` through: the source address it picks for a
/// datagram there, and the interface that holds that address.
pub fn route_to(to: IpAddr) -> Result<PathInfo, String> {
    let domain = socket2::Domain::for_address(SocketAddr::new(to, 9));
    let s = socket2::Socket::new(domain, socket2::Type::DGRAM, None)
        .map_err(|e| format!("opening a socket: {e}"))?;
    s.connect(&SocketAddr::new(to, 9).into())
        .map_err(|e| format!("no route to {to}: {e}"))?;
    let local = s
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map(|a| a.ip())
        .ok_or("the route has no source address")?;
    let interface = nix::ifaddrs::getifaddrs()
        .map_err(|e| format!("listing interfaces: {e}"))?
        .find(|i| {
            i.address.as_ref().is_some_and(|a| {
                a.as_sockaddr_in().map(|v| IpAddr::V4(v.ip())) == Some(local)
                    || a.as_sockaddr_in6().map(|v| IpAddr::V6(v.ip())) == Some(local)
            })
        })
        .map(|i| i.interface_name)
        .ok_or_else(|| format!("no interface holds {local}"))?;
    let sysfs = |f: &str| {
        std::fs::read_to_string(format!("/sys/class/net/{interface}/{f}"))
            .ok()
            .and_then(|t| t.trim().parse::<i64>().ok())
            .and_then(|v| u32::try_from(v).ok())
    };
    let offloads = sys::ethtool_sg_csum(&interface).ok();
    Ok(PathInfo {
        driver: sys::ethtool_driver(&interface).ok(),
        speed_mbps: sysfs("speed"),
        mtu: sysfs("mtu"),
        sg: offloads.map(|o| o.0),
        tx_csum: offloads.map(|o| o.1),
        interface,
    })
}

impl std::fmt::Display for PathInfo {
    /// "via eth0 (mlx5_core, 100000 Mb/s, MTU 1500, scatter-gather on, TX checksum on)",
    /// and where zero-copy sends will be copied anyway, why.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let on = |v: Option<bool>| match v {
            Some(true) => "on",
            Some(false) => "off",
            None => "unknown",
        };
        write!(
            f,
            "via {} ({}, {}, MTU {}, scatter-gather {}, TX checksum offload {})",
            self.interface,
            self.driver.as_deref().unwrap_or("driver unknown"),
            self.speed_mbps
                .map_or("speed unknown".into(), |s| format!("{s} Mb/s")),
            self.mtu.map_or("unknown".into(), |m| m.to_string()),
            on(self.sg),
            on(self.tx_csum)
        )?;
        if self.sg == Some(false) || self.tx_csum == Some(false) {
            write!(
                f,
                "; zero-copy sends will be copied here: without scatter-gather and checksum offload the device cannot send from the user's pages, so the kernel copies them"
            )?;
        } else if matches!(self.driver.as_deref(), Some("veth") | Some("loopback")) {
            write!(
                f,
                "; {} delivers to a socket on this machine, so zero-copy sends are copied anyway",
                self.driver.as_deref().unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_to_loopback_is_named_with_its_driver_and_offloads() {
        let p = route_to(IpAddr::from([127, 0, 0, 1])).unwrap();
        assert_eq!(p.interface, "lo");
        assert!(p.mtu.is_some_and(|m| m > 0), "{p:?}");
        let line = p.to_string();
        assert!(line.starts_with("via lo ("), "{line}");
        let off = PathInfo {
            sg: Some(false),
            ..p
        };
        assert!(off
            .to_string()
            .contains("zero-copy sends will be copied here"));
    }
}
