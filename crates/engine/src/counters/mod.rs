//! Hardware and software counters with perf_event_open, per worker thread, user +
//! kernel. What the CPU or kernel does not offer is `None` with a reason — never 0.
//!
//! Each thread opens its own groups, as `perf stat` would:
//! - its CPU time and context switches, read without perf: the thread's own CPU clock
//!   (`clock_gettime`, the same runtime task-clock counts) and /proc's switch counts.
//!   A per-thread perf group is switched out and in with the thread at every context
//!   switch; task-clock and context-switches cost 12 % throughput that way at one-copy
//!   4K × 2 on 2 cores (interleaved pairs, see the README). Never dropped or scaled;
//! - one hardware group per core PMU: one on most CPUs, two on hybrid Intel CPUs
//!   (`cpu_core`, `cpu_atom`), whose generic events must name their PMU, or they count
//!   on one core type only;
//! - the evidence tracepoints: per-thread events, or, in a configuration of few
//!   threads, CPU-wide events filtered to the thread, which are not switched with it
//!   (see [`CounterPlan::set_tracepoints_on_cpus`]).
//!
//! The sampler reads raw values (value, time enabled, time running) and [`window`], a
//! pure function, turns two readings into one window's counts: Δcount × Δenabled /
//! Δrunning where the PMU multiplexed the group, the PMUs' sum unscaled where together
//! they ran the whole window. Opening goes through an [`OpenFn`], so the whole
//! pipeline is tested with scripted fakes.
//!
//! `--count cpu` opens no per-thread group: each pinned CPU gets the same events
//! opened system-wide (pid -1 on that CPU: every task, softirq and ksoftirqd
//! included), on that CPU's core PMU, and its CPU time is its busy time from
//! /proc/stat ([`CpuTicks`]), because a per-CPU task-clock counts idle time too.

mod cpu_mode;
mod fault;
mod opened;
mod perf;
mod plan;
mod pmu;
mod probe;
mod proc_stat;
mod sentinel;
mod thread_clock;
mod tracefs;
mod window;

pub use cpu_mode::{CpuCounters, CpuPart};
pub use opened::{ThreadCounters, ThreadReading};
pub use perf::open_perf;
pub use plan::CounterPlan;
pub use pmu::{hybrid_pmu_cpus, hybrid_pmus, parse_cpulist, vendor_note};
pub use proc_stat::{cpu_ticks, machine_ticks, CpuTicks, CPU_STAT_VALUES};
pub use sentinel::{noise_between, thread_clock_of, Sentinel, SentinelReading};
pub use thread_clock::{context_switches, ns_per_tick};
pub use tracefs::{tracepoint_ids, TracepointIds};
pub use window::{cpu_window, window};

use std::io;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Cycles,
    Instructions,
    L1dMisses,
    LlcMisses,
    CacheMisses,
    ContextSwitches,
    CpuTime,
    /// User-mode CPU time: the thread's utime, from its user-time clock (task-clock counts kernel
    /// time even when told to exclude it, so it cannot split the two).
    UserCpuTime,
    /// `raw_syscalls:sys_enter`: system calls the thread entered.
    Syscalls,
    /// `skb:skb_copy_datagram_iovec`: copies of received data to user memory.
    SkbCopies,
}

impl Metric {
    pub const ALL: [Metric; 10] = [
        Metric::Cycles,
        Metric::Instructions,
        Metric::L1dMisses,
        Metric::LlcMisses,
        Metric::CacheMisses,
        Metric::ContextSwitches,
        Metric::CpuTime,
        Metric::UserCpuTime,
        Metric::Syscalls,
        Metric::SkbCopies,
    ];

