//! PERF_EVENT_IOC_SET_FILTER: a tracepoint event counts only what its filter matches.

use std::ffi::CStr;
use std::io;
use std::os::fd::AsRawFd;

/// Sets `filter` (ftrace's filter syntax, e.g. "common_pid == 42") on the tracepoint
/// event `event`.
pub fn set_perf_filter(event: &impl AsRawFd, filter: &CStr) -> io::Result<()> {
    // SAFETY: `event`'s descriptor stays open for the call's duration and `filter` a
    // NUL-terminated string the kernel copies (strndup_user) before it returns.
    let rc = unsafe {
        perf_event_open_sys::ioctls::SET_FILTER(event.as_raw_fd(), filter.as_ptr().cast_mut())
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
