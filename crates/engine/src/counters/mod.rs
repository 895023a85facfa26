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
//!   on one core type only.
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

use super::config::{CpuSet, CpuSides};
use super::sample::{CounterStatus, Counts, Gap, PmuShare, CPU_COUNT_NA};
use perf_event::events::{Cache, CacheId, CacheOp, CacheResult, Hardware, Software, Tracepoint};
use perf_event::{Builder, Counter, Group};
use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
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

    fn builder(self) -> io::Result<Builder<'static>> {
        fn cache(which: CacheId) -> Cache {
            Cache {
                which,
                operation: CacheOp::READ,
                result: CacheResult::MISS,
            }
        }
        Ok(match self {
            Metric::Cycles => Builder::new(Hardware::CPU_CYCLES),
            Metric::Instructions => Builder::new(Hardware::INSTRUCTIONS),
            Metric::L1dMisses => Builder::new(cache(CacheId::L1D)),
            Metric::LlcMisses => Builder::new(cache(CacheId::LL)),
            Metric::CacheMisses => Builder::new(Hardware::CACHE_MISSES),
            Metric::ContextSwitches => Builder::new(Software::CONTEXT_SWITCHES),
            Metric::CpuTime => Builder::new(Software::TASK_CLOCK),
            Metric::UserCpuTime => {
                return Err(io::Error::other(
                    "utime is read from the thread's clock, not perf",
                ))
            }
            Metric::Syscalls | Metric::SkbCopies => {
                let ids = tracepoint_ids();
                let id = match self {
                    Metric::Syscalls => &ids.syscalls,
                    _ => &ids.skb_copies,
                };
                let id = id
                    .clone()
                    .map_err(|e| io::Error::new(io::ErrorKind::NotFound, e))?;
                Builder::new(Tracepoint::with_id(id))
            }
        })
    }

    fn set(self, c: &mut Counts, v: Option<u64>) {
        match self {
            Metric::Cycles => c.cycles = v,
            Metric::Instructions => c.instructions = v,
            Metric::L1dMisses => c.l1d_misses = v,
            Metric::LlcMisses => c.llc_misses = v,
            Metric::CacheMisses => c.cache_misses = v,
            Metric::ContextSwitches => c.context_switches = v,
            Metric::CpuTime => c.cpu_ns = v,
            Metric::UserCpuTime => c.user_ns = v,
            Metric::Syscalls => c.syscalls = v,
            Metric::SkbCopies => c.skb_copies = v,
        }
    }
}

/// What a generic event really counts on each vendor's CPUs (`-v`, help, README).
pub fn vendor_note(m: Metric, vendor: &str) -> Option<String> {
    let amd = matches!(vendor, "AuthenticAMD" | "HygonGenuine");
    let intel = vendor == "GenuineIntel";
    Some(match m {
        Metric::L1dMisses if intel => "on Intel this is L1D.REPLACEMENT: every line brought into L1D, store misses included, not only loads".into(),
        Metric::L1dMisses if amd => "on AMD Zen this is raw event 0xc860 (demand data-cache fills), not only loads".into(),
        Metric::L1dMisses => "what the CPU maps L1-dcache-load-misses to (Intel: L1D.REPLACEMENT, all fills; AMD: 0xc860)".into(),
        Metric::CacheMisses if amd => {
            "generic cache-misses event; on AMD Zen it counts L2 cache misses, not last-level".into()
        }
        Metric::CacheMisses if intel => {
            "generic cache-misses event; on Intel it counts last-level cache misses".into()
        }
        Metric::CacheMisses => "generic cache-misses event; what it counts depends on the CPU".into(),
        _ => return None,
    })
}

/// Which PMU a group counts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pmu {
    /// Software events: no PMU counter.
    Software,
    /// Kernel tracepoints: no PMU counter either, never multiplexed or scaled.
    Tracepoint,
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

struct PerfGroup {
    group: Group,
    members: Vec<Counter>,
}

impl RawGroup for PerfGroup {
    fn enable(&mut self) -> io::Result<()> {
        self.group.enable()
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let d = self.group.read()?;
        let ns = |t: Option<std::time::Duration>| t.map_or(0, |t| t.as_nanos() as u64);
        Ok(RawReading {
            enabled: ns(d.time_enabled()),
            running: ns(d.time_running()),
            values: self
                .members
                .iter()
                .map(|m| d.get(m).map_or(0, |e| e.value()))
                .collect(),
        })
    }
}

fn configure(b: &mut Builder<'_>, spec: &GroupSpec) {
    if spec.system_wide {
        b.any_pid();
    } else {
        b.observe_self();
    }
    match spec.cpu {
        Some(c) => b.one_cpu(c),
        None => b.any_cpu(),
    };
    if spec.include_kernel {
        // Most of the cost of TCP I/O is in the kernel.
        b.include_kernel();
    } else {
        b.exclude_kernel(true);
    }
}

/// Events opened one by one, not as a group: CPU-wide tracepoints (see [`open_perf`]).
/// Software events, never multiplexed: read one after the other, they cover the
/// same window within microseconds.
struct SoloCounters {
    counters: Vec<Counter>,
}

impl RawGroup for SoloCounters {
    fn enable(&mut self) -> io::Result<()> {
        self.counters.iter_mut().try_for_each(Counter::enable)
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let mut r = RawReading {
            enabled: 0,
            running: u64::MAX,
            values: Vec::with_capacity(self.counters.len()),
        };
        for c in &mut self.counters {
            let d = c.read_count_and_time()?;
            r.enabled = r.enabled.max(d.time_enabled);
            r.running = r.running.min(d.time_running);
            r.values.push(d.count);
        }
        if r.values.is_empty() {
            r.running = 0;
        }
        Ok(r)
    }
}

