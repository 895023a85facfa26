//! What the evidence counters cost per system call: a loop of cheap system calls timed
//! with no counter, with task-clock only, and with the syscall and receive-copy
//! tracepoints open on the thread. Run as root: `cargo run --release --example evidence_cost`.

use netio_tui::engine::counters::{open_perf, GroupSpec, Metric, Pmu};
use std::time::Instant;

fn ns_per_call(n: u64) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(nix::unistd::getppid());
    }
    t.elapsed().as_nanos() as f64 / n as f64
}

fn main() {
    let spec = |pmu, events: Vec<Metric>| GroupSpec {
        pmu,
        events,
        include_kernel: true,
        cpu: None,
        system_wide: false,
    };
    let n = 2_000_000;
    let mut rows = Vec::new();
    for round in 0..5 {
        let none = ns_per_call(n);
        let mut sw = open_perf(&spec(
            Pmu::Software,
            vec![Metric::CpuTime, Metric::ContextSwitches],
        ))
        .unwrap();
        sw.enable().unwrap();
        let with_sw = ns_per_call(n);
        let mut tp = match open_perf(&spec(
            Pmu::Tracepoint,
            vec![Metric::Syscalls, Metric::SkbCopies],
        )) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("tracepoints unavailable: {e}");
                return;
            }
        };
        tp.enable().unwrap();
        let with_tp = ns_per_call(n);
        let counted = tp.read().unwrap().values[0];
        drop(tp);
        drop(sw);
        rows.push((none, with_sw, with_tp));
        println!(
            "round {round}: {none:.1} ns/syscall bare, {with_sw:.1} with task-clock, {with_tp:.1} with the tracepoints ({counted} syscalls counted)"
        );
    }
    let med = |f: fn(&(f64, f64, f64)) -> f64| {
        let mut v: Vec<f64> = rows.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "median: bare {:.1} ns, task-clock {:.1} ns, tracepoints {:.1} ns per system call",
        med(|r| r.0),
        med(|r| r.1),
        med(|r| r.2)
    );
}
