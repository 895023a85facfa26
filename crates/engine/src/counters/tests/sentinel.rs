//! The noise sentinel: other work and steal from two /proc/stat texts and our
//! threads' CPU time.

use super::*;

/// 10 ms ticks (USER_HZ 100).
const TICK: u64 = 10_000_000;

fn noise(earlier: &str, later: &str, wall_ns: u64, ours_ns: u64) -> Option<crate::sample::Noise> {
    let (a, cpus_a) = machine_ticks(earlier)?;
    let (b, cpus_b) = machine_ticks(later)?;
    assert_eq!(cpus_a, cpus_b);
    noise_between(&a, &b, cpus_b, wall_ns, ours_ns, TICK)
}

#[test]
fn other_work_is_the_machines_busy_time_minus_ours_and_steal_is_said_apart() {
    // Two CPUs, 1 s apart: 200 ticks of capacity. Idle + iowait grew by 60 ticks and
    // steal by 10, so 130 ticks (1.3 s) ran; our threads' clocks say 1.0 s.
    let earlier = "cpu  1000 10 500 8000 40 0 30 100 0 0\n\
                   cpu0 500 5 250 4000 20 0 15 50 0 0\n\
                   cpu1 500 5 250 4000 20 0 15 50 0 0\n\
                   intr 1 2 3\n";
    let later = "cpu  1100 10 560 8055 45 0 40 110 0 0\n\
                 cpu0 550 5 280 4030 20 0 20 55 0 0\n\
                 cpu1 550 5 280 4025 25 0 20 55 0 0\n\
                 intr 1 2 3\n";
    let n = noise(earlier, later, 1_000_000_000, 1_000_000_000).unwrap();
    assert_eq!(n.capacity_ns, 2_000_000_000);
    assert_eq!(n.busy_ns, 1_300_000_000);
    assert_eq!(n.other_ns(), 300_000_000);
    assert_eq!(n.other_pct(), Some(15.0));
    assert_eq!(n.steal_pct(), Some(5.0));
    // 0.3 s of other work and 0.1 s of steal in 1 s: 0.4 of a CPU, above a quarter.
    assert_eq!(n.cpus_worth(), Some(0.4));
    assert!(n.noisy());
    assert!(n
        .note()
        .unwrap()
        .starts_with("the machine was 20 % busy with other work: 0.40 of its 2 CPUs"));
    // The same window with our threads running 1.2 s: 0.1 s other, no steal
    // counted twice: 0.2 of a CPU, below the mark.
    let quiet = noise(earlier, later, 1_000_000_000, 1_200_000_000).unwrap();
    assert_eq!(quiet.cpus_worth(), Some(0.2));
    assert!(!quiet.noisy() && quiet.note().is_none());
    // No time passed, or the counters went backwards (another boot?): nothing.
    assert_eq!(noise(earlier, later, 0, 0), None);
    assert_eq!(noise(later, earlier, 1_000_000_000, 0), None);
}

#[test]
fn the_summed_line_and_the_online_cpus_are_read_from_proc_stat() {
    let stat = "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 1 1 1 1 1 1 1\ncpu12 0 1 2 3 4 5 6 7\ncpufreq 1\nintr 0\n";
    let (t, cpus) = machine_ticks(stat).unwrap();
    assert_eq!((t.idle, t.steal, cpus), (4, 8, 2));
    assert_eq!(t.not_busy(), 4 + 5 + 8);
    // Seven fields (old kernels): no steal.
    assert_eq!(
        machine_ticks("cpu  1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n")
            .unwrap()
            .0
            .steal,
        0
    );
    assert_eq!(machine_ticks("cpu0 1 2 3 4 5 6 7\n"), None);
    assert_eq!(machine_ticks("cpu  1 2 3 4 5 6 7\n"), None);
    assert_eq!(
        machine_ticks("cpu  1 2 x 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n"),
        None
    );
    let real = std::fs::read_to_string("/proc/stat").unwrap();
    let (_, cpus) = machine_ticks(&real).unwrap();
    assert!(cpus >= crate::worker::allowed_cpus().len());
}

#[test]
fn a_threads_clock_is_the_one_pthread_gives_it_and_a_busy_thread_is_ours() {
    let tid = nix::unistd::gettid().as_raw();
    assert_eq!(
        thread_clock_of(tid),
        crate::sys::thread_cpu_clock().unwrap()
    );
    // This thread runs 0.2 s of CPU between two reads (however long a loaded
    // machine takes to give it that): the sentinel counts it as ours.
    let mut s = Sentinel::new([tid]).unwrap();
    s.add_calling_thread();
    let clock = crate::sys::thread_cpu_clock().unwrap();
    let a = s.read().unwrap();
    let start = crate::sys::clock_ns(clock).unwrap();
    while crate::sys::clock_ns(clock).unwrap() - start < 200_000_000 {
        std::hint::black_box(0u64);
    }
    let b = s.read().unwrap();
    let n = s.window(&a, &b).unwrap();
    // Counted twice (its tid and its own clock).
    assert!(n.ours_ns >= 400_000_000, "{n:?}");
    assert!(
        n.capacity_ns >= n.wall_ns && n.wall_ns >= 200_000_000,
        "{n:?}"
    );
    // A thread that is gone cannot be read: no noise figures rather than wrong ones.
    let gone = std::thread::spawn(|| nix::unistd::gettid().as_raw())
        .join()
        .unwrap();
    assert!(Sentinel::new([gone]).unwrap().read().is_err());
}
