//! `--count cpu` without root (`--no-netns`): counting every task on a CPU is refused
//! at perf_event_paranoid >= 1, so its perf figures are n/a with the reason, never 0;
//! CPU time still comes from /proc/stat. Runs the binary as nobody through `setpriv`
//! (util-linux) when the tests run as root; skipped, with the reason, where that cannot
//! be done or where this machine allows system-wide counting to everyone.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOBODY: u32 = 65534;

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_netio-tui"))
}

fn unprivileged() -> Result<Command, String> {
    if unsafe { libc::geteuid() } != 0 {
        return Ok(Command::new(binary()));
    }
    let setpriv = std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("setpriv"))
                .find(|p| p.is_file())
        })
        .ok_or("running as root and setpriv (util-linux) is not installed")?;
    for dir in binary().ancestors().skip(1).filter(|d| d != &Path::new("")) {
        let mode = std::fs::metadata(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            return Err(format!("{} is not searchable by nobody", dir.display()));
        }
    }
    let mut c = Command::new(setpriv);
    c.args([
        format!("--reuid={NOBODY}"),
        format!("--regid={NOBODY}"),
        "--clear-groups".into(),
        "--".into(),
    ]);
    c.arg(binary());
    Ok(c)
}

#[test]
fn count_cpu_without_privileges_says_why_and_never_reads_zero() {
    let paranoid: i32 = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(2);
    let cmd = if paranoid <= 0 {
        Err(format!(
            "perf_event_paranoid is {paranoid}: everyone may count system-wide here"
        ))
    } else {
        unprivileged()
    };
    let mut cmd = match cmd {
        Ok(c) => c,
        Err(why) => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED count_cpu_without_privileges_says_why_and_never_reads_zero: {why}"
            );
            return;
        }
    };
    let out = cmd
        .args([
            "run",
            "--no-netns",
            "--pin",
            "split",
            "--count",
            "cpu",
            "--json",
            "--duration",
            "0.3",
        ])
        .env("HOME", "/")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["count"], "cpu");
    assert!(j["context_switches"].is_null(), "n/a, never 0: {j}");
    assert!(j["cpu_ns"].as_f64().is_some_and(|v| v > 0.0), "{j}");
    let note = j["counters_note"].as_str().unwrap_or_default();
    for words in [
        "counted on CPUs",
        "context_switches",
        "system-wide counting refused",
        "perf_event_paranoid",
    ] {
        assert!(note.contains(words), "{words}: {note}");
    }
    assert_eq!(
        stderr.matches("system-wide counting refused").count(),
        1,
        "said once: {stderr}"
    );
}
