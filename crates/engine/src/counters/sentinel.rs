//! The noise sentinel: what the whole machine ran during a window (/proc/stat's
//! summed line, every CPU) against what our own threads ran (their CPU clocks), read
//! by the sampler at each window edge. The difference is other work.

use super::proc_stat::{machine_ticks, read_stat};
use super::{ns_per_tick, CpuTicks};
use crate::sample::Noise;
use std::io;
use std::time::Instant;

/// The CPU clock of thread `tid` of this process, as `pthread_getcpuclockid` makes
/// it for a thread it knows: the kernel's per-thread CPU clock ABI (the thread id
/// inverted, shifted past the three flag bits; 4 = per-thread, 2 = CPUCLOCK_SCHED,
/// the exact runtime), the same ABI [`crate::sys::user_clock_of`] relies on.
pub fn thread_clock_of(tid: i32) -> libc::clockid_t {
    ((!tid) << 3) | 4 | 2
}

/// Reads the machine and our threads at window edges.
pub struct Sentinel {
    /// Our threads' CPU clocks: the workers' and the sampler's.
    clocks: Vec<libc::clockid_t>,
    ns_per_tick: u64,
}

/// One read: when, the machine's ticks and CPUs, our threads' CPU time so far.
#[derive(Clone, Copy, Debug)]
pub struct SentinelReading {
    at: Instant,
    ticks: CpuTicks,
    cpus: usize,
    ours_ns: u64,
}

impl Sentinel {
    /// For the worker threads `tids` (of this process); `None` where the clock tick
    /// is unknown (then nothing is measured).
    pub fn new(tids: impl IntoIterator<Item = i32>) -> Option<Sentinel> {
        Some(Sentinel {
            clocks: tids.into_iter().map(thread_clock_of).collect(),
            ns_per_tick: ns_per_tick().ok()?,
        })
    }

    /// Counts the calling thread as ours too (the sampler: its reads are the cost of
    /// measuring, not other work).
    pub fn add_calling_thread(&mut self) {
        if let Ok(c) = crate::sys::thread_cpu_clock() {
            self.clocks.push(c);
        }
    }

    /// The machine and our threads now; an error where /proc/stat is unreadable or a
    /// thread has gone (a window with an ended worker has no noise figures).
    pub fn read(&self) -> io::Result<SentinelReading> {
        let ours_ns = self
            .clocks
            .iter()
            .map(|&c| crate::sys::clock_ns(c))
            .sum::<io::Result<u64>>()?;
        let at = Instant::now();
        let (ticks, cpus) = machine_ticks(&read_stat()?)
            .ok_or_else(|| io::Error::other("/proc/stat has no summed cpu line"))?;
        Ok(SentinelReading {
            at,
            ticks,
            cpus,
            ours_ns,
        })
    }

    /// The window between two reads.
    pub fn window(&self, earlier: &SentinelReading, later: &SentinelReading) -> Option<Noise> {
        if earlier.cpus != later.cpus {
            // A CPU went on- or offline: the capacity is unknown.
            return None;
        }
        noise_between(
            &earlier.ticks,
            &later.ticks,
            later.cpus,
            later.at.saturating_duration_since(earlier.at).as_nanos() as u64,
            later.ours_ns.saturating_sub(earlier.ours_ns),
            self.ns_per_tick,
        )
    }
}

/// A window's [`Noise`] from the machine's ticks at its edges, its CPUs, wall time
/// and our threads' CPU time over it.
///
/// Busy time is capacity minus idle, iowait and steal, not the sum of the busy
/// fields: under NO_HZ those are sampled at ticks that stop while a CPU idles, so
/// they miss short bursts; idle time is measured exactly (see `CpuStat`).
pub fn noise_between(
    earlier: &CpuTicks,
    later: &CpuTicks,
    cpus: usize,
    wall_ns: u64,
    ours_ns: u64,
    ns_per_tick: u64,
) -> Option<Noise> {
    if wall_ns == 0 || later.not_busy() < earlier.not_busy() {
        return None;
    }
    let capacity_ns = wall_ns * cpus as u64;
    let not_busy = (later.not_busy() - earlier.not_busy()) * ns_per_tick;
    Some(Noise {
        wall_ns,
        capacity_ns,
        busy_ns: capacity_ns.saturating_sub(not_busy),
        ours_ns,
        steal_ns: (later.steal.saturating_sub(earlier.steal) * ns_per_tick).min(capacity_ns),
    })
}
