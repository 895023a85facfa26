//! Exit codes for options that cannot apply or values read wrongly (issue 23 items 6
//! and 10): each is exit 2 with one line saying what is wrong and what is allowed,
//! before anything is built or measured.

mod common;

use common::{is_root, BIN};
use std::process::Command;

/// Runs the binary; returns (exit code, stderr).
fn run(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(BIN).args(args).output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn refused(args: &[&str], says: &str) {
    let (code, err) = run(args);
    assert_eq!(code, Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    assert!(err.contains(says), "{args:?} should say '{says}': {err}");
}

#[test]
fn sink_refuses_options_that_cannot_apply() {
    // --verify is refused before the privilege check; the rest need the namespaces'
    // privilege first (without it they are refused for that, also exit 2).
    refused(
        &["run", "--topology", "sink", "--verify", "--duration", "0.2"],
        "--verify has nothing to check",
    );
    refused(
        &[
            "sweep",
            "--topology",
            "sink",
            "--verify",
            "--strategies",
            "one-copy",
        ],
        "--verify has nothing to check",
    );
    if !is_root() {
        eprintln!("skipping the rest of sink_refuses_options_that_cannot_apply: needs root");
        return;
    }
    for recv in ["trunc", "zerocopy", "stream"] {
        refused(
            &[
                "run",
                "--topology",
                "sink",
                "--recv",
                recv,
                "--duration",
                "0.2",
            ],
            &format!("--recv {recv} cannot apply"),
        );
    }
    refused(
        &[
            "run",
            "--topology",
            "sink",
            "--nodelay",
            "--duration",
            "0.2",
        ],
        "--nodelay (a TCP option) cannot apply",
    );
    refused(
        &[
            "sweep",
            "--topology",
            "sink",
            "--strategies",
            "one-copy",
            "--nodelay",
            "off,on",
        ],
        "--nodelay (a TCP option) cannot apply",
    );
}
