//! The send paths beyond the course's three, for real over veth: io_uring (plain and
//! SEND_ZC), sendfile and splice move verified data into a sweep's CSV and its plots,
//! and a kernel that refuses io_uring (here: a seccomp filter on `io_uring_setup`)
//! gets the strategy listed unavailable with its reason and skipped by sweep with a
//! line. Needs root (skips with a reason otherwise); CI runs as root.

mod common;

use assert_cmd::Command;
use common::{root_or_skip, serial, CsvRows, HostState};
use netio_tui::engine::config::Strategy;
use std::time::Duration;

const NEW_PATHS: [Strategy; 4] = [
    Strategy::Uring,
    Strategy::UringZc,
    Strategy::Sendfile,
    Strategy::Splice,
];

fn netio() -> Command {
    let mut c = Command::cargo_bin("netio-tui").unwrap();
    c.timeout(Duration::from_secs(120));
    c
}

fn names(list: &[Strategy]) -> String {
    list.iter().map(|s| s.name()).collect::<Vec<_>>().join(",")
}

#[test]
fn new_paths_move_verified_data_into_the_csv_and_the_plots() {
    let _serial = serial();
    if !root_or_skip("new_paths_move_verified_data_into_the_csv_and_the_plots") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("new-paths.csv");
    netio()
        .args(["sweep", "--verify", "--duration", "0.3", "--threads", "1,2"])
        // One trial each: this is about the paths moving verified data, not noise.
        .args(["--repeat", "1"])
        .args(["--strategies", &names(&NEW_PATHS), "--sizes", "1000,64K"])
        .arg("--out")
        .arg(&csv)
        .assert()
        .success();
    let table = CsvRows::read(&csv);
    let col = |row: &csv::StringRecord, name: &str| table.cell(row, name);
    let rows = &table.rows;
    assert_eq!(rows.len(), NEW_PATHS.len() * 2 * 2);
    for row in rows {
        let strategy: Strategy = col(row, "strategy").parse().unwrap();
        assert_eq!(col(row, "error"), "", "{row:?}");
        assert!(col(row, "bytes").parse::<u64>().unwrap() > 0, "{row:?}");
        let completions = col(row, "zc_completions");
        if strategy == Strategy::UringZc {
            // Every SEND_ZC notification is counted, and over veth (local delivery)
            // the kernel reports each one copied.
            assert!(completions.parse::<u64>().unwrap() > 0, "{row:?}");
            let copied: f64 = col(row, "zc_copied_pct").parse().unwrap();
            assert!((0.0..=100.0).contains(&copied), "{row:?}");
        } else {
            assert_eq!(completions, "", "{strategy} has no completions: {row:?}");
        }
    }
    let plots = dir.path().join("plots");
    netio()
        .arg("plot")
        .arg(&csv)
        .arg("--out")
        .arg(&plots)
        .assert()
        .success();
    let svg = std::fs::read_to_string(plots.join("throughput-vs-size.svg")).unwrap();
    for s in NEW_PATHS {
        assert!(svg.contains(s.name()), "{s} missing from the plot");
    }
    before.assert_restored();
}

/// Runs `netio-tui args` from a thread whose seccomp filter makes `io_uring_setup`
/// fail with EPERM, as a container runtime's default profile does; the child
/// inherits the filter, the test process itself is untouched.
fn without_io_uring(args: Vec<String>) -> std::process::Output {
    std::thread::spawn(move || {
        use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
        let arch = TargetArch::try_from(std::env::consts::ARCH).unwrap();
        let filter = SeccompFilter::new(
            [(libc::SYS_io_uring_setup, vec![])].into_iter().collect(),
            SeccompAction::Allow,
            SeccompAction::Errno(libc::EPERM as u32),
            arch,
        )
        .unwrap();
        let bpf: BpfProgram = filter.try_into().unwrap();
        seccompiler::apply_filter(&bpf).unwrap();
        std::process::Command::new(assert_cmd::cargo::cargo_bin("netio-tui"))
            .args(args)
            .output()
            .unwrap()
    })
    .join()
    .unwrap()
}

#[test]
fn refused_io_uring_is_unavailable_with_its_reason_and_sweep_skips_it() {
    let _serial = serial();
    if !root_or_skip("refused_io_uring_is_unavailable_with_its_reason_and_sweep_skips_it") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("skip.csv");
    let args = |s: &[&str]| s.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let out = without_io_uring(args(&[
        "sweep",
        "--strategies",
        "one-copy,uring,uring-zc",
        "--sizes",
        "4K",
        "--threads",
        "1",
        "--duration",
        "0.2",
        "--out",
        csv.to_str().unwrap(),
    ]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for s in ["uring", "uring-zc"] {
        assert!(
            stderr.contains(&format!(
                "{s} 4K ×1: skipped: {s} unavailable: io_uring refused"
            )),
            "{stderr}"
        );
    }
    let rows = csv::Reader::from_path(&csv).unwrap().records().count();
    assert_eq!(rows, 1, "only one-copy was measured");

    let out = without_io_uring(args(&[
        "run",
        "--strategy",
        "uring-zc",
        "--duration",
        "0.2",
    ]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("uring-zc unavailable on this machine: io_uring refused"),
        "{stderr}"
    );
    assert!(
        stderr.contains("netio-tui doctor says what to do"),
        "{stderr}"
    );
    before.assert_restored();
}

#[test]
fn the_sink_topology_lets_zero_copy_be_zero_copy() {
    let _serial = serial();
    if !root_or_skip("the_sink_topology_lets_zero_copy_be_zero_copy") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sink.csv");
    netio()
        .args(["sweep", "--topology", "sink", "--duration", "0.3"])
        .args(["--strategies", "one-copy,zero-copy,uring-zc"])
        .args(["--sizes", "8000", "--threads", "1", "--out"])
        .arg(&csv)
        .assert()
        .success();
    let table = CsvRows::read(&csv);
    let col = |row: &csv::StringRecord, name: &str| table.cell(row, name);
    let rows = &table.rows;
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert_eq!(col(row, "error"), "", "{row:?}");
        assert!(col(row, "bytes").parse::<u64>().unwrap() > 0, "{row:?}");
        assert!(!col(row, "cpu_ns_per_byte").is_empty(), "{row:?}");
        if col(row, "strategy") != "one-copy" {
            // Forwarded to a blackhole route, nothing is delivered locally: the
            // kernel never has to copy the pinned pages.
            assert!(col(row, "zc_completions").parse::<u64>().unwrap() > 0);
            assert_eq!(
                col(row, "zc_copied_pct").parse::<f64>().unwrap(),
                0.0,
                "{row:?}"
            );
        }
    }
    // A datagram larger than UDP allows is refused before anything is built.
    let out = netio()
        .args(["run", "--topology", "sink", "--size", "64K"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("allowed: 1 to 65507 bytes"), "{stderr}");
    before.assert_restored();
}
