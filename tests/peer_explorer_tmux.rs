//! The explorer with `--peer` in a real terminal (tmux) against a real sshd in a
//! namespace (tests/peer/host.rs): a lost peer is a failed configuration with its
//! cause and no figures, and space starts the agent again and measures on.

// Each included module is used in part.
#![allow(dead_code)]

mod common;
#[path = "peer/host.rs"]
mod host;
#[path = "common/tmux.rs"]
mod tmux;

use common::{serial, HostState};
use host::{can_run, PeerHost};
use std::process::Command;
use std::time::Duration;
use tmux::{assert_nothing_left, assert_terminal_restored, skip_reason, Session};

fn throughput_line(screen: &str) -> Option<&str> {
    screen
        .lines()
        .find(|l| l.starts_with("Throughput") && l.contains("Gb/s"))
}

/// The agent's own process in the far namespace (not the shell that started it).
fn agent_pid(host: &PeerHost) -> Option<u32> {
    host.far_processes().iter().find_map(|p| {
        let (pid, cmd) = p.split_once(": ")?;
        cmd.split_whitespace()
            .next()
            .is_some_and(|exe| exe.ends_with("/netio-tui"))
            .then(|| pid.parse().ok())
            .flatten()
    })
}

#[test]
fn a_lost_peer_shows_its_cause_and_space_reconnects() {
    if !can_run("a_lost_peer_shows_its_cause_and_space_reconnects") {
        return;
    }
    if let Some(why) = skip_reason() {
        eprintln!("skipped a_lost_peer_shows_its_cause_and_space_reconnects: {why}");
        return;
    }
    let _g = serial();
    let outer = HostState::capture();
    {
        let host = PeerHost::start("tui");
        let before = HostState::capture();
        let mut a = host.peer_args();
        a.push("--peer-copy".into());
        // Wide enough for the status line's whole cause.
        let s = Session::start_sized("peer", "", (160, 45), &a.join(" "));
        s.wait_for("figures from the peer", 40, |t| {
            throughput_line(t).is_some()
        });
        let pid = s.explorer_pid();
        let agent = agent_pid(&host).expect("the agent runs in the peer namespace");
        let st = Command::new("kill")
            .args(["-KILL", &agent.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        // The window fails with its cause; its figures are gone, never shown as a
        // measurement.
        let lost = s.wait_for("the lost peer", 30, |t| {
            t.contains("the peer was lost") && t.contains("space reconnects")
        });
        eprintln!("{lost}");
        assert!(lost.contains("died (killed by signal 9)"), "{lost}");
        assert!(throughput_line(&lost).is_none(), "{lost}");
        assert!(lost.contains("PAUSED"), "{lost}");
        // Space: a new ssh connection, a new agent, figures again.
        s.keys(&["Space"]);
        let back = s.wait_for("figures after reconnecting", 40, |t| {
            throughput_line(t).is_some() && !t.contains("PAUSED")
        });
        let again = agent_pid(&host).expect("a new agent runs");
        assert_ne!(again, agent, "{back}");
        s.keys(&["q"]);
        s.wait_for("the exit", 20, |t| t.contains("EXITED:0"));
        assert_terminal_restored(&s);
        assert_nothing_left(pid, &before);
        host.assert_clean(Duration::from_secs(5));
    }
    outer.assert_restored();
}
