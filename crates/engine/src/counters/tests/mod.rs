//! The counter pipeline without a PMU: scripted openers and readings, through the
//! window estimate to the CSV cells, JSON values and reasons a user sees.

use super::*;
use crate::config::{Config, Strategy};
use crate::metric::{Figures, METRICS};
use crate::sample::{ConfigResult, Measured};
use std::io::Write as _;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

fn reading(enabled: u64, running: u64, values: &[u64]) -> RawReading {
    RawReading {
        enabled,
        running,
        values: values.to_vec(),
    }
}

fn sw_group(events: &[Metric]) -> GroupSpec {
    GroupSpec {
        pmu: Pmu::Software,
        events: events.to_vec(),
        include_kernel: true,
        cpu: None,
        system_wide: false,
    }
}

fn hw_group(pmu: Pmu, events: &[Metric]) -> GroupSpec {
    GroupSpec {
        pmu,
        events: events.to_vec(),
        include_kernel: true,
        cpu: None,
        system_wide: false,
    }
}

fn core() -> Pmu {
    Pmu::Hybrid {
        name: "cpu_core".into(),
        type_id: 8,
    }
}

fn atom() -> Pmu {
    Pmu::Hybrid {
        name: "cpu_atom".into(),
        type_id: 10,
    }
}

/// What the code before this seam computed: each cumulative reading scaled by its own
/// enabled/running, then subtracted.
fn old_cumulative_estimate(a: &RawReading, b: &RawReading) -> u64 {
    let scaled = |r: &RawReading| {
        if r.running > 0 && r.running < r.enabled {
            (r.values[0] as f64 * r.enabled as f64 / r.running as f64) as u64
        } else {
            r.values[0]
        }
    };
    scaled(b).saturating_sub(scaled(a))
}

#[test]
fn multiplexing_is_estimated_per_window_not_on_running_totals() {
    // The warm-up ran the group 10 % of the time (another perf user held the PMU);
    // this window it ran 40 % of the time and counted 111 of the real 277 switches.
    let groups = [hw_group(Pmu::Core, &[Metric::Cycles])];
    let a = reading(1_000_000, 100_000, &[2_000]);
    let b = reading(2_000_000, 500_000, &[2_000 + 111]);
    let c = window(&groups, &Ok(vec![a.clone()]), &Ok(vec![b.clone()]));
    // Δcount × Δenabled / Δrunning = 111 × 1e6 / 4e5 = 277.
    assert_eq!(c.cycles, Some(277));
    assert!(c.scaled);
    assert_eq!(c.ran_fraction(), Some(0.4));
    let before = old_cumulative_estimate(&a, &b);
    assert_eq!(before, 0, "old formula: 4222 - 20000 saturates to 0");
    // A window the group ran entirely is not scaled, whatever happened before.
    let d = reading(3_000_000, 1_500_000, &[2_111 + 300]);
    let c = window(&groups, &Ok(vec![b.clone()]), &Ok(vec![d.clone()]));
    assert_eq!((c.cycles, c.scaled), (Some(300), false));
    let before = old_cumulative_estimate(&b, &d);
    let _ = writeln!(
        std::io::stderr(),
        "multiplexed window: truth 300, per-window estimate {:?}, old cumulative estimate {before}",
        c.cycles
    );
    assert_ne!(before, 300);
}

#[test]
fn a_window_that_ran_a_tenth_is_scaled_by_its_own_times() {
    // The group ran all of the warm-up, then a tenth of this window (the PMU was
    // shared): it saw 277 of the 2770 events.
    let groups = [hw_group(Pmu::Core, &[Metric::Cycles])];
    let a = reading(10_000, 10_000, &[10_000]);
    let b = reading(20_000, 11_000, &[10_277]);
    let now = window(&groups, &Ok(vec![a.clone()]), &Ok(vec![b.clone()]));
    assert_eq!(now.cycles, Some(2770));
    assert!(now.scaled);
    assert_eq!(now.ran_fraction(), Some(0.1));
    let before = old_cumulative_estimate(&a, &b);
    let _ = writeln!(
        std::io::stderr(),
        "a tenth of the window: truth 2770, per-window {:?}, old cumulative {before}",
        now.cycles
    );
    assert_eq!(before, 8685);
}

