//! The thread's own clocks and /proc's context switches.

use super::*;

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
