//! The mmap'ed window of TCP zero-copy receive.

use super::page_size;
use std::io;
use std::mem::size_of;
use std::os::fd::{AsRawFd, BorrowedFd};

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