/// Nanoseconds per clock tick of /proc's times (USER_HZ, 100 on Linux: 10 ms).
pub fn ns_per_tick() -> io::Result<u64> {
    use nix::unistd::{sysconf, SysconfVar};
    let ticks = sysconf(SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .filter(|&t| t > 0)
        .ok_or_else(|| io::Error::other("CLK_TCK unknown"))?;
    Ok(1_000_000_000 / ticks as u64)
}

/// The calling thread's CPU time, context switches and user time, read by whichever
/// thread asks: its CPU clocks and /proc's switch counts, no perf event on the thread.
/// (Its user time was read from /proc/self/task/TID/stat before: reading that file
/// every interval cost 25-30 % throughput at one-copy 128K × 2, interleaved pairs.)
struct ThreadTimes {
    events: Vec<Metric>,
    clock: libc::clockid_t,
    user_clock: libc::clockid_t,
    /// /proc/self/task/TID/status
    status: String,
}

impl ThreadTimes {
    fn for_calling_thread(events: &[Metric]) -> io::Result<ThreadTimes> {
        if let Some(m) = events.iter().find(|m| {
            !matches!(
                m,
                Metric::CpuTime | Metric::ContextSwitches | Metric::UserCpuTime
            )
        }) {
            return Err(io::Error::other(format!(
                "{} is not read from the thread's clocks or /proc",
                m.event_name()
            )));
        }
        let clock = super::sys::thread_cpu_clock()?;
        let mut t = ThreadTimes {
            events: events.to_vec(),
            clock,
            user_clock: super::sys::user_clock_of(clock),
            status: format!("/proc/self/task/{}/status", nix::unistd::gettid()),
        };
        t.read()?;
        Ok(t)
    }

    fn status_text(&self) -> io::Result<String> {
        use std::io::Read as _;
        let mut text = String::new();
        std::fs::File::open(&self.status)?
            .take(8192)
            .read_to_string(&mut text)?;
        Ok(text)
    }
}

/// Voluntary + involuntary context switches from a /proc/…/status text.
pub fn context_switches(status: &str) -> Option<u64> {
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .trim()
            .parse()
            .ok()
    };
    Some(field("voluntary_ctxt_switches:")? + field("nonvoluntary_ctxt_switches:")?)
}

impl RawGroup for ThreadTimes {
    fn enable(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let mut values = Vec::with_capacity(self.events.len());
        for m in &self.events {
            values.push(match m {
                Metric::CpuTime => super::sys::clock_ns(self.clock)?,
                Metric::ContextSwitches => context_switches(&self.status_text()?)
                    .ok_or_else(|| io::Error::other(format!("unreadable {}", self.status)))?,
                _ => super::sys::clock_ns(self.user_clock)?,
            });
        }
        // No enabled/running times: never scaled.
        Ok(RawReading {
            enabled: 0,
            running: 0,
            values,
        })
    }
}

/// One CPU's times from its `cpuN` line of /proc/stat, in clock ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTicks {
    pub user: u64,
    pub nice: u64,
    pub system: u64,
    pub idle: u64,
    pub iowait: u64,
    pub irq: u64,
    pub softirq: u64,
    pub steal: u64,
}

impl CpuTicks {
    /// What ran on the CPU: user + nice + system + irq + softirq (guest time is
    /// already inside user and nice). Not idle, iowait, or steal (the hypervisor ran
    /// something else on that CPU).
    pub fn busy(&self) -> u64 {
        self.user + self.nice + self.system + self.irq + self.softirq
    }

    /// User-mode time: user + nice.
    pub fn user_mode(&self) -> u64 {
        self.user + self.nice
    }
}

/// The times of CPU `cpu` from the text of /proc/stat: its `cpuN` line (not the
/// summed `cpu` line, nor `cpuN0`), at least the seven fields every kernel since
/// 2.6 writes.
pub fn cpu_ticks(stat: &str, cpu: usize) -> Option<CpuTicks> {
    let name = format!("cpu{cpu}");
    let line = stat
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name.as_str()))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    if v.len() < 7 {
        return None;
    }
    Some(CpuTicks {
        user: v[0],
        nice: v[1],
        system: v[2],
        idle: v[3],
        iowait: v[4],
        irq: v[5],
        softirq: v[6],
        steal: v.get(7).copied().unwrap_or(0),
    })
}

impl CpuTicks {
    /// Time the CPU ran nothing: idle and iowait (both measured exactly by the kernel
    /// under NO_HZ), and steal (the hypervisor ran something else).
    pub fn not_busy(&self) -> u64 {
        self.idle + self.iowait + self.steal
    }
}

/// One CPU's busy time ([`Metric::CpuTime`]) and user time from /proc/stat.
///
/// Busy time is wall time minus [`CpuTicks::not_busy`], not the sum of the busy
/// fields: with tick-based accounting those are sampled at the tick, which NO_HZ
/// stops while the CPU idles, so the short busy bursts of a CPU that keeps waking up
/// are missed (a receiver's CPU here, over 200 ticks: busy fields 106, wall minus
/// idle 151). Its reading is [`CPU_STAT_VALUES`]; [`window`] derives the figures.
struct CpuStat {
    cpu: usize,
    ns_per_tick: u64,
    opened: std::time::Instant,
    not_busy_at_open: u64,
}

/// What a /proc/stat group reads, whatever its events: busy ns since it was opened
/// (wall minus not-busy), and the tick-sampled user and busy ns (their ratio is the
/// user share).
pub const CPU_STAT_VALUES: usize = 3;

/// /proc/stat is read this far at most (its per-CPU lines come first).
const STAT_BYTES: u64 = 1 << 20;

impl CpuStat {
    fn open(spec: &GroupSpec) -> io::Result<CpuStat> {
        let cpu = spec
            .cpu
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        let opened = std::time::Instant::now();
        let t = CpuStat::ticks(cpu)?;
        Ok(CpuStat {
            cpu,
            ns_per_tick: ns_per_tick()?,
            opened,
            not_busy_at_open: t.not_busy(),
        })
    }

    fn ticks(cpu: usize) -> io::Result<CpuTicks> {
        use std::io::Read as _;
        let mut text = String::new();
        std::fs::File::open("/proc/stat")?
            .take(STAT_BYTES)
            .read_to_string(&mut text)?;
        cpu_ticks(&text, cpu)
            .ok_or_else(|| io::Error::other(format!("/proc/stat has no line for CPU {cpu}")))
    }
}

impl RawGroup for CpuStat {
    fn enable(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let t = CpuStat::ticks(self.cpu)?;
        let wall = self.opened.elapsed().as_nanos() as u64;
        let not_busy = t.not_busy().saturating_sub(self.not_busy_at_open) * self.ns_per_tick;
        // No enabled/running times: never scaled.
        Ok(RawReading {
            enabled: 0,
            running: 0,
            values: vec![
                wall.saturating_sub(not_busy),
                t.user_mode() * self.ns_per_tick,
                t.busy() * self.ns_per_tick,
            ],
        })
    }
}

