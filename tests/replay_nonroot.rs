//! `replay` needs no root: run the binary as an unprivileged user (nobody) and check
//! that help and recording validation work, with no privilege error.
//!
//! When the tests run as root, the binary is run through `setpriv` (util-linux) or
//! `runuser`; when they run as a normal user, the binary is run directly. Skipped, with
//! the reason printed, when neither tool exists or nobody cannot reach the binary.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOBODY: u32 = 65534;

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_netio-tui"))
}

fn on_path(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
    })
}

/// A command that runs the binary as nobody, or a reason why that is not possible.
fn as_unprivileged(args: &[&str]) -> Result<Command, String> {
    if unsafe { libc::geteuid() } != 0 {
        let mut c = Command::new(binary());
        c.args(args);
        return Ok(c);
    }
    if let Some(setpriv) = on_path("setpriv") {
        let mut c = Command::new(setpriv);
        c.args([
            format!("--reuid={NOBODY}"),
            format!("--regid={NOBODY}"),
            "--clear-groups".into(),
            "--".into(),
        ]);
        c.arg(binary()).args(args);
        return Ok(c);
    }
    if let Some(runuser) = on_path("runuser") {
        let mut c = Command::new(runuser);
        c.args(["-u", "nobody", "--"]).arg(binary()).args(args);
        return Ok(c);
    }
    Err("running as root and neither setpriv nor runuser is installed (util-linux)".into())
}

/// Whether nobody can execute the binary (every directory above it must be searchable).
fn reachable_by_others(path: &Path) -> Result<(), String> {
    for dir in path.ancestors().skip(1) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let mode = std::fs::metadata(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            return Err(format!(
                "{} is not searchable by other users (mode {:o})",
                dir.display(),
                mode & 0o777
            ));
        }
    }
    Ok(())
}

fn run(mut c: Command) -> Output {
    c.env_remove("SUDO_USER").env("HOME", "/");
    c.output().expect("cannot start the binary")
}

#[test]
fn replay_works_without_root() {
    let cmd = as_unprivileged(&["replay", "--help"]).and_then(|c| {
        reachable_by_others(&binary())?;
        Ok(c)
    });
    let cmd = match cmd {
        Ok(c) => c,
        Err(why) => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED replay_works_without_root: {why}"
            );
            return;
        }
    };
    let out = run(cmd);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "replay --help as nobody failed: {stderr}"
    );
    assert!(stdout.contains("Replay a recorded session"), "{stdout}");

    // A malformed recording, readable by nobody, in a directory nobody can enter.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if let Err(why) = reachable_by_others(&dir.path().join("x")) {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the validation part of replay_works_without_root: {why}"
        );
        return;
    }
    let bad = dir.path().join("bad.jsonl");
    let header = serde_json::json!({
        "format": "netio-tui-recording",
        "version": 1,
        "tool_version": "0.1.0",
        "started": "2025-02-01T09:30:00Z",
        "machine": serde_json::to_value(netio_tui::engine::sample::MachineInfo::default()).unwrap(),
    });
    std::fs::write(
        &bad,
        format!("{header}\n{{\"t\":0.0,\"event\":\n{{\"t\":1.0}}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o644)).unwrap();

    let out = run(as_unprivileged(&["replay", bad.to_str().unwrap()]).unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.jsonl line 2: expected an event"),
        "{stderr}"
    );
    assert!(!stderr.to_lowercase().contains("root"), "{stderr}");

    // And a valid one validates.
    let good = dir.path().join("good.jsonl");
    std::fs::write(
        &good,
        format!("{header}\n{{\"t\":0.5,\"event\":{{\"kind\":\"notice\",\"message\":\"hi\"}}}}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(as_unprivileged(&["replay", "--check", good.to_str().unwrap()]).unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 event over 0.5 s"));
}
