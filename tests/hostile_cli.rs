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

#[test]
fn values_that_start_with_a_dash_are_read_as_values() {
    refused(&["run", "--size", "-inf"], "--size: message size '-inf'");
    refused(
        &["run", "--threads", "-4K"],
        "--threads: thread count '-4K'",
    );
    refused(&["run", "--profile-rate", "-1"], "--profile-rate:");
    refused(&["run", "--pin", "-1"], "--pin: pinning '-1'");
    refused(&["sweep", "--threads", "-2"], "--threads:");
}

#[test]
fn messages_name_the_option_and_say_what_is_allowed() {
    // The explorer's shortest window is not a warm-up.
    refused(
        &["--min-window", "-1"],
        "--min-window: shortest window '-1'",
    );
    // An empty value: never "allowed: " with nothing after it.
    for args in [&["run", "--record="][..], &["--export-dir="][..]] {
        let (code, err) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(!err.trim_end().ends_with("allowed:"), "{args:?}: {err}");
    }
    // An option the subcommand does not take is not suggested after it.
    let (code, err) = run(&["--no-netns", "replay", "F"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("does not apply to replay"), "{err}");
    assert!(!err.contains("replay --no-netns"), "{err}");
}