/// A /proc/stat group's figures over a window, from its deltas ([`CPU_STAT_VALUES`]):
/// busy ns, and user ns as the tick-sampled user share of it (`None` where no tick
/// fell in busy time, so the share is unknown).
fn cpu_stat_window(d: &RawReading, events: &[Metric], c: &mut Counts) {
    let v = |i: usize| d.values.get(i).copied().unwrap_or(0);
    let (busy, user_ticks, busy_ticks) = (v(0), v(1), v(2));
    for m in events {
        match m {
            Metric::CpuTime => c.cpu_ns = Some(busy),
            Metric::UserCpuTime => {
                c.user_ns = match (busy, busy_ticks) {
                    (0, _) => Some(0),
                    (_, 0) => None,
                    (b, t) => {
                        Some((u128::from(user_ticks.min(t)) * u128::from(b) / u128::from(t)) as u64)
                    }
                }
            }
            _ => {}
        }
    }
}

/// Ids of the tracepoints the evidence counters use, or why each is unknown.
#[derive(Clone, Debug)]
pub struct TracepointIds {
    pub syscalls: Result<u64, String>,
    pub skb_copies: Result<u64, String>,
}

const TRACEFS: [&str; 2] = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

fn read_id(root: &str, event: &str) -> io::Result<u64> {
    let text = std::fs::read_to_string(format!("{root}/events/{event}/id"))?;
    text.trim()
        .parse()
        .map_err(|_| io::Error::other(format!("{root}/events/{event}/id is not a number")))
}

/// The tracepoint ids, from a mounted tracefs, or from one mounted for a moment in a
/// private mount namespace of a helper thread (nothing is mounted for anyone else).
pub fn tracepoint_ids() -> &'static TracepointIds {
    static IDS: std::sync::OnceLock<TracepointIds> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        const EVENTS: [&str; 2] = ["raw_syscalls/sys_enter", "skb/skb_copy_datagram_iovec"];
        let events = EVENTS;
        let lookup = |root: &str| EVENTS.map(|e| read_id(root, e));
        let found = TRACEFS
            .iter()
            .map(|r| lookup(r))
            .find(|ids| ids.iter().any(|i| i.is_ok()))
            .map(Ok)
            .unwrap_or_else(|| {
                std::thread::Builder::new()
                    .name("netio-tracefs".into())
                    .spawn(move || -> Result<[io::Result<u64>; 2], String> {
                        mount_private_tracefs(TRACEFS[0])?;
                        Ok(lookup(TRACEFS[0]))
                    })
                    .map_err(|e| e.to_string())?
                    .join()
                    .map_err(|_| "tracefs helper panicked".to_string())?
            });
        let why = |e: String| {
            format!("tracepoint id unknown: tracefs is not mounted and mounting it failed ({e}); mount -t tracefs nodev /sys/kernel/tracing")
        };
        match found {
            Ok([a, b]) => {
                let named = |r: io::Result<u64>, ev: &str| {
                    r.map_err(|e| format!("tracepoint {ev} not found in tracefs ({e})"))
                };
                TracepointIds {
                    syscalls: named(a, events[0]),
                    skb_copies: named(b, events[1]),
                }
            }
            Err(e) => TracepointIds {
                syscalls: Err(why(e.clone())),
                skb_copies: Err(why(e)),
            },
        }
    })
}

/// In the calling thread only: a private mount namespace with tracefs at `at`.
fn mount_private_tracefs(at: &str) -> Result<(), String> {
    use nix::mount::{mount, MsFlags};
    use nix::sched::{unshare, CloneFlags};
    unshare(CloneFlags::CLONE_NEWNS).map_err(|e| format!("unshare(CLONE_NEWNS): {e}"))?;
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(|e| format!("making mounts private: {e}"))?;
    mount(
        Some("nodev"),
        at,
        Some("tracefs"),
        MsFlags::empty(),
        None::<&str>,
    )
    .map_err(|e| format!("mount tracefs: {e}"))
}

/// The real opener: perf_event_open for the calling thread, disabled.
pub fn open_perf(spec: &GroupSpec) -> io::Result<Box<dyn RawGroup>> {
    match spec.pmu {
        Pmu::Proc | Pmu::ThreadClock => {
            return Ok(Box::new(ThreadTimes::for_calling_thread(&spec.events)?))
        }
        Pmu::CpuStat => return Ok(Box::new(CpuStat::open(spec)?)),
        // A CPU-wide tracepoint that is a group member counts nothing (Linux 6.18: a
        // dummy-led group reads 0 while the same event alone, as `perf stat -C`
        // opens it, counts): each is opened alone.
        Pmu::Tracepoint if spec.system_wide => {
            let counters = spec
                .events
                .iter()
                .map(|&m| {
                    let mut b = m.builder()?;
                    configure(&mut b, spec);
                    b.build()
                })
                .collect::<io::Result<_>>()?;
            return Ok(Box::new(SoloCounters { counters }));
        }
        _ => {}
    }
    let mut leader = Group::builder();
    configure(&mut leader, spec);
    let mut group = leader.build_group()?;
    let mut members = Vec::with_capacity(spec.events.len());
    for &m in &spec.events {
        let mut b = m.builder()?;
        configure(&mut b, spec);
        if let Pmu::Hybrid { type_id, .. } = spec.pmu {
            // PERF_PMU_TYPE_SHIFT: a generic hardware or cache event on this core PMU.
            b.attrs_mut().config |= u64::from(type_id) << 32;
        }
        members.push(group.add(&b)?);
    }
    Ok(Box::new(PerfGroup { group, members }))
}

/// The CPUs of a sysfs cpulist ("0-7,16"); `None` if it is not one.
pub fn parse_cpulist(text: &str) -> Option<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let (a, b): (usize, usize) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let c = part.trim().parse().ok()?;
                (c, c)
            }
        };
        if a > b || b >= super::config::CPU_SET_SIZE {
            return None;
        }
        cpus.extend(a..=b);
    }
    Some(cpus)
}

/// The CPUs each core PMU of a hybrid CPU covers (sysfs `cpus`), by PMU name.
pub fn hybrid_pmu_cpus(pmus: &[Pmu]) -> BTreeMap<String, Vec<usize>> {
    pmus.iter()
        .filter_map(|p| match p {
            Pmu::Hybrid { name, .. } => {
                let text =
                    std::fs::read_to_string(format!("/sys/bus/event_source/devices/{name}/cpus"))
                        .ok()?;
                Some((name.clone(), parse_cpulist(&text)?))
            }
            _ => None,
        })
        .collect()
}

