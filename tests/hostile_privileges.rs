//! Issue 23 item 9: least privilege while measuring (headless run and sweep; the
//! explorer is checked in tests/hostile_tmux.rs). Once the namespaces exist every task
//! keeps only the documented capabilities (docs/measuring.md, "Privileges") and
//! no_new_privs, and a full run still produces its figures.

mod common;
#[path = "common/privileges.rs"]
mod privileges;

use common::{root_or_skip, serial, HostState, BIN};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count())
}

/// Starts `args`, waits until it runs at least `min_threads` tasks (its workers and
/// sampler), checks every task, and returns the finished output.
fn check_while_measuring(args: &[&str], min_threads: usize) -> std::process::Output {
    let child = Command::new(BIN)
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let t0 = Instant::now();
    while threads(pid) < min_threads {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "{args:?} never ran {min_threads} tasks"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Into the window: the sampler and the workers run.
    std::thread::sleep(Duration::from_millis(500));
    let checked = privileges::check_tasks(pid);
    let out = child.wait_with_output().unwrap();
    let n = checked.unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(n >= min_threads, "{args:?}: {n} tasks checked");
    out
}

#[test]
fn every_task_keeps_only_the_documented_capabilities_while_measuring() {
    let _serial = serial();
    if !root_or_skip("every_task_keeps_only_the_documented_capabilities_while_measuring") {
        return;
    }
    let before = HostState::capture();
    // main, signals, runner, 2 × 2 workers, sampler.
    let out = check_while_measuring(&["run", "--duration", "2", "--threads", "2"], 8);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("throughput"), "no figures: {stdout} {err}");
    // A sweep: the veth's MTU changes between configurations (zero-copy receive
    // wants page-sized segments: CAP_NET_ADMIN), --mlock (CAP_IPC_LOCK) and zero-copy
    // sends: all still measured after the drop.
    let csv = std::env::temp_dir().join(format!("netio-privileges-{}.csv", std::process::id()));
    let out = check_while_measuring(
        &[
            "sweep",
            "--strategies",
            "one-copy,zero-copy",
            "--sizes",
            "64K",
            "--threads",
            "1",
            "--recv",
            "message,zerocopy",
            "--mlock",
            "on",
            "--repeat",
            "1",
            "--duration",
            "0.5",
            "--out",
            &csv.to_string_lossy(),
        ],
        6,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let rows = std::fs::read_to_string(&csv).unwrap();
    let _ = std::fs::remove_file(&csv);
    assert_eq!(rows.lines().count(), 1 + 4, "{rows}\n{err}");
    before.assert_restored();
}
