//! Buffers of whole pages of our own.

use std::io;

/// Bytes in whole pages mapped for this buffer alone (anonymous, private). Unlike a
/// heap allocation, its pages are never handed to another allocation after drop: a
/// page the kernel still references (a pipe, an skb of a spliced send) keeps its
/// content until the kernel lets go of it.
pub struct PageBuf {
    pub(super) ptr: std::ptr::NonNull<u8>,
    pub(super) len: usize,
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
}
