//! What a new user found in the explorer (issue 22), end to end in a tmux pane as
//! root: `q` asks for the window being measured, the screen says when a finished
//! sweep leaves the engine idle, and every key and column is findable at 80×24 and
//! at 120×40.
//!
//! Skips (with a printed reason) without root or without tmux.

mod common;
#[path = "common/tmux.rs"]
mod tmux;

use common::HostState;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;
use tmux::{assert_nothing_left, assert_terminal_restored, skip_reason, Session};

fn skip(test: &str) -> bool {
    match skip_reason() {
        Some(why) => {
            let _ = writeln!(std::io::stderr(), "skipping {test}: {why}");
            true
        }
        None => false,
    }
}

fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect()
}

/// Seconds the header says the current window has measured ("measuring 3.2s").
fn measured_seconds(screen: &str) -> Option<f64> {
    let line = screen.lines().nth(1)?;
    line.split("measuring ")
        .nth(1)?
        .split('s')
        .next()?
        .parse()
        .ok()
}

/// Item 1: with one row in the matrix (the live one) and nothing exported, `q` asks
/// instead of quitting and losing it.
#[test]
fn q_asks_before_losing_the_configuration_being_measured() {
    if skip("q_asks_before_losing_the_configuration_being_measured") {
        return;
    }
    let _serial = common::serial();
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let s = Session::start(
        "quitlive",
        &format!("--export-dir {}", dir.path().display()),
    );
    s.wait_for("2 s measured", 30, |t| {
        measured_seconds(t).is_some_and(|v| v >= 2.0)
    });
    let pid = s.explorer_pid();
    s.keys(&["q"]);
    let asked = s.wait_for("the quit question", 10, |t| t.contains("not exported"));
    assert!(
        asked.contains("1 configuration not exported"),
        "the live row counts:\n{asked}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        Path::new(&format!("/proc/{pid}")).exists(),
        "q quit at once with a measured, unexported row"
    );
    // e saves it (the live row, as the matrix shows it); then q quits at once.
    s.keys(&["e"]);
    s.wait_for("the export note", 10, |t| {
        t.contains("exported 1 configuration")
    });
    assert_eq!(files_in(dir.path()).len(), 1);
    s.keys(&["q"]);
    s.wait_for("the explorer to end", 20, |t| t.contains("EXITED:0"));
    assert_terminal_restored(&s);
    drop(s);
    assert_nothing_left(pid, &before);
}

/// Item 2: after the `s` sweep the header says the sweep is done and the engine idle
/// (no worker thread left); space then measures open-ended, not one more timed window.
#[test]
fn a_finished_sweep_says_it_is_idle_and_space_measures_on() {
    if skip("a_finished_sweep_says_it_is_idle_and_space_measures_on") {
        return;
    }
    let _serial = common::serial();
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let s = Session::start(
        "sweepidle",
        &format!(
            "--export-dir {} --sweep-duration 0.3 --min-window 0.2",
            dir.path().display()
        ),
    );
    s.wait_for("the first figures", 30, |t| t.contains("Gb/s"));
    let pid = s.explorer_pid();
    s.keys(&["s"]);
    s.wait_for("the sweep", 10, |t| {
        t.contains("sweep 1/48") || t.contains("sweep 2/48")
    });
    let done = s.wait_for("the sweep's end", 150, |t| t.contains("sweep done"));
    std::thread::sleep(Duration::from_millis(1500));
    let idle = s.capture();
    let header = idle.lines().nth(1).unwrap_or("");
    assert!(
        header.contains("idle") && !header.contains("measuring"),
        "the header says idle, not measuring:\n{idle}\n(at the end:\n{done})"
    );
    let workers = std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
        .filter(|c| c.starts_with("netio-tx") || c.starts_with("netio-rx"))
        .count();
    assert_eq!(workers, 0, "idle, no worker thread runs");
    // Space measures the last configuration again, open-ended: past the sweep's 0.3 s.
    s.keys(&["Space"]);
    s.wait_for("measuring on past the sweep's window", 20, |t| {
        measured_seconds(t).is_some_and(|v| v >= 1.5)
    });
    s.keys(&["q"]);
    s.wait_for("the quit question", 10, |t| t.contains("not exported"));
    s.keys(&["q"]);
    s.wait_for("the explorer to end", 20, |t| t.contains("EXITED:0"));
    assert_terminal_restored(&s);
    drop(s);
    assert_nothing_left(pid, &before);
}

