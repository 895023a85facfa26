//! Hardware and software counters with perf_event_open: one group per worker thread,
//! user + kernel. What the CPU or kernel does not offer is `None` with a reason — never 0.

use super::sample::{CounterStatus, Counts};
use perf_event::events::{Cache, CacheId, CacheOp, CacheResult, Hardware, Software};
use perf_event::{Builder, Counter, Group};
use std::io;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Cycles,
    Instructions,
    L1dMisses,
    LlcMisses,
    CacheMisses,
    ContextSwitches,
    CpuTime,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::Cycles,
        Metric::Instructions,
        Metric::L1dMisses,
        Metric::LlcMisses,
        Metric::CacheMisses,
        Metric::ContextSwitches,
        Metric::CpuTime,
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
            Metric::ContextSwitches => "context-switches",
            Metric::CpuTime => "task-clock",
        }
    }

    fn builder(self) -> Builder<'static> {
        fn cache(which: CacheId) -> Cache {
            Cache {
                which,
                operation: CacheOp::READ,
                result: CacheResult::MISS,
            }
        }
        let mut builder = match self {
            Metric::Cycles => Builder::new(Hardware::CPU_CYCLES),
            Metric::Instructions => Builder::new(Hardware::INSTRUCTIONS),
            Metric::L1dMisses => Builder::new(cache(CacheId::L1D)),
            Metric::LlcMisses => Builder::new(cache(CacheId::LL)),
            Metric::CacheMisses => Builder::new(Hardware::CACHE_MISSES),
            Metric::ContextSwitches => Builder::new(Software::CONTEXT_SWITCHES),
            Metric::CpuTime => Builder::new(Software::TASK_CLOCK),
        };
        // User + kernel: most of the cost of TCP I/O is in the kernel.
        builder.observe_self().any_cpu().include_kernel();
        builder
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
        }
    }
}

fn group_builder() -> Builder<'static> {
    let mut b = Group::builder();
    b.observe_self().any_cpu().include_kernel();
    b
}

/// Which events this machine gives us, decided once at startup.
#[derive(Clone, Debug)]
pub struct CounterPlan {
    pub metrics: Vec<Metric>,
    pub statuses: Vec<CounterStatus>,
    /// perf_event_open refused altogether (permissions, no perf support).
    pub perf_error: Option<String>,
}

fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ENOENT) | Some(libc::EOPNOTSUPP) | Some(libc::EINVAL) => {
            format!("not supported by this CPU or kernel ({e})")
        }
        Some(libc::EACCES) | Some(libc::EPERM) => format!("perf_event_open refused ({e})"),
        _ => e.to_string(),
    }
}

fn cache_misses_note(vendor: &str) -> String {
    match vendor {
        "AuthenticAMD" | "HygonGenuine" => {
            "generic cache-misses event; on AMD Zen it counts L2 cache misses, not last-level"
                .into()
        }
        "GenuineIntel" => {
            "generic cache-misses event; on Intel it counts last-level cache misses".into()
        }
        _ => "generic cache-misses event; what it counts depends on the CPU".into(),
    }
}

fn paranoid_hint() -> String {
    let level = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid").unwrap_or_default();
    format!(
        "perf_event_paranoid is {}; counting kernel-side events of our threads needs root, CAP_PERFMON or paranoid <= 1",
        level.trim()
    )
}

impl CounterPlan {
    /// Tries every event on the calling thread, then the whole group, and keeps what works.
    pub fn probe(vendor: &str) -> CounterPlan {
        let mut statuses = Vec::new();
        let mut metrics = Vec::new();
        let mut perf_error = None;
        for m in Metric::ALL {
            let single = group_builder()
                .build_group()
                .and_then(|mut g| g.add(&m.builder()).map(drop));
            match single {
                Ok(()) => metrics.push(m),
                Err(e) => {
                    if matches!(e.raw_os_error(), Some(libc::EACCES) | Some(libc::EPERM))
                        && perf_error.is_none()
                    {
                        perf_error = Some(format!(
                            "hardware counters unavailable: {}; {}",
                            describe(&e),
                            paranoid_hint()
                        ));
                    } else if e.raw_os_error() == Some(libc::ENOSYS) && perf_error.is_none() {
                        perf_error = Some(
                            "hardware counters unavailable: this kernel has no perf_event_open"
                                .into(),
                        );
                    }
                    statuses.push(CounterStatus {
                        metric: m.column().into(),
                        event: m.event_name().into(),
                        available: false,
                        note: Some(describe(&e)),
                    });
                }
            }
        }
        let hardware = [
            Metric::Cycles,
            Metric::Instructions,
            Metric::L1dMisses,
            Metric::LlcMisses,
            Metric::CacheMisses,
        ];
        if perf_error.is_none() && !hardware.iter().any(|m| metrics.contains(m)) {
            perf_error = Some(
                "no hardware performance counters on this machine (no PMU driver, as in many VMs): \
                 cycles, instructions and cache misses show n/a"
                    .into(),
            );
        }
        // A group whose hardware events do not all fit on the PMU is never scheduled and
        // reads 0: drop events from the end until the group really runs.
        while !metrics.is_empty() && !group_runs(&metrics) {
            let dropped = metrics.pop().unwrap();
            statuses.push(CounterStatus {
                metric: dropped.column().into(),
                event: dropped.event_name().into(),
                available: false,
                note: Some(
                    "does not fit in one counter group with the other events on this CPU".into(),
                ),
            });
        }
        for &m in &metrics {
            statuses.push(CounterStatus {
                metric: m.column().into(),
                event: m.event_name().into(),
                available: true,
                note: (m == Metric::CacheMisses).then(|| cache_misses_note(vendor)),
            });
        }
        if !metrics.contains(&Metric::LlcMisses) && metrics.contains(&Metric::CacheMisses) {
            if let Some(s) = statuses.iter_mut().find(|s| s.metric == "llc_misses") {
                let why = s.note.take().unwrap_or_default();
                s.note = Some(format!("{why}; see cache_misses (generic event) instead"));
            }
        }
        statuses.sort_by_key(|s| Metric::ALL.iter().position(|m| m.column() == s.metric));
        CounterPlan {
            metrics,
            statuses,
            perf_error,
        }
    }

