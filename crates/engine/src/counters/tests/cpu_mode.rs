//! `--count cpu`: the pinned CPUs' groups, system-wide, through the same seam.

use super::*;

#[test]
fn count_cpu_opens_no_thread_group_and_counts_each_pinned_cpu_system_wide() {
    let clock = Arc::new(AtomicU64::new(1000));
    let (open, log) = logging(fake_open(&clock, |_| Ok(1.0)));
    let mut plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    plan.probe_cpu_mode(0);
    let kinds: Vec<(Pmu, Vec<Metric>)> = plan
        .cpu_groups
        .iter()
        .map(|g| (g.pmu.clone(), g.events.clone()))
        .collect();
    // The thread plan's events; CPU time from /proc/stat, not a per-CPU task-clock
    // (which counts idle time).
    assert_eq!(
        kinds,
        vec![
            (Pmu::Software, vec![Metric::ContextSwitches]),
            (Pmu::Core, plan.groups[1].events.clone()),
            (Pmu::Tracepoint, vec![Metric::Syscalls, Metric::SkbCopies]),
            (Pmu::CpuStat, vec![Metric::CpuTime, Metric::UserCpuTime]),
        ]
    );
    assert!(plan
        .cpu_groups
        .iter()
        .all(|g| g.system_wide && g.include_kernel));
    let cpu_ns = plan
        .cpu_statuses
        .iter()
        .find(|s| s.metric == "cpu_ns")
        .unwrap();
    assert!(cpu_ns.available);
    assert!(cpu_ns
        .note
        .as_ref()
        .map(ToString::to_string)
        .as_deref()
        .unwrap()
        .contains("/proc/stat"));
    assert_eq!(plan.cpu_statuses.len(), Metric::ALL.len());

    log.lock().unwrap().clear();
    let sides = Pin::Split.cpu_sides(2, true, &[0, 1]).unwrap();
    let r = measure_cpus(&plan, &clock, &sides, Pin::Split);
    let opened = log.lock().unwrap().clone();
    assert!(
        opened.iter().all(|s| s.system_wide),
        "no per-thread group: {opened:?}"
    );
    let on: Vec<Option<usize>> = opened.iter().map(|s| s.cpu).collect();
    assert_eq!(on, [[Some(0); 4], [Some(1); 4]].concat());
    let (tx, rx) = (&r.total.tx, &r.total.rx);
    // One CPU each over 1 s: 3 cycles per ns, 1 switch per ns (the fake's rates).
    assert_eq!(
        (tx.cycles, rx.cycles),
        (Some(3_000_000_000), Some(3_000_000_000))
    );
    assert_eq!(tx.context_switches, Some(1_000_000_000));
    assert_eq!((tx.cpus, rx.cpus), (CpuSet::of([0]), CpuSet::of([1])));
    assert!(r.total.sides_apart());
    assert_eq!(
        r.config.count,
        Count::Cpu,
        "the row's count column says cpu"
    );
    let row = csv_row(&r);
    assert_eq!(cell(&row, "counted_cpus"), "2");
    assert_eq!(cell(&row, "counted_threads"), "");
    assert_eq!(cell(&row, "tx_cycles"), "3000000000");
    assert_eq!(cell(&row, "cycles"), "6000000000");
    assert_eq!(cell(&row, "cpu_ns"), "6000000000");
    assert_eq!(cell(&row, "counters_ran_pct"), "100.0");
    let note = r.total.count_note().unwrap();
    assert!(note.contains("counted on CPUs 0,1 system-wide"), "{note}");
    assert!(
        note.contains("sender side = CPU 0, receiver side = CPU 1"),
        "{note}"
    );
    let line = r.total.counter_sentences().join("; ");
    assert!(line.contains("counted on CPUs 0,1"), "{line}");
    assert!(line.contains("softirq, ksoftirqd"), "{line}");
}

#[test]
fn count_cpu_with_both_sides_on_a_cpu_keeps_sums_and_makes_per_side_figures_n_a() {
    let clock = Arc::new(AtomicU64::new(1000));
    let mut plan = CounterPlan::probe_with("GenuineIntel", &[], fake_open(&clock, |_| Ok(1.0)));
    plan.probe_cpu_mode(0);
    let sides = Pin::Pair.cpu_sides(2, true, &[0, 1]).unwrap();
    let r = measure_cpus(&plan, &clock, &sides, Pin::Pair);
    assert!(!r.total.sides_apart());
    let row = csv_row(&r);
    // The registry's per-side figures (metric.rs checks which those are).
    for col in METRICS.iter().filter(|d| d.per_side).map(|d| d.name) {
        assert_eq!(cell(&row, col), "", "{col}: n/a, never another CPU's part");
    }
    assert_eq!(cell(&row, "cycles"), "6000000000");
    assert_eq!(cell(&row, "cycles_per_byte"), "6000.0");
    assert_eq!(cell(&row, "context_switches"), "2000000000");
    let notes = r.total.counter_sentences().join("; ");
    assert!(
        notes.contains("CPUs 0,1 run senders and receivers, so per-side figures are n/a"),
        "{notes}"
    );
    // A list that overlaps on one CPU: the other CPUs' part is not a side's figure.
    let sides = "0-2"
        .parse::<Pin>()
        .unwrap()
        .cpu_sides(2, true, &[0, 1, 2])
        .unwrap();
    let r = measure_cpus(&plan, &clock, &sides, "0-2".parse().unwrap());
    assert_eq!(r.total.both.unwrap().cpus, CpuSet::of([0]));
    assert_eq!(r.total.counts().cpus, CpuSet::of([0, 1, 2]));
    assert_eq!(cell(&csv_row(&r), "tx_cycles"), "");
    assert_eq!(cell(&csv_row(&r), "cycles"), "9000000000");
}

