//! The private two-host network: two anonymous network namespaces (server, client)
//! held only by file descriptors, joined by a veth pair, configured over netlink.
//! Nothing is bind-mounted, so when the process ends by any route — even SIGKILL —
//! the kernel drops the namespaces and the veth pair with them.

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL,
    NLM_F_REQUEST,
};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};
use nix::sched::{setns, unshare, CloneFlags};
use std::fs::File;
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

/// RFC 2544's benchmarking range: never routed, and only ever inside our own namespaces.
pub const SERVER_ADDR: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
pub const CLIENT_ADDR: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 2);
const PREFIX_LEN: u8 = 30;
/// The sink topology's destination: a network the router namespace forwards to a
/// blackhole route, so nothing is ever delivered to a local socket.
pub const SINK_ADDR: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);
const SINK_NET: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 0);
const SINK_PREFIX_LEN: u8 = 24;
/// The sink's veth MTU: the largest, so a UDP datagram of up to 65507 bytes is never
/// fragmented (fragmenting turns off checksum offload and with it zero-copy).
pub const SINK_MTU: u32 = 65535;
/// The veth MTU of the two-host network (Ethernet's).
pub const DEFAULT_MTU: u32 = 1500;
const SERVER_IF: &str = "nio-srv";
const CLIENT_IF: &str = "nio-cli";
/// A fresh namespace starts with 128 KB of option memory per socket, too little for
/// zero-copy notifications at large messages and many threads.
const OPTMEM_MAX: u64 = 8 << 20;

#[derive(Debug, thiserror::Error)]
pub enum NetnsError {
    #[error("creating a network namespace failed ({0}); this needs root (CAP_SYS_ADMIN)")]
    Unshare(nix::Error),
    #[error("netlink: {what} failed: {source}")]
    Netlink { what: String, source: io::Error },
    #[error("{what}: {source}")]
    Io { what: String, source: io::Error },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> NetnsError {
    let what = what.into();
    move |source| NetnsError::Io { what, source }
}

/// The two namespaces. Dropping this closes the last references the process holds.
pub struct NetnsPair {
    server: OwnedFd,
    client: OwnedFd,
    /// How long building it took.
    pub setup_time: Duration,
}

impl NetnsPair {
    /// Builds both namespaces and the veth pair. Runs on a short-lived thread so the
    /// calling thread never changes namespace.
    pub fn create() -> Result<NetnsPair, NetnsError> {
        Self::create_as(false)
    }

    /// The sink topology: the client namespace is a router (MTU 65535 veth,
    /// ip_forward=1) that drops everything sent to [`SINK_ADDR`] on a blackhole route;
    /// the server namespace routes that network through it.
    pub fn create_sink() -> Result<NetnsPair, NetnsError> {
        Self::create_as(true)
    }

    fn create_as(sink: bool) -> Result<NetnsPair, NetnsError> {
        let start = Instant::now();
        let (server, client) = std::thread::Builder::new()
            .name("netio-netns".into())
            .spawn(move || build(sink))
            .map_err(io_err("spawning the namespace setup thread"))?
            .join()
            .map_err(|_| NetnsError::Io {
                what: "namespace setup thread".into(),
                source: io::Error::other("panicked"),
            })??;
        Ok(NetnsPair {
            server,
            client,
            setup_time: start.elapsed(),
        })
    }

    /// Sets the MTU of both ends of the veth pair (each in its namespace). Connections
    /// opened afterwards use it; open ones keep the MSS they agreed on.
    pub fn set_mtu(&self, mtu: u32) -> Result<(), NetnsError> {
        for (ns, ifname) in [(&self.server, SERVER_IF), (&self.client, CLIENT_IF)] {
            let ns = ns
                .try_clone()
                .map_err(io_err("duplicating a namespace handle"))?;
            std::thread::Builder::new()
                .name("netio-netns".into())
                .spawn(move || -> Result<(), NetnsError> {
                    enter(&ns).map_err(io_err("entering a namespace"))?;
                    let index =
                        nix::net::if_::if_nametoindex(ifname).map_err(|e| NetnsError::Io {
                            what: format!("finding {ifname}"),
                            source: e.into(),
                        })?;
                    Rtnl::open()?.set_mtu(index, mtu)
                })
                .map_err(io_err("spawning the namespace setup thread"))?
                .join()
                .map_err(|_| NetnsError::Io {
                    what: "namespace setup thread".into(),
                    source: io::Error::other("panicked"),
                })??;
        }
        Ok(())
    }

    pub fn server(&self) -> &OwnedFd {
        &self.server
    }

