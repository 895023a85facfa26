//! Allocations that may fail: the buffers whose size the user chooses (and the
//! roofline's DRAM-sized pair) are asked for here, so an address-space limit
//! (`ulimit -v`) or a full memory is an error to report, not the abort of Rust's
//! infallible allocation.

use std::io;

/// `len` zeroed bytes, or an error naming the size and the address-space limit. As
/// `vec![0u8; len]` (calloc: fresh pages are not written), without the abort.
pub fn try_zeroed(len: usize) -> io::Result<Vec<u8>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).map_err(|_| no_room(len))?;
    // SAFETY: the layout has a non-zero size (len > 0).
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    if p.is_null() {
        return Err(no_room(len));
    }
    // SAFETY: p was allocated by the global allocator with exactly this layout
    // (align 1, size len), and all len bytes are initialised (zeroed).
    Ok(unsafe { Vec::from_raw_parts(p, len, len) })
}

/// The error of an allocation of `len` bytes that failed.
pub fn no_room(len: usize) -> io::Error {
    let limit = match nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_AS) {
        Ok((soft, _)) if soft != nix::sys::resource::RLIM_INFINITY => {
            format!("the address-space limit (ulimit -v {} KiB)", soft >> 10)
        }
        _ => "the memory available".to_string(),
    };
    io::Error::new(
        io::ErrorKind::OutOfMemory,
        format!(
            "could not allocate {} for a buffer: it does not fit in {limit}",
            human(len)
        ),
    )
}

/// The error of a thread that could not be created, naming the address-space limit
/// when one is set (each thread's stack is reserved in it).
pub fn no_thread(e: io::Error) -> io::Error {
    let limit = match nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_AS) {
        Ok((soft, _)) if soft != nix::sys::resource::RLIM_INFINITY => soft,
        _ => return e,
    };
    match e.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::ENOMEM) => io::Error::new(
            e.kind(),
            format!(
                "could not create a thread ({e}): its stack does not fit in the address-space \
                 limit (ulimit -v {} KiB); fewer --threads or a larger limit",
                limit >> 10
            ),
        ),
        _ => e,
    }
}

fn human(len: usize) -> String {
    if len >= 1 << 20 {
        format!("{:.0} MiB", len as f64 / (1u64 << 20) as f64)
    } else if len >= 1 << 10 {
        format!("{:.0} KiB", len as f64 / 1024.0)
    } else {
        format!("{len} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zeroed_buffer_or_an_error_that_names_its_size() {
        let v = try_zeroed(5000).unwrap();
        assert_eq!(v.len(), 5000);
        assert!(v.iter().all(|&b| b == 0));
        assert!(try_zeroed(0).unwrap().is_empty());
        // More than any address space: refused, not aborted.
        let e = try_zeroed(usize::MAX / 2).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::OutOfMemory);
        assert!(e.to_string().starts_with("could not allocate "), "{e}");
    }
}
