//! What a configuration may take of the machine: file descriptors for its counters,
//! memory for its buffers.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::Engine;

/// Descriptors a connection needs besides its counters: the two sockets, and what a
/// strategy may add on either side (memfd, pipe pair, io_uring ring, mmap window).
const FDS_PER_CONNECTION: usize = 2 + 4;
/// Kept free for everything else (recording, CSV, netlink, the terminal).
const FDS_RESERVED: usize = 32;

/// How many threads of a configuration can have their counters, given `limit`
/// descriptors with `open` already in use; `None`: all `threads` of them.
pub(crate) fn counter_budget(
    limit: usize,
    open: usize,
    connections: usize,
    fds_per_thread: usize,
) -> Option<usize> {
    if fds_per_thread == 0 {
        return None;
    }
    let free = limit
        .saturating_sub(open)
        .saturating_sub(FDS_RESERVED)
        .saturating_sub(connections * FDS_PER_CONNECTION);
    let threads = free / fds_per_thread;
    (threads < 2 * connections).then_some(threads)
}

impl Engine {
    /// Gives the counters of `connections` connections the descriptors that are left
    /// after their sockets; says so when that is not every thread.
    pub(crate) fn budget_counters(&self, connections: usize) -> Option<String> {
        use nix::sys::resource::{getrlimit, Resource};
        let per_thread = self.plan.fds_per_thread();
        let limit = getrlimit(Resource::RLIMIT_NOFILE).map_or(u64::MAX, |(soft, _)| soft);
        let open = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count());
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let budget = counter_budget(limit, open, connections, per_thread);
        self.plan.set_budget(budget);
        budget.map(|t| {
            format!(
                "{connections} connections need {} descriptors ({per_thread} counter descriptors per thread, {FDS_PER_CONNECTION} per connection) but the limit (ulimit -n) is {limit} with {open} open: counters on {t} of {} threads; raise ulimit -n to count them all",
                connections * (2 * per_thread + FDS_PER_CONNECTION) + FDS_RESERVED + open,
                2 * connections
            )
        })
    }
}

/// Refuses configurations whose buffers would not fit comfortably in memory.
pub fn check_memory(config: Config) -> Result<()> {
    // Sender fields + serialize buffer + receiver buffer, per connection.
    let need = (config.msg_size as u64) * 3 * config.threads as u64;
    let avail_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(u64::MAX / 1024);
    if need > avail_kb.saturating_mul(1024) / 2 {
        return Err(Error::Usage(format!(
            "{config} needs about {} MiB of buffers but only {} MiB of memory is available; use fewer threads or smaller messages",
            need >> 20,
            avail_kb >> 10
        )));
    }
    // Under an address-space limit (ulimit -v) the buffers must fit beside what the
    // process has mapped already: refused here, before any thread allocates, because a
    // thread that takes the last of the room leaves some small allocation elsewhere to
    // abort the process.
    if let Some(room) = address_space_room() {
        if need > room {
            return Err(Error::Io {
                what: format!("{config}"),
                source: crate::sys::no_room(config.msg_size),
            });
        }
    }
    Ok(())
}

/// Bytes of address space left under a finite RLIMIT_AS (`ulimit -v`): the limit less
/// the process's VmSize; `None` without a limit.
fn address_space_room() -> Option<u64> {
    use nix::sys::resource::{getrlimit, Resource, RLIM_INFINITY};
    let (soft, _) = getrlimit(Resource::RLIMIT_AS).ok()?;
    if soft == RLIM_INFINITY {
        return None;
    }
    let vm_kb: u64 = std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(soft.saturating_sub(vm_kb.saturating_mul(1024)))
}

/// Refuses `--mlock on` where RLIMIT_MEMLOCK cannot hold what the configuration
/// locks (every connection's send fields, and with `receivers` its receive buffer),
/// naming both. The limit is held to even where CAP_IPC_LOCK would let the kernel
/// lock more: a configuration runs the same as root and as a user.
pub fn check_memlock(config: Config, receivers: bool) -> Result<()> {
    let need = crate::worker::locked_bytes_with(config, receivers);
    if need == 0 {
        return Ok(());
    }
    let limit = crate::sys::memlock_limit().map_err(|e| Error::Io {
        what: "reading RLIMIT_MEMLOCK".into(),
        source: e,
    })?;
    match memlock_refusal(config, need, limit, receivers) {
        Some(why) => Err(Error::Usage(why)),
        None => Ok(()),
    }
}

/// Why `need` bytes locked do not fit under `limit` (`None`: unlimited or enough).
fn memlock_refusal(
    config: Config,
    need: u64,
    limit: Option<u64>,
    receivers: bool,
) -> Option<String> {
    let limit = limit.filter(|&l| need > l)?;
    let kib = |b: u64| b.div_ceil(1024);
    Some(format!(
        "--mlock on: {config} needs {} KiB locked ({} thread pairs × {} KiB of send fields{}, in whole pages) but RLIMIT_MEMLOCK (ulimit -l) is {} KiB; raise it to at least {} KiB (ulimit -l {}), or use fewer threads, smaller messages or --mlock off",
        kib(need),
        config.threads,
        kib(need / config.threads as u64),
        if receivers { " and receive buffer" } else { "" },
        kib(limit),
        kib(need),
        kib(need),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mlock, Strategy};

    #[test]
    fn a_memlock_limit_too_small_names_the_limit_and_the_need() {
        let c = Config {
            mlock: Mlock::On,
            ..Config::new(Strategy::ZeroCopy, 65536, 2)
        };
        let why = memlock_refusal(c, 270_336, Some(65_536), true).unwrap();
        assert!(why.contains("needs 264 KiB locked"), "{why}");
        assert!(why.contains("2 thread pairs × 132 KiB"), "{why}");
        assert!(
            why.contains("RLIMIT_MEMLOCK (ulimit -l) is 64 KiB"),
            "{why}"
        );
        assert!(why.contains("ulimit -l 264"), "{why}");
        assert_eq!(memlock_refusal(c, 270_336, Some(270_336), true), None);
        assert_eq!(memlock_refusal(c, 270_336, None, true), None);
        // Off locks nothing, whatever the limit.
        assert!(check_memlock(Config::new(Strategy::OneCopy, 1 << 26, 1024), true).is_ok());
    }
}
