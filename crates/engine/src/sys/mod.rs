//! The unsafe FFI the engine needs, and nothing else: the zero-copy socket option,
//! reading completion notifications from a socket's error queue, buffers of whole
//! pages of our own, an io_uring that sends from one registered buffer, and the
//! mmap'ed window of TCP zero-copy receive.

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

/// The calling thread's CPU-time clock (what `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`
/// reads), as an id any thread of this process can read: the kernel's exact
/// runtime of the thread, user + kernel, with no perf event attached to it.
pub fn thread_cpu_clock() -> io::Result<libc::clockid_t> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: pthread_self() is the calling thread; `clock` is a valid out pointer.
    let rc = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
    if rc == 0 {
        Ok(clock)
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// The user-time clock of the same thread as `cpu_clock` (from [`thread_cpu_clock`]):
/// its `utime`, the kernel's user/kernel split of the runtime (tick-sampled, as
/// /proc's utime is). The low two bits of a CPU clock id name the clock (the kernel's
/// CPUCLOCK_WHICH: 1 = CPUCLOCK_VIRT, user time), a stable ABI glibc relies on too.
pub fn user_clock_of(cpu_clock: libc::clockid_t) -> libc::clockid_t {
    (cpu_clock & !3) | 1
}

/// Reads `clock` in ns (for a thread's CPU clock: its runtime so far, brought up to
/// date by the kernel at the read, so a running thread is read exactly).
pub fn clock_ns(clock: libc::clockid_t) -> io::Result<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out pointer; an invalid clock id is an error, not UB.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// Moves the calling thread to real-time priority (SCHED_FIFO 1), so that it wakes on
/// time even when hundreds of busy worker threads share two cores. Needs root or
/// CAP_SYS_NICE; the caller treats failure as "keep the normal priority".
pub fn make_thread_realtime() -> io::Result<()> {
    let param = libc::sched_param { sched_priority: 1 };
    // SAFETY: pid 0 is the calling thread; param is a valid sched_param.
    let rc = unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Lowers the calling thread to the weakest normal priority (nice 19): a thread that
/// only watches (the explorer's screen and keyboard) then never preempts a worker
/// when it wakes. Threads it creates afterwards inherit the setting.
pub fn make_thread_background() -> io::Result<()> {
    let tid = nix::unistd::gettid().as_raw() as libc::id_t;
    // SAFETY: plain syscall on this thread's id; no memory is passed.
    let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid, 19) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Bytes in whole pages mapped for this buffer alone (anonymous, private). Unlike a
/// heap allocation, its pages are never handed to another allocation after drop: a
/// page the kernel still references (a pipe, an skb of a spliced send) keeps its
/// content until the kernel lets go of it.
pub struct PageBuf {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
    mapped: usize,
}

// SAFETY: PageBuf owns its mapping exclusively, like a Box<[u8]>.
unsafe impl Send for PageBuf {}

impl PageBuf {
    /// A buffer holding a copy of `content` (at least one page is mapped).
    pub fn copy_of(content: &[u8]) -> io::Result<PageBuf> {
        let page = page_size();
        let mapped = content.len().max(1).div_ceil(page) * page;
        // SAFETY: a fresh private anonymous mapping; no existing memory is touched.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = std::ptr::NonNull::new(p.cast::<u8>())
            .ok_or_else(|| io::Error::other("mmap returned null"))?;
        let mut b = PageBuf {
            ptr,
            len: content.len(),
            mapped,
        };
        b.copy_from_slice(content);
        Ok(b)
    }
}

impl std::ops::Deref for PageBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: ptr..ptr+len lies inside the live mapping we own.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl std::ops::DerefMut for PageBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in deref, and &mut self makes this the only reference.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for PageBuf {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the mapping made in copy_of, once.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.mapped) };
    }
}

pub fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

/// `IORING_SEND_ZC_REPORT_USAGE` (io_uring.h): the notification says whether the
/// kernel copied after all.
const IORING_SEND_ZC_REPORT_USAGE: u16 = 1 << 3;
/// `IORING_NOTIF_USAGE_ZC_COPIED`: set in a notification's result when data was copied.
pub const IORING_NOTIF_USAGE_ZC_COPIED: u32 = 1 << 31;
/// Submission entries per ring (completions get twice as many).
pub const RING_ENTRIES: u32 = 64;

