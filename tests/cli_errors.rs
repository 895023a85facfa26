//! Bad input exits with status 2 and a short message saying what is wrong and what is allowed.
//! None of these need root: they fail before anything is built.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write as _;

fn netio() -> Command {
    Command::cargo_bin("netio-tui").unwrap()
}

fn assert_usage_error(args: &[&str], mentions: &[&str]) {
    let out = netio().args(args).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    for m in mentions {
        assert!(
            stderr.contains(m),
            "{args:?}: stderr lacks {m:?}:\n{stderr}"
        );
    }
    assert!(stderr.lines().count() <= 6, "{args:?}: too long:\n{stderr}");
    assert!(
        out.get_output().stdout.is_empty(),
        "{args:?}: printed to stdout"
    );
}

#[test]
fn sizes_out_of_range_or_not_numbers() {
    assert_usage_error(&["run", "--size", "0"], &["1 byte to 64M"]);
    assert_usage_error(&["run", "--size", "65M"], &["1 byte to 64M"]);
    assert_usage_error(&["run", "--size", "lots"], &["not a number"]);
    assert_usage_error(&["sweep", "--sizes", "64,0"], &["1 byte to 64M"]);
}

#[test]
fn thread_counts_out_of_range() {
    assert_usage_error(&["run", "--threads", "0"], &["1 to 1024"]);
    assert_usage_error(&["run", "--threads", "1025"], &["1 to 1024"]);
    assert_usage_error(&["sweep", "--threads", "1,2,x"], &["1 to 1024"]);
}

#[test]
fn unknown_strategy_lists_the_allowed_ones() {
    assert_usage_error(
        &["run", "--strategy", "four-copy"],
        &["four-copy", "two-copy, serialize, one-copy, zero-copy"],
    );
    assert_usage_error(&["sweep", "--strategies", "one-copy,nope"], &["nope"]);
}

#[test]
fn durations_must_be_positive() {
    assert_usage_error(&["run", "--duration", "0"], &["0.01 to 86400"]);
    assert_usage_error(&["run", "--duration", "-1"], &["duration"]);
    assert_usage_error(&["sweep", "--duration", "abc"], &["not a number"]);
}

#[test]
fn empty_list_items_are_refused() {
    assert_usage_error(&["sweep", "--sizes", "64,,4K"], &["empty item"]);
    assert_usage_error(&["sweep", "--strategies", ",one-copy"], &["empty item"]);
    assert_usage_error(&["sweep", "--threads", "1,"], &["empty item"]);
}

#[test]
fn unwritable_output_is_refused_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/out.csv");
    // --no-netns so that this check is reached with or without root.
    assert_usage_error(
        &["sweep", "--no-netns", "--out", missing.to_str().unwrap()],
        &["cannot be written"],
    );
    assert_usage_error(
        &["sweep", "--no-netns", "--out", dir.path().to_str().unwrap()],
        &["is a directory"],
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing half-written"
    );
}

#[test]
fn unwritable_recording_is_refused() {
    assert_usage_error(
        &[
            "run",
            "--no-netns",
            "--duration",
            "0.1",
            "--record",
            "/nonexistent-dir/rec.jsonl",
        ],
        &["--record", "cannot be written"],
    );
}

#[test]
fn help_works_without_root() {
    netio()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("replay").and(predicate::str::contains("sweep")));
}

#[test]
fn without_root_the_message_says_what_needs_root() {
    if !nix::unistd::geteuid().is_root() {
        assert_usage_error(
            &["run", "--duration", "0.1"],
            &["needs root", "--no-netns", "replay", "plot"],
        );
        return;
    }
    // As root: drop to nobody for this one check, if the system has a tool for it.
    let Ok(setpriv) = which("setpriv") else {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: setpriv not found, cannot test as a non-root user"
        );
        return;
    };
    let bin = assert_cmd::cargo::cargo_bin("netio-tui");
    let out = std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["run", "--duration", "0.1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("Permission denied") && out.status.code() != Some(2) {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: nobody cannot execute {} ({stderr})",
            bin.display()
        );
        return;
    }
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for m in ["needs root", "--no-netns", "replay", "plot"] {
        assert!(stderr.contains(m), "{stderr}");
    }
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|c| c.is_file())
        })
        .ok_or(())
}

#[test]
fn configurations_too_big_for_memory_are_refused_up_front() {
    assert_usage_error(
        &["run", "--no-netns", "--size", "64M", "--threads", "1024"],
        &["MiB of buffers", "fewer threads or smaller messages"],
    );
    assert_usage_error(
        &[
            "sweep",
            "--no-netns",
            "--sizes",
            "4K,64M",
            "--threads",
            "1,1024",
            "--out",
            "/tmp/never.csv",
        ],
        &["64M ×1024"],
    );
    assert!(!std::path::Path::new("/tmp/never.csv").exists());
}