    pub fn client(&self) -> &OwnedFd {
        &self.client
    }
}

/// Moves the calling thread into the namespace `ns`.
pub fn enter(ns: &OwnedFd) -> io::Result<()> {
    setns(ns.as_fd(), CloneFlags::CLONE_NEWNET).map_err(io::Error::from)
}

fn build(sink: bool) -> Result<(OwnedFd, OwnedFd), NetnsError> {
    // Server namespace: this thread moves in, keeps a handle, opens netlink there.
    unshare(CloneFlags::CLONE_NEWNET).map_err(NetnsError::Unshare)?;
    let server = current_netns()?;
    raise_optmem()?;
    let mut rtnl_server = Rtnl::open()?;
    // Client namespace.
    unshare(CloneFlags::CLONE_NEWNET).map_err(NetnsError::Unshare)?;
    let client = current_netns()?;
    raise_optmem()?;
    let mut rtnl_client = Rtnl::open()?;

    // One request creates both ends; the peer is born directly in the client namespace.
    let mtu = sink.then_some(SINK_MTU);
    rtnl_server.create_veth(SERVER_IF, CLIENT_IF, &client, mtu)?;
    // This thread is in the client namespace now.
    let client_if = nix::net::if_::if_nametoindex(CLIENT_IF).map_err(|e| NetnsError::Io {
        what: format!("finding {CLIENT_IF}"),
        source: e.into(),
    })?;
    rtnl_client.configure(client_if, CLIENT_ADDR)?;
    if sink {
        let path = "/proc/sys/net/ipv4/ip_forward";
        std::fs::write(path, "1").map_err(io_err(format!("writing {path}")))?;
        rtnl_client.add_route(SINK_NET, SINK_PREFIX_LEN, None)?;
    }
    enter(&server).map_err(io_err("entering the server namespace"))?;
    let server_if = nix::net::if_::if_nametoindex(SERVER_IF).map_err(|e| NetnsError::Io {
        what: format!("finding {SERVER_IF}"),
        source: e.into(),
    })?;
    rtnl_server.configure(server_if, SERVER_ADDR)?;
    if sink {
        rtnl_server.add_route(SINK_NET, SINK_PREFIX_LEN, Some(CLIENT_ADDR))?;
    }
    Ok((server, client))
}

fn current_netns() -> Result<OwnedFd, NetnsError> {
    // thread-self, not self: only this thread moved.
    let f = File::open("/proc/thread-self/ns/net")
        .map_err(io_err("opening /proc/thread-self/ns/net"))?;
    Ok(f.into())
}

/// /proc/sys/net reflects the namespace of the thread that opens it.
fn raise_optmem() -> Result<(), NetnsError> {
    let path = "/proc/sys/net/core/optmem_max";
    let now: u64 = std::fs::read_to_string(path)
        .map_err(io_err(format!("reading {path}")))?
        .trim()
        .parse()
        .unwrap_or(0);
    if now < OPTMEM_MAX {
        std::fs::write(path, OPTMEM_MAX.to_string()).map_err(io_err(format!("writing {path}")))?;
    }
    Ok(())
}

/// A NETLINK_ROUTE socket, bound to the namespace of the thread that opened it.
struct Rtnl {
    sock: Socket,
    seq: u32,
}

impl Rtnl {
    fn open() -> Result<Rtnl, NetnsError> {
        let what = || "opening a NETLINK_ROUTE socket".to_string();
        let mut sock = Socket::new(NETLINK_ROUTE).map_err(|source| NetnsError::Netlink {
            what: what(),
            source,
        })?;
        sock.bind_auto().map_err(|source| NetnsError::Netlink {
            what: what(),
            source,
        })?;
        sock.connect(&SocketAddr::new(0, 0))
            .map_err(|source| NetnsError::Netlink {
                what: what(),
                source,
            })?;
        Ok(Rtnl { sock, seq: 1 })
    }

