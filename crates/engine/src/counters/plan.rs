//! The counter plan: which events this machine gives us and how they are grouped,
//! probed once at startup, and the file-descriptor budget of the threads that open them.

use super::fault::{failing_after, FaultSeam, PerfFault, FAULT_ENV, NO_EVIDENCE_ENV};
use super::{hybrid_pmu_cpus, hybrid_pmus, open_perf, GroupSpec, Metric, OpenFn};
use crate::sample::{CounterStatus, Gap, Note};
use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;

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
        }
    }

    /// Opens `spec` with the plan's opener (the real one, the seam's fault or a test's
    /// fake) and closes it again: whether this machine would give it.
    pub fn try_open(&self, spec: &GroupSpec) -> io::Result<()> {
        (self.open)(spec).map(drop)
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