#[test]
fn count_modes_are_checked_and_count_cpu_needs_pinned_cpus() {
    const NEEDS_PIN: &str =
        "--count cpu counts the pinned CPUs system-wide; use it with --pin split|pair|LIST";
    assert_usage_error(
        &["run", "--count", "both"],
        &["--count", "allowed: thread, cpu"],
    );
    assert_usage_error(
        &["sweep", "--count", "thread,both"],
        &["'both'", "allowed: thread, cpu"],
    );
    assert_usage_error(&["sweep", "--count", "thread,,cpu"], &["empty item"]);
    assert_usage_error(&["--count", "sometimes"], &["allowed: thread, cpu"]);
    assert_usage_error(
        &["replay", "x.jsonl", "--count", "cpu"],
        &["--count cannot be used with replay"],
    );
    // --no-netns: refused before anything is built, with or without root.
    assert_usage_error(&["run", "--no-netns", "--count", "cpu"], &[NEEDS_PIN]);
    assert_usage_error(
        &["run", "--no-netns", "--count", "cpu", "--pin", "off"],
        &[NEEDS_PIN],
    );
    assert_usage_error(&["--no-netns", "--count", "cpu"], &[NEEDS_PIN]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.csv");
    let out = out.to_str().unwrap();
    assert_usage_error(
        &["sweep", "--no-netns", "--out", out, "--count", "cpu"],
        &[NEEDS_PIN, "crosses --count cpu with --pin off"],
    );
    assert_usage_error(
        &[
            "sweep",
            "--no-netns",
            "--out",
            out,
            "--count",
            "thread,cpu",
            "--pin",
            "split,off",
        ],
        &[NEEDS_PIN, "leave off out of --pin"],
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn buffer_offsets_are_heap_or_0_to_4095() {
    let allowed = "is not heap or a byte offset from 0 to 4095 into a page";
    assert_usage_error(&["run", "--buf-offset", "4096"], &["'4096'", allowed]);
    assert_usage_error(&["run", "--buf-offset", "-1"], &[allowed]);
    assert_usage_error(&["run", "--buf-offset", "mid"], &["'mid'", allowed]);
    assert_usage_error(&["sweep", "--buf-offset", "heap,2K"], &["'2K'", allowed]);
    assert_usage_error(&["sweep", "--buf-offset", "heap,,16"], &["empty item"]);
    assert_usage_error(&["--buf-offset", "page"], &[allowed]);
    // Only the measuring commands place buffers.
    assert_usage_error(&["plot", "x.csv", "--buf-offset", "16"], &["--buf-offset"]);
}

#[test]
fn mlock_is_off_or_on() {
    let allowed = "is not on or off (allowed: off, on)";
    assert_usage_error(&["run", "--mlock", "maybe"], &["'maybe'", allowed]);
    assert_usage_error(&["sweep", "--mlock", "off,2"], &["'2'", allowed, "off,on"]);
    assert_usage_error(&["sweep", "--mlock", "off,,on"], &["empty item"]);
    assert_usage_error(&["--mlock", "locked"], &[allowed]);
    // Only the measuring commands lock buffers.
    assert_usage_error(&["report", "x.csv", "--mlock", "on"], &["--mlock"]);
}

#[test]
fn pin_lists_name_cpus_up_to_1023() {
    // CPU 1000 is a CPU list's CPU (no such CPU here: refused as not usable, not as
    // text); 1024 is beyond what a pin list can hold.
    assert_usage_error(
        &["run", "--pin", "0,1000"],
        &["--pin names CPU 1000, which this process may not use"],
    );
    assert_usage_error(&["run", "--pin", "1024"], &["CPUs 0 to 1023"]);
}

#[test]
fn repeat_counts_out_of_range_or_not_numbers() {
    for cmd in ["run", "sweep"] {
        assert_usage_error(&[cmd, "--repeat", "0"], &["'0'", "1 to 1000"]);
        assert_usage_error(&[cmd, "--repeat", "1001"], &["'1001'", "1 to 1000"]);
        assert_usage_error(&[cmd, "--repeat", "-3"], &["1 to 1000"]);
        assert_usage_error(&[cmd, "--repeat", "five"], &["'five'", "1 to 1000"]);
    }
}

#[test]
fn a_trials_file_is_checked_like_the_csv_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/t.csv");
    let out = dir.path().join("s.csv");
    let out = out.to_str().unwrap();
    for cmd in ["run", "sweep"] {
        assert_usage_error(
            &[cmd, "--no-netns", "--trials-out", missing.to_str().unwrap()],
            &["--trials-out", "cannot be written"],
        );
        assert_usage_error(
            &[
                cmd,
                "--no-netns",
                "--trials-out",
                dir.path().to_str().unwrap(),
            ],
            &["--trials-out", "is a directory"],
        );
    }
    assert_usage_error(
        &["sweep", "--no-netns", "--out", out, "--trials-out", out],
        &["--trials-out", "--out", "same file"],
    );
    let rec = dir.path().join("r.jsonl");
    assert_usage_error(
        &[
            "run",
            "--no-netns",
            "--record",
            rec.to_str().unwrap(),
            "--trials-out",
            rec.to_str().unwrap(),
        ],
        &["--record", "same file"],
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

/// Two options that exclude each other: the line names both and what to do.
#[test]
fn options_that_exclude_each_other_say_give_one_or_the_other() {
    assert_usage_error(
        &["run", "--messages", "5", "--duration", "2"],
        &[
            "--messages cannot be used with --duration",
            "give one or the other",
        ],
    );
    assert_usage_error(
        &["sweep", "--messages", "5", "--warmup", "1"],
        &["cannot be used with", "give one or the other"],
    );
}
