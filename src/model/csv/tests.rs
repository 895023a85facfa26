//! The CSV contract's unit tests: columns, empty cells, reading back, trials.

use super::*;
use crate::engine::metric::METRICS;
use crate::engine::sample::{ConfigResult, Counts, Measured, ZcStats};

#[test]
fn the_registry_lists_the_contracts_figure_columns_first_in_order() {
    let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
    assert_eq!(
        &names[..17],
        &COLUMNS[3..],
        "the contract's columns, in order"
    );
}

fn result(strategy: Strategy, zc: Option<ZcStats>, llc: Option<u64>) -> ConfigResult {
    let side = Counts {
        cycles: Some(1000),
        instructions: Some(2000),
        l1d_misses: Some(10),
        llc_misses: llc,
        cache_misses: Some(5),
        context_switches: Some(1),
        cpu_ns: None,
        ..Default::default()
    };
    ConfigResult {
        config: Config::new(strategy, 4096, 2),
        total: Measured {
            memcpy_ns_per_byte: None,
            rtt: None,
            noise: None,
            seconds: 1.0,
            bytes: 4096 * 100,
            messages: 100,
            tx: side,
            rx: side,
            both: None,
            zc,
            rx_zc: None,
            profile: None,
            fixed_messages: None,
        },
        bytes_sent: 0,
        bytes_received: 0,
        verified: false,
    }
}

#[test]
fn header_and_empty_cells_follow_the_contract() {
    let rows = vec![
        Figures::of(METRICS, &result(Strategy::OneCopy, None, None)),
        Figures::of(
            METRICS,
            &result(
                Strategy::ZeroCopy,
                Some(ZcStats {
                    sends: 100,
                    completions: 100,
                    copied: 100,
                    enobufs: 2,
                }),
                Some(7),
            ),
        ),
        Figures::failed(
            METRICS,
            Config::new(Strategy::TwoCopy, 64, 1),
            "receiver 0 failed: Connection reset by peer (os error 104)".into(),
        ),
    ];
    let text = String::from_utf8(to_csv_bytes(METRICS, &rows).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&(COLUMNS.join(",") + ",cpu_ns,cpu_ns_per_byte,")),
        "contract columns first: {}",
        lines[0]
    );
    assert!(lines[0].ends_with(",error"));
    assert!(
        lines[1].starts_with(
            "one-copy,4096,2,1.0,409600,100,0.0033,20000.0,2000,1000,1000,4000,0.0049,20,,10,2,,,,"
        ),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("zero-copy,4096,2,"));
    assert!(lines[2].contains(",14,10,2,100,100.0,2,"), "{}", lines[2]);
    // A failed configuration: figures empty, the cause in `error`.
    let failed: Vec<&str> = lines[3].split(',').collect();
    assert_eq!(&failed[..3], ["two-copy", "64", "1"]);
    let figures = &failed[3..3 + METRICS.len()];
    assert!(figures.iter().all(|c| c.is_empty()), "{}", lines[3]);
    // The axes and the kernel still say what was attempted; one trial, no interval.
    let axes = 3 + METRICS.len();
    assert_eq!(
        &failed[axes..axes + 9],
        ["off", "message", "off", "thread", "2048", "stream", "64", "closed", "off"]
    );
    assert_eq!(failed[axes + 9], "1");
    assert_eq!(&failed[axes + 10..failed.len() - 2], [""; 20]);
    assert!(lines[3].ends_with("(os error 104)"));
}

#[test]
fn written_file_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let rows = vec![
        Figures::of(METRICS, &result(Strategy::TwoCopy, None, Some(3))),
        Figures::failed(METRICS, Config::new(Strategy::OneCopy, 64, 1), "x".into()),
    ];
    write_rows(METRICS, &path, &rows).unwrap();
    let back = read_csv(METRICS, &path).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back[1], rows[1]);
    for (m, (a, b)) in METRICS
        .iter()
        .zip(back[0].values.iter().zip(&rows[0].values))
    {
        match (a, b) {
            (Some(a), Some(b)) => {
                assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{}", m.name)
            }
            _ => assert_eq!(a, b, "{}", m.name),
        }
    }
    // No temporary file is left beside it, and others may read it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o644
    );
}

