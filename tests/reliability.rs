//! Files, inputs and interruptions (issue 8): nothing written through a planted link,
//! nothing read without bound, nothing lost, every interruption told. The measuring
//! cases use --no-netns (loopback), so they need no namespaces; the full-filesystem
//! cases mount a small tmpfs and need root (they skip with a reason otherwise).

use assert_cmd::Command;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::Write as _;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_netio-tui");

fn netio() -> Command {
    let mut c = Command::cargo_bin("netio-tui").unwrap();
    c.timeout(Duration::from_secs(60));
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn skip(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
}

/// Runs the binary; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = netio().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn usage_error(args: &[&str], mentions: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, Some(2), "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?} printed to stdout: {stdout}");
    assert!(
        (1..=2).contains(&stderr.lines().count()),
        "{args:?}: one or two lines, got:\n{stderr}"
    );
    assert!(!stderr.contains("For more information"), "{stderr}");
    for m in mentions {
        assert!(stderr.contains(m), "{args:?}: no {m:?} in {stderr}");
    }
    stderr
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

// ---- 12: clap's own errors are one or two lines ----

#[test]
fn parse_errors_are_one_or_two_lines() {
    usage_error(&["run", "--bogus"], &["--bogus", "run accepts", "--size"]);
    usage_error(
        &["run", "--size", "1K", "--size", "2K"],
        &["--size", "once"],
    );
    usage_error(&["run", "--size", "0"], &["--size", "1 byte to 64M"]);
    usage_error(&["frob"], &["frob", "run, sweep, replay, plot"]);
    usage_error(&["plot"], &["<FILE>"]);
    usage_error(&["run", "--strat", "one-copy"], &["--strategy"]);
}

// ---- 11: every option checked before anything runs; options per subcommand ----

#[test]
fn subcommands_refuse_options_they_do_not_use() {
    let csv = fixture("sweep-full.csv");
    let csv = csv.to_str().unwrap();
    usage_error(
        &["plot", csv, "--record", "/tmp/x.jsonl"],
        &["--record cannot be used with plot", "--out"],
    );
    usage_error(&["plot", csv, "--no-netns"], &["--no-netns"]);
    usage_error(&["replay", "--start-size", "4K", csv], &["--start-size"]);
    usage_error(&["run", "--out", "x.csv"], &["--out"]);
    // Explorer options before a subcommand were silently dropped.
    usage_error(&["--no-netns", "run"], &["after the subcommand"]);
    let help = netio().args(["plot", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for absent in ["--record", "--no-netns", "--export-dir", "--interval"] {
        assert!(!help.contains(absent), "plot --help shows {absent}");
    }
}

#[test]
fn bad_values_are_refused_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    usage_error(
        &["sweep", "--no-netns", "--out", &format!("{d}/new/")],
        &["is a directory"],
    );
    usage_error(
        &["run", "--no-netns", "--record", "/proc/x"],
        &["--record /proc/x", "cannot be written"],
    );
    let rec = usage_error(&["run", "--no-netns", "--record", "/proc/x"], &[]);
    assert!(!rec.contains(".netio"), "names a hidden file: {rec}");
    usage_error(&["--export-dir", "/nonexistent"], &["--export-dir"]);
    usage_error(&["--export-dir", "/etc/passwd"], &["not a directory"]);
    usage_error(
        &["replay", "--export-dir", "/nonexistent", "x.jsonl"],
        &["--export-dir"],
    );
    usage_error(&["run", "--duration", "1e-300"], &["0.01 to 86400"]);
    usage_error(&["run", "--interval", "0.000001"], &["0.01 to 60"]);
    usage_error(&["sweep", "--warmup", "1e-300"], &["warm-up"]);
    assert!(names_in(dir.path()).is_empty(), "nothing created");
}

#[test]
fn out_and_record_on_the_same_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("same");
    let f = f.to_str().unwrap();
    usage_error(
        &["sweep", "--no-netns", "--out", f, "--record", f],
        &["same file"],
    );
    // Also when spelled differently.
    let other = format!("{}/./same", dir.path().display());
    usage_error(
        &["sweep", "--no-netns", "--out", f, "--record", &other],
        &["same file"],
    );
    assert!(names_in(dir.path()).is_empty());
}

#[test]
fn duplicate_list_items_warn_once_and_are_measured_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.csv");
    let (code, _, stderr) = run(&[
        "sweep",
        "--no-netns",
        "--strategies",
        "one-copy,one-copy,one-copy",
        "--sizes",
        "64,64",
        "--threads",
        "1",
        "--duration",
        "0.05",
        "--warmup",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("one-copy more than once").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("64 more than once").count(), 1, "{stderr}");
    let rows = netio_tui::model::csv::read_csv(netio_tui::engine::metric::METRICS, &out).unwrap();
    assert_eq!(rows.len(), 1);
}

// ---- 1, 2: nothing written through a planted link ----

#[test]
fn plot_replaces_a_link_at_the_chart_name_and_never_writes_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    symlink(&victim, out.join("throughput-vs-size.svg")).unwrap();
    netio()
        .args(["plot", fixture("sweep-full.csv").to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let meta = std::fs::symlink_metadata(out.join("throughput-vs-size.svg")).unwrap();
    assert!(meta.file_type().is_file());
    assert!(
        names_in(&out).iter().all(|n| n.ends_with(".svg")),
        "temporary files left: {:?}",
        names_in(&out)
    );
}

#[test]
fn record_refuses_a_symlink_and_leaves_its_target_alone() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let link = dir.path().join("rec.jsonl");
    symlink(&victim, &link).unwrap();
    usage_error(
        &[
            "run",
            "--no-netns",
            "--duration",
            "0.05",
            "--record",
            link.to_str().unwrap(),
        ],
        &["symbolic link"],
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    // A dangling link (the usual /tmp attack) is refused too, and nothing is created.
    let target = dir.path().join("would-be-created");
    let dangling = dir.path().join("dangling.jsonl");
    symlink(&target, &dangling).unwrap();
    usage_error(
        &["run", "--no-netns", "--record", dangling.to_str().unwrap()],
        &["symbolic link"],
    );
    assert!(!target.exists());
}

// ---- 6, 7: no hang on a FIFO, no unbounded read ----

#[test]
fn a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let f = fifo.to_str().unwrap();
    let start = Instant::now();
    usage_error(&["replay", "--check", f], &["FIFO", "not a regular file"]);
    usage_error(&["plot", f], &["FIFO", "not a regular file"]);
    usage_error(&["run", "--no-netns", "--record", f], &["FIFO"]);
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn devices_and_oversized_files_are_refused_without_reading_them() {
    usage_error(&["replay", "--check", "/dev/zero"], &["character device"]);
    usage_error(&["plot", "/dev/zero"], &["character device"]);
    let dir = tempfile::tempdir().unwrap();
    // Sparse files: no disk used, but larger than any file netio-tui writes.
    let big = dir.path().join("big.jsonl");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(netio_tui::model::files::MAX_RECORDING_BYTES + 1)
        .unwrap();
    usage_error(
        &["replay", "--check", big.to_str().unwrap()],
        &["larger than"],
    );
    let big_csv = dir.path().join("big.csv");
    std::fs::File::create(&big_csv)
        .unwrap()
        .set_len(netio_tui::model::files::MAX_CSV_BYTES + 1)
        .unwrap();
    usage_error(&["plot", big_csv.to_str().unwrap()], &["larger than"]);
    // One endless line in a recording of legal size.
    let long = dir.path().join("long.jsonl");
    let header = std::fs::read_to_string(fixture("../recordings/course-sweep.jsonl"))
        .ok()
        .and_then(|t| t.lines().next().map(str::to_string));
    let mut text =
        header.unwrap_or_else(|| r#"{"format":"netio-tui-recording","version":1}"#.to_string());
    text.push('\n');
    text.push_str(&"x".repeat(2 << 20));
    text.push('\n');
    std::fs::write(&long, text).unwrap();
    usage_error(&["replay", "--check", long.to_str().unwrap()], &["line"]);
}

// ---- 8: every axis range finite and sane ----

#[test]
fn subnormal_and_huge_values_plot_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("sweep-full.csv")).unwrap();
    let mut lines: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let col = |name: &str| lines[0].iter().position(|h| h == name).unwrap();
    let (cpb, lat, gbps) = (
        col("cycles_per_byte"),
        col("latency_us"),
        col("throughput_gbps"),
    );
    lines[1][cpb] = "1e-310".into();
    lines[2][cpb] = "5e-324".into();
    lines[3][lat] = "1e-307".into();
    // Largest values a measurement can have (the readers refuse more than 1e18, see
    // the end of this test).
    lines[4][lat] = "1e18".into();
    lines[5][gbps] = "1e18".into();
    let csv = dir.path().join("sub.csv");
    let body: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
    std::fs::write(&csv, body.join("\n") + "\n").unwrap();
    let start = Instant::now();
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .args(["plot", csv.to_str().unwrap(), "--out"])
        .arg(dir.path().join("svg"))
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?} after {:?}",
        out,
        start.elapsed()
    );
    for f in names_in(&dir.path().join("svg")) {
        let svg = std::fs::read_to_string(dir.path().join("svg").join(&f)).unwrap();
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{f}");
    }
    // Beyond any measurement (1.7e308 Gb/s): refused, naming the line and the field.
    lines[5][gbps] = "1.7e308".into();
    let body: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
    std::fs::write(&csv, body.join("\n") + "\n").unwrap();
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .args(["plot", csv.to_str().unwrap(), "--out"])
        .arg(dir.path().join("svg2"))
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 6")
            && err.contains("throughput_gbps")
            && err.contains("beyond any measurement"),
        "{err}"
    );
}