    /// Sends one request and waits for its acknowledgement.
    fn request(
        &mut self,
        msg: RouteNetlinkMessage,
        extra_flags: u16,
        what: &str,
    ) -> Result<(), NetnsError> {
        let fail = |source| NetnsError::Netlink {
            what: what.to_string(),
            source,
        };
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST | NLM_F_ACK | extra_flags;
        header.sequence_number = self.seq;
        self.seq += 1;
        let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(msg));
        packet.finalize();
        let mut buf = vec![0u8; packet.buffer_len()];
        packet.serialize(&mut buf);
        self.sock.send(&buf, 0).map_err(fail)?;
        loop {
            let (reply, _) = self.sock.recv_from_full().map_err(fail)?;
            let mut offset = 0;
            while offset < reply.len() {
                let msg = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&reply[offset..])
                    .map_err(|e| fail(io::Error::other(e.to_string())))?;
                offset += msg.header.length as usize;
                if let NetlinkPayload::Error(e) = msg.payload {
                    return match e.code {
                        None => Ok(()),
                        Some(code) => Err(fail(io::Error::from_raw_os_error(-code.get()))),
                    };
                }
                if msg.header.length == 0 {
                    break;
                }
            }
        }
    }

    fn create_veth(
        &mut self,
        name: &str,
        peer: &str,
        peer_ns: &OwnedFd,
        mtu: Option<u32>,
    ) -> Result<(), NetnsError> {
        let mut peer_msg = LinkMessage::default();
        peer_msg.attributes = vec![
            LinkAttribute::IfName(peer.into()),
            LinkAttribute::NetNsFd(peer_ns.as_raw_fd()),
        ];
        peer_msg.attributes.extend(mtu.map(LinkAttribute::Mtu));
        let mut link = LinkMessage::default();
        link.attributes = vec![
            LinkAttribute::IfName(name.into()),
            LinkAttribute::LinkInfo(vec![
                LinkInfo::Kind(InfoKind::Veth),
                LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer_msg))),
            ]),
        ];
        link.attributes.extend(mtu.map(LinkAttribute::Mtu));
        self.request(
            RouteNetlinkMessage::NewLink(link),
            NLM_F_CREATE | NLM_F_EXCL,
            &format!("creating veth {name} <-> {peer}"),
        )
    }

    fn set_up(&mut self, index: u32) -> Result<(), NetnsError> {
        let mut link = LinkMessage::default();
        link.header.index = index;
        link.header.flags = LinkFlags::Up;
        link.header.change_mask = LinkFlags::Up;
        self.request(
            RouteNetlinkMessage::SetLink(link),
            0,
            &format!("bringing link {index} up"),
        )
    }

    fn set_mtu(&mut self, index: u32, mtu: u32) -> Result<(), NetnsError> {
        let mut link = LinkMessage::default();
        link.header.index = index;
        link.attributes = vec![LinkAttribute::Mtu(mtu)];
        self.request(
            RouteNetlinkMessage::SetLink(link),
            0,
            &format!("setting the MTU of link {index} to {mtu}"),
        )
    }

    /// A route to `dest`/`prefix`: via `gateway`, or a blackhole (silently dropped).
    fn add_route(
        &mut self,
        dest: Ipv4Addr,
        prefix: u8,
        gateway: Option<Ipv4Addr>,
    ) -> Result<(), NetnsError> {
        use netlink_packet_route::route::{
            RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope,
            RouteType,
        };
        let mut msg = RouteMessage::default();
        msg.header.address_family = AddressFamily::Inet;
        msg.header.destination_prefix_length = prefix;
        msg.header.table = RouteHeader::RT_TABLE_MAIN;
        msg.header.protocol = RouteProtocol::Boot;
        msg.header.scope = RouteScope::Universe;
        msg.header.kind = match gateway {
            Some(_) => RouteType::Unicast,
            None => RouteType::BlackHole,
        };
        msg.attributes = vec![RouteAttribute::Destination(RouteAddress::Inet(dest))];
        if let Some(g) = gateway {
            msg.attributes
                .push(RouteAttribute::Gateway(RouteAddress::Inet(g)));
        }
        let how = gateway.map_or("blackhole".to_string(), |g| format!("via {g}"));
        self.request(
            RouteNetlinkMessage::NewRoute(msg),
            NLM_F_CREATE | NLM_F_EXCL,
            &format!("adding route {dest}/{prefix} {how}"),
        )
    }

    /// Loopback up, the veth end up with `addr`/30.
    fn configure(&mut self, index: u32, addr: Ipv4Addr) -> Result<(), NetnsError> {
        self.set_up(1)?;
        let mut msg = AddressMessage::default();
        msg.header.family = AddressFamily::Inet;
        msg.header.prefix_len = PREFIX_LEN;
        msg.header.index = index;
        msg.attributes = vec![
            AddressAttribute::Local(IpAddr::V4(addr)),
            AddressAttribute::Address(IpAddr::V4(addr)),
        ];
        self.request(
            RouteNetlinkMessage::NewAddress(msg),
            NLM_F_CREATE | NLM_F_EXCL,
            &format!("adding {addr}/{PREFIX_LEN}"),
        )?;
        self.set_up(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn builds_a_private_network_that_carries_tcp() {
        if !nix::unistd::geteuid().is_root() {
            let _ = writeln!(std::io::stderr(), "skipped: building namespaces needs root");
            return;
        }
        let pair = NetnsPair::create().expect("namespaces");
        assert!(pair.setup_time < Duration::from_secs(2));
        let server = pair.server().try_clone().unwrap();
        let listener = std::thread::spawn(move || {
            enter(&server).unwrap();
            std::net::TcpListener::bind((SERVER_ADDR, 0)).unwrap()
        })
        .join()
        .unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = pair.client().try_clone().unwrap();
        let conn = std::thread::spawn(move || {
            enter(&client).unwrap();
            std::net::TcpStream::connect((SERVER_ADDR, port)).map(|s| s.local_addr().unwrap())
        })
        .join()
        .unwrap()
        .expect("connect over veth");
        assert_eq!(conn.ip(), IpAddr::V4(CLIENT_ADDR));
        let (_s, peer) = listener.accept().unwrap();
        assert_eq!(peer, conn);
        // The calling thread never left the initial namespace: the veth is not visible here.
        assert!(nix::net::if_::if_nametoindex(SERVER_IF).is_err());
    }
}