#[test]
fn hybrid_pmus_are_summed_unscaled_when_together_they_cover_the_window() {
    let ev = [Metric::Cycles, Metric::Instructions];
    let groups = [
        sw_group(&[Metric::CpuTime]),
        hw_group(core(), &ev),
        hw_group(atom(), &ev),
    ];
    let a = vec![
        reading(0, 0, &[0]),
        reading(0, 0, &[0, 0]),
        reading(0, 0, &[0, 0]),
    ];
    // 1 ms on CPU: 0.6 ms on a P-core, 0.4 ms on an E-core.
    let b = vec![
        reading(1_000_000, 1_000_000, &[1_000_000]),
        reading(1_000_000, 600_000, &[3_000_000, 6_000_000]),
        reading(1_000_000, 400_000, &[1_000_000, 1_200_000]),
    ];
    let c = window(&groups, &Ok(a), &Ok(b));
    assert_eq!(c.cycles, Some(4_000_000));
    assert_eq!(c.instructions, Some(7_200_000));
    assert_eq!(c.cpu_ns, Some(1_000_000));
    assert!(!c.scaled, "hybrid coverage is not multiplexing");
    assert_eq!(c.ran_fraction(), Some(1.0));
    let split = c.split.unwrap();
    assert_eq!(split[0].cycles, Some(3_000_000));
    assert_eq!(split[1].cycles, Some(1_000_000));
    assert_eq!(
        (split[0].running_ns, split[1].running_ns),
        (600_000, 400_000)
    );
    // Before: one generic group counted on P-cores only and was scaled by 1/0.6.
    let old = old_cumulative_estimate(
        &reading(0, 0, &[0]),
        &reading(1_000_000, 600_000, &[3_000_000]),
    );
    let _ = writeln!(
        std::io::stderr(),
        "hybrid: truth 4.0M cycles, now {:?}, before {old} labelled multiplexed",
        c.cycles
    );
    assert_eq!(old, 5_000_000);
}

#[test]
fn hybrid_pmus_multiplexed_together_are_scaled_once() {
    let groups = [
        hw_group(core(), &[Metric::Cycles]),
        hw_group(atom(), &[Metric::Cycles]),
    ];
    let a = vec![reading(0, 0, &[0]), reading(0, 0, &[0])];
    let b = vec![reading(1000, 300, &[300]), reading(1000, 200, &[200])];
    let c = window(&groups, &Ok(a), &Ok(b));
    assert_eq!(c.cycles, Some(1000));
    assert!(c.scaled);
    assert_eq!(c.ran_fraction(), Some(0.5));
}

#[test]
fn a_group_that_never_ran_is_not_counted_and_says_why() {
    let groups = [
        sw_group(&[Metric::CpuTime, Metric::ContextSwitches]),
        hw_group(Pmu::Core, &[Metric::Cycles]),
    ];
    let a = vec![reading(0, 0, &[0, 0]), reading(0, 0, &[0])];
    let b = vec![reading(500, 500, &[500, 3]), reading(500, 0, &[0])];
    let c = window(&groups, &Ok(a.clone()), &Ok(b));
    assert_eq!(c.cycles, None, "never 0");
    assert_eq!(c.cpu_ns, Some(500));
    assert_eq!((c.counted, c.threads, c.gap), (0, 1, Some(Gap::NeverRan)));
    // An idle thread (nothing enabled) counted zero, truly.
    let idle = window(&groups, &Ok(a.clone()), &Ok(a));
    assert_eq!((idle.cycles, idle.counted), (Some(0), 1));
}

#[test]
fn software_groups_are_estimated_alone() {
    // A software group restricted to one CPU: enabled while the thread runs anywhere,
    // running only on that CPU. Its estimate does not leak into hardware figures.
    let groups = [GroupSpec {
        cpu: Some(0),
        ..sw_group(&[Metric::CpuTime])
    }];
    let c = window(
        &groups,
        &Ok(vec![reading(0, 0, &[0])]),
        &Ok(vec![reading(1000, 250, &[250])]),
    );
    assert_eq!(c.cpu_ns, Some(1000));
    assert_eq!(c.hw_enabled_ns, None);
}

/// A scripted group: counts `rate` per ns while running, runs `share` of the time.
struct FakeGroup {
    clock: Arc<AtomicU64>,
    share: f64,
    rate: u64,
    events: usize,
    enabled: bool,
}

impl RawGroup for FakeGroup {
    fn enable(&mut self) -> io::Result<()> {
        self.enabled = true;
        Ok(())
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let t = self.clock.load(Ordering::Relaxed);
        let running = (t as f64 * self.share) as u64;
        Ok(RawReading {
            enabled: t,
            running,
            values: vec![running * self.rate; self.events],
        })
    }
}

