//! Issue 23 item 7: the first moments. A signal right after start is answered as an
//! interruption (exit 130 from `run`, the explorer ends with its terminal restored),
//! never the default action's silent death; a kill at any moment leaves no probe file
//! beside the outputs; a --record path that is not UTF-8 is no panic.

mod common;
#[allow(dead_code)]
#[path = "common/tmux.rs"]
mod tmux;

use common::{root_or_skip, serial, HostState, BIN};
use std::io::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("netio-hostile-start-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Waits until `pid`'s main has begun (it blocks SIGHUP, SIGINT and SIGTERM as its
/// first act; before that the loader runs and no program can answer a signal).
fn wait_for_main(pid: u32) {
    for _ in 0..20_000 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let blocked = status
            .lines()
            .find_map(|l| l.strip_prefix("SigBlk:"))
            .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
            .unwrap_or(0);
        // Bits of signals 1 (HUP), 2 (INT), 15 (TERM).
        if blocked & 0x4003 == 0x4003 || status.is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    panic!("{pid} never held SIGHUP/SIGINT/SIGTERM: a signal in its first moments takes the default action");
}

fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status();
}

#[test]
fn run_answers_a_signal_in_its_first_milliseconds() {
    let _serial = serial();
    if !root_or_skip("run_answers_a_signal_in_its_first_milliseconds") {
        return;
    }
    let before = HostState::capture();
    let dir = scratch("run");
    for ms in [0u64, 1, 2, 5, 10, 20, 50, 100, 200] {
        for sig in ["TERM", "INT", "HUP"] {
            let child = Command::new(BIN)
                .args(["run", "--duration", "0.3", "--record"])
                .arg(dir.join("r.jsonl"))
                .current_dir(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            wait_for_main(child.id());
            std::thread::sleep(Duration::from_millis(ms));
            signal(child.id(), sig);
            let o = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(
                o.status.signal(),
                None,
                "SIG{sig} {ms} ms after main began killed run: {err}"
            );
            assert_eq!(o.status.code(), Some(130), "SIG{sig} at {ms} ms: {err}");
        }
    }
    // No probe or temporary file left beside the output.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
    before.assert_restored();
}

#[test]
fn sigkill_at_start_leaves_no_probe_file() {
    let _serial = serial();
    if !root_or_skip("sigkill_at_start_leaves_no_probe_file") {
        return;
    }
    let before = HostState::capture();
    let dir = scratch("kill");
    for i in 0..60u64 {
        let mut child = Command::new(BIN)
            .args([
                "run",
                "--duration",
                "0.3",
                "--out",
                "k.csv",
                "--record",
                "k.jsonl",
            ])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(500 + i * 170));
        let _ = child.kill();
        let _ = child.wait();
    }
    let probes: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("probe"))
        .collect();
    assert!(probes.is_empty(), "probe files left: {probes:?}");
    let _ = std::fs::remove_dir_all(&dir);
    before.assert_restored();
}

#[test]
fn a_record_path_that_is_not_utf8_is_no_panic() {
    let _serial = serial();
    if !root_or_skip("a_record_path_that_is_not_utf8_is_no_panic") {
        return;
    }
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("utf8");
    let name = std::ffi::OsStr::from_bytes(b"rec-\xff.jsonl");
    let o = Command::new(BIN)
        .args(["run", "--duration", "0.2", "--record"])
        .arg(name)
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(dir.join(name).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explorer_answers_a_signal_in_its_first_moments() {
    let _serial = serial();
    if let Some(why) = tmux::skip_reason() {
        let _ = writeln!(
            std::io::stderr(),
            "skipping explorer_answers_a_signal_in_its_first_moments: {why}"
        );
        return;
    }
    let before = HostState::capture();
    for (ms, sig) in [(20, "TERM"), (100, "HUP"), (200, "TERM"), (350, "HUP")] {
        // A shell without job control runs it in the background only to learn its pid.
        let s = tmux::Session::start_raw(
            "early",
            &format!(
                "{BIN} & p=$!; sleep {}; kill -{sig} $p; wait $p; echo EXITED:$?; sleep 60",
                ms as f64 / 1000.0
            ),
        );
        let t = s.wait_for("the exit", 20, |t| t.contains("EXITED:"));
        let code: i32 = t
            .split("EXITED:")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|c| c.parse().ok())
            .unwrap();
        assert!(
            code < 128,
            "SIG{sig} {ms} ms after start: exit {code} (killed by the signal)\n{t}"
        );
        tmux::assert_terminal_restored(&s);
    }
    std::thread::sleep(Duration::from_millis(500));
    before.assert_restored();
}

/// The signals are held before main runs (the engine's ELF constructor, ahead of the
/// Rust runtime), not only from main's first act: the window in which a signal takes
/// its default action is the loader's alone. Checked through the test seam that has
/// main say what it found, so no timing is involved.
#[test]
fn signals_are_held_before_main_runs() {
    let out = Command::new(BIN)
        .args(["run", "--size", "0"])
        .env(netio_tui::test_seam::EARLY_HOLD_ENV, "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("signals held before main: yes"),
        "the constructor did not hold the signals: {err}"
    );
    assert_eq!(out.status.code(), Some(2), "{err}");
}

/// Commands that measure nothing release what the constructor held: a SIGHUP still
/// ends the agent at once (a dropped ssh session), by its default action.
#[test]
fn commands_that_measure_nothing_take_the_default_action() {
    let mut agent = Command::new(BIN)
        .args(["agent", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(agent.id(), "HUP");
    let t0 = std::time::Instant::now();
    let status = loop {
        if let Some(s) = agent.try_wait().unwrap() {
            break s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the agent outlived SIGHUP"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.signal(), Some(libc::SIGHUP), "{status:?}");
    let _ = agent.stdin.take().map(|mut s| s.write_all(b""));
}