/// Every key's caps as the key line draws them, and how its help line starts.
const KEYS: [(&str, &str); 19] = [
    ("←→", "│  ← →"),
    ("↑↓", "│  ↑ ↓"),
    ("+-", "│  + -"),
    ("spc", "│  space"),
    ("s", "│  s "),
    ("e", "│  e "),
    ("r", "│  r "),
    ("?", "│  ? Esc"),
    ("q", "q Ctrl-C  quit"),
    ("i", "│  i "),
    ("t", "│  t "),
    ("n", "│  n "),
    ("m", "│  m "),
    ("c", "│  c "),
    ("a", "│  a "),
    ("b", "│  b "),
    ("PgUp/Dn", "│  PgUp PgDn"),
    ("o", "│  o "),
    ("f", "│  f "),
];

/// The keys found on the key line (the screen's last line).
fn keys_on_line(screen: &str) -> Vec<&'static str> {
    let line = screen.lines().last().unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    KEYS.iter()
        .map(|(caps, _)| *caps)
        .filter(|caps| words.contains(caps))
        .collect()
}

/// Item 5: at 80×24 and 120×40 every key is on the key line (bare caps where its
/// word does not fit, then "(see ?)"), `?` explains each, and a matrix that leaves
/// columns out says so.
#[test]
fn every_key_and_column_is_findable_at_80x24_and_120x40() {
    if skip("every_key_and_column_is_findable_at_80x24_and_120x40") {
        return;
    }
    let _serial = common::serial();
    let before = HostState::capture();
    for size in [(80u16, 24u16), (120, 40)] {
        let dir = tempfile::tempdir().unwrap();
        let s = Session::start_sized(
            "keys",
            "",
            size,
            &format!("--export-dir {}", dir.path().display()),
        );
        let screen = s.wait_for("a first row", 30, |t| t.contains("matrix: 1"));
        let pid = s.explorer_pid();
        let found = keys_on_line(&screen);
        let missing: Vec<&str> = KEYS
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| !found.contains(c))
            .collect();
        assert!(
            missing.is_empty(),
            "{size:?}: keys {missing:?} not on the key line:\n{screen}"
        );
        // `?` explains every key (scrolling where the overlay is shorter than the help).
        s.keys(&["?"]);
        let mut help = s.wait_for("the help", 10, |t| t.contains("Keys"));
        for _ in 0..8 {
            if help.contains("│  ? Esc") {
                break;
            }
            s.keys(&["NPage"]);
            std::thread::sleep(Duration::from_millis(500));
            help.push_str(&s.capture());
        }
        for (_, line) in KEYS {
            assert!(
                help.contains(line),
                "{size:?}: {line:?} not explained in ? help:\n{help}"
            );
        }
        s.keys(&["Escape"]);
        // Escape then a key at once reads as Alt+key: the help must be gone first.
        s.wait_for("the help to close", 30, |t| !t.contains("PgUp/PgDn scroll"));
        // A second row with another axis: the axes column appears and takes room.
        s.keys(&["n"]);
        let screen = s.wait_for("the axes column", 30, |t| {
            t.contains("matrix: 2") && t.contains(" axes ")
        });
        let header = screen
            .lines()
            .find(|l| l.contains("strategy") && l.contains("size"))
            .unwrap_or("");
        let title = screen.lines().find(|l| l.contains("matrix")).unwrap_or("");
        if !header.trim_end().ends_with("secs") {
            assert!(
                title.contains(" col") && title.contains('+'),
                "{size:?}: columns left out without a word:\n{screen}"
            );
        }
        s.keys(&["q"]);
        s.wait_for("the quit question", 10, |t| t.contains("not exported"));
        s.keys(&["q"]);
        s.wait_for("the explorer to end", 20, |t| t.contains("EXITED:0"));
        assert_terminal_restored(&s);
        drop(s);
        assert_nothing_left(pid, &before);
    }
}
