//! An io_uring that sends from one registered buffer.

use super::PageBuf;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

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
                    format!(
                        "io_uring disabled (kernel.io_uring_disabled={d}): {e}{}",
                        crate::error::SEE_DOCTOR
                    )
                }
                _ => format!(
                    "io_uring refused by this kernel or a seccomp filter ({e}){}",
                    crate::error::SEE_DOCTOR
                ),
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
