//! `netio-tui report` on the shipped sweeps: six answers, and every number it quotes is
//! the CSV's own cell (to at most 3 significant digits) or, for a share of a side's
//! CPU time, recomputed here from the raw file's cells.

use assert_cmd::Command;
use netio_tui::engine::config::Config;
use netio_tui::engine::metric::{find, METRICS};
use netio_tui::engine::profile::Bucket;
use netio_tui::model::insight::noise::rounded;
use netio_tui::model::insight::{answers, cited_figures, cited_text, PROFILE_HINT, QUESTIONS};
use std::collections::HashMap;
use std::path::Path;

const SWEEP: &str = "recordings/course-sweep.csv";
/// A sweep made with --profile: the CPU-time breakdown's columns are filled.
const PROFILED: &str = "recordings/profile-sweep.csv";

/// The raw CSV: (strategy, size, threads, nodelay, recv, pin) → column → cell text.
fn raw(path: &Path) -> HashMap<(String, String, String), HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let m: HashMap<String, String> = head
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect();
            (
                (
                    m["strategy"].clone(),
                    m["msg_size"].clone(),
                    m["threads"].clone(),
                ),
                m,
            )
        })
        .collect()
}

fn key(c: &Config) -> (String, String, String) {
    (
        c.strategy.name().to_string(),
        c.msg_size.to_string(),
        c.threads.to_string(),
    )
}

#[test]
fn every_quoted_number_is_the_csvs_cell_and_the_markdown_says_it() {
    every_quoted_number_is_the_csvs_cell(SWEEP);
    every_quoted_number_is_the_csvs_cell(PROFILED);
    // Without the breakdown's columns, the answers say which flag gives them.
    let rows = netio_tui::model::csv::read_csv(METRICS, Path::new(SWEEP)).unwrap();
    let a = answers(METRICS, &rows, None);
    assert!(
        a[1].measure.as_deref().unwrap().contains(PROFILE_HINT),
        "{:?}",
        a[1]
    );
    assert!(PROFILE_HINT.contains("--profile"));
}

fn every_quoted_number_is_the_csvs_cell(sweep: &str) {
    let path = Path::new(sweep);
    let rows = netio_tui::model::csv::read_csv(METRICS, path).unwrap();
    let cells = raw(path);
    let a = answers(METRICS, &rows, None);
    assert_eq!(a.len(), 6);
    let cited = cited_figures(&a);
    assert!(cited.len() >= 10, "{sweep}: {cited:?}");
    for (c, name, v) in &cited {
        let text = find(METRICS, name).unwrap().csv_text(*v);
        assert_eq!(
            &text,
            &cells[&key(c)][*name],
            "{c} {name}: quoted {text}, the CSV says {}",
            cells[&key(c)][*name]
        );
    }
    // The binary writes the same answers, with every cited number in its text.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.md");
    Command::cargo_bin("netio-tui")
        .unwrap()
        .args(["report", sweep, "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    for q in QUESTIONS {
        assert!(md.contains(q), "{q} missing:\n{md}");
    }
    for ans in &a {
        let text = ans.answer.as_deref().or(ans.measure.as_deref()).unwrap();
        assert!(md.contains(text), "{text}");
        for c in &ans.cited {
            for (n, v) in &c.figures {
                let t = cited_text(METRICS, &rows, &c.config, *n, *v);
                assert!(text.contains(&t), "{n} {t} cited but not quoted in: {text}");
            }
        }
        if let Some(t) = &ans.answer {
            at_most_three_significant_digits(t);
        }
    }
    assert!(
        md.contains("![") && dir.path().join("r-plots").is_dir(),
        "{md}"
    );
    assert!(md.contains("## Where and how this was measured"));
    // The copy roofline is drawn in the CPU-time chart, at the CSV's memcpy figure.
    let cpu =
        std::fs::read_to_string(dir.path().join("r-plots/cpu-time-per-byte-vs-size.svg")).unwrap();
    assert!(
        cpu.contains("memcpy cost: "),
        "no roofline in the CPU-time chart"
    );
    assert!(dir
        .path()
        .join("r-plots/segments-and-copies-per-message-vs-size.svg")
        .is_file());
    // System calls per message are counted only with --syscalls: their chart is drawn
    // exactly when the CSV has them.
    let csv_text = std::fs::read_to_string(sweep).unwrap();
    let has_syscalls = {
        let mut lines = csv_text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let i = header.iter().position(|h| *h == "tx_syscalls_per_msg");
        i.is_some_and(|i| lines.any(|l| l.split(',').nth(i).is_some_and(|c| !c.is_empty())))
    };
    assert_eq!(
        dir.path()
            .join("r-plots/syscalls-per-message-vs-size.svg")
            .is_file(),
        has_syscalls
    );
}

/// No number in `text` shows more than 3 significant digits (a whole number's
/// trailing zeros are not counted: 27500 is 275 hundreds).
fn at_most_three_significant_digits(text: &str) {
    for token in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
        let token = token.trim_matches('.');
        if token.is_empty() {
            continue;
        }
        let digits: String = token.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_start_matches('0');
        let digits = if token.contains('.') {
            digits
        } else {
            digits.trim_end_matches('0')
        };
        assert!(digits.len() <= 3, "{token} has too many digits in: {text}");
    }
}