#[test]
fn rows_from_before_the_buffer_axis_read_as_heap_placement() {
    use crate::engine::config::BufOffset;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.csv");
    std::fs::write(
        &path,
        "strategy,msg_size,threads,throughput_gbps\none-copy,64,1,0.5\n",
    )
    .unwrap();
    let rows = read_csv(METRICS, &path).unwrap();
    assert_eq!(rows[0].config.buf_offset, BufOffset::Heap);
    std::fs::write(
        &path,
        "strategy,msg_size,threads,throughput_gbps,buf_offset\none-copy,64,1,0.5,16\none-copy,64,1,0.5,\n",
    )
    .unwrap();
    let rows = read_csv(METRICS, &path).unwrap();
    assert_eq!(rows[0].config.buf_offset, BufOffset::Page(16));
    assert_eq!(rows[1].config.buf_offset, BufOffset::Heap);
    std::fs::write(
        &path,
        "strategy,msg_size,threads,throughput_gbps,buf_offset\none-copy,64,1,0.5,4096\n",
    )
    .unwrap();
    let e = read_csv(METRICS, &path).unwrap_err().to_string();
    assert!(e.contains("line 2, column buf_offset"), "{e}");
    assert!(e.contains("0 to 4095"), "{e}");
}

/// `n` trials of one configuration whose throughput (and with it every per-byte
/// figure) steps from trial to trial.
fn trials(n: usize) -> Vec<ConfigResult> {
    (0..n)
        .map(|k| {
            let mut r = result(Strategy::OneCopy, None, Some(3));
            r.total.bytes = 4096 * (100 + 7 * k as u64);
            r.total.messages = 100 + 7 * k as u64;
            r.total.tx.cpu_ns = Some(1_000_000 + 1000 * k as u64);
            r.total.rx.cpu_ns = Some(2_000_000);
            r
        })
        .collect()
}

/// Each figure as the file writes it: what a read can give back.
fn as_written(f: &Figures) -> Figures {
    let text =
        |m: &crate::engine::metric::MetricDef, v: f64| -> f64 { m.csv_text(v).parse().unwrap() };
    Figures {
        values: METRICS
            .iter()
            .zip(&f.values)
            .map(|(m, v)| v.map(|v| text(m, v)))
            .collect(),
        intervals: METRICS
            .iter()
            .zip(&f.intervals)
            .map(|(m, iv)| {
                iv.map(|iv| Interval {
                    lo: text(m, iv.lo),
                    hi: text(m, iv.hi),
                    ..iv
                })
            })
            .collect(),
        ..f.clone()
    }
}

#[test]
fn trials_and_intervals_read_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let rows = vec![
        Figures::of_trials(METRICS, &trials(5)).on_kernel("6.18.0"),
        Figures::of_trials(METRICS, &trials(12)),
        Figures::of_trials(METRICS, &trials(1)),
    ];
    assert_eq!(rows[0].trials, 5);
    let tp = rows[0]
        .interval(METRICS, crate::engine::metric::id::THROUGHPUT_GBPS)
        .unwrap();
    assert!(tp.lo < tp.hi, "{tp:?}");
    assert!(rows[0]
        .interval(METRICS, crate::engine::metric::id::CPU_NS_PER_BYTE)
        .is_some());
    write_rows(METRICS, &path, &rows).unwrap();
    let back = read_csv(METRICS, &path).unwrap();
    let expected: Vec<Figures> = rows.iter().map(as_written).collect();
    assert_eq!(back, expected);
    // The columns are the agreed ones, after the axes.
    let text = std::fs::read_to_string(&path).unwrap();
    let head: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = head.iter().position(|h| *h == "trials").unwrap();
    assert_eq!(
        head[at - 1],
        crate::engine::axis::AXES[crate::engine::axis::AXES.len() - 1].name
    );
    assert_eq!(
        &head[at + 1..],
        [
            "throughput_gbps_lo",
            "throughput_gbps_hi",
            "cpu_ns_per_byte_lo",
            "cpu_ns_per_byte_hi",
            "cycles_per_byte_lo",
            "cycles_per_byte_hi",
            "latency_us_lo",
            "latency_us_hi",
            "rr_tps_lo",
            "rr_tps_hi",
            "rr_p50_us_lo",
            "rr_p50_us_hi",
            "rr_p90_us_lo",
            "rr_p90_us_hi",
            "rr_p99_us_lo",
            "rr_p99_us_hi",
            "rr_p999_us_lo",
            "rr_p999_us_hi",
            "peer",
            "peer_kernel",
            "kernel",
            "error"
        ]
    );
}

