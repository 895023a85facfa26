//! `netio-tui plot FILE.csv --out DIR` on the fixtures: every chart is well-formed SVG
//! with the expected series and axis labels; missing counters skip charts, not rows.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const CHARTS: [&str; 6] = [
    "throughput-vs-size.svg",
    "latency-vs-threads.svg",
    "cache-misses-vs-size.svg",
    "cycles-per-byte-vs-size.svg",
    "cpu-time-per-byte-vs-size.svg",
    "throughput-vs-threads.svg",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn netio() -> Command {
    Command::cargo_bin("netio-tui").unwrap()
}

/// Checks that every tag is closed in order (enough to catch a truncated or broken
/// file) and that text holds no raw `<` or `&`.
fn assert_well_formed(svg: &str, file: &str) {
    assert!(svg.starts_with("<svg "), "{file}: does not start with <svg");
    assert!(
        svg.trim_end().ends_with("</svg>"),
        "{file}: does not end with </svg>"
    );
    let mut open: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "{file}: stray '>' in text {text:?}");
        if let Some(amp) = text.find('&') {
            let entity = &text[amp..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "{file}: raw '&' in text {text:?}"
            );
        }
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                open.pop().as_deref(),
                Some(name.trim()),
                "{file}: bad nesting"
            );
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            let name = tag.split_whitespace().next().unwrap().to_string();
            open.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "{file}: unclosed {open:?}");
}

fn read(dir: &Path, chart: &str) -> String {
    let svg = std::fs::read_to_string(dir.join(chart)).unwrap();
    assert_well_formed(&svg, chart);
    svg
}

#[test]
fn full_csv_gives_every_chart() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plots/new");
    let mut assert = netio()
        .args(["plot", fixture("sweep-full.csv").to_str().unwrap(), "--out"])
        .arg(&dir)
        .assert()
        .success();
    for c in CHARTS {
        assert = assert.stdout(predicate::str::contains(format!(
            "wrote {}",
            dir.join(c).display()
        )));
    }
    // The fixture predates the sampling profiler and the evidence counters: only
    // their charts are skipped, and say why.
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for l in stdout.lines().filter(|l| l.starts_with("skipped")) {
        assert!(
            (l.starts_with("skipped cpu-breakdown-")
                || l.contains("syscalls-per-message")
                || l.contains("segments-and-copies"))
                && l.contains("empty in every row"),
            "{l}"
        );
        // Each says what would have measured it.
        if l.starts_with("skipped cpu-breakdown-") {
            assert!(l.ends_with("measured only with --profile"), "{l}");
        }
        if l.contains("syscalls-per-message") {
            assert!(l.ends_with("measured only with --syscalls"), "{l}");
        }
    }

    for c in CHARTS {
        let svg = read(&dir, c);
        for series in ["two-copy (A1)", "one-copy (A2)", "zero-copy (A3)"] {
            assert!(svg.contains(series), "{c}: no legend entry {series}");
        }
        assert!(
            svg.contains("sweep-full.csv"),
            "{c}: title without the file"
        );
        assert!(svg.contains("48 configurations"), "{c}");
        // One line per strategy in every panel.
        assert!(svg.matches("<polyline").count() >= 3, "{c}: too few lines");
    }

    let t = read(&dir, "throughput-vs-size.svg");
    assert!(t.contains("message size (bytes, log2 scale)"));
    assert!(t.contains("throughput (Gbit/s)"));
    for panel in [
        "1 thread pair",
        "2 thread pairs",
        "4 thread pairs",
        "8 thread pairs",
    ] {
        assert!(t.contains(panel), "no panel {panel}");
    }
    for tick in ["64", "256", "1K", "4K"] {
        assert!(t.contains(&format!("\n{tick}\n")), "no x tick {tick}");
    }
    let l = read(&dir, "latency-vs-threads.svg");
    assert!(l.contains("thread pairs (connections, log2 scale)"));
    assert!(l.contains("µs per message per connection"));
    assert!(l.contains("4K B messages"));
    let c = read(&dir, "cache-misses-vs-size.svg");
    assert!(c.contains("L1D load misses / message"));
    assert!(c.contains("LLC load misses / message"));
    assert!(!c.contains("generic event"));
    let y = read(&dir, "cycles-per-byte-vs-size.svg");
    assert!(y.contains("cycles / byte (sender + receiver)"));
    let tt = read(&dir, "throughput-vs-threads.svg");
    assert!(tt.contains("64 B messages"));
}