    /// A plan that measures nothing (for tests and machines without perf).
    pub fn none(reason: &str) -> CounterPlan {
        CounterPlan {
            metrics: Vec::new(),
            statuses: Metric::ALL
                .iter()
                .map(|m| CounterStatus {
                    metric: m.column().into(),
                    event: m.event_name().into(),
                    available: false,
                    note: Some(reason.into()),
                })
                .collect(),
            perf_error: Some(reason.into()),
        }
    }
}

fn group_runs(metrics: &[Metric]) -> bool {
    let Ok(mut g) = CounterGroup::open(metrics) else {
        return false;
    };
    if g.group.enable().is_err() {
        return false;
    }
    // Some work so that hardware events have something to count.
    let mut x = 0u64;
    for i in 0..200_000u64 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
    }
    std::hint::black_box(x);
    std::thread::yield_now();
    match g.group.read() {
        Ok(d) => d.time_running().is_some_and(|r| !r.is_zero()),
        Err(_) => false,
    }
}

/// The counters of one thread: opened by that thread for itself, read by the sampler.
pub struct CounterGroup {
    group: Group,
    members: Vec<(Metric, Counter)>,
}

impl CounterGroup {
    /// Opens (disabled) a group counting `metrics` for the calling thread.
    pub fn open(metrics: &[Metric]) -> io::Result<CounterGroup> {
        let mut group = group_builder().build_group()?;
        let mut members = Vec::with_capacity(metrics.len());
        for &m in metrics {
            members.push((m, group.add(&m.builder())?));
        }
        Ok(CounterGroup { group, members })
    }

    pub fn enable(&mut self) -> io::Result<()> {
        self.group.enable()
    }

    /// Cumulative counts since enable, scaled if the kernel multiplexed the group.
    pub fn read(&mut self) -> Counts {
        let mut c = Counts::default();
        let Ok(data) = self.group.read() else {
            return c;
        };
        let enabled = data.time_enabled().map_or(0, |d| d.as_nanos());
        let running = data.time_running().map_or(0, |d| d.as_nanos());
        if enabled > 0 && running == 0 {
            // Never scheduled on the PMU: the values mean nothing.
            return c;
        }
        let scale = if running > 0 && running < enabled {
            c.scaled = true;
            enabled as f64 / running as f64
        } else {
            1.0
        };
        for (m, counter) in &self.members {
            let v = data.get(counter).map(|e| (e.value() as f64 * scale) as u64);
            m.set(&mut c, v);
        }
        c
    }
}

/// Groups are opened by each worker and handed to the sampler thread.
const _: () = {
    const fn is_send<T: Send>() {}
    is_send::<CounterGroup>()
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn probe_reports_every_metric_once_with_a_reason_when_missing() {
        let plan = CounterPlan::probe("AuthenticAMD");
        assert_eq!(plan.statuses.len(), Metric::ALL.len());
        for s in &plan.statuses {
            assert!(s.available || s.note.is_some(), "{s:?}");
        }
        // Whatever is available really counts.
        if plan.metrics.contains(&Metric::Cycles) {
            let mut g = CounterGroup::open(&plan.metrics).unwrap();
            g.enable().unwrap();
            let v: u64 = (0..1_000_000u64).map(std::hint::black_box).sum();
            std::hint::black_box(v);
            let c = g.read();
            assert!(c.cycles.unwrap() > 0);
            assert!(c.instructions.unwrap_or(1) > 0);
        } else {
            let _ = writeln!(
                std::io::stderr(),
                "no cycle counter here: {:?}",
                plan.perf_error
            );
        }
    }

    #[test]
    fn missing_events_read_as_none_not_zero() {
        let plan = CounterPlan::probe("GenuineIntel");
        let Ok(mut g) = CounterGroup::open(&plan.metrics) else {
            // perf_event_open refused altogether (not root, paranoid level): nothing to read.
            assert!(plan.perf_error.is_some() && plan.metrics.is_empty());
            let _ = writeln!(std::io::stderr(), "skipped: {:?}", plan.perf_error);
            return;
        };
        let c = g.read();
        for m in Metric::ALL {
            let field = match m {
                Metric::Cycles => c.cycles,
                Metric::Instructions => c.instructions,
                Metric::L1dMisses => c.l1d_misses,
                Metric::LlcMisses => c.llc_misses,
                Metric::CacheMisses => c.cache_misses,
                Metric::ContextSwitches => c.context_switches,
                Metric::CpuTime => c.cpu_ns,
            };
            assert_eq!(field.is_some(), plan.metrics.contains(&m), "{m:?}");
        }
        let none = CounterPlan::none("test");
        assert!(none.statuses.iter().all(|s| !s.available));
    }
}
