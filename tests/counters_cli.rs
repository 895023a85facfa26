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
    // Without a PMU each thread opens one (software) group: 6 groups, 6 threads.
    let (stdout, stderr) = run("EMFILE@6", "8");
    let counted = if stderr.contains("no hardware performance counters") {
        "6 of 16"
    } else {
        // With a PMU, each thread opens two groups (or three on hybrid CPUs).
        "of 16"
    };
    assert!(stdout.contains(counted), "{stdout}");
    assert!(
        stdout.contains("out of file descriptors (EMFILE)"),
        "{stdout}"
    );
}
