//! The explorer without root: one clear message saying what needs root and what works
//! without it, exit status 2, and the terminal never taken.

mod common;

use common::{is_root, BIN};
use std::io::Write as _;
use std::process::Command;

#[test]
fn without_root_the_explorer_says_what_to_do_and_exits_2() {
    let mut cmd = if is_root() {
        // As root, drop to nobody (no capabilities) to see what a user sees.
        if Command::new("setpriv").arg("--version").output().is_err() {
            let _ = writeln!(
                std::io::stderr(),
                "skipping: running as root and setpriv is missing"
            );
            return;
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        c
    } else {
        Command::new(BIN)
    };
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("Permission denied") {
        let _ = writeln!(
            std::io::stderr(),
            "skipping: nobody cannot execute {BIN}: {err}"
        );
        return;
    }
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for needle in [
        "needs root",
        "sudo netio-tui",
        "--no-netns",
        "replay",
        "plot",
        "--help",
        "netio-tui doctor",
    ] {
        assert!(err.contains(needle), "{needle:?} missing: {err}");
    }
    assert!(out.stdout.is_empty(), "nothing drawn on stdout");
}
