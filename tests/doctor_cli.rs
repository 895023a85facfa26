//! `netio-tui doctor` on this machine, as the user runs it: every check ok / warn /
//! fail with what to do, JSON for scripts, exit 0 exactly when the explorer can run;
//! as root (nothing left behind), through the counter seam (perf_event_open refused)
//! and as nobody (what root would add). The fake machines (hybrid PMU, PMU-less VM,
//! paranoid 4, io_uring disabled, kallsyms hidden) are the engine's
//! readiness::tests.

mod common;

use std::process::{Command, Output};

/// The checks every run shows, by name (the PMU's events only where there is a PMU).
const ALWAYS: [&str; 13] = [
    "cpu",
    "pmu",
    "perf_event_paranoid",
    "cpu_time",
    "kernel",
    "namespaces",
    "so_zerocopy",
    "io_uring",
    "tracepoints",
    "kallsyms",
    "memlock",
    "roofline",
    "self-check",
];

fn doctor_json(cmd: &mut Command) -> (Output, serde_json::Value) {
    let out = cmd.output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor --json is not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, v)
}

fn check<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {v}"))
}

/// Every check has a level and a finding; warn and fail say what to do; the exit
/// status is 0 exactly when no check failed.
fn well_formed(out: &Output, v: &serde_json::Value) {
    for name in ALWAYS {
        check(v, name);
    }
    let checks = v["checks"].as_array().unwrap();
    for c in checks {
        let level = c["level"].as_str().unwrap();
        assert!(["ok", "warn", "fail"].contains(&level), "{c}");
        assert!(!c["found"].as_str().unwrap().is_empty(), "{c}");
        if level != "ok" && c["name"] != "self-check" {
            assert!(c["advice"].is_string(), "a {level} says what to do: {c}");
        }
    }
    let fails = checks.iter().any(|c| c["level"] == "fail");
    assert_eq!(v["explorer_can_run"], !fails, "{v}");
    assert_eq!(out.status.code(), Some(if fails { 1 } else { 0 }), "{v}");
    if fails {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains("cannot run"), "{err}");
    }
}

#[test]
fn as_root_the_explorer_can_run_and_nothing_is_left_behind() {
    if !common::root_or_skip("as_root_the_explorer_can_run_and_nothing_is_left_behind") {
        return;
    }
    let _serial = common::serial();
    let before = common::HostState::capture();
    let (out, v) = doctor_json(Command::new(common::BIN).args(["doctor", "--json"]));
    well_formed(&out, &v);
    assert_eq!(v["root"], true);
    assert_eq!(check(&v, "namespaces")["level"], "ok", "{v}");
    assert!(v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["with_root"].is_null()));
    // perf is there on CI's and this VM's Debian: its task-clock agrees with ours.
    let sc = check(&v, "self-check");
    if std::path::Path::new("/usr/bin/perf").exists() {
        assert_eq!(sc["level"], "ok", "{sc}");
        assert!(sc["found"].as_str().unwrap().contains("task-clock"), "{sc}");
    }
    before.assert_restored();
}

#[test]
fn refused_counters_are_warnings_that_say_what_to_do() {
    let _serial = common::serial();
    let (out, v) = doctor_json(
        Command::new(common::BIN)
            .args(["doctor", "--json"])
            .env("NETIO_TUI_PERF_FAULT", "EACCES"),
    );
    well_formed(&out, &v);
    let tp = check(&v, "tracepoints");
    if tp["found"].as_str().unwrap().contains(" id ") {
        assert_eq!(tp["level"], "warn", "{tp}");
        let advice = tp["advice"].as_str().unwrap();
        assert!(
            advice.contains("perf_event_paranoid") || advice.contains("seccomp"),
            "{tp}"
        );
    }
    let sc = check(&v, "self-check");
    assert!(
        sc["found"]
            .as_str()
            .unwrap()
            .contains("NETIO_TUI_PERF_FAULT")
            || sc["level"] == "warn",
        "the self-check says the counters were refused: {sc}"
    );
}

#[test]
fn the_screen_says_each_check_and_the_verdict() {
    let _serial = common::serial();
    let out = Command::new(common::BIN).arg("doctor").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for name in ALWAYS {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(name)),
            "no line for {name}:\n{text}"
        );
    }
    assert!(text.contains("the explorer can") || text.contains("the explorer cannot"));
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
}

/// The binary as nobody (setpriv), where the tests run as root.
fn as_nobody() -> Result<Command, String> {
    if !common::is_root() {
        return Ok(Command::new(common::BIN));
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or("setpriv (util-linux) is not installed")?;
    let bin = std::path::Path::new(common::BIN);
    for dir in bin
        .ancestors()
        .skip(1)
        .filter(|d| !d.as_os_str().is_empty())
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)
            .map_err(|e| e.to_string())?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            return Err(format!("{} is not searchable by nobody", dir.display()));
        }
    }
    let mut c = Command::new(setpriv);
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(bin);
    Ok(c)
}

#[test]
fn without_root_it_fails_the_network_and_says_what_root_would_add() {
    let mut cmd = match as_nobody() {
        Ok(c) => c,
        Err(why) => {
            eprintln!(
                "skipped without_root_it_fails_the_network_and_says_what_root_would_add: {why}"
            );
            return;
        }
    };
    let _serial = common::serial();
    let (out, v) = doctor_json(cmd.args(["doctor", "--json"]).current_dir("/"));
    well_formed(&out, &v);
    assert_eq!(v["root"], false);
    let ns = check(&v, "namespaces");
    assert_eq!(ns["level"], "fail", "{ns}");
    assert!(
        ns["advice"].as_str().unwrap().contains("sudo netio-tui"),
        "{ns}"
    );
    assert!(ns["with_root"].is_string(), "{ns}");
    assert_eq!(out.status.code(), Some(1));
    // The screen lists what root adds.
    let mut cmd = as_nobody().unwrap();
    let text = cmd.arg("doctor").current_dir("/").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("As root you would also get:"), "{text}");
    assert!(text.contains("fail  namespaces"), "{text}");
}

#[test]
fn io_uring_refused_by_a_seccomp_filter_is_a_warning_with_the_way_out() {
    let _serial = common::serial();
    // As a container runtime's default profile does: io_uring_setup fails with EPERM.
    // The filter is set on a thread of its own, which the doctor inherits.
    let (out, v) = std::thread::spawn(|| {
        use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
        let arch = TargetArch::try_from(std::env::consts::ARCH).unwrap();
        let filter = SeccompFilter::new(
            [(libc::SYS_io_uring_setup, vec![])].into_iter().collect(),
            SeccompAction::Allow,
            SeccompAction::Errno(libc::EPERM as u32),
            arch,
        )
        .unwrap();
        let bpf: BpfProgram = filter.try_into().unwrap();
        seccompiler::apply_filter(&bpf).unwrap();
        doctor_json(Command::new(common::BIN).args(["doctor", "--json"]))
    })
    .join()
    .unwrap();
    well_formed(&out, &v);
    let u = check(&v, "io_uring");
    assert_eq!(u["level"], "warn", "{u}");
    let found = u["found"].as_str().unwrap();
    assert!(found.contains("io_uring refused"), "{u}");
    assert!(
        !found.contains("netio-tui doctor"),
        "not pointing at itself: {u}"
    );
    assert!(u["advice"].as_str().unwrap().contains("seccomp"), "{u}");
}
