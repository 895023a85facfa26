//! perf_event_open: the events as perf builders, and the groups the kernel counts in.

use super::proc_stat::CpuStat;
use super::thread_clock::ThreadTimes;
use super::{tracepoint_ids, GroupSpec, Metric, Pmu, RawGroup, RawReading};
use perf_event::events::{Cache, CacheId, CacheOp, CacheResult, Hardware, Software, Tracepoint};
use perf_event::{Builder, Counter, Group};
use std::io;

impl Metric {
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
}

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

/// The calling thread's tracepoints, counted without riding along with it: for each
/// event, one CPU-wide event on each CPU the thread may run on, filtered to the
/// thread's id. A per-thread event is added to and removed from the CPU at each of the
/// thread's context switches (a request/response round trip makes four); a CPU-wide
/// one stays, and only its filter runs, when the tracepoint fires on that CPU.
struct FilteredTracepoints {
    /// Every event's counters, one per CPU, event by event (the spec's order).
    counters: SoloCounters,
    /// The CPUs each event is counted on.
    cpus: usize,
}

impl FilteredTracepoints {
    fn open(spec: &GroupSpec) -> io::Result<FilteredTracepoints> {
        use nix::sched::{sched_getaffinity, CpuSet};
        let mask = sched_getaffinity(nix::unistd::Pid::from_raw(0)).map_err(io::Error::from)?;
        let cpus: Vec<usize> = (0..CpuSet::count())
            .filter(|&c| mask.is_set(c).unwrap_or(false))
            .collect();
        let filter =
            std::ffi::CString::new(format!("common_pid == {}", nix::unistd::gettid().as_raw()))
                .map_err(io::Error::other)?;
        let mut counters = Vec::with_capacity(spec.events.len() * cpus.len());
        for &m in &spec.events {
            for &cpu in &cpus {
                let mut b = m.builder()?;
                b.any_pid().one_cpu(cpu).include_kernel();
                let counter = b.build()?;
                crate::sys::set_perf_filter(&counter, &filter)?;
                counters.push(counter);
            }
        }
        Ok(FilteredTracepoints {
            counters: SoloCounters { counters },
            cpus: cpus.len(),
        })
    }
}

impl RawGroup for FilteredTracepoints {
    fn enable(&mut self) -> io::Result<()> {
        self.counters.enable()
    }

    /// Each event's count summed over its CPUs.
    fn read(&mut self) -> io::Result<RawReading> {
        let mut r = self.counters.read()?;
        r.values = r
            .values
            .chunks(self.cpus.max(1))
            .map(|per_cpu| per_cpu.iter().sum())
            .collect();
        Ok(r)
    }
}

/// The real opener: perf_event_open for the calling thread, disabled.
pub fn open_perf(spec: &GroupSpec) -> io::Result<Box<dyn RawGroup>> {
    match spec.pmu {
        Pmu::Proc | Pmu::ThreadClock => {
            return Ok(Box::new(ThreadTimes::for_calling_thread(&spec.events)?))
        }
        Pmu::TracepointOnCpus => return Ok(Box::new(FilteredTracepoints::open(spec)?)),
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