// ---- 9, 10, 5: interruptions ----

/// Spawns the binary with piped output.
fn spawn(args: &[&str]) -> std::process::Child {
    std::process::Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal_after(child: &std::process::Child, sig: Signal, after: Duration) {
    std::thread::sleep(after);
    kill(Pid::from_raw(child.id() as i32), sig).unwrap();
}

#[test]
fn an_interrupted_run_says_so_exits_130_and_prints_no_figures() {
    for (sig, at) in [
        (Signal::SIGINT, 1.0),
        (Signal::SIGTERM, 0.3),
        (Signal::SIGHUP, 1.0),
    ] {
        let child = spawn(&["run", "--no-netns", "--duration", "4", "--warmup", "0.5"]);
        signal_after(&child, sig, Duration::from_secs_f64(at));
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{sig}: {stderr}");
        assert!(out.stdout.is_empty(), "{sig}: a figure was printed");
        assert!(stderr.contains("interrupted"), "{sig}: {stderr}");
    }
    let child = spawn(&["run", "--no-netns", "--duration", "4", "--json"]);
    signal_after(&child, Signal::SIGINT, Duration::from_secs(1));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["error"].as_str().unwrap().contains("interrupted"));
    assert!(json.get("throughput_gbps").is_none(), "{json}");
}

