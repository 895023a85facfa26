//! Issue 23 items 3, 4 and 8: outputs never go through a planted link (a hard link at
//! the recording, a symbolic link at a directory the program creates), honour the
//! umask, and a failed report leaves no half-written directory behind.

mod common;

use common::{root_or_skip, serial, BIN};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(name)
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("netio-hostile-files-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The binary in `dir` under `umask`, through sh (the umask is the shell's to set).
fn run_in(dir: &Path, umask: &str, args: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec {BIN} {args}"))
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn report_refuses_a_planted_plots_link() {
    let dir = scratch("dirlink");
    std::fs::create_dir(dir.join("decoy")).unwrap();
    std::os::unix::fs::symlink("decoy", dir.join("rep-plots")).unwrap();
    let csv = fixture("course-sweep.csv");
    let o = run_in(
        &dir,
        "022",
        &format!("report {} --out rep.md", csv.display()),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(dir.join("decoy")).unwrap().count(), 0);
    assert!(!dir.join("rep.md").exists());
    // plot --out through a planted link: the same.
    let o = run_in(
        &dir,
        "022",
        &format!("plot {} --out rep-plots", csv.display()),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(dir.join("decoy")).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outputs_honour_the_umask() {
    let dir = scratch("umask");
    let csv = fixture("course-sweep.csv");
    let o = run_in(
        &dir,
        "077",
        &format!("report {} --out rep.md", csv.display()),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.join("rep.md")), 0o600);
    assert_eq!(mode(&dir.join("rep-plots/rows.csv")), 0o600);
    assert_eq!(mode(&dir.join("rep-plots")), 0o700);
    for f in std::fs::read_dir(dir.join("rep-plots")).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
    let o = run_in(&dir, "022", &format!("plot {} --out p", csv.display()));
    assert!(o.status.success());
    for f in std::fs::read_dir(dir.join("p")).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o644);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn record_replaces_a_planted_hard_link() {
    let _serial = serial();
    if !root_or_skip("record_replaces_a_planted_hard_link") {
        return;
    }
    let dir = scratch("hardlink");
    let decoy = dir.join("decoy");
    std::fs::write(&decoy, "DECOY\n").unwrap();
    std::fs::set_permissions(&decoy, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::hard_link(&decoy, dir.join("rec.jsonl")).unwrap();
    let o = run_in(&dir, "022", "run --duration 0.2 --record rec.jsonl");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&decoy).unwrap(), "DECOY\n");
    assert_eq!(std::fs::metadata(&decoy).unwrap().nlink(), 1);
    let rec = std::fs::read_to_string(dir.join("rec.jsonl")).unwrap();
    assert!(rec.contains("netio-tui"), "{rec}");
    let check = Command::new(BIN)
        .args(["replay", "--check"])
        .arg(dir.join("rec.jsonl"))
        .output()
        .unwrap();
    assert!(check.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A disk that fills while plotting is a fault (exit 1), not bad input (2), and leaves
/// no empty directory behind. Needs a small filesystem of its own: a tmpfs (root).
#[test]
fn a_full_disk_is_exit_1_and_leaves_no_empty_plots_directory() {
    if !root_or_skip("a_full_disk_is_exit_1_and_leaves_no_empty_plots_directory") {
        return;
    }
    let dir = scratch("tmpfs");
    let mnt = dir.join("small");
    std::fs::create_dir(&mnt).unwrap();
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=48k", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(st.success());
    let csv = fixture("course-sweep.csv");
    let plot = run_in(&mnt, "022", &format!("plot {} --out p", csv.display()));
    let report = run_in(&mnt, "022", &format!("report {} --out r.md", csv.display()));
    let left: Vec<_> = std::fs::read_dir(&mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let _ = Command::new("umount").arg(&mnt).status();
    let _ = std::fs::remove_dir_all(&dir);
    for (what, o) in [("plot", plot), ("report", report)] {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("No space left"), "{what}: {err}");
    }
    assert!(left.is_empty(), "left on the full disk: {left:?}");
}

/// Issue 23 item 8: a CSV of 20,000 distinct configurations is drawn bounded (the
/// unbounded charts took 77 s and 328 MB of SVG), and the output says what was left out.
#[test]
fn plot_of_20000_configurations_is_bounded_and_says_so() {
    let dir = scratch("big");
    let full = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sweep-full.csv"),
    )
    .unwrap();
    let mut lines = full.lines();
    let header = lines.next().unwrap();
    let cols: Vec<&str> = header.split(',').collect();
    let (si, ti) = (
        cols.iter().position(|c| *c == "msg_size").unwrap(),
        cols.iter().position(|c| *c == "threads").unwrap(),
    );
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut csv = format!("{header}\n");
    for size in 1..=200 {
        for threads in 1..=100 {
            let mut r: Vec<String> = row.iter().map(|s| s.to_string()).collect();
            r[si] = size.to_string();
            r[ti] = threads.to_string();
            csv.push_str(&r.join(","));
            csv.push('\n');
        }
    }
    std::fs::write(dir.join("big.csv"), csv).unwrap();
    let t0 = std::time::Instant::now();
    let o = Command::new(BIN)
        .args(["plot", "big.csv", "--out", "p"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let took = t0.elapsed();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("19744 of 20000 configurations are not plotted"),
        "{out}"
    );
    let bytes: u64 = std::fs::read_dir(dir.join("p"))
        .unwrap()
        .map(|f| f.unwrap().metadata().unwrap().len())
        .sum();
    eprintln!("plotted in {took:?}, {bytes} bytes of SVG");
    assert!(bytes < 8 << 20, "{bytes} bytes of SVG");
    let _ = std::fs::remove_dir_all(&dir);
}
