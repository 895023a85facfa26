//! The counter plan: which events this machine gives us and how they are grouped,
//! probed once at startup, and the file-descriptor budget of the threads that open them.

use super::fault::{failing_after, FaultSeam, PerfFault, FAULT_ENV, NO_EVIDENCE_ENV};
use super::{
    hybrid_pmu_cpus, hybrid_pmus, open_perf, tracepoint_ids, vendor_note, GroupSpec, Metric,
    OpenFn, Pmu,
};
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

pub(super) fn describe(e: &io::Error) -> String {
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

pub(super) fn system_wide_hint() -> String {
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
    /// The plan for this machine: real perf_event_open on its core PMUs, unless the
    /// test seam ([`FaultSeam`]) asks for a fault.
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
            let cpu = crate::worker::allowed_cpus().first().copied().unwrap_or(0);
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
                let why = s.note.take().map(|n| n.to_string()).unwrap_or_default();
                s.note = Some(Note::Says(format!(
                    "{why}; see cache_misses (generic event) instead"
                )));
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
