//! MSG_ZEROCOPY: the socket option, and the completion notifications read from a
//! socket's error queue.

use std::io;
use std::mem::{size_of, MaybeUninit};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// `SO_EE_ORIGIN_ZEROCOPY` from linux/errqueue.h (libc does not have it).
const SO_EE_ORIGIN_ZEROCOPY: u8 = 5;
/// `SO_EE_CODE_ZEROCOPY_COPIED`: the kernel copied the data after all.
pub const SO_EE_CODE_ZEROCOPY_COPIED: u8 = 1;

/// One zero-copy completion notification: sends `lo..=hi` (32-bit counters that wrap)
/// are done with their buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZcRange {
    pub lo: u32,
    pub hi: u32,
    pub copied: bool,
}

impl ZcRange {
    /// Number of sends covered; the range may wrap past u32::MAX.
    pub fn sends(&self) -> u64 {
        u64::from(self.hi.wrapping_sub(self.lo)) + 1
    }
}

/// Enables `SO_ZEROCOPY` on a socket.
pub fn set_zerocopy(fd: BorrowedFd<'_>) -> io::Result<()> {
    let one: libc::c_int = 1;
    // SAFETY: fd is a valid socket for the borrow; the option value is a c_int of the given size.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ZEROCOPY,
            (&one as *const libc::c_int).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Reads every pending notification from the error queue without blocking and
/// appends the zero-copy ones to `out`. Returns how many were appended.
/// A notification that is not a successful zero-copy completion is an error.
pub fn read_zerocopy_completions(fd: BorrowedFd<'_>, out: &mut Vec<ZcRange>) -> io::Result<usize> {
    let mut appended = 0;
    loop {
        // Room for one sock_extended_err plus the offender address, generously aligned.
        let mut control = [MaybeUninit::<u64>::uninit(); 16];
        // SAFETY: an all-zero msghdr is valid (no name, no iov).
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: msg points at a live control buffer of msg_controllen bytes.
        let rc = unsafe {
            libc::recvmsg(
                fd.as_raw_fd(),
                &mut msg,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
            )
        };
        if rc < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::EAGAIN) => Ok(appended),
                Some(libc::EINTR) => continue,
                _ => Err(e),
            };
        }
        // SAFETY: the kernel filled msg_control; CMSG_* walk it within msg_controllen.
        let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
        while !cmsg.is_null() {
            // SAFETY: cmsg is non-null and inside the control buffer.
            let hdr = unsafe { &*cmsg };
            let is_recverr = (hdr.cmsg_level == libc::SOL_IP && hdr.cmsg_type == libc::IP_RECVERR)
                || (hdr.cmsg_level == libc::SOL_IPV6 && hdr.cmsg_type == libc::IPV6_RECVERR);
            if is_recverr {
                // SAFETY: IP_RECVERR data is a sock_extended_err; read unaligned to be safe.
                let ee: libc::sock_extended_err =
                    unsafe { std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast()) };
                if ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY {
                    return Err(io::Error::other(format!(
                        "unexpected error-queue message (origin {}, errno {})",
                        ee.ee_origin, ee.ee_errno
                    )));
                }
                if ee.ee_errno != 0 {
                    return Err(io::Error::from_raw_os_error(ee.ee_errno as i32));
                }
                out.push(ZcRange {
                    lo: ee.ee_info,
                    hi: ee.ee_data,
                    copied: ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED != 0,
                });
                appended += 1;
            }
            // SAFETY: advancing within the same control buffer.
            cmsg = unsafe { libc::CMSG_NXTHDR(&msg, cmsg) };
        }
    }
}

/// Waits until the socket's error queue has something (POLLERR) or `timeout` passes.
pub fn wait_error_queue(fd: BorrowedFd<'_>, timeout: Duration) -> io::Result<bool> {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let mut fds = [PollFd::new(fd, PollFlags::empty())];
    match poll(
        &mut fds,
        PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
    ) {
        Ok(n) => Ok(n > 0
            && fds[0]
                .revents()
                .is_some_and(|r| r.contains(PollFlags::POLLERR))),
        Err(nix::errno::Errno::EINTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_ranges_count_inclusively_and_wrap() {
        assert_eq!(
            ZcRange {
                lo: 0,
                hi: 0,
                copied: false
            }
            .sends(),
            1
        );
        assert_eq!(
            ZcRange {
                lo: 5,
                hi: 9,
                copied: true
            }
            .sends(),
            5
        );
        assert_eq!(
            ZcRange {
                lo: u32::MAX - 1,
                hi: 2,
                copied: false
            }
            .sends(),
            5
        );
        assert_eq!(
            ZcRange {
                lo: 0,
                hi: u32::MAX,
                copied: false
            }
            .sends(),
            1 << 32
        );
    }
}