#[test]
fn without_llc_the_generic_cache_misses_event_is_used_and_labelled() {
    let out = tempfile::tempdir().unwrap();
    netio()
        .args([
            "plot",
            fixture("sweep-no-llc.csv").to_str().unwrap(),
            "--out",
        ])
        .arg(out.path())
        .args(["--title", "AMD <Zen> & co"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "note: llc_misses is empty in every row",
        ));
    let c = read(out.path(), "cache-misses-vs-size.svg");
    assert!(c.contains("L1D load misses / message"));
    assert!(c.contains("cache-misses (generic event, no LLC) / message"));
    assert!(!c.contains("LLC load misses"));
    // The title is escaped, not pasted raw into the XML.
    assert!(c.contains("AMD &lt;Zen&gt; &amp; co"));
}

#[test]
fn missing_counters_plot_what_is_there_and_say_what_was_skipped() {
    let out = tempfile::tempdir().unwrap();
    netio()
        .args([
            "plot",
            fixture("sweep-no-counters.csv").to_str().unwrap(),
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote").count(3))
        .stdout(predicate::str::contains(
            "skipped cache-misses-vs-size.svg: l1d_misses, llc_misses, cache_misses are empty",
        ))
        .stdout(predicate::str::contains(
            "skipped cycles-per-byte-vs-size.svg: cycles_per_byte is empty",
        ));
    for c in [
        "throughput-vs-size.svg",
        "latency-vs-threads.svg",
        "throughput-vs-threads.svg",
    ] {
        read(out.path(), c);
    }
    assert!(!out.path().join("cache-misses-vs-size.svg").exists());
    assert!(!out.path().join("cycles-per-byte-vs-size.svg").exists());
}

#[test]
fn a_partial_matrix_still_plots() {
    // Two rows as `e` in the explorer might export: one strategy, one size.
    let out = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(fixture("sweep-full.csv")).unwrap();
    let rows: Vec<&str> = full.lines().take(3).collect();
    let csv = out.path().join("partial.csv");
    std::fs::write(&csv, rows.join("\n") + "\n").unwrap();
    netio()
        .args(["plot", csv.to_str().unwrap(), "--out"])
        .arg(out.path())
        .assert()
        .success();
    let t = read(out.path(), "throughput-vs-size.svg");
    assert!(t.contains("two-copy (A1)"));
    assert!(!t.contains("zero-copy"));
}

#[test]
fn foreign_or_empty_csv_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("foreign.csv");
    std::fs::write(&foreign, "name,value\na,1\n").unwrap();
    netio()
        .args(["plot", foreign.to_str().unwrap(), "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a netio-tui CSV"));

    // A recording is read as one (its round-trip buckets give the CDF): a broken
    // header is said as such.
    let recording = dir.path().join("rec.jsonl");
    std::fs::write(&recording, "{\"format\":\"netio-tui-recording\"}\n").unwrap();
    netio()
        .args(["plot", recording.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("in the header"));

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, netio_tui::model::csv::COLUMNS.join(",") + "\n").unwrap();
    netio()
        .args(["plot", empty.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rows"));

    let bad_row = dir.path().join("bad.csv");
    std::fs::write(
        &bad_row,
        netio_tui::model::csv::COLUMNS.join(",") + "\nthree-copy,64,1\n",
    )
    .unwrap();
    netio()
        .args(["plot", bad_row.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 2"));

    netio()
        .args(["plot", dir.path().join("missing.csv").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));

    // --out under a regular file cannot be created.
    netio()
        .args(["plot", fixture("sweep-full.csv").to_str().unwrap(), "--out"])
        .arg(foreign.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot create output directory"));
}

/// A sweep made by the tool with the sampling profiler on (3 strategies × 64, 4K, 64K).
#[test]
fn profiled_csv_gives_the_cpu_breakdown_charts() {
    let out = tempfile::tempdir().unwrap();
    let assert = netio()
        .args([
            "plot",
            fixture("sweep-profile.csv").to_str().unwrap(),
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for side in ["sender", "receiver"] {
        let chart = format!("cpu-breakdown-{side}-vs-size.svg");
        assert!(
            stdout.contains(&format!("wrote {}", out.path().join(&chart).display())),
            "{stdout}"
        );
        let svg = read(out.path(), &chart);
        for series in ["two-copy (A1)", "one-copy (A2)", "zero-copy (A3)"] {
            assert!(svg.contains(series), "{chart}: no legend entry {series}");
        }
        // One row of panels per bucket, each with one line per strategy.
        for bucket in ["copy", "tcp", "syscall", "irq_late", "user"] {
            assert!(svg.contains(bucket), "{chart}: no {bucket} panel");
        }
        assert!(
            svg.matches("<polyline").count() >= 3 * 5,
            "{chart}: too few lines"
        );
    }
}
