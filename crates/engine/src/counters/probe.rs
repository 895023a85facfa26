//! Probing what the worker threads can count on this machine: each event tried with
//! the plan's opener, then the hardware groups as a whole; what fails is left out,
//! with the reason.

use super::plan::{describe, paranoid_level, refused, status};
use super::{tracepoint_ids, vendor_note, CounterPlan, GroupSpec, Metric, OpenFn, Pmu};
use crate::sample::{CounterStatus, Note};
use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicIsize, AtomicUsize};
use std::sync::Arc;

impl CounterPlan {
    /// Tries every event with `open`, on each of `hybrid` PMUs (none: the one core PMU),
    /// then the groups as a whole, and keeps what works.
    pub fn probe_with(vendor: &str, hybrid: &[Pmu], open: OpenFn) -> CounterPlan {
        let mut statuses = Vec::new();
        let tries = |spec: &GroupSpec| open(spec).map(drop);
        let clock = probe_thread_clock(&tries, &mut statuses);
        let evidence = probe_evidence(&tries, &mut statuses);
        let hw = probe_hardware(&open, vendor, hybrid, &mut statuses);
        let perf_error = hw.perf_error(clock.is_some());
        if !hw.events.contains(&Metric::LlcMisses) && hw.events.contains(&Metric::CacheMisses) {
            if let Some(s) = statuses.iter_mut().find(|s| s.metric == "llc_misses") {
                let why = s.note.take().map(|n| n.to_string()).unwrap_or_default();
                s.note = Some(Note::Says(format!(
                    "{why}; see cache_misses (generic event) instead"
                )));
            }
        }
        statuses.sort_by_key(|s| Metric::ALL.iter().position(|m| m.column() == s.metric));
        // Software first, then hardware, then the evidence counters.
        let groups: Vec<GroupSpec> = clock.into_iter().chain(hw.groups).chain(evidence).collect();
        let mut metrics: Vec<Metric> = Vec::new();
        for g in &groups {
            // One group per core PMU counts the same events: each metric once.
            for m in &g.events {
                if !metrics.contains(m) {
                    metrics.push(*m);
                }
            }
        }
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
            tracepoint_cpus: Arc::new(AtomicUsize::new(0)),
            tracepoints_forced: None,
        }
    }
}

/// A group of the calling thread, counting user and kernel mode.
fn thread_group(pmu: Pmu, events: Vec<Metric>) -> GroupSpec {
    GroupSpec {
        pmu,
        events,
        include_kernel: true,
        cpu: None,
        system_wide: false,
    }
}

/// CPU time and context switches: the thread's own clock and /proc, no perf (so no
/// permission needed, and nothing switched with the thread).
fn probe_thread_clock(
    tries: &impl Fn(&GroupSpec) -> io::Result<()>,
    statuses: &mut Vec<CounterStatus>,
) -> Option<GroupSpec> {
    let clock = thread_group(
        Pmu::ThreadClock,
        vec![Metric::CpuTime, Metric::ContextSwitches],
    );
    match tries(&clock) {
        Ok(()) => {
            statuses.push(status(
                Metric::CpuTime,
                true,
                Some("user + kernel, exact: the kernel's runtime of each thread".into()),
            ));
            statuses.push(status(Metric::ContextSwitches, true, None));
            Some(clock)
        }
        Err(e) => {
            for m in &clock.events {
                statuses.push(status(*m, false, Some(describe(&e))));
            }
            None
        }
    }
}

