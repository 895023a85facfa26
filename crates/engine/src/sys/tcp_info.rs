//! `TCP_INFO` of a sender socket: what the evidence counters read.

use std::io;
use std::mem::size_of;
use std::os::fd::{AsRawFd, BorrowedFd};

/// What the evidence counters read from a sender socket's `TCP_INFO` (cumulative).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpCounts {
    /// `tcpi_data_segs_out`: data segments sent, in MSS-sized units as TCP counts them.
    pub data_segs_out: u32,
    /// `tcpi_bytes_sent`: payload bytes sent, retransmissions included.
    pub bytes_sent: u64,
    /// `tcpi_total_retrans`: segments retransmitted.
    pub total_retrans: u32,
    /// `tcpi_rwnd_limited` + `tcpi_sndbuf_limited`: µs the sender had data it could not
    /// send for want of receive window or send buffer (its later sends queue behind it
    /// and share segments, Nagle or not).
    pub limited_us: u64,
}

/// Reads `TCP_INFO` of a TCP socket. `Ok(None)`: the kernel's struct is too old to
/// have `tcpi_bytes_sent` (before Linux 4.19).
pub fn tcp_counts(fd: BorrowedFd<'_>) -> io::Result<Option<TcpCounts>> {
    // SAFETY: tcp_info is plain integers; all-zero is a valid value.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = size_of::<libc::tcp_info>() as libc::socklen_t;
    // SAFETY: fd is a valid socket for the borrow; info is writable for len bytes and
    // the kernel writes at most len bytes and stores how many in len.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    let needed = std::mem::offset_of!(libc::tcp_info, tcpi_bytes_sent) + size_of::<u64>();
    Ok((len as usize >= needed).then_some(TcpCounts {
        data_segs_out: info.tcpi_data_segs_out,
        bytes_sent: info.tcpi_bytes_sent,
        total_retrans: info.tcpi_total_retrans,
        limited_us: info.tcpi_rwnd_limited + info.tcpi_sndbuf_limited,
    }))
}
