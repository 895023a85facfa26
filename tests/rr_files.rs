//! Request/response rows in files: a CSV of rr rows gives the round-trip and
//! transactions charts; a CSV of streams (or one made before the workload axis) reads
//! as `stream` and draws no rr chart, nor lists one as skipped. No root needed.

use assert_cmd::Command;
use netio_tui::engine::config::{Rate, Response, Workload};
use netio_tui::engine::metric::{id, METRICS};
use netio_tui::model::csv::read_csv;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn plot(csv: &Path, dir: &Path) -> String {
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .arg("plot")
        .arg(csv)
        .arg("--out")
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn rr_rows_read_back_and_chart_their_percentiles() {
    let rows = read_csv(METRICS, &fixture("sweep-rr.csv")).unwrap();
    assert_eq!(rows.len(), 6);
    for r in &rows {
        assert_eq!(r.config.workload, Workload::Rr);
        assert_eq!(
            (r.config.response_size, r.config.rate),
            (Response::DEFAULT, Rate::Closed)
        );
        let (p50, p99) = (
            r.get(METRICS, id::RR_P50_US).unwrap(),
            r.get(METRICS, id::RR_P99_US).unwrap(),
        );
        assert!(p50 > 0.0 && p50 <= p99, "{r:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let stdout = plot(&fixture("sweep-rr.csv"), dir.path());
    for chart in ["rr-round-trip-vs-size.svg", "rr-transactions-vs-size.svg"] {
        assert!(
            stdout.contains(&format!("wrote {}", dir.path().join(chart).display())),
            "{stdout}"
        );
        let svg = std::fs::read_to_string(dir.path().join(chart)).unwrap();
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        // One line per strategy.
        assert!(
            svg.contains("one-copy") && svg.contains("two-copy"),
            "{chart}"
        );
    }
}

#[test]
fn files_before_the_workload_axis_read_as_streams_and_draw_no_rr_chart() {
    let rows = read_csv(METRICS, &fixture("sweep-full.csv")).unwrap();
    assert!(rows.iter().all(|r| r.config.workload == Workload::Stream));
    assert!(rows.iter().all(|r| r.get(METRICS, id::RR_P50_US).is_none()));
    let dir = tempfile::tempdir().unwrap();
    let stdout = plot(&fixture("sweep-full.csv"), dir.path());
    assert!(!stdout.contains("rr-"), "{stdout}");
    assert!(!dir.path().join("rr-round-trip-vs-size.svg").exists());
}

/// Issue 25: a recording keeps each window's round-trip buckets, so `plot` and
/// `report` draw the round-trip CDF from it (one line per strategy); a CSV has the
/// percentiles only, and `plot` says the CDF was skipped and why.
#[test]
fn a_recording_draws_the_round_trip_cdf_and_a_csv_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = plot(&fixture("rr-sweep.jsonl"), dir.path());
    let cdf = dir.path().join("rr-round-trip-cdf.svg");
    assert!(
        stdout.contains(&format!("wrote {}", cdf.display())),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(&cdf).unwrap();
    assert!(svg.contains("round trip (µs, log scale)"), "{svg}");
    assert!(svg.contains("fraction at or below"));
    assert!(svg.contains("one-copy") && svg.contains("two-copy"));
    // The percentiles-vs-size chart is drawn beside it, from the same rows.
    assert!(dir.path().join("rr-round-trip-vs-size.svg").exists());

    let csv_dir = tempfile::tempdir().unwrap();
    let stdout = plot(&fixture("sweep-rr.csv"), csv_dir.path());
    assert!(
        stdout.contains("skipped rr-round-trip-cdf.svg: the round-trip CDF needs the histogram buckets a recording keeps"),
        "{stdout}"
    );

    let out = dir.path().join("r.md");
    Command::cargo_bin("netio-tui")
        .unwrap()
        .arg("report")
        .arg(fixture("rr-sweep.jsonl"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("r-plots/rr-round-trip-cdf.svg"), "{md}");
    // The rr answer after the six questions, citing its cells.
    assert!(
        md.contains("Which send path gives the lowest round trip at each size"),
        "{md}"
    );
    assert!(md.contains("At 64 B, 1 connection (nodelay): "), "{md}");
    assert!(md.contains("| `rr_p50_us` |"), "{md}");
}