/// The core PMUs of a hybrid Intel CPU, `[cpu_core, cpu_atom]`; empty elsewhere
/// (both or none: one alone is not a hybrid CPU we understand).
pub fn hybrid_pmus() -> Vec<Pmu> {
    let pmus: Vec<Pmu> = ["cpu_core", "cpu_atom"]
        .iter()
        .filter_map(|name| {
            let t = std::fs::read_to_string(format!("/sys/bus/event_source/devices/{name}/type"))
                .ok()?;
            Some(Pmu::Hybrid {
                name: name.to_string(),
                type_id: t.trim().parse().ok()?,
            })
        })
        .collect();
    if pmus.len() == 2 {
        pmus
    } else {
        Vec::new()
    }
}

/// Test hook, for the binary: `NETIO_TUI_PERF_FAULT=EACCES` fails every
/// perf_event_open with that errno; `EMFILE@K` lets the first K worker groups open and
/// fails the rest. No PMU or unprivileged user is needed to see what the user sees.
pub const FAULT_ENV: &str = "NETIO_TUI_PERF_FAULT";

fn errno_named(name: &str) -> Option<i32> {
    Some(match name {
        "EACCES" => libc::EACCES,
        "EPERM" => libc::EPERM,
        "ENOENT" => libc::ENOENT,
        "EINVAL" => libc::EINVAL,
        "EMFILE" => libc::EMFILE,
        "ENOSYS" => libc::ENOSYS,
        "EOPNOTSUPP" => libc::EOPNOTSUPP,
        _ => return None,
    })
}

/// A fault from [`FAULT_ENV`]: the errno, and how many opens succeed first (`None`:
/// every open fails, the probe's too).
fn fault_from_env() -> Option<(i32, Option<usize>)> {
    let v = std::env::var(FAULT_ENV).ok()?;
    match v.split_once('@') {
        Some((e, k)) => Some((errno_named(e)?, Some(k.parse().ok()?))),
        None => Some((errno_named(&v)?, None)),
    }
}

/// Benchmark hook: `NETIO_TUI_EVIDENCE=off` measures without the evidence counters
/// (syscall and receive-copy tracepoints, /proc user time), to see what they cost.
pub const NO_EVIDENCE_ENV: &str = "NETIO_TUI_EVIDENCE";

/// An opener that fails with `errno` after `after` successful opens. /proc/stat is
/// not perf: a fault of perf_event_open leaves it alone.
pub fn failing_after(inner: OpenFn, errno: i32, after: usize) -> OpenFn {
    let opened = AtomicUsize::new(0);
    Arc::new(move |spec| {
        if spec.pmu == Pmu::CpuStat {
            return inner(spec);
        }
        if opened.fetch_add(1, Ordering::Relaxed) >= after {
            return Err(io::Error::from_raw_os_error(errno));
        }
        inner(spec)
    })
}

/// Which events this machine gives us and how they are grouped, decided once at startup.
#[derive(Clone)]
pub struct CounterPlan {
    /// Every metric measured (software and hardware).
    pub metrics: Vec<Metric>,
    /// The groups each worker thread opens, software first.
    pub groups: Vec<GroupSpec>,
    pub statuses: Vec<CounterStatus>,
    /// perf_event_open refused altogether (permissions, no perf support).
    pub perf_error: Option<String>,
    /// `--count cpu`: the groups each pinned CPU opens system-wide (their `cpu` set
    /// per CPU by [`CounterPlan::groups_on`]), and what is available that way.
    pub cpu_groups: Vec<GroupSpec>,
    pub cpu_statuses: Vec<CounterStatus>,
    /// Hybrid CPUs: the CPUs of each core PMU, so a CPU opens its own PMU's group only.
    pub pmu_cpus: BTreeMap<String, Vec<usize>>,
    open: OpenFn,
    /// Threads that may still open their groups in the configuration being started
    /// (the file-descriptor budget); negative: unlimited.
    budget: Arc<AtomicIsize>,
}

impl std::fmt::Debug for CounterPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CounterPlan")
            .field("groups", &self.groups)
            .field("perf_error", &self.perf_error)
            .finish_non_exhaustive()
    }
}

fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => Gap::Open { errno }.to_string(),
        None => e.to_string(),
    }
}

fn paranoid_level() -> String {
    std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn system_wide_hint() -> String {
    format!(
        "perf_event_paranoid is {}; counting every task on a CPU needs root, CAP_PERFMON or perf_event_paranoid <= 0",
        paranoid_level()
    )
}

fn paranoid_hint() -> String {
    format!(
        "perf_event_paranoid is {}; counting kernel-side events of our threads needs root, CAP_PERFMON or paranoid <= 1",
        paranoid_level()
    )
}

fn refused(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EACCES) | Some(libc::EPERM))
}

fn status(m: Metric, available: bool, note: Option<String>) -> CounterStatus {
    CounterStatus {
        metric: m.column().into(),
        event: m.event_name().into(),
        available,
        note,
    }
}

/// Opens the groups, enables them, does some work and says whether the hardware ran.
fn groups_run(open: &OpenFn, specs: &[GroupSpec]) -> bool {
    let mut groups = Vec::new();
    for s in specs {
        let Ok(mut g) = open(s) else { return false };
        if g.enable().is_err() {
            return false;
        }
        groups.push(g);
    }
    // Some work so that hardware events have something to count.
    let mut x = 0u64;
    for i in 0..200_000u64 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
    }
    std::hint::black_box(x);
    std::thread::yield_now();
    // Hybrid: the thread may have run on one core type only; together they must run.
    groups
        .iter_mut()
        .filter_map(|g| g.read().ok())
        .any(|r| r.running > 0)
}

impl CounterPlan {
    /// The plan for this machine: real perf_event_open on its core PMUs, or the fault
    /// named by [`FAULT_ENV`].
    pub fn probe(vendor: &str) -> CounterPlan {
        let mut plan = CounterPlan::probe_faults(vendor);
        if std::env::var_os(NO_EVIDENCE_ENV).is_some_and(|v| v == "off") {
            plan.drop_evidence(&format!("switched off by {NO_EVIDENCE_ENV}=off"));
        }
        plan
    }

    /// Without one metric's event, said as `why` wherever the figure would appear.
    pub fn drop_metric(&mut self, metric: Metric, why: &str) {
        self.drop_where(|m| *m == metric, why);
    }

    /// Without the evidence counters (tracepoints, /proc user time): for measuring
    /// what they cost.
    pub fn drop_evidence(&mut self, why: &str) {
        self.drop_where(|m| m.is_tracepoint() || *m == Metric::UserCpuTime, why);
    }

