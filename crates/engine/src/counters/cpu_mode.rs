//! `--count cpu`: what each pinned CPU counts system-wide, every task on it.

use super::plan::{describe, refused, status, system_wide_hint};
use super::{ns_per_tick, CounterPlan, GroupSpec, Metric, Pmu, ThreadCounters, ThreadReading};
use crate::config::CpuSides;
use crate::sample::{CounterStatus, Note};
use std::io;

impl CounterPlan {
    /// What `--count cpu` can count here, tried on `cpu`: the thread plan's hardware
    /// and tracepoint groups and context switches, opened system-wide (pid -1), and
    /// each CPU's busy time from /proc/stat (a per-CPU task-clock counts idle time too:
    /// `perf stat -C 1 -e task-clock sleep 1` says 1000 ms on an idle CPU). A group
    /// the kernel refuses is left out, with the reason, as for threads.
    pub fn probe_cpu_mode(&mut self, cpu: usize) {
        let mut probe = CpuProbe {
            plan: self,
            cpu,
            groups: Vec::new(),
            statuses: Vec::new(),
        };
        probe.context_switches();
        probe.hardware();
        probe.tracepoints();
        probe.proc_stat();
        let CpuProbe {
            groups,
            mut statuses,
            ..
        } = probe;
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
                    counters: ThreadCounters::open_specs(&self.open, &groups),
                    groups,
                }
            })
            .collect()
    }
}

/// Probing `--count cpu` on one CPU: the groups kept and the statuses said so far.
struct CpuProbe<'a> {
    plan: &'a CounterPlan,
    cpu: usize,
    groups: Vec<GroupSpec>,
    statuses: Vec<CounterStatus>,
}

impl CpuProbe<'_> {
    /// Opens `g` on the probed CPU, every task on it.
    fn tries(&self, g: &GroupSpec) -> io::Result<()> {
        (self.plan.open)(&GroupSpec {
            cpu: Some(self.cpu),
            system_wide: true,
            include_kernel: true,
            ..g.clone()
        })
        .map(drop)
    }

    /// What the thread plan says of `m`, for figures counted the same way here.
    fn thread_status(&self, m: Metric) -> CounterStatus {
        self.plan
            .statuses
            .iter()
            .find(|s| s.metric == m.column())
            .cloned()
            .unwrap_or_else(|| status(m, false, Some("not measured".into())))
    }

    fn context_switches(&mut self) {
        let sw = system_wide(Pmu::Software, vec![Metric::ContextSwitches]);
        match self.tries(&sw) {
            Ok(()) => {
                self.statuses.push(status(
                    Metric::ContextSwitches,
                    true,
                    Some(
                        "every context switch on the pinned CPUs, to and from idle included".into(),
                    ),
                ));
                self.groups.push(sw);
            }
            Err(e) => self
                .statuses
                .push(count_cpu_na(Metric::ContextSwitches, why(&e))),
        }
    }

    /// The thread plan's hardware groups; a CPU opens its own core PMU's only.
    fn hardware(&mut self) {
        let hw: Vec<GroupSpec> = self
            .plan
            .groups
            .iter()
            .filter(|g| g.pmu.is_hardware())
            .map(|g| system_wide(g.pmu.clone(), g.events.clone()))
            .collect();
        let hw_metrics: Vec<Metric> = hw.first().map(|g| g.events.clone()).unwrap_or_default();
        let refused_hw = hw
            .iter()
            .filter(|g| self.plan.pmu_covers(g, self.cpu))
            .find_map(|g| self.tries(g).err());
        for m in Metric::ALL.into_iter().filter(|m| !m.is_software()) {
            let st = match (&refused_hw, hw_metrics.contains(&m)) {
                (None, true) => {
                    let mut st = self.thread_status(m);
                    let sys = "every task on the pinned CPUs".to_string();
                    st.note = Some(Note::Says(
                        st.note.map_or(sys.clone(), |n| format!("{n}; {sys}")),
                    ));
                    st
                }
                (Some(e), true) => count_cpu_na(m, why(e)),
                (_, false) => self.thread_status(m),
            };
            self.statuses.push(st);
        }
        if refused_hw.is_none() {
            self.groups.extend(hw);
        }
    }

    /// The thread plan's tracepoints, in one group.
    fn tracepoints(&mut self) {
        let tp: Vec<Metric> = self
            .plan
            .groups
            .iter()
            .filter(|g| g.pmu == Pmu::Tracepoint)
            .flat_map(|g| g.events.clone())
            .collect();
        let tp_group = system_wide(Pmu::Tracepoint, tp.clone());
        let tp_result = if tp.is_empty() {
            Ok(())
        } else {
            self.tries(&tp_group)
        };
        for m in [Metric::Syscalls, Metric::SkbCopies] {
            let st = match &tp_result {
                Ok(()) if tp.contains(&m) => {
                    status(m, true, Some("every task on the pinned CPUs".into()))
                }
                Err(e) if tp.contains(&m) => count_cpu_na(m, why(e)),
                _ => self.thread_status(m),
            };
            self.statuses.push(st);
        }
        if tp_result.is_ok() && !tp.is_empty() {
            self.groups.push(tp_group);
        }
    }

    /// The CPU's busy and user time, from /proc/stat.
    fn proc_stat(&mut self) {
        let stat = system_wide(Pmu::CpuStat, vec![Metric::CpuTime, Metric::UserCpuTime]);
        match self.tries(&stat) {
            Ok(()) => {
                let tick_ms = ns_per_tick().map_or(10, |ns| ns / 1_000_000);
                self.statuses.push(status(
                    Metric::CpuTime,
                    true,
                    Some(format!(
                        "busy time of the pinned CPUs: wall time minus idle, iowait and steal from /proc/stat ({tick_ms} ms ticks), everything that ran there (user, system, irq, softirq); a per-CPU task-clock would count idle time too, and the busy fields alone miss short bursts (sampled at a tick NO_HZ stops while idle)"
                    )),
                ));
                self.statuses.push(status(
                    Metric::UserCpuTime,
                    true,
                    Some(
                        "the busy time's user share: (user+nice) / (user+nice+system+irq+softirq) of /proc/stat's tick-sampled fields".into(),
                    ),
                ));
                self.groups.push(stat);
            }
            Err(e) => {
                for m in [Metric::CpuTime, Metric::UserCpuTime] {
                    self.statuses
                        .push(count_cpu_na(m, format!("reading /proc/stat failed ({e})")));
                }
            }
        }
    }
}

/// A group counting every task on a CPU (which CPU: set per CPU, [`CounterPlan::groups_on`]).
fn system_wide(pmu: Pmu, events: Vec<Metric>) -> GroupSpec {
    GroupSpec {
        pmu,
        events,
        include_kernel: true,
        cpu: None,
        system_wide: true,
    }
}

/// Why a group could not count every task on a CPU.
fn why(e: &io::Error) -> String {
    if refused(e) {
        format!(
            "system-wide counting refused ({}); {}",
            describe(e),
            system_wide_hint()
        )
    } else {
        format!("{} (system-wide)", describe(e))
    }
}

/// A figure `--count cpu` cannot have here though the machine offers its event: why.
fn count_cpu_na(m: Metric, why: String) -> CounterStatus {
    CounterStatus {
        note: Some(Note::CountCpuNa(why)),
        ..status(m, false, None)
    }
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
