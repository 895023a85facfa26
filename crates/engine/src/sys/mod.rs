//! The unsafe FFI the engine needs, and nothing else: allocations that may fail, capabilities dropped, a tracepoint filter, the termination signals held
//! before the Rust runtime starts (an ELF constructor), the zero-copy socket option,
//! reading completion notifications from a socket's error queue, buffers of whole
//! pages of our own, pages locked in memory, an io_uring that sends from one registered
//! buffer, the mmap'ed window of TCP zero-copy receive, and the ethtool ioctl (a device's
//! driver and offloads).

mod alloc;
mod caps;
mod early;
mod ethtool;
mod mlock;
mod pages;
mod perf_filter;
mod tcp_info;
mod thread;
mod uring;
mod zc_receive;
mod zerocopy;

pub use alloc::{no_room, no_thread, try_zeroed};
pub use caps::{
    drop_capabilities, mask, Cap, CAP_DAC_OVERRIDE, CAP_IPC_LOCK, CAP_NET_ADMIN, CAP_PERFMON,
    CAP_SETPCAP, CAP_SYSLOG, CAP_SYS_ADMIN, CAP_SYS_NICE, CAP_SYS_RESOURCE, ENGINE_KEEPS,
    SIGNAL_THREAD_KEEPS,
};
pub use early::{block_answered, ANSWERED};
pub use ethtool::{ethtool_driver, ethtool_sg_csum};
pub use mlock::{locked_by_process, memlock_limit, LockedPages};
pub use pages::{page_size, PageBuf};
pub use perf_filter::set_perf_filter;
pub use tcp_info::{tcp_counts, TcpCounts};
pub use thread::{
    clock_ns, current_tid, make_realtime, make_thread_background, make_thread_realtime,
    thread_cpu_clock, user_clock_of,
};
pub use uring::{probe_uring, SendRing, IORING_NOTIF_USAGE_ZC_COPIED, RING_ENTRIES};
pub use zc_receive::{ZcReceived, ZcRecvWindow};
pub use zerocopy::{
    read_zerocopy_completions, set_zerocopy, wait_error_queue, ZcRange, SO_EE_CODE_ZEROCOPY_COPIED,
};