    fn drop_where(&mut self, evidence: impl Fn(&Metric) -> bool, why: &str) {
        // The other events of a group stay: only the dropped ones leave it.
        for g in self.groups.iter_mut().chain(&mut self.cpu_groups) {
            g.events.retain(|m| !evidence(m));
        }
        self.groups.retain(|g| !g.events.is_empty());
        self.cpu_groups.retain(|g| !g.events.is_empty());
        self.metrics.retain(|m| !evidence(m));
        for s in self.statuses.iter_mut().chain(&mut self.cpu_statuses) {
            if Metric::ALL
                .iter()
                .any(|m| evidence(m) && m.column() == s.metric)
            {
                s.available = false;
                s.note = Some(why.to_string());
            }
        }
    }

    fn probe_faults(vendor: &str) -> CounterPlan {
        let real: OpenFn = Arc::new(open_perf);
        let pmus = hybrid_pmus();
        // Both counting modes, probed with the same opener.
        let probe = |open: OpenFn| {
            let mut plan = CounterPlan::probe_with(vendor, &pmus, open);
            plan.pmu_cpus = hybrid_pmu_cpus(&pmus);
            let cpu = super::worker::allowed_cpus().first().copied().unwrap_or(0);
            plan.probe_cpu_mode(cpu);
            plan
        };
        match fault_from_env() {
            None => probe(real),
            Some((errno, None)) => {
                let mut plan = probe(failing_after(real, errno, 0));
                if let Some(e) = &mut plan.perf_error {
                    e.push_str(&format!(" (injected by {FAULT_ENV})"));
                }
                plan
            }
            Some((errno, Some(k))) => {
                let mut plan = probe(real.clone());
                plan.open = failing_after(real, errno, k);
                plan
            }
        }
    }

