//! The counter plan: which events this machine gives us and how they are grouped,
//! probed once at startup, and the file-descriptor budget of the threads that open them.

use super::fault::{failing_after, FaultSeam, PerfFault, FAULT_ENV, NO_EVIDENCE_ENV};
use super::{hybrid_pmu_cpus, hybrid_pmus, open_perf, GroupSpec, Metric, OpenFn, Pmu};
use crate::sample::{CounterStatus, Gap, Note};
use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::Arc;

/// Up to this many worker threads of a request/response configuration count their
/// tracepoints by CPU-wide events filtered to each (see
/// [`CounterPlan::set_tracepoints_on_cpus`]). Measured on this project's 2-CPU VM
/// (one-copy, `scripts/bench-ab.sh` with NETIO_TUI_TRACEPOINTS=thread against =cpu,
/// 2026-12-04, see docs/measuring.md): 64-byte request/response 1.09x transactions/s
/// at 2 threads, 1.10x at 8, 1.16x at 16 (four context switches per round trip, each
/// of which moves a per-thread event); streams gain nothing at 2 threads (0.98-1.00x)
/// and lose at 16 (64 B 0.88x, 4K 0.93x: every thread's filter runs at each of the
/// many copies), so they keep per-thread events.
pub const TRACEPOINTS_ON_CPUS_MAX_THREADS: usize = 16;
/// ... and while their events (threads x CPUs, per tracepoint) stay this few.
pub const TRACEPOINTS_ON_CPUS_MAX_EVENTS: usize = 512;

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
    pub(super) open: OpenFn,
    /// Threads that may still open their groups in the configuration being started
    /// (the file-descriptor budget); negative: unlimited.
    pub(super) budget: Arc<AtomicIsize>,
    /// In the configuration being started, the threads' tracepoints are counted by
    /// CPU-wide events filtered to each thread, on at most this many CPUs each; 0: by
    /// per-thread events (see [`CounterPlan::set_tracepoints_on_cpus`]).
    pub(super) tracepoint_cpus: Arc<AtomicUsize>,
    /// The test seam's choice of how tracepoints are counted, over the thread count's.
    pub(super) tracepoints_forced: Option<bool>,
}

impl std::fmt::Debug for CounterPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CounterPlan")
            .field("groups", &self.groups)
            .field("perf_error", &self.perf_error)
            .finish_non_exhaustive()
    }
}

pub(super) fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => Gap::Open { errno }.to_string(),
        None => e.to_string(),
    }
}

pub(super) fn paranoid_level() -> String {
    std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
        .unwrap_or_default()
        .trim()
        .to_string()
}

pub(super) fn system_wide_hint() -> String {
    format!(
        "perf_event_paranoid is {}; counting every task on a CPU needs root, CAP_PERFMON or perf_event_paranoid <= 0{}",
        paranoid_level(),
        crate::error::SEE_DOCTOR
    )
}

pub(super) fn refused(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EACCES) | Some(libc::EPERM))
}

pub(super) fn status(m: Metric, available: bool, note: Option<String>) -> CounterStatus {
    CounterStatus {
        metric: m.column().into(),
        event: m.event_name().into(),
        available,
        note: note.map(Note::Says),
    }
}

impl CounterPlan {
    /// The plan for this machine: real perf_event_open on its core PMUs, unless the
    /// test seam (`counters::fault::FaultSeam`, read here only) asks for a fault.
    pub fn probe(vendor: &str) -> CounterPlan {
        CounterPlan::probe_seam(vendor, FaultSeam::from_env())
    }

    /// Without one metric's event, said as `why` wherever the figure would appear.
    pub fn drop_metric(&mut self, metric: Metric, why: &str) {
        self.drop_where(|m| *m == metric, why);
    }

