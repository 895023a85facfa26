//! Property tests over the readers of untrusted files: recordings (`replay`) and CSVs
//! (`plot`). Whatever the bytes, a reader returns a value or an error — it never
//! panics, hangs or allocates without bound — and `plot` on anything `read_csv`
//! accepts finishes with finite axes. Bounded case counts keep CI fast; raise them
//! locally with PROPTEST_CASES.

use netio_tui::engine::metric::METRICS;
use netio_tui::model::recording::parse_recording;
use proptest::prelude::*;
use std::path::Path;

/// The case count: `PROPTEST_CASES` where set (proptest reads it only for its own
/// default, which an explicit count would override), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn shipped(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// Numbers that broke readers and axes before: subnormal, huge, signed, odd spellings.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("0".to_string()),
        Just("5e-324".to_string()),
        Just("1e-310".to_string()),
        Just("1.7e308".to_string()),
        Just("-1e-310".to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("x".to_string()),
        any::<f64>().prop_map(|v| v.to_string()),
        (0u64..100_000).prop_map(|v| v.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    #[test]
    fn recordings_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = parse_recording(&bytes, "fuzz.jsonl");
    }

    #[test]
    fn mutated_recordings_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = shipped("recordings/course-sweep.jsonl");
        bytes.truncate(64 << 10);
        for (i, b) in edits {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let cut = cut.index(bytes.len() + 1);
        bytes.truncate(cut);
        if let Ok(r) = parse_recording(&bytes, "fuzz.jsonl") {
            // What is accepted keeps the promises the player relies on.
            let mut last = 0.0;
            for (t, _) in &r.events {
                prop_assert!(t.is_finite() && *t >= last);
                last = *t;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(24), max_shrink_iters: 8, ..ProptestConfig::default() })]

    #[test]
    fn any_csv_reads_or_fails_and_plots_in_bounded_time(
        cells in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), cell()), 1..32),
    ) {
        let text = String::from_utf8(shipped("tests/fixtures/sweep-full.csv")).unwrap();
        let mut rows: Vec<Vec<String>> = text
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        // The plotted figures (the configuration columns stay valid so that rows parse).
        let plotted: Vec<usize> = ["throughput_gbps", "latency_us", "cycles_per_byte",
            "l1d_misses", "llc_misses", "cache_misses", "cpu_ns_per_byte", "messages"]
            .iter()
            .filter_map(|n| rows[0].iter().position(|h| h == n))
            .collect();
        for (r, c, v) in cells {
            let r = 1 + r.index(rows.len() - 1);
            rows[r][plotted[c.index(plotted.len())]] = v;
        }
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("f.csv");
        let body: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
        std::fs::write(&csv, body.join("\n") + "\n").unwrap();
        if netio_tui::model::csv::read_csv(METRICS, &csv).is_ok() {
            // On a thread, so that a hang fails the test instead of stalling it.
            let (tx, rx) = std::sync::mpsc::channel();
            let out = dir.path().join("svg");
            let csv2 = csv.clone();
            std::thread::spawn(move || {
                let _ = tx.send(netio_tui::plot::plot_file(&csv2, &out, None).map(drop));
            });
            let report = rx.recv_timeout(std::time::Duration::from_secs(10));
            prop_assert!(matches!(report, Ok(Ok(()))), "{report:?} on {}", body.join("\n"));
        }
    }
}
