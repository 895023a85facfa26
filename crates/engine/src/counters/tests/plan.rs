//! Probing: what opens, what is dropped and why, as the CSV cells and reasons show it.

use super::*;

#[test]
fn no_pmu_enoent_keeps_software_counters_and_empties_hardware_cells() {
    let clock = Arc::new(AtomicU64::new(1000));
    let open = fake_open(&clock, |s| {
        if s.pmu == Pmu::ThreadClock {
            Ok(1.0)
        } else {
            Err(libc::ENOENT)
        }
    });
    let plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    assert_eq!(
        plan.groups,
        vec![GroupSpec {
            pmu: Pmu::ThreadClock,
            ..sw_group(&[Metric::CpuTime, Metric::ContextSwitches])
        }]
    );
    assert!(status_of(&plan, Metric::Cycles)
        .note
        .as_ref()
        .map(ToString::to_string)
        .as_deref()
        .unwrap()
        .contains("not supported"));
    assert!(plan
        .perf_error
        .as_deref()
        .unwrap()
        .contains("no hardware performance counters"));
    assert!(plan
        .perf_error
        .as_deref()
        .unwrap()
        .ends_with(crate::error::SEE_DOCTOR));
    let r = measure(&plan, &clock, 2);
    let row = csv_row(&r);
    assert_eq!(cell(&row, "cycles"), "");
    assert_eq!(cell(&row, "counters_ran_pct"), "");
    assert_eq!(cell(&row, "cpu_ns"), "4000000000");
    assert_eq!(cell(&row, "context_switches"), "4000000000");
    assert_eq!(cell(&row, "counted_threads"), "4");
    let f = Figures::of(METRICS, &r);
    let json = |name: &str| {
        let i = METRICS.iter().position(|m| m.name == name).unwrap();
        f.values[i].map(|v| METRICS[i].json_value(v))
    };
    assert_eq!(json("cycles"), None);
    assert_eq!(json("cpu_ns"), Some(4_000_000_000u64.into()));
    assert_eq!(r.total.counts().coverage_note(), None);
}

#[test]
fn einval_on_one_event_drops_only_that_event() {
    let clock = Arc::new(AtomicU64::new(1000));
    let open = fake_open(&clock, |s| {
        if s.events.contains(&Metric::LlcMisses) {
            Err(libc::EINVAL)
        } else {
            Ok(1.0)
        }
    });
    let plan = CounterPlan::probe_with("AuthenticAMD", &[], open);
    let llc = status_of(&plan, Metric::LlcMisses);
    assert!(!llc.available);
    assert!(llc
        .note
        .as_ref()
        .map(ToString::to_string)
        .as_deref()
        .unwrap()
        .contains("see cache_misses"));
    assert!(status_of(&plan, Metric::L1dMisses)
        .note
        .as_ref()
        .map(ToString::to_string)
        .as_deref()
        .unwrap()
        .contains("0xc860"));
    assert!(plan.perf_error.is_none());
    // The thread's clock first, hardware in a group, then the evidence counters'.
    let pmus: Vec<Pmu> = plan.groups.iter().map(|g| g.pmu.clone()).collect();
    assert_eq!(
        pmus,
        [Pmu::ThreadClock, Pmu::Core, Pmu::Tracepoint, Pmu::Proc]
    );
    assert!(plan.groups[1].events.iter().all(|m| !m.is_software()));
    assert_eq!(
        plan.groups[2].events,
        vec![Metric::Syscalls, Metric::SkbCopies]
    );
    let row = csv_row(&measure(&plan, &clock, 1));
    assert_eq!(cell(&row, "llc_misses"), "");
    assert_eq!(cell(&row, "cycles"), "6000000000");
    assert_eq!(cell(&row, "counters_ran_pct"), "100.0");
}

#[test]
fn a_group_that_does_not_fit_drops_hardware_events_never_software() {
    let clock = Arc::new(AtomicU64::new(1000));
    // More than three hardware events never get scheduled.
    let open = fake_open(&clock, |s| {
        Ok(if s.pmu.is_hardware() && s.events.len() > 3 {
            0.0
        } else {
            1.0
        })
    });
    let plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    assert_eq!(
        plan.groups[0].events,
        vec![Metric::CpuTime, Metric::ContextSwitches]
    );
    assert_eq!(
        plan.groups[1].events,
        vec![Metric::Cycles, Metric::Instructions, Metric::L1dMisses]
    );
    assert!(status_of(&plan, Metric::CacheMisses)
        .note
        .as_ref()
        .map(ToString::to_string)
        .as_deref()
        .unwrap()
        .contains("does not fit"));
}

