//! `--mlock on` for real: zero-copy and one-copy at 64K move verified data with their
//! buffers locked, and the process's locked memory (VmLck) during the window is
//! exactly what the configuration locks; a RLIMIT_MEMLOCK too small for it is refused
//! with exit 2 naming both numbers, before anything is built. The first test needs
//! root (it skips with a reason otherwise); the refusal needs none (`--no-netns`).

mod common;

use common::{root_or_skip, serial, HostState, BIN};
use netio_engine::config::{Config, Mlock, Strategy};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// VmLck of `pid` in bytes; `None` once the process is gone.
fn vm_lck(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmLck:"))?;
    kb.trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()
        .map(|k| k << 10)
}

/// Runs `args`, reading VmLck every few milliseconds until the process ends: the
/// readings (bytes, in order) and the JSON line it printed.
fn run_watching_vmlck(args: &[&str]) -> (Vec<u64>, serde_json::Value) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "{args:?} did not finish");
        if let Some(v) = vm_lck(pid) {
            seen.push(v);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON object ({e}): {stderr}"));
    (seen, json)
}

#[test]
fn locked_buffers_move_verified_data_and_lock_exactly_what_the_configuration_says() {
    let _serial = serial();
    if !root_or_skip(
        "locked_buffers_move_verified_data_and_lock_exactly_what_the_configuration_says",
    ) {
        return;
    }
    if netio_engine::sys::page_size() != 4096 {
        eprintln!("skipped: the page counts below are for 4 KiB pages");
        return;
    }
    let before = HostState::capture();
    // 2 thread pairs at 64K, fields and receive buffer 2048 bytes into a page (the
    // default): one-copy's 8 fields of 8K touch 3 pages each, zero-copy's page-aligned
    // fields 2; each receive buffer (64K from page+2048) 17.
    for (strategy, name, pages_per_pair) in [
        (Strategy::OneCopy, "one-copy", 8 * 3 + 17),
        (Strategy::ZeroCopy, "zero-copy", 8 * 2 + 17),
    ] {
        let want = 2 * pages_per_pair * 4096u64;
        let config = Config {
            mlock: Mlock::On,
            ..Config::new(strategy, 65536, 2)
        };
        assert_eq!(netio_engine::worker::locked_bytes(config), want, "{name}");
        let common = [
            "run",
            "--strategy",
            name,
            "--size",
            "64K",
            "--threads",
            "2",
            "--verify",
            "--json",
            "--duration",
            "1.5",
        ];
        let (seen, json) = run_watching_vmlck(&[&common[..], &["--mlock", "on"]].concat());
        assert_eq!(json["error"], serde_json::Value::Null, "{name}: {json}");
        assert_eq!(json["mlock"], "on", "{name}");
        assert!(json["bytes"].as_f64().unwrap() > 0.0, "{name}: {json}");
        // Nothing else of the process is locked: the readings are 0 before the
        // workers lock and after they unlock, and exactly the configuration's in the
        // window (never more: shared pages are not counted twice).
        let max = seen.iter().copied().max().unwrap_or(0);
        assert_eq!(max, want, "{name}: VmLck readings {seen:?}");
        let at_want = seen.iter().filter(|v| **v == want).count();
        assert!(
            at_want * 4 > seen.len(),
            "{name}: locked for most of the run, not a moment: {at_want} of {} readings",
            seen.len()
        );
        assert!(
            seen.iter().all(|v| *v == 0 || *v <= want),
            "{name}: {seen:?}"
        );
        // --mlock off locks nothing.
        let (seen, json) = run_watching_vmlck(&common);
        assert_eq!(json["error"], serde_json::Value::Null, "{name}: {json}");
        assert_eq!(json["mlock"], "off", "{name}");
        assert!(seen.iter().all(|v| *v == 0), "{name} off: {seen:?}");
    }
    before.assert_restored();
}

/// `sh -c 'ulimit -l KIB; exec netio-tui ARGS'`: the limit lowered for the child only.
fn with_memlock_kib(kib: u64, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -l {kib} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_memlock_limit_too_small_is_exit_2_with_the_limit_and_the_need() {
    let _serial = serial();
    // zero-copy 64K × 2: 2 × (8 × 2 + 17) pages = 264 KiB.
    let out = with_memlock_kib(
        64,
        &[
            "run",
            "--no-netns",
            "--mlock",
            "on",
            "--strategy",
            "zero-copy",
            "--size",
            "64K",
            "--threads",
            "2",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("RLIMIT_MEMLOCK (ulimit -l) is 64 KiB"),
        "{err}"
    );
    if netio_engine::sys::page_size() == 4096 {
        assert!(err.contains("needs 264 KiB locked"), "{err}");
        assert!(err.contains("2 thread pairs × 132 KiB"), "{err}");
    }
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(out.stdout.is_empty());
    // A sweep is refused for its largest locked configuration, before measuring any.
    let out = with_memlock_kib(
        64,
        &[
            "sweep",
            "--no-netns",
            "--mlock",
            "off,on",
            "--strategies",
            "one-copy",
            "--sizes",
            "4K,64K",
            "--threads",
            "1",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("one-copy 64K ×1 mlock needs "), "{err}");
    // A bad value is refused for what it is.
    let out = with_memlock_kib(64, &["run", "--no-netns", "--mlock", "maybe"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("'maybe' is not on or off (allowed: off, on)"),
        "{err}"
    );
    // Under a limit that holds it, the same kind of run measures (loopback, no root).
    let out = with_memlock_kib(
        1024,
        &[
            "run",
            "--no-netns",
            "--mlock",
            "on",
            "--strategy",
            "one-copy",
            "--size",
            "4K",
            "--duration",
            "0.2",
            "--verify",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
}
