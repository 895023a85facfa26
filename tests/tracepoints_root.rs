//! The evidence tracepoints (receive copies, system calls) of a configuration with few
//! threads are counted by CPU-wide events filtered to each worker thread, not by
//! per-thread events switched at every context switch. The figures must be the same
//! either way, and another process's copies on the same CPUs must not leak into them.
//! The way is forced through the test seam NETIO_TUI_TRACEPOINTS. No speed asserted.

mod common;

use common::{figure, root_or_skip, run_json_env, serial, HostState, BIN};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// 64 B request/response with system calls counted; `way` forces how the tracepoints
/// are opened (None: the engine's choice).
fn rr(way: Option<&str>) -> serde_json::Value {
    let env: Vec<(&str, &str)> = way
        .map(|w| ("NETIO_TUI_TRACEPOINTS", w))
        .into_iter()
        .collect();
    run_json_env(
        &[
            "--workload",
            "rr",
            "--strategy",
            "one-copy",
            "--size",
            "64",
            "--response-size",
            "same",
            "--nodelay",
            "--syscalls",
            "--duration",
            "1",
        ],
        &env,
    )
}

#[test]
fn few_threads_count_the_same_cpu_wide_as_per_thread_and_nothing_of_other_tasks() {
    let _serial = serial();
    if !root_or_skip("few_threads_count_the_same_cpu_wide_as_per_thread_and_nothing_of_other_tasks")
    {
        return;
    }
    let before = HostState::capture();
    let probe = rr(None);
    if probe["rr_rx_copies_per_tx"].is_null() {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the receive-copy tracepoint is not available here: {}",
            probe["counters_note"]
        );
        return;
    }
    // Another stream on the same CPUs the whole time: its receiver copies data at every
    // read, which a CPU-wide event would count if its filter did not keep to the thread.
    let mut load = Command::new(BIN)
        .args([
            "run",
            "--size",
            "64",
            "--threads",
            "2",
            "--duration",
            "20",
            "--strategy",
            "two-copy",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    let results: Vec<(&str, serde_json::Value)> = [None, Some("cpu"), Some("thread")]
        .into_iter()
        .map(|way| (way.unwrap_or("default"), rr(way)))
        .collect();
    let _ = Command::new("kill")
        .args(["-INT", &load.id().to_string()])
        .status();
    let _ = load.wait();
    for (way, j) in &results {
        let copies = figure(j, "rr_rx_copies_per_tx");
        let syscalls = figure(j, "rr_syscalls_per_tx");
        let _ = writeln!(
            std::io::stderr(),
            "{way}: {copies} receive copies and {syscalls} system calls per transaction, {} transactions/s",
            j["rr_tps"]
        );
        // 64 bytes each way with TCP_NODELAY: one segment, one copy per read.
        assert!((1.9..=2.2).contains(&copies), "{way}: {copies} copies/tx");
        assert!(
            (0.95..=1.1).contains(&figure(j, "rx_copies_per_msg")),
            "{way}: {j}"
        );
        // A sendmsg and a read on each side; a little more at the window's edges.
        assert!(
            (3.9..=4.5).contains(&syscalls),
            "{way}: {syscalls} syscalls/tx"
        );
    }
    before.assert_restored();
}
