//! `netio-tui replay FILE` on bad files: exit status 2 and one line naming the line
//! and what was expected, before any terminal is touched.

use assert_cmd::Command;
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::sample::{EngineEvent, MachineInfo};
use netio_tui::model::recording::Recorder;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn netio() -> Command {
    Command::cargo_bin("netio-tui").unwrap()
}

fn machine() -> MachineInfo {
    MachineInfo {
        tool_version: "0.1.0".into(),
        kernel: "6.1.0-cli".into(),
        cpu_model: "CLI Test CPU".into(),
        cores: 2,
        network: "loopback (--no-netns)".into(),
        started: "2025-02-01T09:30:00Z".into(),
        ..Default::default()
    }
}

/// A valid recording of `n` events; returns its path.
fn recording(dir: &Path, name: &str, n: usize) -> PathBuf {
    let path = dir.join(name);
    let mut rec = Recorder::create(&path, &machine()).unwrap();
    for i in 0..n {
        rec.record_at(
            i as f64 * 0.25,
            &EngineEvent::Started {
                config: Config::new(Strategy::TwoCopy, 64 << i, 1),
            },
        )
        .unwrap();
    }
    path
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String], final_newline: bool) {
    let mut text = lines.join("\n");
    if final_newline {
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn bad_json_in_the_middle_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = recording(dir.path(), "bad.jsonl", 5);
    let mut l = lines(&path);
    l[3] = r#"{"t":0.5,"event":{"kind":"started","config":"#.into();
    write_lines(&path, &l, true);
    netio()
        .args(["replay", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "bad.jsonl line 4: expected an event",
        ))
        .stderr(predicate::str::contains(r#"{"t":SECONDS,"event":{"kind":"#));
}

#[test]
fn unknown_event_kind_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = recording(dir.path(), "kind.jsonl", 3);
    let mut l = lines(&path);
    l[2] = r#"{"t":0.3,"event":{"kind":"warp"}}"#.into();
    write_lines(&path, &l, true);
    netio()
        .args(["replay", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 3").and(predicate::str::contains("warp")));
}

#[test]
fn truncated_files() {
    let dir = tempfile::tempdir().unwrap();
    // Cut inside the header: nothing to replay.
    let path = recording(dir.path(), "header.jsonl", 0);
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, &text[..40]).unwrap();
    netio()
        .args(["replay", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "header.jsonl line 1: the header is cut off",
        ));

    // A header and no events.
    let path = recording(dir.path(), "empty.jsonl", 0);
    netio()
        .args(["replay", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no events"));

    // Cut inside a middle line (a later line follows): an error naming that line.
    let path = recording(dir.path(), "middle.jsonl", 4);
    let mut l = lines(&path);
    l[2].truncate(20);
    write_lines(&path, &l, true);
    netio()
        .args(["replay", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "middle.jsonl line 3: expected an event",
        ));

    // Cut inside the last line (no newline after it: the recorder died mid-write):
    // forgiven, and said.
    let path = recording(dir.path(), "crash.jsonl", 4);
    let mut l = lines(&path);
    l[4].truncate(20);
    write_lines(&path, &l, false);
    netio()
        .args(["replay", "--check", path.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 events"))
        .stdout(predicate::str::contains("line 5 was cut off"));
}

#[test]
fn foreign_files_are_not_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("results.csv");
    std::fs::write(
        &csv,
        "strategy,msg_size,threads,duration_s\none-copy,64,1,1.0\n",
    )
    .unwrap();
    let json = dir.path().join("other.json");
    std::fs::write(&json, "{\"format\":\"something-else\",\"version\":1}\n").unwrap();
    let binary = dir.path().join("blob.bin");
    std::fs::write(&binary, [0u8, 159, 146, 150, 10, 1, 2]).unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    for f in [&csv, &json, &binary, &empty] {
        netio()
            .args(["replay", f.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{} is not a netio-tui recording",
                f.display()
            )))
            .stderr(predicate::str::contains("--record"));
    }
    netio()
        .args(["replay", dir.path().join("missing.jsonl").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read recording"));
}

#[test]
fn a_newer_format_version_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = recording(dir.path(), "future.jsonl", 2);
    let mut l = lines(&path);
    l[0] = l[0].replacen("\"version\":1", "\"version\":3", 1);
    write_lines(&path, &l, true);
    netio()
        .args(["replay", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "was made by a newer netio-tui (format version 3), this one reads version 1",
        ));
}

#[test]
fn check_prints_what_the_recording_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = recording(dir.path(), "ok.jsonl", 3);
    netio()
        .args(["replay", "--check", path.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "netio-tui recording, format version 1",
        ))
        .stdout(predicate::str::contains(
            "CLI Test CPU, 2 cores, Linux 6.1.0-cli",
        ))
        .stdout(predicate::str::contains("3 events over 0.5 s"));
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = recording(dir.path(), "ok.jsonl", 1);
    netio()
        .args(["replay", "--speed", "100", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1/16 to 64"));
    netio()
        .args(["replay", "--record", "x.jsonl", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with replay"));
    netio()
        .args([
            "replay",
            "--check",
            "--speed",
            "1/4",
            path.to_str().unwrap(),
        ])
        .assert()
        .success();
}