    /// Tries every event with `open`, on each of `hybrid` PMUs (none: the one core PMU),
    /// then the groups as a whole, and keeps what works.
    pub fn probe_with(vendor: &str, hybrid: &[Pmu], open: OpenFn) -> CounterPlan {
        let mut statuses = Vec::new();
        let mut perf_error = None;
        let mut groups = Vec::new();
        let tries = |spec: &GroupSpec| open(spec).map(drop);

        // CPU time and context switches: the thread's own clock and /proc, no perf
        // (so no permission needed, and nothing switched with the thread).
        let clock = GroupSpec {
            pmu: Pmu::ThreadClock,
            events: vec![Metric::CpuTime, Metric::ContextSwitches],
            include_kernel: true,
            cpu: None,
            system_wide: false,
        };
        let sw = match tries(&clock) {
            Ok(()) => {
                statuses.push(status(
                    Metric::CpuTime,
                    true,
                    Some("user + kernel, exact: the kernel's runtime of each thread".into()),
                ));
                statuses.push(status(Metric::ContextSwitches, true, None));
                groups.push(clock.clone());
                clock.events
            }
            Err(e) => {
                for m in &clock.events {
                    statuses.push(status(*m, false, Some(describe(&e))));
                }
                Vec::new()
            }
        };
        // The evidence counters: tracepoints and /proc, no PMU needed. Each in a group
        // of its own kind, never dropped or scaled; added after the hardware groups.
        let mut evidence_groups = Vec::new();
        let mut evidence = Vec::new();
        let tp: Vec<Metric> = [Metric::Syscalls, Metric::SkbCopies]
            .into_iter()
            .filter(|&m| {
                let spec = GroupSpec {
                    pmu: Pmu::Tracepoint,
                    events: vec![m],
                    include_kernel: true,
                    cpu: None,
                    system_wide: false,
                };
                match tries(&spec) {
                    Ok(()) => {
                        statuses.push(status(m, true, None));
                        true
                    }
                    Err(e) => {
                        let ids = tracepoint_ids();
                        let id = if m == Metric::Syscalls {
                            &ids.syscalls
                        } else {
                            &ids.skb_copies
                        };
                        let note = match (id, refused(&e)) {
                            (Err(why), false) => why.clone(),
                            (_, true) => format!("{}; {}", describe(&e), paranoid_hint()),
                            _ => describe(&e),
                        };
                        statuses.push(status(m, false, Some(note)));
                        false
                    }
                }
            })
            .collect();
        if !tp.is_empty() {
            evidence.extend(tp.iter().copied());
            evidence_groups.push(GroupSpec {
                pmu: Pmu::Tracepoint,
                events: tp,
                include_kernel: true,
                cpu: None,
                system_wide: false,
            });
        }
        let proc = GroupSpec {
            pmu: Pmu::Proc,
            events: vec![Metric::UserCpuTime],
            include_kernel: true,
            cpu: None,
            system_wide: false,
        };
        match tries(&proc) {
            Ok(()) => {
                statuses.push(status(
                    Metric::UserCpuTime,
                    true,
                    Some("split from the thread's CPU time by the kernel's tick sampling (utime/stime)".into()),
                ));
                evidence.push(Metric::UserCpuTime);
                evidence_groups.push(proc);
            }
            Err(e) => statuses.push(status(Metric::UserCpuTime, false, Some(describe(&e)))),
        }

        // Hardware: every event must open on every core PMU.
        let pmus: Vec<Pmu> = if hybrid.is_empty() {
            vec![Pmu::Core]
        } else {
            hybrid.to_vec()
        };
        let hw_spec = |pmu: &Pmu, events: Vec<Metric>| GroupSpec {
            pmu: pmu.clone(),
            events,
            include_kernel: true,
            cpu: None,
            system_wide: false,
        };
        let mut hw = Vec::new();
        let mut hw_refused = None;
        for m in Metric::ALL.into_iter().filter(|m| !m.is_software()) {
            let failed = pmus
                .iter()
                .find_map(|p| tries(&hw_spec(p, vec![m])).err().map(|e| (p, e)));
            match failed {
                None => hw.push(m),
                Some((p, e)) => {
                    if refused(&e) {
                        hw_refused.get_or_insert_with(|| describe(&e));
                    } else if e.raw_os_error() == Some(libc::ENOSYS) && perf_error.is_none() {
                        perf_error =
                            Some("counters unavailable: this kernel has no perf_event_open".into());
                    }
                    let on = match p {
                        Pmu::Hybrid { name, .. } => format!(" on {name}"),
                        _ => String::new(),
                    };
                    statuses.push(status(m, false, Some(format!("{}{on}", describe(&e)))));
                }
            }
        }
        // A group whose events do not all fit on the PMU is never scheduled and reads 0:
        // drop hardware events from the end until the groups really run. Software
        // events are in their own group and never dropped.
        while !hw.is_empty()
            && !groups_run(
                &open,
                &pmus
                    .iter()
                    .map(|p| hw_spec(p, hw.clone()))
                    .collect::<Vec<_>>(),
            )
        {
            let dropped = hw.pop().unwrap();
            statuses.push(status(
                dropped,
                false,
                Some("does not fit in one counter group with the other events on this CPU".into()),
            ));
        }
        let hybrid_note = match hybrid {
            [Pmu::Hybrid { name: a, .. }, Pmu::Hybrid { name: b, .. }] => Some(format!(
                "hybrid CPU: one group on {a} and one on {b}, summed"
            )),
            _ => None,
        };
        for &m in &hw {
            let note = [vendor_note(m, vendor), hybrid_note.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>();
            statuses.push(status(m, true, (!note.is_empty()).then(|| note.join("; "))));
        }
        if !hw.is_empty() {
            groups.extend(pmus.iter().map(|p| hw_spec(p, hw.clone())));
        }
        groups.extend(evidence_groups);

        if let Some(why) = hw_refused.as_ref() {
            if perf_error.is_none() && hw.is_empty() {
                let what = if sw.is_empty() {
                    "counters"
                } else {
                    "hardware counters"
                };
                perf_error = Some(format!("{what} unavailable: {why}; {}", paranoid_hint()));
            }
        }
        if perf_error.is_none() && hw.is_empty() {
            perf_error = Some(
                "no hardware performance counters on this machine (no PMU driver, as in many VMs): \
                 cycles, instructions and cache misses show n/a"
                    .into(),
            );
        }
        if !hw.contains(&Metric::LlcMisses) && hw.contains(&Metric::CacheMisses) {
            if let Some(s) = statuses.iter_mut().find(|s| s.metric == "llc_misses") {
                let why = s.note.take().unwrap_or_default();
                s.note = Some(format!("{why}; see cache_misses (generic event) instead"));
            }
        }
        statuses.sort_by_key(|s| Metric::ALL.iter().position(|m| m.column() == s.metric));
        let mut metrics = sw;
        metrics.extend(hw);
        metrics.extend(evidence);
        CounterPlan {
            metrics,
            groups,
            statuses,
            perf_error,
            cpu_groups: Vec::new(),
            cpu_statuses: Vec::new(),
            pmu_cpus: BTreeMap::new(),
            open,
            budget: Arc::new(AtomicIsize::new(-1)),
        }
    }

    /// What `--count cpu` can count here, tried on `cpu`: the thread plan's hardware
    /// and tracepoint groups and context switches, opened system-wide (pid -1), and
    /// each CPU's busy time from /proc/stat (a per-CPU task-clock counts idle time too:
    /// `perf stat -C 1 -e task-clock sleep 1` says 1000 ms on an idle CPU). A group
    /// the kernel refuses is left out, with the reason, as for threads.
    pub fn probe_cpu_mode(&mut self, cpu: usize) {
        let on = |g: &GroupSpec| GroupSpec {
            cpu: Some(cpu),
            system_wide: true,
            include_kernel: true,
            ..g.clone()
        };
        let open = self.open.clone();
        let tries = |g: &GroupSpec| open(&on(g)).map(drop);
        let why = |e: &io::Error| {
            if refused(e) {
                format!(
                    "{CPU_COUNT_NA}system-wide counting refused ({}); {}",
                    describe(e),
                    system_wide_hint()
                )
            } else {
                format!("{CPU_COUNT_NA}{} (system-wide)", describe(e))
            }
        };
        let template = |pmu: Pmu, events: Vec<Metric>| GroupSpec {
            pmu,
            events,
            include_kernel: true,
            cpu: None,
            system_wide: true,
        };
        let thread_status = |m: Metric| {
            self.statuses
                .iter()
                .find(|s| s.metric == m.column())
                .cloned()
                .unwrap_or_else(|| status(m, false, Some("not measured".into())))
        };
        let mut groups = Vec::new();
        let mut statuses = Vec::new();

        let sw = template(Pmu::Software, vec![Metric::ContextSwitches]);
        match tries(&sw) {
            Ok(()) => {
                statuses.push(status(
                    Metric::ContextSwitches,
                    true,
                    Some(
                        "every context switch on the pinned CPUs, to and from idle included".into(),
                    ),
                ));
                groups.push(sw);
            }
            Err(e) => statuses.push(status(Metric::ContextSwitches, false, Some(why(&e)))),
        }

        // Hardware: the thread plan's groups; a CPU opens its own core PMU's only.
        let hw: Vec<GroupSpec> = self
            .groups
            .iter()
            .filter(|g| g.pmu.is_hardware())
            .map(|g| template(g.pmu.clone(), g.events.clone()))
            .collect();
        let hw_metrics: Vec<Metric> = hw.first().map(|g| g.events.clone()).unwrap_or_default();
        let here: Vec<&GroupSpec> = hw.iter().filter(|g| self.pmu_covers(g, cpu)).collect();
        let refused_hw = here.iter().find_map(|g| tries(g).err());
        for m in Metric::ALL.into_iter().filter(|m| !m.is_software()) {
            let st = match (&refused_hw, hw_metrics.contains(&m)) {
                (None, true) => {
                    let mut st = thread_status(m);
                    let sys = "every task on the pinned CPUs".to_string();
                    st.note = Some(st.note.map_or(sys.clone(), |n| format!("{n}; {sys}")));
                    st
                }
                (Some(e), true) => status(m, false, Some(why(e))),
                (_, false) => thread_status(m),
            };
            statuses.push(st);
        }
        if refused_hw.is_none() {
            groups.extend(hw);
        }

        let tp: Vec<Metric> = self
            .groups
            .iter()
            .filter(|g| g.pmu == Pmu::Tracepoint)
            .flat_map(|g| g.events.clone())
            .collect();
        let tp_group = template(Pmu::Tracepoint, tp.clone());
        let tp_result = if tp.is_empty() {
            Ok(())
        } else {
            tries(&tp_group)
        };
        for m in [Metric::Syscalls, Metric::SkbCopies] {
            statuses.push(match &tp_result {
                Ok(()) if tp.contains(&m) => {
                    status(m, true, Some("every task on the pinned CPUs".into()))
                }
                Err(e) if tp.contains(&m) => status(m, false, Some(why(e))),
                _ => thread_status(m),
            });
        }
        if tp_result.is_ok() && !tp.is_empty() {
            groups.push(tp_group);
        }

        let stat = template(Pmu::CpuStat, vec![Metric::CpuTime, Metric::UserCpuTime]);
        match tries(&stat) {
            Ok(()) => {
                let tick_ms = ns_per_tick().map_or(10, |ns| ns / 1_000_000);
                statuses.push(status(
                    Metric::CpuTime,
                    true,
                    Some(format!(
                        "busy time of the pinned CPUs: wall time minus idle, iowait and steal from /proc/stat ({tick_ms} ms ticks), everything that ran there (user, system, irq, softirq); a per-CPU task-clock would count idle time too, and the busy fields alone miss short bursts (sampled at a tick NO_HZ stops while idle)"
                    )),
                ));
                statuses.push(status(
                    Metric::UserCpuTime,
                    true,
                    Some(
                        "the busy time's user share: (user+nice) / (user+nice+system+irq+softirq) of /proc/stat's tick-sampled fields".into(),
                    ),
                ));
                groups.push(stat);
            }
            Err(e) => {
                for m in [Metric::CpuTime, Metric::UserCpuTime] {
                    statuses.push(status(
                        m,
                        false,
                        Some(format!("{CPU_COUNT_NA}reading /proc/stat failed ({e})")),
                    ));
                }
            }
        }
        for s in &mut statuses {
            // Where the per-CPU figures come from, not the per-thread event.
            if s.metric == Metric::CpuTime.column() {
                s.event = "/proc/stat: wall - idle - iowait - steal".into();
            } else if s.metric == Metric::UserCpuTime.column() {
                s.event = "/proc/stat: user+nice share".into();
            }
        }
        statuses.sort_by_key(|s| Metric::ALL.iter().position(|m| m.column() == s.metric));
        self.cpu_groups = groups;
        self.cpu_statuses = statuses;
    }

    /// Whether `g` counts on `cpu`: not a hybrid core PMU that covers other CPUs only.
    fn pmu_covers(&self, g: &GroupSpec, cpu: usize) -> bool {
        match &g.pmu {
            Pmu::Hybrid { name, .. } => self.pmu_cpus.get(name).is_none_or(|c| c.contains(&cpu)),
            _ => true,
        }
    }

    /// The groups pinned CPU `cpu` opens with `--count cpu`.
    pub fn groups_on(&self, cpu: usize) -> Vec<GroupSpec> {
        self.cpu_groups
            .iter()
            .filter(|g| self.pmu_covers(g, cpu))
            .map(|g| GroupSpec {
                cpu: Some(cpu),
                ..g.clone()
            })
            .collect()
    }

    /// Opens and enables the groups of every pinned CPU of a configuration
    /// (`--count cpu`). A CPU whose group fails is left out of every figure, with
    /// the reason, as a thread would be.
    pub fn open_cpus(&self, sides: &CpuSides) -> Vec<CpuCounters> {
        let parts = [
            (CpuPart::Senders, &sides.tx),
            (CpuPart::Receivers, &sides.rx),
            (CpuPart::Both, &sides.both),
        ];
        parts
            .into_iter()
            .flat_map(|(part, cpus)| cpus.iter().map(move |&c| (part, c)))
            .map(|(part, cpu)| {
                let groups = self.groups_on(cpu);
                CpuCounters {
                    cpu,
                    part,
                    counters: ThreadCounters {
                        groups: open_all(&self.open, &groups),
                    },
                    groups,
                }
            })
            .collect()
    }

    /// A plan that measures nothing (for tests and machines without perf).
    pub fn none(reason: &str) -> CounterPlan {
        let statuses: Vec<CounterStatus> = Metric::ALL
            .iter()
            .map(|&m| status(m, false, Some(reason.into())))
            .collect();
        CounterPlan {
            metrics: Vec::new(),
            groups: Vec::new(),
            cpu_statuses: statuses.clone(),
            statuses,
            cpu_groups: Vec::new(),
            pmu_cpus: BTreeMap::new(),
            perf_error: Some(reason.into()),
            open: Arc::new(open_perf),
            budget: Arc::new(AtomicIsize::new(-1)),
        }
    }

    /// perf file descriptors one worker thread opens.
    pub fn fds_per_thread(&self) -> usize {
        self.groups.iter().map(GroupSpec::fds).sum()
    }

    /// How many of the next threads may open their groups (`None`: all of them).
    /// Threads past the budget count nothing, and say why, instead of taking the
    /// descriptors their sockets need.
    pub fn set_budget(&self, threads: Option<usize>) {
        let v = threads.map_or(-1, |t| t.min(isize::MAX as usize) as isize);
        self.budget.store(v, Ordering::Relaxed);
    }

    fn take_slot(&self) -> bool {
        self.budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| match b {
                b if b < 0 => Some(b),
                0 => None,
                b => Some(b - 1),
            })
            .is_ok()
    }
}

