//! The README's five-minute tour, followed as a reader would: the real binary in a tmux
//! pane (120×40, as root), the keys of each step of the tour's table pressed in order,
//! and every phrase the step promises (`on screen`, in backticks) looked for on the
//! screen. The steps are read from README.md itself, so the tour and this test cannot
//! drift apart. Skips (with a printed reason) without root or without tmux.

mod common;
#[path = "common/tmux.rs"]
mod tmux;

use common::HostState;
use std::io::Write as _;
use tmux::{assert_nothing_left, assert_terminal_restored, skip_reason, Session};

/// One row of the tour: the keys to press (tmux names) and the phrases to find.
#[derive(Debug)]
struct Step {
    keys: Vec<String>,
    phrases: Vec<String>,
}

/// The text between backticks, in order.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// A key as the README writes it, as tmux send-keys names it.
fn tmux_key(k: &str) -> String {
    match k {
        "→" => "Right",
        "←" => "Left",
        "↑" => "Up",
        "↓" => "Down",
        "Esc" => "Escape",
        other => other,
    }
    .to_string()
}

fn tour() -> Vec<Step> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("A five-minute tour"))
        .expect("README has a section '## A five-minute tour'");
    section
        .lines()
        .filter(|l| l.starts_with("| ") && l.chars().nth(2).is_some_and(|c| c.is_ascii_digit()))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            // | step | keys | on screen | what it answers |
            Step {
                keys: ticked(cells[2]).iter().map(|k| tmux_key(k)).collect(),
                // What follows "(" describes the way there, not the screen to find.
                phrases: ticked(cells[3].split('(').next().unwrap_or_default()),
            }
        })
        .collect()
}

#[test]
fn the_tour_reads_as_a_table_of_keys_and_promises() {
    let steps = tour();
    assert!(steps.len() >= 5, "{steps:?}");
    for s in &steps {
        assert!(!s.keys.is_empty() && !s.phrases.is_empty(), "{s:?}");
    }
}

#[test]
fn every_step_of_the_readme_tour_shows_what_it_promises() {
    if let Some(why) = skip_reason() {
        let _ = writeln!(
            std::io::stderr(),
            "skipping every_step_of_the_readme_tour_shows_what_it_promises: {why}"
        );
        return;
    }
    let _serial = common::serial();
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    // The README's start, with a short sweep so the test does not wait two minutes.
    let s = Session::start(
        "tour",
        &format!("--export-dir {} --sweep-duration 0.2", dir.path().display()),
    );
    s.wait_for("the explorer measuring", 20, |t| {
        t.contains("one-copy (A2)")
    });
    let pid = s.explorer_pid();
    for (i, step) in tour().iter().enumerate() {
        for k in &step.keys {
            s.keys(&[k]);
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        s.wait_for(
            &format!(
                "tour step {}: {:?} after {:?}",
                i + 1,
                step.phrases,
                step.keys
            ),
            // The sweep (48 configurations × 0.2 s here) is the slowest step.
            90,
            |t| step.phrases.iter().all(|p| t.contains(p.as_str())),
        );
        // Close an overlay a step opened, as the tour says (`Esc` closes).
        if step.keys.iter().any(|k| k == "i" || k == "?") {
            s.keys(&["Escape"]);
        }
    }
    // Quit: q asks while rows are unexported, q again quits.
    s.keys(&["q"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    s.keys(&["q"]);
    s.wait_for("the explorer to exit", 20, |t| t.contains("EXITED:"));
    assert_terminal_restored(&s);
    assert_nothing_left(pid, &before);
}