/// One io_uring of one sender thread with the message in its one registered buffer.
/// Field order matters: the ring (and with it the registration) goes before the buffer.
pub struct SendRing {
    ring: io_uring::IoUring,
    buf: PageBuf,
}

impl SendRing {
    /// A ring with `content` copied into a buffer registered once, as fixed buffer 0.
    pub fn new(content: &[u8]) -> io::Result<SendRing> {
        let ring = io_uring::IoUring::new(RING_ENTRIES)?;
        let buf = PageBuf::copy_of(content)?;
        let iov = libc::iovec {
            iov_base: buf.ptr.as_ptr().cast(),
            iov_len: buf.len.max(1),
        };
        // SAFETY: the buffer outlives the registration: it is dropped after the ring
        // (field order), and dropping the ring unregisters it.
        unsafe { ring.submitter().register_buffers(&[iov])? };
        Ok(SendRing { ring, buf })
    }

    /// Length of the registered message.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Queues and submits one send of the message from byte `from` to its end:
    /// `IORING_OP_SEND_ZC` from the fixed buffer with usage reports when `zc`, else
    /// `IORING_OP_SEND`. Its completion carries `tag` as user data.
    pub fn submit_send(
        &mut self,
        sock: BorrowedFd<'_>,
        from: usize,
        flags: i32,
        zc: bool,
        tag: u64,
    ) -> io::Result<()> {
        use io_uring::{opcode, types};
        let rest = &self.buf[from..];
        let (ptr, len) = (rest.as_ptr(), rest.len() as u32);
        let fd = types::Fd(sock.as_raw_fd());
        let entry = if zc {
            opcode::SendZc::new(fd, ptr, len)
                .buf_index(Some(0))
                .flags(flags)
                .zc_flags(IORING_SEND_ZC_REPORT_USAGE)
                .build()
        } else {
            opcode::Send::new(fd, ptr, len).flags(flags).build()
        }
        .user_data(tag);
        // SAFETY: the entry points into self.buf, which lives (registered) as long as
        // the ring that will read it; the socket outlives the request, which the
        // caller waits for (or drops the ring, which cancels it).
        unsafe { self.ring.submission().push(&entry) }
            .map_err(|_| io::Error::other("io_uring submission queue is full"))?;
        self.ring.submit()?;
        Ok(())
    }

    /// The ring, for waiting and reaping completions (safe operations).
    pub fn ring(&mut self) -> &mut io_uring::IoUring {
        &mut self.ring
    }
}

/// Why this kernel will not run io_uring sends here (`IORING_OP_SEND_ZC` when `zc`,
/// else `IORING_OP_SEND`), or `None` when it will.
pub fn probe_uring(zc: bool) -> Option<String> {
    let disabled = std::fs::read_to_string("/proc/sys/kernel/io_uring_disabled")
        .ok()
        .map(|s| s.trim().to_string());
    let ring = match io_uring::IoUring::new(2) {
        Ok(r) => r,
        Err(e) => {
            return Some(match disabled.as_deref() {
                Some(d) if d != "0" => {
                    format!("io_uring disabled (kernel.io_uring_disabled={d}): {e}")
                }
                _ => format!("io_uring refused by this kernel or a seccomp filter ({e})"),
            })
        }
    };
    let mut probe = io_uring::Probe::new();
    if let Err(e) = ring.submitter().register_probe(&mut probe) {
        return Some(format!("io_uring cannot list its operations here ({e})"));
    }
    let (code, name) = if zc {
        (
            io_uring::opcode::SendZc::CODE,
            "IORING_OP_SEND_ZC (kernel 6.0+)",
        )
    } else {
        (io_uring::opcode::Send::CODE, "IORING_OP_SEND")
    };
    (!probe.is_supported(code)).then(|| format!("this kernel's io_uring has no {name}"))
}