/// One thread's read: per planned group, or why there is none.
pub type ThreadReading = Result<Vec<RawReading>, Gap>;

/// The groups of one worker thread, opened by it for itself and read by the sampler.
pub struct ThreadCounters {
    groups: Result<Vec<Box<dyn RawGroup>>, Gap>,
}

impl ThreadCounters {
    /// Opens and enables every group of the plan for the calling thread. One group
    /// failing leaves the thread uncounted (so every figure sums the same threads),
    /// with the reason.
    pub fn open(plan: &CounterPlan) -> ThreadCounters {
        if plan.groups.is_empty() {
            return ThreadCounters {
                groups: Ok(Vec::new()),
            };
        }
        if !plan.take_slot() {
            return ThreadCounters {
                groups: Err(Gap::NoDescriptors),
            };
        }
        ThreadCounters {
            groups: open_all(&plan.open, &plan.groups),
        }
    }

    /// No groups (`--count cpu`: the pinned CPUs are counted instead).
    pub fn none() -> ThreadCounters {
        ThreadCounters {
            groups: Ok(Vec::new()),
        }
    }

    pub fn read(&mut self) -> ThreadReading {
        let groups = self.groups.as_mut().map_err(|g| *g)?;
        groups
            .iter_mut()
            .map(|g| {
                g.read().map_err(|e| Gap::Read {
                    errno: e.raw_os_error().unwrap_or(libc::EIO),
                })
            })
            .collect()
    }
}

/// Opens and enables `specs`: all of them, or why not.
fn open_all(open: &OpenFn, specs: &[GroupSpec]) -> Result<Vec<Box<dyn RawGroup>>, Gap> {
    let err = |e: io::Error| Gap::Open {
        errno: e.raw_os_error().unwrap_or(libc::EIO),
    };
    let mut groups = Vec::with_capacity(specs.len());
    for spec in specs {
        groups.push(open(spec).map_err(err)?);
    }
    for g in &mut groups {
        g.enable().map_err(err)?;
    }
    Ok(groups)
}

