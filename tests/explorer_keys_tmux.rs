//! End to end, keys pressed fast: the real binary in a tmux pane, as root. Rapid
//! strategy/size/thread changes pass through configurations for a fraction of a second
//! each; none of them may become a matrix row (each row must be at least the minimum
//! window long). Then `q` with unexported rows asks first, `e` exports, and the path
//! is printed on exit.
//!
//! Skips (with a printed reason) without root or without tmux. (Helpers as in
//! tests/explorer_tmux.rs.)

mod common;
#[path = "common/tmux.rs"]
mod tmux;

use common::HostState;
use std::io::Write as _;
use std::path::Path;
use tmux::{assert_nothing_left, assert_terminal_restored, skip_reason, Session};

use std::time::Duration;

fn csv_rows(path: &Path) -> Vec<(String, String, String, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (s, m, t, d) = (
        col("strategy"),
        col("msg_size"),
        col("threads"),
        col("duration_s"),
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[s].to_string(),
                f[m].to_string(),
                f[t].to_string(),
                f[d].parse().unwrap_or(-1.0),
            )
        })
        .collect()
}

fn exports_in(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect()
}

#[test]
fn rapid_keys_never_make_a_row_shorter_than_the_minimum_window() {
    if let Some(why) = skip_reason() {
        let _ = writeln!(
            std::io::stderr(),
            "skipping rapid_keys_never_make_a_row_shorter_than_the_minimum_window: {why}"
        );
        return;
    }
    const MIN: f64 = 1.5;
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let s = Session::start(
        "rapid",
        &format!(
            "--export-dir {} --min-window {MIN} --start-strategy one-copy --start-size 4K",
            dir.path().display()
        ),
    );
    s.wait_for("the first figures", 20, |t| {
        t.contains("measuring") && t.contains("Gb/s")
    });
    let pid = s.explorer_pid();
    // Stay on the start configuration long enough for one real row.
    s.wait_for("a steady first row", 20, |t| {
        t.contains("one-copy") && t.contains("matrix: 1 ")
    });
    // Then press through several configurations, a few tenths of a second each.
    for k in [
        "Right", "Up", "+", "Left", "Down", "Right", "-", "Up", "Right", "Left", "+", "Down",
    ] {
        s.keys(&[k]);
        std::thread::sleep(Duration::from_millis(150));
    }
    // Settle on the last one for longer than the minimum window.
    let settled = s.wait_for("the last configuration measured for the minimum", 20, |t| {
        t.lines().any(|l| {
            l.contains("measuring ")
                && !l.contains("a row at")
                && l.split("measuring ")
                    .nth(1)
                    .and_then(|r| r.split('s').next())
                    .and_then(|v| v.parse::<f64>().ok())
                    .is_some_and(|v| v >= MIN + 0.3)
        })
    });
    s.keys(&["e"]);
    s.wait_for("the export note", 10, |t| t.contains("exported "));
    let files = exports_in(dir.path());
    assert_eq!(files.len(), 1, "one export; screen:\n{settled}");
    let rows = csv_rows(&files[0]);
    assert!(
        rows.len() >= 2,
        "the start and the last configuration: {rows:?}"
    );
    for r in &rows {
        assert!(
            r.3 >= MIN - 1e-6,
            "row shorter than the {MIN}s minimum window: {r:?} (all: {rows:?})"
        );
    }
    // The configurations passed through are not rows: at most start + last (+ one
    // the engine may have measured past MIN while the keys were sent).
    assert!(
        rows.len() <= 3,
        "transient configurations became rows: {rows:?}"
    );

    // Measured on after the export: q asks first, the second q quits.
    s.wait_for("a window not exported yet", 20, |t| {
        t.lines()
            .any(|l| l.contains("measuring ") && !l.contains("a row at"))
    });
    std::thread::sleep(Duration::from_millis(300));
    s.keys(&["q"]);
    let asked = s.capture();
    let asked = if asked.contains("not exported") || asked.contains("EXITED") {
        asked
    } else {
        s.wait_for("the question", 5, |t| {
            t.contains("not exported") || t.contains("EXITED")
        })
    };
    if asked.contains("not exported") {
        assert!(asked.contains("q again quits"), "{asked}");
        s.keys(&["q"]);
    }
    let end = s.wait_for("the exit", 20, |t| t.contains("EXITED:0"));
    assert!(
        end.contains(&format!("matrix exported to {}", files[0].display())),
        "the export path printed on exit: {end}"
    );
    assert_terminal_restored(&s);
    assert_nothing_left(pid, &before);
}
