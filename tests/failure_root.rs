//! A connection reset from outside mid-window: `run` and `sweep` report a failure,
//! never a measurement. Needs root (namespaces, ss -K); skips with a reason otherwise.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_netio-tui");

fn ready_or_skip(test: &str) -> bool {
    let why = if !nix::unistd::geteuid().is_root() {
        Some("needs root to create network namespaces (CI runs it as root)")
    } else if Command::new("ss").arg("-V").output().is_err()
        || Command::new("nsenter").arg("-V").output().is_err()
    {
        Some("needs ss (iproute2) and nsenter (util-linux)")
    } else {
        None
    };
    if let Some(why) = why {
        let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
        return false;
    }
    true
}

/// The network namespace of `pid`'s first sender thread, once it exists.
fn sender_netns(pid: u32) -> String {
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for t in tasks.flatten() {
                let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
                if comm.trim() == "netio-tx-0" {
                    return t.path().join("ns/net").display().to_string();
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no sender thread appeared in process {pid}");
}

/// Kills every TCP connection in that namespace, as an administrator would with ss -K.
fn reset_connections(netns: &str) {
    let out = Command::new("nsenter")
        .arg(format!("--net={netns}"))
        .args(["ss", "-K", "-tn", "dport != 0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "ss -K: {out:?}");
}

/// Runs the binary with `args`, resets its connections once they carry data, and
/// returns what it printed.
fn run_and_reset(args: &[&str]) -> std::process::Output {
    let child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let ns = sender_netns(child.id());
    std::thread::sleep(Duration::from_millis(700));
    reset_connections(&ns);
    child.wait_with_output().unwrap()
}

#[test]
fn a_reset_connection_fails_run_and_sweep_without_figures() {
    if !ready_or_skip("a_reset_connection_fails_run_and_sweep_without_figures") {
        return;
    }
    // run --json: exit 1, the cause, an object with `error` and no figures.
    let out = run_and_reset(&[
        "run",
        "--strategy",
        "one-copy",
        "--size",
        "4K",
        "--duration",
        "8",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let err = v["error"].as_str().unwrap_or_default();
    assert!(err.contains("reset") || err.contains("failed"), "{v}");
    assert!(v.get("throughput_gbps").is_none(), "no figures: {v}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no result"),
        "{out:?}"
    );

    // sweep: the failed configuration is a row with an error and empty figures, the
    // next one is measured, and the exit status names the failure.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("s.csv");
    let child = Command::new(BIN)
        .args([
            "sweep",
            "--strategies",
            "one-copy,two-copy",
            "--sizes",
            "4K",
        ])
        .args(["--threads", "1", "--duration", "3"])
        .args(["--out", csv.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let ns = sender_netns(child.id());
    std::thread::sleep(Duration::from_millis(700));
    reset_connections(&ns);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 of 2 configurations failed"),
        "{out:?}"
    );
    let reg = netio_tui::engine::metric::METRICS;
    let rows = netio_tui::model::csv::read_csv(reg, &csv).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].error.is_some(), "{:?}", rows[0]);
    assert!(rows[0].values.iter().all(Option::is_none), "{:?}", rows[0]);
    assert!(rows[1].error.is_none(), "{:?}", rows[1]);
    assert!(rows[1].get(reg, "throughput_gbps") > Some(0.0));
}