#[test]
fn eacces_everywhere_counts_nothing_and_says_so_once() {
    let clock = Arc::new(AtomicU64::new(1000));
    let plan = CounterPlan::probe_with(
        "GenuineIntel",
        &[],
        fake_open(&clock, |_| Err(libc::EACCES)),
    );
    assert!(plan.groups.is_empty());
    let why = plan.perf_error.clone().unwrap();
    assert!(
        why.starts_with("counters unavailable: perf_event_open refused"),
        "{why}"
    );
    let r = measure(&plan, &clock, 2);
    // Nothing planned: no per-figure repetition of the reason.
    assert_eq!(r.total.counts().coverage_note(), None);
    let row = csv_row(&r);
    for col in ["cycles", "cpu_ns", "context_switches", "counted_threads"] {
        assert_eq!(cell(&row, col), "", "{col}");
    }
    assert_eq!(cell(&row, "throughput_gbps"), "0.008");
}

#[test]
fn paranoid_2_without_root_still_counts_cpu_time_and_switches_in_full() {
    let clock = Arc::new(AtomicU64::new(1000));
    // perf refuses kernel-side counting; the thread's clock and /proc need no perf.
    let open = fake_open(&clock, |s| {
        if s.pmu == Pmu::ThreadClock || s.pmu == Pmu::Proc {
            Ok(1.0)
        } else {
            Err(libc::EACCES)
        }
    });
    let plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    assert_eq!(plan.groups[0].pmu, Pmu::ThreadClock);
    assert!(status_of(&plan, Metric::CpuTime).available);
    assert!(status_of(&plan, Metric::ContextSwitches).available);
    let why = plan.perf_error.clone().unwrap();
    assert!(
        why.starts_with("hardware counters unavailable")
            && why.contains("perf_event_paranoid")
            && why.ends_with("netio-tui doctor says what to do"),
        "{why}"
    );
    let row = csv_row(&measure(&plan, &clock, 1));
    assert_eq!(cell(&row, "context_switches"), "2000000000");
    assert_eq!(cell(&row, "cpu_ns"), "2000000000");
    assert_eq!(cell(&row, "cycles"), "", "n/a, never 0");
}

#[test]
fn emfile_after_the_kth_open_counts_the_first_threads_and_says_how_many() {
    let clock = Arc::new(AtomicU64::new(1000));
    let probe_open = fake_open(&clock, |_| Ok(1.0));
    let mut plan = CounterPlan::probe_with("GenuineIntel", &[], probe_open.clone());
    assert_eq!(plan.groups.len(), 4);
    // 6 threads' worth of groups open (4 each), then EMFILE.
    plan.open = failing_after(probe_open, libc::EMFILE, 24);
    let r = measure(&plan, &clock, 8);
    let c = r.total.counts();
    assert_eq!((c.counted, c.threads), (6, 16));
    let note = c.coverage_note().unwrap();
    assert_eq!(
        note,
        "counters counted on 6 of 16 threads: out of file descriptors (EMFILE)"
    );
    // The counted threads' figures are kept: 6 threads × 1 s × 3 cycles/ns.
    let row = csv_row(&r);
    assert_eq!(cell(&row, "cycles"), "18000000000");
    assert_eq!(cell(&row, "counted_threads"), "6");
    let line = r.total.counter_sentences().join("; ");
    assert!(line.contains("6 of 16 threads"), "{line}");
    assert!(line.contains("partial"), "{line}");
}

#[test]
fn the_descriptor_budget_leaves_room_for_sockets() {
    let clock = Arc::new(AtomicU64::new(1000));
    let plan = CounterPlan::probe_with("GenuineIntel", &[], fake_open(&clock, |_| Ok(1.0)));
    // 5 hardware + 2 tracepoint events in two groups; the thread's clock and /proc
    // take no perf descriptor: 9 descriptors per thread.
    assert_eq!(plan.fds_per_thread(), 9);
    assert_eq!(crate::budget::counter_budget(1 << 20, 10, 512, 9), None);
    // 200 - 10 open - 32 reserved - 8 × 6 for connections = 110 → 12 threads.
    assert_eq!(crate::budget::counter_budget(200, 10, 8, 9), Some(12));
    plan.set_budget(Some(1));
    let mut a = ThreadCounters::open(&plan);
    let mut b = ThreadCounters::open(&plan);
    assert!(a.read().is_ok());
    assert_eq!(b.read(), Err(Gap::NoDescriptors));
}

