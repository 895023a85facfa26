//! Issue 23 item 2: stdout or stderr that cannot be written is never a panic. A closed
//! pipe ends quietly (exit 141, as a tool killed by SIGPIPE, nothing on stderr); a full
//! disk (/dev/full) is exit 1 with one line; a full stderr changes no exit status.

mod common;

use common::{root_or_skip, serial, BIN};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(name)
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("netio-hostile-io-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs the binary in `dir` with stdout closed at the far end (a stream whose reader is
/// gone: a write fails with EPIPE, as into `| true`).
fn into_closed_pipe(args: &[&str], dir: &Path) -> Output {
    let (writer, reader) = std::os::unix::net::UnixStream::pair().unwrap();
    drop(reader);
    let writer = std::os::fd::OwnedFd::from(writer);
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn full() -> File {
    File::options().write(true).open("/dev/full").unwrap()
}

/// Runs the binary in `dir` with stdout on a full disk.
fn into_full_disk(args: &[&str], dir: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::from(full()))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn assert_quiet_close(o: &Output, what: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(141),
        "{what} into a closed pipe: {err}"
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
    // Its usual notes may stand; nothing about the pipe.
    assert!(
        !err.contains("Broken pipe") && !err.contains("standard output"),
        "{what} complained: {err}"
    );
}

fn assert_full_disk(o: &Output, what: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{what} into /dev/full: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    let line = err.lines().last().unwrap_or("");
    assert!(
        line.contains("standard output") && line.contains("No space left"),
        "{what}: {err}"
    );
}

/// The commands that need no root, each with what it writes on stdout.
fn cases(dir: &Path) -> Vec<(&'static str, Vec<String>)> {
    let csv = fixture("course-sweep.csv").to_string_lossy().into_owned();
    let rec = fixture("run-one-copy.jsonl").to_string_lossy().into_owned();
    let d = dir.to_string_lossy().into_owned();
    vec![
        (
            "replay --check",
            vec!["replay".into(), "--check".into(), rec],
        ),
        (
            "plot",
            vec!["plot".into(), csv.clone(), "--out".into(), d.clone()],
        ),
        (
            "report",
            vec!["report".into(), csv, "--out".into(), format!("{d}/r.md")],
        ),
        ("--version", vec!["--version".into()]),
    ]
}

#[test]
fn closed_pipe_is_a_quiet_end_not_a_panic() {
    let dir = scratch("pipe");
    for (what, args) in cases(&dir) {
        if what == "--version" {
            continue; // clap prints it; its own error is ignored (exit 0)
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_quiet_close(&into_closed_pipe(&args, &dir), what);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn full_disk_on_stdout_is_exit_1_with_one_line() {
    let dir = scratch("full");
    for (what, args) in cases(&dir) {
        if what == "--version" {
            continue;
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_full_disk(&into_full_disk(&args, &dir), what);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn full_stderr_keeps_the_exit_status() {
    // Bad input is still exit 2 when its message cannot be written.
    let o = Command::new(BIN)
        .args(["run", "--size", "0"])
        .stderr(Stdio::from(full()))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = Command::new(BIN)
        .args(["replay", "--check", "/nonexistent/x.jsonl"])
        .stderr(Stdio::from(full()))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn measuring_into_a_closed_pipe_or_a_full_disk() {
    let _serial = serial();
    if !root_or_skip("measuring_into_a_closed_pipe_or_a_full_disk") {
        return;
    }
    let dir = scratch("run");
    let o = into_closed_pipe(&["run", "--json", "--duration", "0.2"], &dir);
    assert_quiet_close(&o, "run --json");
    let o = into_full_disk(&["run", "--duration", "0.2"], &dir);
    assert_full_disk(&o, "run");
    let o = into_full_disk(
        &[
            "sweep",
            "--sizes",
            "4K",
            "--strategies",
            "one-copy",
            "--threads",
            "1",
            "--duration",
            "0.2",
            "--repeat",
            "1",
            "--out",
            "s.csv",
        ],
        &dir,
    );
    assert_full_disk(&o, "sweep");
    let _ = std::fs::remove_dir_all(&dir);
}
