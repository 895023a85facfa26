//! `--count cpu` on this machine's CPUs, through the binary's `run --json`: it counts
//! the pinned CPUs system-wide, so its CPU time holds the worker threads' and the
//! softirq and ksoftirqd work per-thread counting misses; with `--pin split` each side
//! has its CPUs, with `--pin pair` the sides share them and per-side figures are n/a.
//! No speed is asserted: the machine may be shared.

mod common;

use common::{figure, root_or_skip, serial, HostState};
use netio_tui::engine::config::Pin;
use std::io::Write as _;

fn run(args: &[&str]) -> serde_json::Value {
    common::run_json(
        &[
            &["--duration", "1", "--strategy", "one-copy", "--size", "16K"][..],
            args,
        ]
        .concat(),
    )
}

#[test]
fn count_cpu_counts_the_pinned_cpus_softirq_included_and_splits_sides_only_when_apart() {
    let _serial = serial();
    if !root_or_skip(
        "count_cpu_counts_the_pinned_cpus_softirq_included_and_splits_sides_only_when_apart",
    ) {
        return;
    }
    let allowed = netio_tui::engine::worker::allowed_cpus();
    if allowed.len() < 2 {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: --pin split needs two CPUs to keep the sides apart"
        );
        return;
    }
    let before = HostState::capture();
    let split = Pin::Split.cpu_sides(1, true, &allowed).unwrap();
    let (tx, rx) = (split.tx[0], split.rx[0]);

    let thread = run(&["--pin", "split"]);
    let cpu = run(&["--pin", "split", "--count", "cpu"]);
    assert_eq!(thread["count"], "thread");
    assert_eq!(cpu["count"], "cpu");
    // Labelled as what it is.
    let note = cpu["counters_note"].as_str().unwrap_or_default();
    for words in [
        format!("counted on CPUs {} system-wide", split.all()),
        "softirq, ksoftirqd and any other task on those CPUs included".into(),
        "CPU time from /proc/stat ticks".into(),
        format!("sender side = CPU {tx}, receiver side = CPU {rx}"),
    ] {
        assert!(note.contains(&words), "{words}: {note}");
    }
    // CPUs were counted, not threads.
    assert_eq!(cpu["counted_cpus"], 2, "{cpu}");
    assert!(cpu["counted_threads"].is_null(), "{cpu}");
    assert_eq!(thread["counted_threads"], 2, "{thread}");

    // The pinned CPUs' busy time holds the threads' own time and more (softirq,
    // ksoftirqd, anything else there). Compared per second of window, not per byte:
    // two runs on a shared machine move different amounts (0.7-1.8x), but both keep
    // their CPUs busy; 10 ms ticks and the machine's noise leave some slack.
    let busy = |j: &serde_json::Value| figure(j, "cpu_ns") / figure(j, "duration_s") / 1e9;
    let (t, c) = (busy(&thread), busy(&cpu));
    let _ = writeln!(
        std::io::stderr(),
        "CPUs busy: per thread {t:.3}, per CPU {c:.3} (x{:.2}); ns/B per thread {}, per CPU {}; \
         context switches per thread {}, per CPU {}",
        c / t,
        thread["cpu_ns_per_byte"],
        cpu["cpu_ns_per_byte"],
        thread["context_switches"],
        cpu["context_switches"]
    );
    assert!(c >= 0.8 * t, "per CPU {c:.3} CPUs busy < per thread {t:.3}");
    // Each side is one CPU: at most its wall time (plus a tick at each edge).
    let wall = figure(&cpu, "duration_s") * 1e9;
    for side in ["tx_cpu_ns", "rx_cpu_ns"] {
        let ns = figure(&cpu, side);
        assert!(ns > 0.0 && ns <= wall + 2e7, "{side} {ns} of {wall} ns");
    }
    assert!(figure(&cpu, "context_switches") > 0.0, "{cpu}");
    // The receive-copy tracepoint, system-wide on the receiver's CPU.
    if !thread["rx_copies_per_msg"].is_null() {
        assert!(figure(&cpu, "rx_copies_per_msg") > 0.5, "{cpu}");
    }

    // pair: one CPU hosts both sides; the sums are there, the sides are not.
    let pair = run(&["--pin", "pair", "--count", "cpu"]);
    assert!(figure(&pair, "cpu_ns") > 0.0, "{pair}");
    assert!(figure(&pair, "context_switches") > 0.0, "{pair}");
    for side in [
        "tx_cpu_ns",
        "rx_cpu_ns",
        "tx_cpu_pct",
        "tx_user_pct",
        "rx_user_pct",
        "rx_copies_per_msg",
    ] {
        assert!(pair[side].is_null(), "{side} must be n/a: {pair}");
    }
    let note = pair["counters_note"].as_str().unwrap_or_default();
    assert!(
        note.contains(&format!(
            "CPU {} runs senders and receivers, so per-side figures are n/a",
            allowed[0]
        )),
        "{note}"
    );

    before.assert_restored();
}