/// An opener that answers each spec with `script` (errno) or a fake group.
fn fake_open(
    clock: &Arc<AtomicU64>,
    script: impl Fn(&GroupSpec) -> Result<f64, i32> + Send + Sync + 'static,
) -> OpenFn {
    let clock = clock.clone();
    Arc::new(move |spec: &GroupSpec| {
        let share = script(spec).map_err(io::Error::from_raw_os_error)?;
        Ok(Box::new(FakeGroup {
            clock: clock.clone(),
            share,
            rate: if matches!(spec.pmu, Pmu::Software | Pmu::ThreadClock) {
                1
            } else {
                3
            },
            events: if spec.pmu == Pmu::CpuStat {
                CPU_STAT_VALUES
            } else {
                spec.events.len()
            },
            enabled: false,
        }) as Box<dyn RawGroup>)
    })
}

fn status_of(plan: &CounterPlan, m: Metric) -> &CounterStatus {
    plan.statuses
        .iter()
        .find(|s| s.metric == m.column())
        .unwrap()
}

/// Runs `threads` scripted threads of `plan` over one window and returns the result.
fn measure(plan: &CounterPlan, clock: &Arc<AtomicU64>, threads: usize) -> ConfigResult {
    let mut tx: Vec<ThreadCounters> = (0..threads).map(|_| ThreadCounters::open(plan)).collect();
    let mut rx: Vec<ThreadCounters> = (0..threads).map(|_| ThreadCounters::open(plan)).collect();
    clock.store(1_000, Ordering::Relaxed);
    let a: (Vec<_>, Vec<_>) = (
        tx.iter_mut().map(|t| t.read()).collect(),
        rx.iter_mut().map(|t| t.read()).collect(),
    );
    clock.store(1_000_001_000, Ordering::Relaxed);
    let b: (Vec<_>, Vec<_>) = (
        tx.iter_mut().map(|t| t.read()).collect(),
        rx.iter_mut().map(|t| t.read()).collect(),
    );
    let side = |a: &[ThreadReading], b: &[ThreadReading]| {
        a.iter()
            .zip(b)
            .map(|(a, b)| window(&plan.groups, a, b))
            .fold(Counts::default(), |s, c| s.plus(&c))
    };
    ConfigResult {
        config: Config::new(Strategy::OneCopy, 1000, threads),
        total: Measured {
            memcpy_ns_per_byte: None,
            seconds: 1.0,
            bytes: 1_000_000,
            messages: 1000,
            tx: side(&a.0, &b.0),
            rx: side(&a.1, &b.1),
            both: None,
            zc: None,
            rx_zc: None,
            profile: None,
        },
        bytes_sent: 1_000_000,
        bytes_received: 1_000_000,
        verified: false,
    }
}

/// The figure cells of the row a CSV writer would make: name and text, empty where
/// the figure is missing (the writer itself is tested with the CSV contract).
fn csv_row(r: &ConfigResult) -> Vec<(String, String)> {
    let f = Figures::of(METRICS, r);
    METRICS
        .iter()
        .zip(&f.values)
        .map(|(m, v)| {
            (
                m.name.to_string(),
                v.map(|v| m.csv_text(v)).unwrap_or_default(),
            )
        })
        .collect()
}

fn cell(row: &[(String, String)], col: &str) -> String {
    row.iter().find(|(h, _)| h == col).unwrap().1.clone()
}

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
        .as_deref()
        .unwrap()
        .contains("not supported"));
    assert!(plan
        .perf_error
        .as_deref()
        .unwrap()
        .contains("no hardware performance counters"));
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
    assert!(llc.note.as_deref().unwrap().contains("see cache_misses"));
    assert!(status_of(&plan, Metric::L1dMisses)
        .note
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
        why.starts_with("hardware counters unavailable") && why.contains("perf_event_paranoid"),
        "{why}"
    );
    let row = csv_row(&measure(&plan, &clock, 1));
    assert_eq!(cell(&row, "context_switches"), "2000000000");
    assert_eq!(cell(&row, "cpu_ns"), "2000000000");
    assert_eq!(cell(&row, "cycles"), "", "n/a, never 0");
}