#[test]
fn system_wide_counting_refused_keeps_proc_stat_cpu_time_and_says_why() {
    let clock = Arc::new(AtomicU64::new(1000));
    // paranoid 2 without root: per-thread counting works, system-wide perf does not.
    let open = fake_open(&clock, |s| {
        if s.system_wide && s.is_perf() {
            Err(libc::EACCES)
        } else {
            Ok(1.0)
        }
    });
    let mut plan = CounterPlan::probe_with("GenuineIntel", &[], open);
    plan.probe_cpu_mode(1);
    assert_eq!(plan.cpu_groups.len(), 1);
    assert_eq!(plan.cpu_groups[0].pmu, Pmu::CpuStat);
    for m in ["context_switches", "cycles", "syscalls"] {
        let s = plan.cpu_statuses.iter().find(|s| s.metric == m).unwrap();
        assert!(!s.available, "{m}");
        let note = s.note.as_ref().unwrap().to_string();
        assert!(
            note.contains("system-wide counting refused")
                && note.contains("perf_event_paranoid")
                && note.contains("netio-tui doctor"),
            "{m}: {note}"
        );
    }
    // Said once, wherever --count cpu is measured: which figures, and why.
    let machine = crate::sample::MachineInfo {
        counters: plan.statuses.clone(),
        cpu_counters: plan.cpu_statuses.clone(),
        ..Default::default()
    };
    let gaps = machine.cpu_count_gaps().unwrap();
    assert!(
        gaps.starts_with("--count cpu: cycles, instructions, l1d_misses, llc_misses, cache_misses, context_switches, syscalls, skb_copies n/a: system-wide counting refused"),
        "{gaps}"
    );
    let r = measure_cpus(
        &plan,
        &clock,
        &Pin::Split.cpu_sides(1, true, &[0, 1]).unwrap(),
        Pin::Split,
    );
    let row = csv_row(&r);
    assert_eq!(cell(&row, "context_switches"), "", "n/a, never 0");
    assert_eq!(cell(&row, "cycles"), "");
    assert_eq!(cell(&row, "cpu_ns"), "6000000000");
    // An injected perf fault leaves /proc/stat alone, as a real refusal would.
    let faulty = failing_after(fake_open(&clock, |_| Ok(1.0)), libc::EACCES, 0);
    let stat = GroupSpec {
        pmu: Pmu::CpuStat,
        events: vec![Metric::CpuTime],
        include_kernel: true,
        cpu: Some(0),
        system_wide: true,
    };
    assert!(faulty(&stat).is_ok());
    assert!(faulty(&sw_group(&[Metric::CpuTime])).is_err());
}

#[test]
fn hybrid_cpus_open_their_own_core_pmu_and_the_split_adds_up_across_cpus() {
    let clock = Arc::new(AtomicU64::new(1000));
    let (open, log) = logging(fake_open(&clock, |_| Ok(1.0)));
    let mut plan = CounterPlan::probe_with("GenuineIntel", &[core(), atom()], open);
    plan.pmu_cpus = [
        ("cpu_core".to_string(), vec![0, 1]),
        ("cpu_atom".to_string(), vec![2, 3]),
    ]
    .into();
    log.lock().unwrap().clear();
    plan.probe_cpu_mode(0);
    // Probed on a P-core: the E-core group is not tried there.
    assert!(log.lock().unwrap().iter().all(|s| s.pmu != atom()));
    let pmus = |cpu| -> Vec<Pmu> {
        plan.groups_on(cpu)
            .into_iter()
            .filter(|g| g.pmu.is_hardware())
            .map(|g| g.pmu)
            .collect()
    };
    assert_eq!(pmus(1), vec![core()]);
    assert_eq!(pmus(2), vec![atom()]);
    let sides = CpuSides {
        tx: vec![0],
        rx: vec![3],
        both: vec![],
    };
    let r = measure_cpus(&plan, &clock, &sides, "0,3".parse().unwrap());
    let (tx, rx) = (r.total.tx, r.total.rx);
    assert_eq!(tx.split.unwrap()[0].cycles, Some(3_000_000_000));
    assert_eq!(tx.split.unwrap()[1].cycles, Some(0));
    assert_eq!(rx.split.unwrap()[1].cycles, Some(3_000_000_000));
    assert!(!tx.scaled && !rx.scaled);
    let row = csv_row(&r);
    assert_eq!(cell(&row, "cpu_core_cycles"), "3000000000");
    assert_eq!(cell(&row, "cpu_atom_cycles"), "3000000000");
    assert_eq!(cell(&row, "cycles"), "6000000000");
}
