//! `--buf-offset` for real over veth: every strategy that copies from user memory, at
//! every placement (heap, page-aligned, 16 bytes in, the page's last byte), moves
//! verified data, for both receive modes that read into a buffer, and every row says
//! where its buffers were. Needs root (skips with a reason otherwise); CI runs as root.

mod common;

use assert_cmd::Command;
use common::{root_or_skip, serial, CsvRows, HostState};
use std::time::Duration;

#[test]
fn every_placement_moves_verified_data_and_the_csv_says_which() {
    let _serial = serial();
    if !root_or_skip("every_placement_moves_verified_data_and_the_csv_says_which") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("placements.csv");
    let offsets = ["heap", "0", "16", "4095"];
    let strategies = ["two-copy", "serialize", "one-copy", "zero-copy", "uring"];
    Command::cargo_bin("netio-tui")
        .unwrap()
        .timeout(Duration::from_secs(300))
        .args(["sweep", "--verify", "--duration", "0.2", "--threads", "1"])
        // One trial each: this is about placements, not noise (80 configurations).
        .args(["--repeat", "1"])
        .args([
            "--strategies",
            &strategies.join(","),
            "--sizes",
            "1000,128K",
        ])
        .args([
            "--recv",
            "message,stream",
            "--buf-offset",
            &offsets.join(","),
        ])
        .arg("--out")
        .arg(&csv)
        .assert()
        .success();
    let table = CsvRows::read(&csv);
    let col = |row: &csv::StringRecord, name: &str| table.cell(row, name);
    let rows = &table.rows;
    let mut seen = Vec::new();
    for row in rows {
        // A mismatch under --verify fails the configuration: error non-empty.
        assert_eq!(col(row, "error"), "", "{row:?}");
        assert!(col(row, "bytes").parse::<u64>().unwrap() > 0, "{row:?}");
        seen.push((
            col(row, "strategy"),
            col(row, "recv"),
            col(row, "buf_offset"),
        ));
    }
    for s in strategies {
        for r in ["message", "stream"] {
            for o in offsets {
                let want = (s.to_string(), r.to_string(), o.to_string());
                assert_eq!(
                    seen.iter().filter(|x| **x == want).count(),
                    2,
                    "{want:?}: one row per size"
                );
            }
        }
    }
    assert_eq!(rows.len(), strategies.len() * 2 * offsets.len() * 2);
    before.assert_restored();
}
