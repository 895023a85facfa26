//! Locking buffers in memory (`--mlock on`).

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;

/// The whole pages under a buffer, locked in memory (`mlock`) until dropped.
///
/// The kernel's locks do not nest: one `munlock` unlocks a page however many
/// `mlock`s covered it. Two buffers can share only their first or last page (a page
/// strictly inside one buffer holds nothing else), so those pages are counted here,
/// process-wide, and unlocked only when the last buffer on them lets go. Drop the
/// lock before the buffer is freed, so the pages are still ours when unlocked.
#[derive(Debug)]
pub struct LockedPages {
    /// Page-aligned bounds; empty for an empty buffer.
    start: usize,
    end: usize,
}

/// Locked buffers holding each shared-able (first or last) page, by page address.
static EDGE_PAGES: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());

fn edge_pages() -> std::sync::MutexGuard<'static, BTreeMap<usize, usize>> {
    EDGE_PAGES.lock().unwrap_or_else(|p| p.into_inner())
}

impl LockedPages {
    /// Locks the pages `buf` touches (faulting them in). Fails as `mlock` does: ENOMEM
    /// or EPERM past RLIMIT_MEMLOCK without CAP_IPC_LOCK, EAGAIN when the kernel
    /// cannot lock them.
    pub fn lock(buf: &[u8]) -> io::Result<LockedPages> {
        if buf.is_empty() {
            return Ok(LockedPages { start: 0, end: 0 });
        }
        let page = super::page_size();
        let addr = buf.as_ptr() as usize;
        let start = addr / page * page;
        let end = (addr + buf.len()).div_ceil(page) * page;
        let mut edges = edge_pages();
        // SAFETY: mlock reads no memory; the range covers pages of a live buffer we
        // borrow, so it is mapped.
        if unsafe { libc::mlock(start as *const libc::c_void, end - start) } != 0 {
            return Err(io::Error::last_os_error());
        }
        *edges.entry(start).or_default() += 1;
        if end - page != start {
            *edges.entry(end - page).or_default() += 1;
        }
        Ok(LockedPages { start, end })
    }

    /// Bytes of whole pages this lock covers.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// `munlock` of whole pages; errors are ignored (nothing is left to do about them).
fn unlock(start: usize, end: usize) {
    if end > start {
        // SAFETY: munlock touches no memory; the pages are those we locked.
        unsafe { libc::munlock(start as *const libc::c_void, end - start) };
    }
}

impl Drop for LockedPages {
    fn drop(&mut self) {
        if self.is_empty() {
            return;
        }
        let page = super::page_size();
        let mut edges = edge_pages();
        let mut release = |at: usize| -> bool {
            let n = edges.get_mut(&at).expect("a locked edge page is counted");
            *n -= 1;
            let last = *n == 0;
            if last {
                edges.remove(&at);
            }
            last
        };
        let last_page = self.end - page;
        let (first_free, last_free) = if last_page == self.start {
            let free = release(self.start);
            (free, free)
        } else {
            (release(self.start), release(last_page))
        };
        // The pages inside are this buffer's alone.
        unlock(self.start + page, last_page);
        if first_free {
            unlock(self.start, self.start + page);
        }
        if last_free && last_page != self.start {
            unlock(last_page, self.end);
        }
    }
}

/// `VmLck` of this process, in bytes (the kernel's count of its locked pages).
pub fn locked_by_process() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmLck:"))?;
    kb.trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()
        .map(|k| k << 10)
}

/// RLIMIT_MEMLOCK's soft limit in bytes; `None` when unlimited.
pub fn memlock_limit() -> io::Result<Option<u64>> {
    use nix::sys::resource::{getrlimit, Resource, RLIM_INFINITY};
    let (soft, _) = getrlimit(Resource::RLIMIT_MEMLOCK).map_err(io::Error::from)?;
    Ok((soft != RLIM_INFINITY).then_some(soft))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Locks need no privilege up to RLIMIT_MEMLOCK (8 MiB by default), so this runs
    /// anywhere the limit allows three pages.
    #[test]
    fn shared_pages_stay_locked_until_the_last_buffer_lets_go() {
        if memlock_limit().unwrap().is_some_and(|l| l < 64 << 10) {
            eprintln!("skipped: RLIMIT_MEMLOCK below 64 KiB");
            return;
        }
        let page = super::super::page_size();
        // Its own mapping, so nothing else of the process shares these pages.
        let mem = super::super::PageBuf::copy_of(&vec![1u8; 3 * page]).unwrap();
        let before = locked_by_process().unwrap();
        // Two buffers sharing the middle page; the first spans pages 0 and 1.
        let a = LockedPages::lock(&mem[10..page + 10]).unwrap();
        let b = LockedPages::lock(&mem[page + 20..3 * page]).unwrap();
        assert_eq!((a.len(), b.len()), (2 * page, 2 * page));
        let locked = || locked_by_process().unwrap() - before;
        assert_eq!(locked(), 3 * page as u64);
        drop(a);
        // The shared page is still b's.
        assert_eq!(locked(), 2 * page as u64);
        drop(b);
        assert_eq!(locked(), 0);
        assert!(LockedPages::lock(&[]).unwrap().is_empty());
        assert!(edge_pages().is_empty());
    }
}
