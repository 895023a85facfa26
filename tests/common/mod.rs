//! What the root tests share: the root check, one-at-a-time running, and the host
//! snapshot that proves a test left nothing behind.
//!
//! A test compares the host with its state before the test, never with an empty host:
//! machines that run containers already have named namespaces and veth links, and a
//! test must neither fail because of them nor touch them.

// Each test binary compiles this module and uses part of it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_netio-tui");

/// How long the host may take to drop what a finished test held (namespaces die
/// with their last descriptor, a killed process with its reaping).
const SETTLE: Duration = Duration::from_secs(5);

pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// True when the test can run; otherwise prints why `test` is skipped.
pub fn root_or_skip(test: &str) -> bool {
    if is_root() {
        return true;
    }
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: needs root to create network namespaces (CI runs it as root)"
    );
    false
}

static SERIAL: Mutex<()> = Mutex::new(());

/// Tests that measure or start the binary run one at a time: on a 2-core machine they
/// would starve each other, and a host snapshot must not see a sibling test's process.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Network-namespace inodes (`net:[…]`) referenced by `pid`'s threads and open files.
pub fn netns_of(pid: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let base = Path::new("/proc").join(pid);
    if let Ok(tasks) = std::fs::read_dir(base.join("task")) {
        for t in tasks.flatten() {
            if let Ok(l) = std::fs::read_link(t.path().join("ns/net")) {
                found.insert(l.to_string_lossy().into_owned());
            }
        }
    }
    if let Ok(fds) = std::fs::read_dir(base.join("fd")) {
        for fd in fds.flatten() {
            if let Ok(l) = std::fs::read_link(fd.path()) {
                let l = l.to_string_lossy().into_owned();
                if l.starts_with("net:[") {
                    found.insert(l);
                }
            }
        }
    }
    found
}

/// The network namespace this test process runs in.
pub fn own_netns() -> String {
    std::fs::read_link("/proc/self/ns/net")
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn pids() -> impl Iterator<Item = String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
}