#[test]
fn hybrid_probe_opens_one_group_per_core_pmu_and_names_them() {
    let clock = Arc::new(AtomicU64::new(1000));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    // The thread runs 70 % on P-cores, 30 % on E-cores.
    let open = fake_open(&clock, move |s| {
        log.lock().unwrap().push(s.pmu.clone());
        Ok(match &s.pmu {
            Pmu::Hybrid { name, .. } if name == "cpu_core" => 0.7,
            Pmu::Hybrid { .. } => 0.3,
            _ => 1.0,
        })
    });
    let plan = CounterPlan::probe_with("GenuineIntel", &[core(), atom()], open);
    assert!(seen.lock().unwrap().contains(&atom()));
    assert_eq!(plan.groups.len(), 5);
    assert!(status_of(&plan, Metric::Cycles)
        .note
        .as_ref()
        .map(ToString::to_string)
        .as_deref()
        .unwrap()
        .contains("cpu_core"));
    let r = measure(&plan, &clock, 1);
    let c = r.total.counts();
    // 2 threads × 1 s × 3 per ns, unscaled: 0.7 + 0.3 of the window.
    assert_eq!(c.cycles, Some(6_000_000_000));
    assert!(!c.scaled);
    let row = csv_row(&r);
    assert_eq!(cell(&row, "cpu_core_cycles"), "4200000000");
    assert_eq!(cell(&row, "cpu_atom_cycles"), "1800000000");
    assert_eq!(cell(&row, "counters_ran_pct"), "100.0");
}

#[test]
fn the_real_perf_opener_reports_every_metric_once_with_a_reason_when_missing() {
    let plan = CounterPlan::probe("AuthenticAMD");
    assert_eq!(plan.statuses.len(), Metric::ALL.len());
    for s in &plan.statuses {
        assert!(s.available || s.note.is_some(), "{s:?}");
    }
    let mut t = ThreadCounters::open(&plan);
    let a = t.read();
    let v: u64 = (0..1_000_000u64).map(std::hint::black_box).sum();
    std::hint::black_box(v);
    let b = t.read();
    let c = window(&plan.groups, &a, &b);
    for m in Metric::ALL {
        let field = match m {
            Metric::Cycles => c.cycles,
            Metric::Instructions => c.instructions,
            Metric::L1dMisses => c.l1d_misses,
            Metric::LlcMisses => c.llc_misses,
            Metric::CacheMisses => c.cache_misses,
            Metric::ContextSwitches => c.context_switches,
            Metric::CpuTime => c.cpu_ns,
            Metric::UserCpuTime => c.user_ns,
            Metric::Syscalls => c.syscalls,
            Metric::SkbCopies => c.skb_copies,
        };
        assert_eq!(field.is_some(), plan.metrics.contains(&m), "{m:?}");
    }
    if plan.metrics.contains(&Metric::CpuTime) {
        assert!(c.cpu_ns.unwrap() > 0);
    } else {
        let _ = writeln!(std::io::stderr(), "skipped: {:?}", plan.perf_error);
    }
}

#[test]
fn evidence_counters_reach_the_csv_per_message_and_are_never_scaled() {
    let clock = Arc::new(AtomicU64::new(1000));
    // Hardware refused (a VM); tracepoints and /proc work.
    let open = fake_open(&clock, |s| {
        if s.pmu.is_hardware() {
            Err(libc::ENOENT)
        } else {
            Ok(1.0)
        }
    });
    let plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    assert!(status_of(&plan, Metric::Syscalls).available);
    assert!(status_of(&plan, Metric::UserCpuTime).available);
    let r = measure(&plan, &clock, 1);
    let c = r.total.counts();
    assert!(!c.scaled);
    // 2 threads × 1 s × 3 per ns each, over r.total.messages messages.
    assert_eq!(c.syscalls, Some(6_000_000_000));
    let row = csv_row(&r);
    let per_msg = 3_000_000_000.0 / r.total.messages as f64;
    let want = format!("{:?}", (per_msg * 1000.0).round() / 1000.0);
    assert_eq!(cell(&row, "tx_syscalls_per_msg"), want);
    assert_eq!(cell(&row, "rx_copies_per_msg"), want);
    assert_eq!(cell(&row, "cycles"), "");
}