/// The evidence counters: tracepoints and /proc, no PMU needed. Each in a group of
/// its own kind, never dropped or scaled.
fn probe_evidence(
    tries: &impl Fn(&GroupSpec) -> io::Result<()>,
    statuses: &mut Vec<CounterStatus>,
) -> Vec<GroupSpec> {
    let mut groups = Vec::new();
    let tp: Vec<Metric> = [Metric::Syscalls, Metric::SkbCopies]
        .into_iter()
        .filter(|&m| match tries(&thread_group(Pmu::Tracepoint, vec![m])) {
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
        })
        .collect();
    if !tp.is_empty() {
        groups.push(thread_group(Pmu::Tracepoint, tp));
    }
    let proc = thread_group(Pmu::Proc, vec![Metric::UserCpuTime]);
    match tries(&proc) {
        Ok(()) => {
            statuses.push(status(
                Metric::UserCpuTime,
                true,
                Some(
                    "split from the thread's CPU time by the kernel's tick sampling (utime/stime)"
                        .into(),
                ),
            ));
            groups.push(proc);
        }
        Err(e) => statuses.push(status(Metric::UserCpuTime, false, Some(describe(&e)))),
    }
    groups
}

/// The hardware events kept, one group of them per core PMU, and why others are not.
struct Hardware {
    events: Vec<Metric>,
    groups: Vec<GroupSpec>,
    /// The first event perf_event_paranoid refused, said as the kernel said it.
    refused: Option<String>,
    /// This kernel has no perf_event_open at all.
    no_perf: bool,
}

impl Hardware {
    /// Why the hardware counters are missing, if they are (`thread_clock`: the CPU
    /// time and context switches are counted all the same).
    fn perf_error(&self, thread_clock: bool) -> Option<String> {
        if self.no_perf {
            return Some("counters unavailable: this kernel has no perf_event_open".into());
        }
        if !self.events.is_empty() {
            return None;
        }
        Some(match &self.refused {
            Some(why) => {
                let what = if thread_clock {
                    "hardware counters"
                } else {
                    "counters"
                };
                format!("{what} unavailable: {why}; {}", paranoid_hint())
            }
            None => format!(
                "no hardware performance counters on this machine (no PMU driver, as in many VMs): \
                 cycles, instructions and cache misses show n/a{}",
                crate::error::SEE_DOCTOR
            ),
        })
    }
}

/// Hardware: every event must open on every core PMU, and together they must run.
fn probe_hardware(
    open: &OpenFn,
    vendor: &str,
    hybrid: &[Pmu],
    statuses: &mut Vec<CounterStatus>,
) -> Hardware {
    let pmus: Vec<Pmu> = if hybrid.is_empty() {
        vec![Pmu::Core]
    } else {
        hybrid.to_vec()
    };
    let tries = |spec: &GroupSpec| open(spec).map(drop);
    let mut hw = Vec::new();
    let mut hw_refused = None;
    let mut no_perf = false;
    for m in Metric::ALL.into_iter().filter(|m| !m.is_software()) {
        let failed = pmus.iter().find_map(|p| {
            tries(&thread_group(p.clone(), vec![m]))
                .err()
                .map(|e| (p, e))
        });
        match failed {
            None => hw.push(m),
            Some((p, e)) => {
                if refused(&e) {
                    hw_refused.get_or_insert_with(|| describe(&e));
                } else if e.raw_os_error() == Some(libc::ENOSYS) {
                    no_perf = true;
                }
                let on = match p {
                    Pmu::Hybrid { name, .. } => format!(" on {name}"),
                    _ => String::new(),
                };
                statuses.push(status(m, false, Some(format!("{}{on}", describe(&e)))));
            }
        }
    }
    let groups_of = |events: &[Metric]| -> Vec<GroupSpec> {
        pmus.iter()
            .map(|p| thread_group(p.clone(), events.to_vec()))
            .collect()
    };
    // A group whose events do not all fit on the PMU is never scheduled and reads 0:
    // drop hardware events from the end until the groups really run. Software
    // events are in their own group and never dropped.
    while !hw.is_empty() && !groups_run(open, &groups_of(&hw)) {
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
    let groups = if hw.is_empty() {
        Vec::new()
    } else {
        groups_of(&hw)
    };
    Hardware {
        events: hw,
        groups,
        refused: hw_refused,
        no_perf,
    }
}

fn paranoid_hint() -> String {
    format!(
        "perf_event_paranoid is {}; counting kernel-side events of our threads needs root, CAP_PERFMON or paranoid <= 1{}",
        paranoid_level(),
        crate::error::SEE_DOCTOR
    )
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