#[test]
fn context_switches_sum_voluntary_and_involuntary() {
    let status =
        "Name:\tnetio-tx-0\nvoluntary_ctxt_switches:\t120\nnonvoluntary_ctxt_switches:\t7\n";
    assert_eq!(context_switches(status), Some(127));
    assert_eq!(
        context_switches("Name:\tx\nvoluntary_ctxt_switches:\t1\n"),
        None
    );
}

#[test]
fn the_thread_clock_reads_a_running_thread_exactly_without_perf() {
    let mut t = open_perf(&GroupSpec {
        pmu: Pmu::ThreadClock,
        events: vec![
            Metric::CpuTime,
            Metric::ContextSwitches,
            Metric::UserCpuTime,
        ],
        include_kernel: true,
        cpu: None,
        system_wide: false,
    })
    .unwrap();
    let a = t.read().unwrap();
    let spin = std::time::Instant::now();
    while spin.elapsed() < std::time::Duration::from_millis(30) {
        std::hint::black_box(spin.elapsed());
    }
    std::thread::sleep(std::time::Duration::from_millis(5));
    let b = t.read().unwrap();
    let wall = spin.elapsed().as_nanos() as u64;
    let ran = b.values[0] - a.values[0];
    // On the CPU for part of 30 ms of spinning (other work may preempt it), never
    // longer than the wall time between the reads.
    assert!(ran > 1_000_000 && ran <= wall, "{ran} ns of {wall}");
    assert!(b.values[1] > a.values[1], "the sleep is a voluntary switch");
    // User time: part of the CPU time (the spinning is mostly user mode).
    let user = b.values[2] - a.values[2];
    assert!(user <= ran + 10_000_000, "user {user} of {ran}");
    assert_eq!((b.enabled, b.running), (0, 0), "never scaled");
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
    assert_eq!(crate::counter_budget(1 << 20, 10, 512, 9), None);
    // 200 - 10 open - 32 reserved - 8 × 6 for connections = 110 → 12 threads.
    assert_eq!(crate::counter_budget(200, 10, 8, 9), Some(12));
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
        st.note.as_deref().unwrap().contains("perf_event_paranoid"),
        "{st:?}"
    );
    assert!(plan.groups.iter().all(|g| g.pmu != Pmu::Tracepoint));
    let row = csv_row(&measure(&plan, &clock, 1));
    assert_eq!(cell(&row, "tx_syscalls_per_msg"), "", "n/a, never 0");
}

// --count cpu: the pinned CPUs' groups, system-wide, through the same seam.

use crate::config::{Count, CpuSides, Pin};
use crate::measurement::cpu_part_window;

/// Every spec an opener was asked for, in order.
fn logging(inner: OpenFn) -> (OpenFn, Arc<Mutex<Vec<GroupSpec>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let open: OpenFn = Arc::new(move |spec: &GroupSpec| {
        seen.lock().unwrap().push(spec.clone());
        inner(spec)
    });
    (open, log)
}

/// One window of the pinned CPUs of `sides`, as the sampler reads them.
fn measure_cpus(
    plan: &CounterPlan,
    clock: &Arc<AtomicU64>,
    sides: &CpuSides,
    pin: Pin,
) -> ConfigResult {
    let mut cpus = plan.open_cpus(sides);
    clock.store(1_000, Ordering::Relaxed);
    let a: Vec<ThreadReading> = cpus.iter_mut().map(|c| c.read()).collect();
    clock.store(1_000_001_000, Ordering::Relaxed);
    let b: Vec<ThreadReading> = cpus.iter_mut().map(|c| c.read()).collect();
    let part = |p| cpu_part_window(&cpus, p, &a, &b);
    ConfigResult {
        config: Config {
            count: Count::Cpu,
            pin,
            ..Config::new(Strategy::OneCopy, 1000, 2)
        },
        total: Measured {
            seconds: 1.0,
            bytes: 1_000_000,
            messages: 1000,
            tx: part(CpuPart::Senders).unwrap_or_default(),
            rx: part(CpuPart::Receivers).unwrap_or_default(),
            both: part(CpuPart::Both),
            ..Default::default()
        },
        bytes_sent: 1_000_000,
        bytes_received: 1_000_000,
        verified: false,
    }
}