#[test]
fn files_without_trials_read_as_one_trial_and_bad_intervals_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.csv");
    std::fs::write(
        &path,
        "strategy,msg_size,threads,throughput_gbps\none-copy,64,1,0.5\n",
    )
    .unwrap();
    let rows = read_csv(METRICS, &path).unwrap();
    assert_eq!(rows[0].trials, 1);
    assert!(rows[0].intervals.iter().all(Option::is_none));
    assert_eq!(rows[0].intervals.len(), METRICS.len());
    // The shipped sweep, written before trials existed.
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/recordings/course-sweep.csv");
    let rows = read_csv(METRICS, Path::new(shipped)).unwrap();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r.trials == 1 && r.intervals.iter().all(Option::is_none)));
    let bad = |body: &str| {
        std::fs::write(
            &path,
            format!("strategy,msg_size,threads,throughput_gbps,trials,throughput_gbps_lo,throughput_gbps_hi\n{body}\n"),
        )
        .unwrap();
        read_csv(METRICS, &path).unwrap_err().to_string()
    };
    assert!(bad("one-copy,64,1,0.5,0,,").contains("column trials"));
    assert!(bad("one-copy,64,1,0.5,x,,").contains("not a trial count"));
    let e = bad("one-copy,64,1,0.5,5,0.6,0.4");
    assert!(e.contains("line 2, column throughput_gbps_lo"), "{e}");
    assert!(bad("one-copy,64,1,0.5,5,0.4,inf").contains("not a finite number"));
}

#[test]
fn a_trials_file_numbers_each_trial_and_reads_as_single_trials() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("each.csv");
    let each: Vec<(usize, Figures)> = trials(3)
        .iter()
        .enumerate()
        .map(|(k, r)| (k + 1, Figures::of(METRICS, r)))
        .collect();
    write_trials(METRICS, &path, &each).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let head: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let n = head.iter().position(|h| *h == "trial").unwrap();
    assert_eq!(&head[n + 1..], ["kernel", "error"]);
    let numbers: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(n).unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    let back = read_csv(METRICS, &path).unwrap();
    assert_eq!(back.len(), 3);
    assert!(back.iter().all(|f| f.trials == 1));
}

#[test]
fn json_has_the_csv_names_and_no_figures_for_a_failure() {
    let ok = to_json(
        METRICS,
        &Figures::of(METRICS, &result(Strategy::OneCopy, None, None)),
    );
    assert_eq!(ok["throughput_gbps"], serde_json::json!(0.0033));
    assert_eq!(ok["cycles"], serde_json::json!(2000));
    assert!(ok["llc_misses"].is_null());
    assert!(ok.get("error").is_none());
    assert_eq!(ok["trials"], 1);
    assert!(ok["throughput_gbps_lo"].is_null());
    let five = to_json(METRICS, &Figures::of_trials(METRICS, &trials(5)));
    assert_eq!(five["trials"], 5);
    assert!(five["throughput_gbps_lo"].as_f64() < five["throughput_gbps_hi"].as_f64());
    assert!(five["latency_us_hi"].is_number());
    let failed = to_json(
        METRICS,
        &Figures::failed(
            METRICS,
            Config::new(Strategy::OneCopy, 64, 1),
            "boom".into(),
        ),
    );
    assert_eq!(failed["error"], "boom");
    assert!(failed.get("throughput_gbps").is_none());
}