    /// The CSV column / `Counts` field.
    pub fn column(self) -> &'static str {
        match self {
            Metric::Cycles => "cycles",
            Metric::Instructions => "instructions",
            Metric::L1dMisses => "l1d_misses",
            Metric::LlcMisses => "llc_misses",
            Metric::CacheMisses => "cache_misses",
            Metric::ContextSwitches => "context_switches",
            Metric::CpuTime => "cpu_ns",
            Metric::UserCpuTime => "user_ns",
            Metric::Syscalls => "syscalls",
            Metric::SkbCopies => "skb_copies",
        }
    }

    /// The event's name as `perf list` spells it.
    pub fn event_name(self) -> &'static str {
        match self {
            Metric::Cycles => "cycles",
            Metric::Instructions => "instructions",
            Metric::L1dMisses => "L1-dcache-load-misses",
            Metric::LlcMisses => "LLC-load-misses",
            Metric::CacheMisses => "cache-misses",
            Metric::ContextSwitches => "context switches (/proc/self/task/TID/status)",
            Metric::CpuTime => "thread CPU clock (clock_gettime)",
            Metric::UserCpuTime => "thread user-time clock (clock_gettime)",
            Metric::Syscalls => "raw_syscalls:sys_enter",
            Metric::SkbCopies => "skb:skb_copy_datagram_iovec",
        }
    }

    /// Counted by the kernel, not by a PMU counter.
    pub fn is_software(self) -> bool {
        !matches!(
            self,
            Metric::Cycles
                | Metric::Instructions
                | Metric::L1dMisses
                | Metric::LlcMisses
                | Metric::CacheMisses
        )
    }

    /// A kernel tracepoint (its id comes from tracefs).
    pub fn is_tracepoint(self) -> bool {
        matches!(self, Metric::Syscalls | Metric::SkbCopies)
    }
}

/// Which PMU a group counts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pmu {
    /// Software events: no PMU counter.
    Software,
    /// Kernel tracepoints: no PMU counter either, never multiplexed or scaled.
    Tracepoint,
    /// The calling thread's tracepoints as CPU-wide events filtered to its id, one per
    /// CPU it may run on: counted the same, but nothing is switched with the thread
    /// (see [`CounterPlan::set_tracepoints_on_cpus`]).
    TracepointOnCpus,
    /// Not perf: the thread's user time from /proc (see [`Metric::UserCpuTime`]).
    Proc,
    /// Not perf: the thread's CPU clock and its context switches from /proc, so no
    /// perf event rides along at each of its context switches.
    ThreadClock,
    /// Not perf: one CPU's busy and user time from /proc/stat (`--count cpu`).
    CpuStat,
    /// The CPU's one core PMU (generic hardware events as they are).
    Core,
    /// One core PMU of a hybrid CPU: its sysfs name and perf type, which goes into the
    /// high 32 bits of a generic event's `config`.
    Hybrid { name: String, type_id: u32 },
}

impl Pmu {
    /// Counted by a PMU counter (may be multiplexed); else by the kernel, always.
    pub fn is_hardware(&self) -> bool {
        matches!(self, Pmu::Core | Pmu::Hybrid { .. })
    }
}

/// One counter group of one thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSpec {
    pub pmu: Pmu,
    pub events: Vec<Metric>,
    /// Count kernel mode too (the normal case); `false`: user mode only, where
    /// perf_event_paranoid refuses kernel counting.
    pub include_kernel: bool,
    /// Count only while the thread runs on this CPU (tests); `None`: any CPU. With
    /// `system_wide`, the CPU counted.
    pub cpu: Option<usize>,
    /// Every task on `cpu` (pid -1, `--count cpu`), not the calling thread.
    pub system_wide: bool,
}

impl GroupSpec {
    /// perf file descriptors the group takes: perf-event2's leader plus one per event.
    pub fn fds(&self) -> usize {
        if self.is_perf() {
            1 + self.events.len()
        } else {
            0
        }
    }

    /// Opened with perf_event_open (not read from /proc).
    pub fn is_perf(&self) -> bool {
        !matches!(self.pmu, Pmu::Proc | Pmu::CpuStat | Pmu::ThreadClock)
    }
}

/// One read of one group: cumulative values (in the spec's event order) and times, ns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawReading {
    pub enabled: u64,
    pub running: u64,
    pub values: Vec<u64>,
}

/// An open counter group: what the sampler needs of it.
pub trait RawGroup: Send {
    fn enable(&mut self) -> io::Result<()>;
    fn read(&mut self) -> io::Result<RawReading>;
}

/// Opens a group for the calling thread: perf_event_open, or a fake in tests.
pub type OpenFn = Arc<dyn Fn(&GroupSpec) -> io::Result<Box<dyn RawGroup>> + Send + Sync>;

#[cfg(test)]
mod tests;