#[test]
fn an_early_interrupt_of_sweep_claims_no_file_and_records_nothing_as_finished() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.csv");
    let rec = dir.path().join("s.jsonl");
    let child = spawn(&[
        "sweep",
        "--no-netns",
        "--sizes",
        "64,128",
        "--threads",
        "1",
        "--strategies",
        "one-copy",
        "--duration",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--record",
        rec.to_str().unwrap(),
    ]);
    signal_after(&child, Signal::SIGINT, Duration::from_millis(700));
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("nothing was saved"), "{stderr}");
    assert!(!out.exists(), "no CSV was claimed, none should exist");
    let r = netio_tui::model::recording::read_recording(&rec).unwrap();
    use netio_tui::engine::sample::EngineEvent;
    assert!(
        !r.events
            .iter()
            .any(|(_, e)| matches!(e, EngineEvent::Finished(_))),
        "the interrupted configuration is recorded as finished"
    );
    assert!(r
        .events
        .iter()
        .any(|(_, e)| matches!(e, EngineEvent::Failed { .. })));
}

#[test]
fn sighup_mid_sweep_keeps_every_reported_row_and_stale_temp_files_do_not_matter() {
    let dir = tempfile::tempdir().unwrap();
    // What a killed earlier run leaves: a temp file, and a link planted at such a name.
    std::fs::write(dir.path().join(".netio-AAAAAA.tmp"), "stale").unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    symlink(&victim, dir.path().join(".netio-BBBBBB.tmp")).unwrap();
    let before = names_in(dir.path());
    let out = dir.path().join("s.csv");
    let child = spawn(&[
        "sweep",
        "--no-netns",
        "--sizes",
        "64,128,256,512,1K,2K",
        "--threads",
        "1",
        "--strategies",
        "one-copy",
        "--duration",
        "0.3",
        "--warmup",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    let start = Instant::now();
    while !out.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(out.exists(), "the first row was never written");
    kill(Pid::from_raw(child.id() as i32), Signal::SIGHUP).unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{stderr}");
    let reported = stderr.lines().filter(|l| l.starts_with('[')).count();
    let rows = netio_tui::model::csv::read_csv(netio_tui::engine::metric::METRICS, &out).unwrap();
    assert!(reported >= 1 && rows.len() == reported, "{stderr}");
    assert!(
        stderr.contains(&format!("{reported} of 6 configurations saved to")),
        "{stderr}"
    );
    let mut after = names_in(dir.path());
    after.retain(|n| n != "s.csv");
    assert_eq!(after, before, "temporary files left or stale ones touched");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

// ---- 4: a full filesystem ----

/// A 256 KiB tmpfs, filled up; unmounted on drop.
struct FullTmpfs {
    dir: tempfile::TempDir,
}

impl FullTmpfs {
    fn mount(test: &str) -> Option<FullTmpfs> {
        if !nix::unistd::geteuid().is_root() {
            skip(test, "needs root to mount a tmpfs");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                "size=256k",
                "netio-test",
                dir.path().to_str().unwrap(),
            ])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            skip(test, "mount -t tmpfs failed");
            return None;
        }
        let mut fill = std::fs::File::create(dir.path().join("fill")).unwrap();
        let chunk = vec![0u8; 4096];
        while fill.write_all(&chunk).is_ok() {}
        Some(FullTmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for FullTmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_during_sweep_loses_nothing_and_says_where_things_are() {
    let Some(fs) = FullTmpfs::mount("a_full_disk_during_sweep_loses_nothing") else {
        return;
    };
    let out = fs.path().join("out.csv");
    let (code, stdout, stderr) = run(&[
        "sweep",
        "--no-netns",
        "--strategies",
        "one-copy",
        "--sizes",
        "64,128,256",
        "--threads",
        "1",
        "--duration",
        "0.05",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    // Every configuration was measured, and the whole CSV is on stdout.
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("[")).count(),
        3,
        "{stderr}"
    );
    assert!(stdout.starts_with("strategy,msg_size,threads,"), "{stdout}");
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(
        stderr.contains(&format!("cannot write {}", out.display())),
        "{stderr}"
    );
    assert!(stderr.contains("No space left"), "{stderr}");
    assert!(stderr.contains("printed on stdout"), "{stderr}");
    // Said once, not after every configuration, and no hidden name in any message.
    assert_eq!(stderr.matches("kept in memory").count(), 1, "{stderr}");
    assert!(!stderr.contains(".netio-"), "{stderr}");
    assert_eq!(names_in(fs.path()), ["fill"], "temporary files left");
}

#[test]
fn a_recording_on_a_full_disk_leaves_no_empty_file() {
    let Some(fs) = FullTmpfs::mount("a_recording_on_a_full_disk_leaves_no_empty_file") else {
        return;
    };
    let rec = fs.path().join("rec.jsonl");
    let (code, stdout, stderr) = run(&[
        "run",
        "--no-netns",
        "--duration",
        "0.05",
        "--record",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("No space left"), "{stderr}");
    assert!(stderr.contains("was removed"), "{stderr}");
    assert_eq!(names_in(fs.path()), ["fill"]);
}
