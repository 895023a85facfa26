//! Issue 23 item 7: a small address-space limit (`ulimit -v`). What does not fit is
//! skipped and said (the DRAM copy roofline is n/a with the reason, the run goes on),
//! or, for buffers the user chose too large, the run ends with exit 1 and one line
//! naming the limit; never the abort of a failed allocation (SIGABRT).

mod common;

use common::{root_or_skip, serial, HostState, BIN};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};

/// `netio-tui ARGS` under `ulimit -v KIB` (set in a shell that then execs it).
fn limited(kib: u64, args: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" {args}"))
        .arg(BIN)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

#[test]
fn a_small_address_space_limit_degrades_or_fails_with_one_line() {
    let _serial = serial();
    if !root_or_skip("a_small_address_space_limit_degrades_or_fails_with_one_line") {
        return;
    }
    let before = HostState::capture();
    // The roofline's 2 × 64 MiB DRAM buffers do not fit in 200,000 KiB beside the
    // program: n/a with the reason, the run measures.
    let o = limited(200_000, "run --duration 0.3 -v");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.signal(), None, "killed by a signal: {err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("DRAM copy roofline n/a: not measured: could not allocate 64 MiB")
            && err.contains("ulimit -v 200000 KiB"),
        "{err}"
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("throughput"),
        "no figures"
    );
    // Buffers the user asked for that cannot fit (8 pairs of 64 MiB messages): exit 1,
    // one line naming the limit.
    let o = limited(300_000, "run --duration 0.3 --size 64M --threads 8");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.signal(), None, "killed by a signal: {err}");
    assert_eq!(o.status.code(), Some(1), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("ulimit -v 300000 KiB"))
        .unwrap_or_else(|| panic!("no line names the limit: {err}"));
    assert!(line.contains("could not allocate 64 MiB"), "{line}");
    // More threads than stacks fit: the same, said of the thread.
    let o = limited(300_000, "run --duration 0.3 --threads 256");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.signal(), None, "killed by a signal: {err}");
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("could not create a thread") && err.contains("ulimit -v 300000 KiB"),
        "{err}"
    );
    before.assert_restored();
}
