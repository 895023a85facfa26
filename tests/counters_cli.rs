//! `run` with perf_event_open failing (injected through NETIO_TUI_PERF_FAULT): it still
//! measures, exits 0, and says why the counters are missing or how many threads were
//! counted.

use assert_cmd::Command;

fn run(fault: &str, threads: &str) -> (String, String) {
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .env("NETIO_TUI_PERF_FAULT", fault)
        .args([
            "run",
            "--no-netns",
            "--strategy",
            "one-copy",
            "--size",
            "4K",
        ])
        .args(["--threads", threads, "--duration", "0.3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn perf_denied_everywhere_still_measures_and_says_why_once() {
    let (stdout, stderr) = run("EACCES", "2");
    assert!(stdout.contains("throughput"), "{stdout}");
    assert!(stdout.contains("CPU time/byte n/a"), "{stdout}");
    assert_eq!(
        stderr.matches("perf_event_open refused").count(),
        1,
        "said once: {stderr}"
    );
    assert!(
        !stdout.contains("threads"),
        "no per-figure repetition: {stdout}"
    );
}

#[test]
fn opens_failing_after_the_kth_say_how_many_threads_were_counted() {
    // Each thread opens one group per kind of counter (software, tracepoints, /proc,
    // hardware where there is a PMU): 6 opens cover 6 threads or fewer, never all 16.
    let (stdout, _) = run("EMFILE@6", "8");
    let counted: Option<u32> = stdout
        .split(" of 16 threads")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok());
    assert!(counted.is_some_and(|n| (1..=6).contains(&n)), "{stdout}");
    assert!(
        stdout.contains("out of file descriptors (EMFILE)"),
        "{stdout}"
    );
}
