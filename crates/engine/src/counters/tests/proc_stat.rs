//! /proc/stat: one CPU's busy and user time.

use super::*;

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