#[test]
fn the_one_copy_crossover_is_recomputed_from_the_raw_csv() {
    let path = Path::new(SWEEP);
    let rows = netio_tui::model::csv::read_csv(METRICS, path).unwrap();
    let cells = raw(path);
    let a = answers(METRICS, &rows, None);
    let text = a[3].answer.clone().unwrap();
    let gbps = |s: &str, z: usize, t: usize| -> f64 {
        cells[&(s.to_string(), z.to_string(), t.to_string())]["throughput_gbps"]
            .parse()
            .unwrap()
    };
    for t in [1, 2, 4, 8] {
        let sizes = [64, 256, 1024, 4096];
        // One trial per cell: the smallest size from which one-copy stays more than
        // 2× ahead of two-copy (the one-trial rule; within 2× is noise).
        let from = sizes
            .iter()
            .rev()
            .take_while(|&&z| gbps("one-copy", z, t) > 2.0 * gbps("two-copy", z, t))
            .last()
            .copied();
        let said = match from {
            Some(z) => format!("from {} on", netio_tui::model::insight::size_text(z)),
            None => "no crossover distinguishable up to".to_string(),
        };
        let part = text
            .split(". ")
            .find(|p| p.starts_with(&format!("At {t} thread pair")))
            .unwrap_or_else(|| panic!("{t} threads not answered: {text}"));
        assert!(part.contains(&said), "{t}: expected {said} in {part}");
    }
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for (arg, want) in [
        ("/nonexistent/x.csv", "cannot read"),
        ("/dev/null", "not a regular file"),
        (dir.path().to_str().unwrap(), "not a regular file"),
    ] {
        let out = Command::cargo_bin("netio-tui")
            .unwrap()
            .args(["report", arg])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{arg}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(want) && err.lines().count() == 1,
            "{arg}: {err}"
        );
    }
    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, "a,b\n1,2\n").unwrap();
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .args(["report", junk.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn every_share_of_cpu_time_quoted_is_recomputed_from_the_raw_csv() {
    let path = Path::new(PROFILED);
    let rows = netio_tui::model::csv::read_csv(METRICS, path).unwrap();
    let cells = raw(path);
    let a = answers(METRICS, &rows, None);
    let text: String = a
        .iter()
        .filter_map(|x| x.answer.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let num = |c: &Config, col: &str| -> f64 {
        cells[&key(c)][col]
            .parse()
            .unwrap_or_else(|_| panic!("{c} {col}: {:?}", cells[&key(c)][col]))
    };
    let mut checked = 0;
    for (c, name, _) in cited_figures(&a) {
        for (side, who) in [("tx", "sender"), ("rx", "receiver")] {
            let Some(b) = Bucket::ALL
                .into_iter()
                .find(|b| name == format!("{side}_{}_ns_per_byte", b.name()))
            else {
                continue;
            };
            // The share: the bucket's cell over the side's sampled total, both as the
            // CSV has them; the total is the sum of the side's bucket cells.
            let total = num(&c, &format!("{side}_sampled_ns_per_byte"));
            let sum: f64 = Bucket::ALL
                .into_iter()
                .filter_map(|x| {
                    cells[&key(&c)][&format!("{side}_{}_ns_per_byte", x.name())]
                        .parse::<f64>()
                        .ok()
                })
                .sum();
            assert!(
                (sum - total).abs() <= total * 1e-3 + 5e-4,
                "{c} {side}: buckets add to {sum}, the total says {total}"
            );
            let pct = format!("{:.0}", num(&c, name) * 100.0 / total);
            let value = rounded(num(&c, name), None).0;
            let first = format!("{pct} % of {who} time in {} ({value} ns/B)", b.phrase());
            let later = format!("{pct} % in {} ({value} ns/B)", b.phrase());
            assert!(
                text.contains(&first) || text.contains(&later),
                "{c} {name}: expected {pct} % ({value} ns/B of {total}) in:\n{text}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} shares quoted:\n{text}");
    // Every share the answers write is one of those just recomputed.
    let written = text.matches(" % of sender time in ").count()
        + text.matches(" % of receiver time in ").count()
        + text.matches(" % in ").count();
    assert_eq!(written, checked, "{text}");
    // The claim, in the words: two-copy at 64 B, its sender's time.
    assert!(text.contains("two-copy 64 B ×1: "), "{text}");
}

/// A one-window result moving `gbps` over 2 s.
fn trial(c: Config, gbps: f64) -> netio_tui::engine::sample::ConfigResult {
    use netio_tui::engine::sample::{ConfigResult, Counts, Measured};
    let seconds = 2.0;
    let bytes = (gbps * 1e9 / 8.0 * seconds) as u64;
    ConfigResult {
        config: c,
        total: Measured {
            fixed_messages: None,
            seconds,
            bytes,
            messages: bytes / c.msg_size as u64,
            tx: Counts {
                cpu_ns: Some(bytes),
                ..Default::default()
            },
            rx: Counts::default(),
            both: None,
            zc: None,
            memcpy_ns_per_byte: None,
            rtt: None,
            rx_zc: None,
            profile: None,
            noise: None,
        },
        bytes_sent: bytes,
        bytes_received: bytes,
        verified: false,
    }
}

#[test]
fn the_report_of_repeated_trials_quotes_intervals_and_claims_only_what_they_allow() {
    use netio_tui::engine::config::Strategy;
    use netio_tui::engine::metric::Figures;
    use netio_tui::model::report::{markdown, Input};
    // Five trials per cell: one-copy level with two-copy at 1K (overlapping), well
    // ahead at 4K (disjoint).
    let spread = [0.92, 0.97, 1.0, 1.03, 1.08];
    let cell = |s: Strategy, z: usize, g: f64| {
        let trials: Vec<_> = spread
            .iter()
            .map(|f| trial(Config::new(s, z, 1), g * f))
            .collect();
        Figures::of_trials(METRICS, &trials)
    };
    let rows = vec![
        cell(Strategy::TwoCopy, 1024, 1.0),
        cell(Strategy::OneCopy, 1024, 1.05),
        cell(Strategy::TwoCopy, 4096, 2.0),
        cell(Strategy::OneCopy, 4096, 4.0),
    ];
    let input = Input {
        rows,
        machine: None,
        windows: Vec::new(),
    };
    let md = markdown(METRICS, &input, Path::new("trials.csv"), &[]);
    assert!(md.contains("- Trials per configuration: 5 ("), "{md}");
    assert!(
        md.contains("from 4K on (one-copy 4.0 Gb/s [3.7–4.3] against two-copy 2.0 Gb/s [1.8–2.2]; intervals apart at every larger size measured), at 1K not distinguishable (1.05 Gb/s [0.97–1.13] against 1.00 Gb/s [0.92–1.08])"),
        "{md}"
    );
    assert!(
        md.contains("| one-copy 4K ×1 | `throughput_gbps` | 4.0 Gb/s [3.7–4.3] |"),
        "{md}"
    );
    assert!(!md.contains("rest on one trial each"), "{md}");
}