#[test]
fn proc_stat_busy_time_is_user_nice_system_irq_softirq_of_that_cpu_only() {
    let stat = "cpu  300 3 100 9000 20 5 50 7 0 0\n\
                cpu1 100 1 40 4000 10 0 20 3 0 0\n\
                cpu10 1 1 1 1 1 1 1 1 0 0\n\
                cpu0 200 2 60 5000 10 5 30 4 0 0\n\
                cpu3 1 2 3 4 5 6 7\n\
                cpu4 1 2 x 4 5 6 7\n\
                cpu5 1 2 3\n\
                intr 12345 0 0\n";
    let t = cpu_ticks(stat, 1).unwrap();
    assert_eq!(
        t,
        CpuTicks {
            user: 100,
            nice: 1,
            system: 40,
            idle: 4000,
            iowait: 10,
            irq: 0,
            softirq: 20,
            steal: 3
        }
    );
    // Not idle, iowait or steal.
    assert_eq!((t.busy(), t.user_mode()), (161, 101));
    assert_eq!(cpu_ticks(stat, 0).unwrap().busy(), 297);
    // cpu1 is not cpu10's prefix, nor the summed "cpu" line.
    assert_eq!(cpu_ticks(stat, 10).unwrap().busy(), 5);
    // Seven fields (old kernels): no steal.
    assert_eq!(cpu_ticks(stat, 3).unwrap().steal, 0);
    assert_eq!(cpu_ticks(stat, 4), None);
    assert_eq!(cpu_ticks(stat, 5), None);
    assert_eq!(cpu_ticks(stat, 2), None);
    // This machine's own /proc/stat has a line for a CPU we may run on.
    let cpu = crate::worker::allowed_cpus()[0];
    let real = std::fs::read_to_string("/proc/stat").unwrap();
    assert!(cpu_ticks(&real, cpu).is_some_and(|t| t.busy() + t.idle > 0));
    assert_eq!(parse_cpulist("0-3,8\n"), Some(vec![0, 1, 2, 3, 8]));
    assert_eq!(parse_cpulist("3-1"), None);
    assert_eq!(parse_cpulist("x"), None);
}

#[test]
fn proc_stat_cpu_time_is_wall_minus_idle_and_user_time_its_sampled_share() {
    let groups = [GroupSpec {
        pmu: Pmu::CpuStat,
        events: vec![Metric::CpuTime, Metric::UserCpuTime],
        include_kernel: true,
        cpu: Some(1),
        system_wide: true,
    }];
    let at = |busy: u64, user_ticks: u64, busy_ticks: u64| -> ThreadReading {
        Ok(vec![reading(0, 0, &[busy, user_ticks, busy_ticks])])
    };
    // 0.9 s busy in the window; the tick saw 0.5 s of busy fields, 0.1 s of them user.
    let c = cpu_window(
        &groups,
        1,
        &at(100, 1_000, 2_000),
        &at(900_000_100, 100_001_000, 500_002_000),
    );
    assert_eq!(c.cpu_ns, Some(900_000_000));
    assert_eq!(c.user_ns, Some(180_000_000));
    assert_eq!((c.counted, c.threads, c.cpus), (1, 1, CpuSet::of([1])));
    assert!(!c.scaled);
    // Idle all along: nothing, truly.
    let idle = cpu_window(&groups, 1, &at(5, 1, 1), &at(5, 1, 1));
    assert_eq!((idle.cpu_ns, idle.user_ns), (Some(0), Some(0)));
    // Busy between ticks only: the user share is unknown, not 0.
    let unseen = cpu_window(&groups, 1, &at(0, 0, 0), &at(30_000_000, 0, 0));
    assert_eq!((unseen.cpu_ns, unseen.user_ns), (Some(30_000_000), None));
    // Wall minus idle fell back by a tick's rounding: 0, not a wrapped count.
    let rounded = cpu_window(&groups, 1, &at(20_000_000, 0, 0), &at(10_000_000, 0, 0));
    assert_eq!(rounded.cpu_ns, Some(0));
    // The real group reads this layout.
    let mut real = open_perf(&GroupSpec {
        cpu: Some(crate::worker::allowed_cpus()[0]),
        ..groups[0].clone()
    })
    .unwrap();
    let r = real.read().unwrap();
    assert_eq!(r.values.len(), CPU_STAT_VALUES);
    assert!(r.values[1] <= r.values[2], "user within busy: {r:?}");
}

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
    assert!(cpu_ns.note.as_deref().unwrap().contains("/proc/stat"));
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
        let note = s.note.as_deref().unwrap();
        assert!(
            note.contains("system-wide counting refused") && note.contains("perf_event_paranoid"),
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