#[test]
fn a_tracepoint_the_kernel_refuses_is_n_a_with_the_reason() {
    let clock = Arc::new(AtomicU64::new(1000));
    let open = fake_open(&clock, |s| {
        if s.pmu == Pmu::Tracepoint {
            Err(libc::EACCES)
        } else {
            Ok(1.0)
        }
    });
    let plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    let st = status_of(&plan, Metric::Syscalls);
    assert!(!st.available);
    assert!(
        st.note
            .as_ref()
            .map(ToString::to_string)
            .as_deref()
            .unwrap()
            .contains("perf_event_paranoid is"),
        "{st:?}"
    );
    assert!(
        st.note
            .as_ref()
            .unwrap()
            .to_string()
            .ends_with("netio-tui doctor says what to do"),
        "{st:?}"
    );
    assert!(plan.groups.iter().all(|g| g.pmu != Pmu::Tracepoint));
    let row = csv_row(&measure(&plan, &clock, 1));
    assert_eq!(cell(&row, "tx_syscalls_per_msg"), "", "n/a, never 0");
}

#[test]
fn few_rr_threads_count_tracepoints_cpu_wide_and_fall_back_to_per_thread_when_refused() {
    let clock = Arc::new(AtomicU64::new(1000));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let refuse_cpu_wide = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let refuse = refuse_cpu_wide.clone();
    let open = fake_open(&clock, move |s| {
        log.lock().unwrap().push(s.pmu.clone());
        if s.pmu == Pmu::TracepointOnCpus && refuse.load(Ordering::Relaxed) {
            return Err(libc::EACCES);
        }
        Ok(1.0)
    });
    let plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    // 5 hardware (a leader + 5) and 2 tracepoints (a leader + 2) per thread.
    assert_eq!(plan.fds_per_thread(), 9);
    let opened = |plan: &CounterPlan| {
        seen.lock().unwrap().clear();
        let mut t = ThreadCounters::open(plan);
        assert!(t.read().is_ok());
        seen.lock().unwrap().clone()
    };

    // Both sides of 8 request/response connections on 2 CPUs: CPU-wide, 2 tracepoints
    // x 2 CPUs each.
    plan.plan_tracepoints(true, 16, 2);
    assert_eq!(plan.fds_per_thread(), 6 + 4);
    let pmus = opened(&plan);
    assert!(pmus.contains(&Pmu::TracepointOnCpus), "{pmus:?}");
    assert!(!pmus.contains(&Pmu::Tracepoint), "{pmus:?}");
    // Where CPU-wide events are refused (perf_event_paranoid), per thread, counted all the same.
    refuse_cpu_wide.store(true, Ordering::Relaxed);
    let pmus = opened(&plan);
    let last_try = pmus
        .iter()
        .rposition(|p| *p == Pmu::TracepointOnCpus)
        .unwrap();
    assert!(pmus[last_try..].contains(&Pmu::Tracepoint), "{pmus:?}");
    let r = measure(&plan, &clock, 2);
    assert_eq!(cell(&csv_row(&r), "counted_threads"), "4");
    refuse_cpu_wide.store(false, Ordering::Relaxed);

    // More threads, or more events than the bound: per thread.
    plan.plan_tracepoints(true, 17, 2);
    assert!(!opened(&plan).contains(&Pmu::TracepointOnCpus));
    assert_eq!(plan.fds_per_thread(), 9);
    plan.plan_tracepoints(true, 16, 64);
    assert!(!opened(&plan).contains(&Pmu::TracepointOnCpus));
    plan.plan_tracepoints(true, 2, 2);
    assert!(opened(&plan).contains(&Pmu::TracepointOnCpus));
    // A stream switches little and copies much: per thread at any count.
    plan.plan_tracepoints(false, 2, 2);
    assert!(!opened(&plan).contains(&Pmu::TracepointOnCpus));
}