/// `struct tcp_zerocopy_receive` of linux/tcp.h (kernel 5.11+ layout; older kernels
/// read the leading fields they know).
#[repr(C)]
#[derive(Default)]
struct TcpZerocopyReceive {
    address: u64,
    length: u32,
    recv_skip_hint: u32,
    inq: u32,
    err: i32,
    copybuf_address: u64,
    copybuf_len: i32,
    flags: u32,
    msg_control: u64,
    msg_controllen: u64,
    msg_flags: u32,
    reserved: u32,
}

/// What one `TCP_ZEROCOPY_RECEIVE` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZcReceived {
    /// Bytes the kernel mapped at the start of the window (whole pages).
    pub mapped: usize,
    /// Bytes after them the kernel could not map: read them with a plain recv.
    pub skip: usize,
}

/// A receive window: a read-only mapping of a TCP socket into which
/// `TCP_ZEROCOPY_RECEIVE` maps the pages of received data instead of copying them.
pub struct ZcRecvWindow {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
    /// Bytes mapped by the last receive, not yet released.
    mapped: usize,
}

// SAFETY: the window owns its mapping exclusively.
unsafe impl Send for ZcRecvWindow {}

impl ZcRecvWindow {
    /// Maps a window of `len` bytes (rounded up to whole pages) on the socket `sock`.
    pub fn new(sock: BorrowedFd<'_>, len: usize) -> io::Result<ZcRecvWindow> {
        let page = page_size();
        let len = len.max(1).div_ceil(page) * page;
        // SAFETY: a fresh shared read-only mapping of the socket; no existing memory
        // is touched. A TCP socket's mmap only reserves the address range.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                sock.as_raw_fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = std::ptr::NonNull::new(p.cast::<u8>())
            .ok_or_else(|| io::Error::other("mmap returned null"))?;
        Ok(ZcRecvWindow {
            ptr,
            len,
            mapped: 0,
        })
    }

    /// Asks the kernel to map what it can of the received data into the window (it
    /// replaces what an earlier receive mapped there). Never blocks.
    pub fn receive(&mut self, sock: BorrowedFd<'_>) -> io::Result<ZcReceived> {
        self.release();
        let mut zc = TcpZerocopyReceive {
            address: self.ptr.as_ptr() as u64,
            length: u32::try_from(self.len).unwrap_or(u32::MAX),
            ..Default::default()
        };
        let mut optlen = size_of::<TcpZerocopyReceive>() as libc::socklen_t;
        // SAFETY: zc is a live tcp_zerocopy_receive of optlen bytes; the address is
        // our own mapping of this socket, which the kernel checks.
        let rc = unsafe {
            libc::getsockopt(
                sock.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_ZEROCOPY_RECEIVE,
                (&mut zc as *mut TcpZerocopyReceive).cast(),
                &mut optlen,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        if zc.err != 0 {
            return Err(io::Error::from_raw_os_error(zc.err.abs()));
        }
        self.mapped = (zc.length as usize).min(self.len);
        Ok(ZcReceived {
            mapped: self.mapped,
            skip: zc.recv_skip_hint as usize,
        })
    }

    /// The bytes the last receive mapped.
    pub fn mapped(&self) -> &[u8] {
        // SAFETY: the kernel mapped `mapped` bytes of received data at the start of
        // our window; they stay until release() or the next receive.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.mapped) }
    }

    /// Gives the mapped pages back to the kernel.
    pub fn release(&mut self) {
        if self.mapped > 0 {
            // SAFETY: dropping the pages of our own window; nothing refers to them
            // (mapped() borrows self, so no slice outlives this &mut call).
            unsafe { libc::madvise(self.ptr.as_ptr().cast(), self.mapped, libc::MADV_DONTNEED) };
            self.mapped = 0;
        }
    }
}

impl Drop for ZcRecvWindow {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the window mapped in new, once.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_buffers_hold_their_content_in_whole_pages() {
        let b = PageBuf::copy_of(b"hello").unwrap();
        assert_eq!(&*b, b"hello");
        assert_eq!(b.mapped, page_size());
        assert_eq!(b.ptr.as_ptr() as usize % page_size(), 0);
        let e = PageBuf::copy_of(&[]).unwrap();
        assert!(e.is_empty());
    }

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