/// Which worker threads a pinned CPU hosts (`--count cpu`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuPart {
    Senders,
    Receivers,
    /// Senders and receivers: its counts cannot be given to either side.
    Both,
}

/// The groups of one pinned CPU, counting every task on it (`--count cpu`): opened by
/// the engine, read by the sampler at the same edges as threads' groups.
pub struct CpuCounters {
    pub cpu: usize,
    pub part: CpuPart,
    /// This CPU's groups (its own core PMU's on hybrid CPUs).
    pub groups: Vec<GroupSpec>,
    counters: ThreadCounters,
}

impl CpuCounters {
    pub fn read(&mut self) -> ThreadReading {
        self.counters.read()
    }
}

/// Groups are opened by each worker and handed to the sampler thread.
const _: () = {
    const fn is_send<T: Send>() {}
    is_send::<ThreadCounters>();
    is_send::<CpuCounters>()
};

/// Within this share of the window, counters that ran are taken to have covered it
/// (separate reads of a running thread's groups are a few µs apart).
const COVERED: f64 = 0.99;

/// Combines the deltas of groups counting the same events on different PMUs (or one
/// group): per event the sum, unscaled where together they ran the whole window, else
/// scaled by Δenabled / Δrunning. `None` when they were enabled but never ran.
fn combine(events: &[Metric], deltas: &[&RawReading]) -> Option<(Vec<u64>, u64, u64, bool)> {
    let enabled = deltas.iter().map(|d| d.enabled).max().unwrap_or(0);
    let running: u64 = deltas.iter().map(|d| d.running).sum();
    if enabled > 0 && running == 0 {
        return None;
    }
    let scaled = enabled > 0 && (running as f64) < enabled as f64 * COVERED;
    let values = (0..events.len())
        .map(|i| {
            let v: u64 = deltas
                .iter()
                .map(|d| d.values.get(i).copied().unwrap_or(0))
                .sum();
            if scaled {
                (u128::from(v) * u128::from(enabled) / u128::from(running)) as u64
            } else {
                v
            }
        })
        .collect();
    Some((values, enabled, running.min(enabled), scaled))
}

fn delta(a: &RawReading, b: &RawReading) -> RawReading {
    RawReading {
        enabled: b.enabled.saturating_sub(a.enabled),
        running: b.running.saturating_sub(a.running),
        values: b
            .values
            .iter()
            .zip(a.values.iter().chain(std::iter::repeat(&0)))
            .map(|(b, a)| b.saturating_sub(*a))
            .collect(),
    }
}

/// One thread's counts over the window between two readings of its `groups`: the
/// estimate `perf stat -I` makes, per window. Pure: the seam the tests script.
pub fn window(groups: &[GroupSpec], earlier: &ThreadReading, later: &ThreadReading) -> Counts {
    let mut c = Counts::default();
    if groups.is_empty() {
        return c;
    }
    c.threads = 1;
    let (a, b) = match (earlier, later) {
        (Err(g), _) | (_, Err(g)) => {
            c.gap = Some(*g);
            return c;
        }
        (Ok(a), Ok(b)) if a.len() == groups.len() && b.len() == groups.len() => (a, b),
        _ => {
            c.gap = Some(Gap::Read { errno: libc::EIO });
            return c;
        }
    };
    let deltas: Vec<RawReading> = a.iter().zip(b).map(|(a, b)| delta(a, b)).collect();
    let mut counted = true;
    // Software groups stand alone; hardware groups of all core PMUs count together.
    let mut sets: Vec<Vec<usize>> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.pmu.is_hardware())
        .map(|(i, _)| vec![i])
        .collect();
    let hw: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].pmu.is_hardware())
        .collect();
    if !hw.is_empty() {
        sets.push(hw.clone());
    }
    for set in sets {
        let events = &groups[set[0]].events;
        if groups[set[0]].pmu == Pmu::CpuStat {
            cpu_stat_window(&deltas[set[0]], events, &mut c);
            continue;
        }
        let ds: Vec<&RawReading> = set.iter().map(|&i| &deltas[i]).collect();
        let is_hw = groups[set[0]].pmu.is_hardware();
        match combine(events, &ds) {
            None => {
                counted = false;
                c.gap = Some(Gap::NeverRan);
                if is_hw {
                    c.hw_enabled_ns = ds.iter().map(|d| d.enabled).max();
                    c.hw_running_ns = Some(0);
                }
            }
            Some((values, enabled, running, scaled)) => {
                for (m, v) in events.iter().zip(values) {
                    m.set(&mut c, Some(v));
                }
                c.scaled |= scaled;
                if is_hw {
                    c.hw_enabled_ns = Some(enabled);
                    c.hw_running_ns = Some(running);
                }
            }
        }
    }
    // Hybrid: what each core PMU counted. A pinned CPU has one core type: the other
    // PMU counted nothing there.
    let mut split: [Option<PmuShare>; 2] = [None, None];
    for &i in &hw {
        let Pmu::Hybrid { name, .. } = &groups[i].pmu else {
            continue;
        };
        let d = &deltas[i];
        let of = |m: Metric| {
            let pos = groups[i].events.iter().position(|&e| e == m)?;
            d.values.get(pos).copied()
        };
        split[usize::from(name == "cpu_atom")] = Some(PmuShare {
            running_ns: d.running,
            cycles: of(Metric::Cycles),
            instructions: of(Metric::Instructions),
        });
    }
    let none_of = |s: &PmuShare| PmuShare {
        running_ns: 0,
        cycles: s.cycles.map(|_| 0),
        instructions: s.instructions.map(|_| 0),
    };
    c.split = match split {
        [Some(core), Some(atom)] => Some([core, atom]),
        [Some(core), None] => Some([core, none_of(&core)]),
        [None, Some(atom)] => Some([none_of(&atom), atom]),
        [None, None] => None,
    };
    c.counted = u32::from(counted);
    c
}

/// One pinned CPU's counts over a window (`--count cpu`): [`window`], said to be
/// of that CPU, every task on it.
pub fn cpu_window(
    groups: &[GroupSpec],
    cpu: usize,
    earlier: &ThreadReading,
    later: &ThreadReading,
) -> Counts {
    let mut c = window(groups, earlier, later);
    if groups.is_empty() {
        // Nothing opened (no plan): one CPU, not counted.
        c.threads = 1;
    }
    c.cpus = CpuSet::of([cpu]);
    c
}

#[cfg(test)]
mod tests;
