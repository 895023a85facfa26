//! The window estimate: scaling by each window's own times, hybrid PMUs summed.

use super::*;

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