/// Every network namespace any process holds.
pub fn all_netns() -> BTreeSet<String> {
    pids().flat_map(|p| netns_of(&p)).collect()
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Processes running the binary under test. Matched by executable path, not by name:
/// another checkout's netio-tui on the same host is not ours.
pub fn processes_of_bin() -> BTreeSet<u32> {
    let bin = canonical(Path::new(BIN));
    pids()
        .filter(|p| {
            std::fs::read_link(Path::new("/proc").join(p).join("exe")).is_ok_and(|exe| {
                // A binary rebuilt while it runs shows as "PATH (deleted)".
                let exe = exe.to_string_lossy();
                let exe = exe.strip_suffix(" (deleted)").unwrap_or(&exe);
                canonical(Path::new(exe)) == bin
            })
        })
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Runs `ip ARGS` and returns its output; `ip` is needed to see the host's namespaces
/// and links.
fn ip(args: &[&str]) -> String {
    let out = Command::new("ip")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `ip {}` ({e}): install iproute2", args.join(" ")));
    assert!(
        out.status.success(),
        "`ip {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What of the host a root test could leave behind or destroy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostState {
    /// `ip netns list`: namespaces with a name.
    pub named_netns: BTreeSet<String>,
    /// Every namespace file bind-mounted anywhere (`ip netns` ones and others, e.g.
    /// container runtimes').
    pub ns_mounts: BTreeSet<String>,
    /// `ip -o link`: links in this test's namespace.
    pub links: BTreeSet<String>,
    /// Network namespaces held by this test process or by a process of the binary.
    pub held_netns: BTreeSet<String>,
    /// Processes of the binary under test.
    pub processes: BTreeSet<u32>,
    /// Entries of the test's working directory (the package root under cargo test):
    /// a command run without an output path writes there (the explorer's saved rows).
    pub cwd_files: BTreeSet<String>,
}

impl HostState {
    pub fn capture() -> HostState {
        let named_netns = ip(&["netns", "list"])
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_string)
            .collect();
        // "5: hp0@hp1: <BROADCAST,…> …": the name, without the peer.
        let links = ip(&["-o", "link", "show"])
            .lines()
            .filter_map(|l| l.split(": ").nth(1))
            .map(|n| n.split('@').next().unwrap_or(n).to_string())
            .collect();
        let ns_mounts = std::fs::read_to_string("/proc/self/mountinfo")
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(" - nsfs "))
            .filter_map(|l| l.split(' ').nth(4))
            .map(str::to_string)
            .collect();
        let processes = processes_of_bin();
        let held_netns = std::iter::once("self".to_string())
            .chain(processes.iter().map(u32::to_string))
            .flat_map(|p| netns_of(&p))
            .collect();
        let cwd_files = std::fs::read_dir(".")
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        HostState {
            named_netns,
            ns_mounts,
            links,
            held_netns,
            processes,
            cwd_files,
        }
    }

    /// How the host now differs from `self`, captured before the test: anything new
    /// (left behind), and any named namespace, namespace mount or link that is gone
    /// (destroyed, though the test did not create it). Empty when restored.
    pub fn changes(&self) -> Vec<String> {
        let now = HostState::capture();
        let mut changes = Vec::new();
        let mut compare =
            |what: &str, before: &BTreeSet<String>, after: &BTreeSet<String>, gone_too: bool| {
                let added: Vec<_> = after.difference(before).collect();
                if !added.is_empty() {
                    changes.push(format!("{what} left behind: {added:?}"));
                }
                let gone: Vec<_> = before.difference(after).collect();
                if gone_too && !gone.is_empty() {
                    changes.push(format!("{what} that existed before are gone: {gone:?}"));
                }
            };
        compare(
            "named namespaces",
            &self.named_netns,
            &now.named_netns,
            true,
        );
        compare("namespace mounts", &self.ns_mounts, &now.ns_mounts, true);
        compare("links", &self.links, &now.links, true);
        // Holders come and go; only a namespace that was not held before is a leftover.
        compare("held namespaces", &self.held_netns, &now.held_netns, false);
        let pids = |s: &BTreeSet<u32>| s.iter().map(u32::to_string).collect::<BTreeSet<_>>();
        compare(
            "netio-tui processes",
            &pids(&self.processes),
            &pids(&now.processes),
            false,
        );
        compare(
            "files in the working directory",
            &self.cwd_files,
            &now.cwd_files,
            false,
        );
        changes
    }

    /// Waits until the host is as it was at `self` again; panics naming every
    /// difference if it is not within a few seconds.
    pub fn assert_restored(&self) {
        let t0 = Instant::now();
        loop {
            let changes = self.changes();
            if changes.is_empty() {
                return;
            }
            assert!(
                t0.elapsed() < SETTLE,
                "the host is not as before the test:\n  {}",
                changes.join("\n  ")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// `netio-tui run --json ARGS…`, which must succeed: its one JSON object.
pub fn run_json(args: &[&str]) -> serde_json::Value {
    run_json_env(args, &[])
}

/// [`run_json`] with `env` (name, value) set for the binary.
pub fn run_json_env(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let out = assert_cmd::Command::cargo_bin("netio-tui")
        .unwrap()
        .args(["run", "--json"])
        .args(args)
        .envs(env.iter().copied())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let json = text
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON in {text}"));
    serde_json::from_str(json).unwrap()
}

/// A figure of `run --json`'s object, which must be there (not n/a).
pub fn figure(j: &serde_json::Value, name: &str) -> f64 {
    j[name]
        .as_f64()
        .unwrap_or_else(|| panic!("{name} is n/a: {j}"))
}

/// A CSV the binary wrote: its rows, each cell found by its column's name.
pub struct CsvRows {
    header: csv::StringRecord,
    pub rows: Vec<csv::StringRecord>,
}

impl CsvRows {
    pub fn read(path: &Path) -> CsvRows {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let header = reader.headers().unwrap().clone();
        let rows = reader.records().map(Result::unwrap).collect();
        CsvRows { header, rows }
    }

    /// The cell of `row` in column `name` (a missing column fails the test).
    pub fn cell(&self, row: &csv::StringRecord, name: &str) -> String {
        let i = self.header.iter().position(|h| h == name);
        row[i.unwrap_or_else(|| panic!("no column {name}"))].to_string()
    }
}
