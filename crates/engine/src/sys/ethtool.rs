//! The ethtool ioctl (SIOCETHTOOL): a device's driver and the offloads zero-copy
//! sending needs, read from the kernel itself.

use std::io;
use std::os::fd::AsRawFd;

const SIOCETHTOOL: libc::c_ulong = 0x8946;
const ETHTOOL_GDRVINFO: u32 = 0x03;
const ETHTOOL_GTXCSUM: u32 = 0x16;
const ETHTOOL_GSG: u32 = 0x18;

#[repr(C)]
struct EthtoolValue {
    cmd: u32,
    data: u32,
}

#[repr(C)]
struct EthtoolDrvinfo {
    cmd: u32,
    driver: [u8; 32],
    version: [u8; 32],
    fw_version: [u8; 32],
    bus_info: [u8; 32],
    erom_version: [u8; 32],
    reserved2: [u8; 12],
    n_priv_flags: u32,
    n_stats: u32,
    testinfo_len: u32,
    eedump_len: u32,
    regdump_len: u32,
}

#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    data: *mut libc::c_void,
    _pad: [u8; 16],
}

/// One ethtool request on `ifname`; `cmd` points at the command's structure.
fn ethtool(ifname: &str, cmd: *mut libc::c_void) -> io::Result<()> {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None)?;
    let mut req = IfReq {
        name: [0; libc::IFNAMSIZ],
        data: cmd,
        _pad: [0; 16],
    };
    let n = ifname.len().min(libc::IFNAMSIZ - 1);
    req.name[..n].copy_from_slice(&ifname.as_bytes()[..n]);
    // SAFETY: `req` is a valid ifreq whose data points at the command's own structure,
    // alive for the call; the kernel writes no more than that structure.
    let r = unsafe { libc::ioctl(sock.as_raw_fd(), SIOCETHTOOL as _, &mut req) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The driver's name (`veth`, `mlx5_core`, …).
pub fn ethtool_driver(ifname: &str) -> io::Result<String> {
    // SAFETY: a plain C struct of integers and byte arrays: all zeroes is valid.
    let mut info: EthtoolDrvinfo = unsafe { std::mem::zeroed() };
    info.cmd = ETHTOOL_GDRVINFO;
    ethtool(ifname, (&mut info as *mut EthtoolDrvinfo).cast())?;
    let end = info.driver.iter().position(|&b| b == 0).unwrap_or(32);
    Ok(String::from_utf8_lossy(&info.driver[..end]).into_owned())
}

/// Whether scatter-gather and transmit checksum offload are on.
pub fn ethtool_sg_csum(ifname: &str) -> io::Result<(bool, bool)> {
    let get = |cmd| -> io::Result<bool> {
        let mut v = EthtoolValue { cmd, data: 0 };
        ethtool(ifname, (&mut v as *mut EthtoolValue).cast())?;
        Ok(v.data != 0)
    };
    Ok((get(ETHTOOL_GSG)?, get(ETHTOOL_GTXCSUM)?))
}