    /// Without the evidence counters (tracepoints, /proc user time): for measuring
    /// what they cost.
    fn drop_evidence(&mut self, why: &str) {
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
                s.note = Some(Note::Says(why.to_string()));
            }
        }
    }

    /// The plan with the opener `seam` picks: the real one, or one that fails.
    fn probe_seam(vendor: &str, seam: FaultSeam) -> CounterPlan {
        let real: OpenFn = Arc::new(open_perf);
        let pmus = hybrid_pmus();
        // Both counting modes, probed with the same opener.
        let probe = |open: OpenFn| {
            let mut plan = CounterPlan::probe_with(vendor, &pmus, open);
            plan.pmu_cpus = hybrid_pmu_cpus(&pmus);
            let cpu = crate::affinity::allowed_cpus()
                .first()
                .copied()
                .unwrap_or(0);
            plan.probe_cpu_mode(cpu);
            plan
        };
        let mut plan = match seam.perf {
            None => probe(real),
            Some(PerfFault { errno, after: None }) => {
                let mut plan = probe(failing_after(real, errno, 0));
                if let Some(e) = &mut plan.perf_error {
                    e.push_str(&format!(" (injected by {FAULT_ENV})"));
                }
                plan
            }
            Some(PerfFault {
                errno,
                after: Some(k),
            }) => {
                let mut plan = probe(real.clone());
                plan.open = failing_after(real, errno, k);
                plan
            }
        };
        plan.tracepoints_forced = seam.tracepoints_on_cpus;
        if seam.evidence_off {
            plan.drop_evidence(&format!("switched off by {NO_EVIDENCE_ENV}=off"));
        }
        plan
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
            tracepoint_cpus: Arc::new(AtomicUsize::new(0)),
            tracepoints_forced: None,
        }
    }

    /// Opens `spec` with the plan's opener (the real one, the seam's fault or a test's
    /// fake) and closes it again: whether this machine would give it.
    pub fn try_open(&self, spec: &GroupSpec) -> io::Result<()> {
        (self.open)(spec).map(drop)
    }

    /// perf file descriptors one worker thread opens.
    pub fn fds_per_thread(&self) -> usize {
        let on_cpus = self.tracepoint_cpus.load(Ordering::Relaxed);
        self.groups
            .iter()
            .map(|g| match g.pmu {
                Pmu::Tracepoint if on_cpus > 0 && !g.system_wide => g.events.len() * on_cpus,
                _ => g.fds(),
            })
            .sum()
    }

    /// How the next threads count their tracepoints: `Some(cpus)`, by one CPU-wide event
    /// per CPU a thread may run on (at most `cpus`), filtered to the thread; `None`, by
    /// per-thread events. The counts are the same; the cost differs. A per-thread event
    /// is switched in and out with its thread at each context switch (~10 % of the
    /// transactions of a 64-byte request/response on this project's VM); a CPU-wide one
    /// costs nothing then, but every thread's filter runs whenever the tracepoint fires
    /// on its CPUs, so it pays only where switches are many and threads few. A thread
    /// that cannot open them (perf_event_paranoid above 0 without CAP_PERFMON) falls back
    /// to per-thread events.
    pub fn set_tracepoints_on_cpus(&self, cpus: Option<usize>) {
        self.tracepoint_cpus
            .store(cpus.unwrap_or(0), Ordering::Relaxed);
    }

    /// How the `threads` worker threads of the configuration being started, on a
    /// machine where a thread may run on `cpus` CPUs, count their tracepoints: CPU-wide
    /// for request/response (`rr`) with up to [`TRACEPOINTS_ON_CPUS_MAX_THREADS`]
    /// threads and [`TRACEPOINTS_ON_CPUS_MAX_EVENTS`] events, per thread otherwise (or
    /// as the test seam says).
    pub fn plan_tracepoints(&self, rr: bool, threads: usize, cpus: usize) {
        let on_cpus = self.tracepoints_forced.unwrap_or(
            rr && threads <= TRACEPOINTS_ON_CPUS_MAX_THREADS
                && threads * cpus <= TRACEPOINTS_ON_CPUS_MAX_EVENTS,
        );
        self.set_tracepoints_on_cpus(on_cpus.then_some(cpus.max(1)));
    }

    /// The groups a worker thread opens now: the plan's, with its tracepoints CPU-wide
    /// where [`CounterPlan::set_tracepoints_on_cpus`] says so (`None`: as planned).
    pub(super) fn thread_groups_on_cpus(&self) -> Option<Vec<GroupSpec>> {
        if self.tracepoint_cpus.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let mut groups = self.groups.clone();
        let mut any = false;
        for g in &mut groups {
            if g.pmu == Pmu::Tracepoint && !g.system_wide {
                g.pmu = Pmu::TracepointOnCpus;
                any = true;
            }
        }
        any.then_some(groups)
    }

    /// How many of the next threads may open their groups (`None`: all of them).
    /// Threads past the budget count nothing, and say why, instead of taking the
    /// descriptors their sockets need.
    pub fn set_budget(&self, threads: Option<usize>) {
        let v = threads.map_or(-1, |t| t.min(isize::MAX as usize) as isize);
        self.budget.store(v, Ordering::Relaxed);
    }

    pub(super) fn take_slot(&self) -> bool {
        self.budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| match b {
                b if b < 0 => Some(b),
                0 => None,
                b => Some(b - 1),
            })
            .is_ok()
    }
}
