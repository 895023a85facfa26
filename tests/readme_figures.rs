//! The README's quoted figures against the shipped files they cite (issue 22 item 8):
//! each figure below is computed from `recordings/*.csv` and must appear in the README
//! or the docs/ page it moved to
//! as it is written there, and the claims that depend on the data (zero-copy slower,
//! syscall columns) must hold in that data. No root needed.

mod common;

use std::path::Path;

/// The documentation a reader has: README.md and every page of docs/, where the README's
/// detail moved (issue 26).
fn documentation() -> String {
    let mut text = read("README.md");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    for p in pages {
        text.push('\n');
        text.push_str(&std::fs::read_to_string(&p).unwrap());
    }
    text
}

fn read(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The text with every run of white space one space: quoted figures may wrap.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 3 significant digits, as the README quotes figures.
fn sig3(v: f64) -> String {
    let decimals = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.decimals$}")
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn load(path: &str) -> Csv {
        let text = read(path);
        let mut lines = text.lines();
        let header = lines.next().unwrap().split(',').map(String::from).collect();
        let rows = lines
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        Csv { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// The cell `column` of the row strategy × size × threads.
    fn cell(&self, strategy: &str, size: u64, threads: u32, column: &str) -> String {
        let (s, m, t, c) = (
            self.col("strategy"),
            self.col("msg_size"),
            self.col("threads"),
            self.col(column),
        );
        self.rows
            .iter()
            .find(|r| r[s] == strategy && r[m] == size.to_string() && r[t] == threads.to_string())
            .unwrap_or_else(|| panic!("no row {strategy} {size} {threads}"))[c]
            .clone()
    }

    fn num(&self, strategy: &str, size: u64, threads: u32, column: &str) -> f64 {
        let v = self.cell(strategy, size, threads, column);
        v.parse()
            .unwrap_or_else(|_| panic!("{strategy} {size} {threads} {column}: {v:?}"))
    }
}

fn assert_quoted(readme: &str, quote: &str) {
    assert!(
        readme.contains(quote),
        "the README does not say {quote:?} (computed from the shipped CSV)"
    );
}

#[test]
fn zero_copy_against_one_copy_is_quoted_as_the_shipped_csvs_have_it() {
    let readme = flat(&documentation());
    let course = Csv::load("recordings/course-sweep.csv");
    let gbps = |s, m, t| course.num(s, m, t, "throughput_gbps");
    // "slower than one-copy in all 16 cells"
    let mut cells = 0;
    for size in [64, 256, 1024, 4096] {
        for threads in [1, 2, 4, 8] {
            assert!(
                gbps("zero-copy", size, threads) < gbps("one-copy", size, threads),
                "zero-copy is not slower at {size} × {threads}"
            );
            cells += 1;
        }
    }
    assert_quoted(
        &readme,
        &format!("slower than one-copy in all {cells} cells"),
    );
    assert_quoted(
        &readme,
        &format!(
            "4K × 2: {} vs {} Gb/s",
            sig3(gbps("zero-copy", 4096, 2)),
            sig3(gbps("one-copy", 4096, 2))
        ),
    );
    // At 64K × 1 the two are level in the profile sweep: the README must not call
    // zero-copy slower without its conditions.
    let profile = Csv::load("recordings/profile-sweep.csv");
    let (zc, oc) = (
        profile.num("zero-copy", 65536, 1, "throughput_gbps"),
        profile.num("one-copy", 65536, 1, "throughput_gbps"),
    );
    assert!((zc / oc - 1.0).abs() < 0.05, "{zc} vs {oc}");
    assert_quoted(&readme, &format!("({} vs {} Gb/s)", sig3(zc), sig3(oc)));
    assert!(!readme.contains("it is why zero-copy is *slower* here."));
}

#[test]
fn evidence_figures_are_those_of_the_shipped_csv() {
    let readme = flat(&documentation());
    let course = Csv::load("recordings/course-sweep.csv");
    // Made without --syscalls: the columns are empty, and the README says so instead
    // of quoting figures from them.
    for col in ["tx_syscalls_per_msg", "rx_syscalls_per_msg"] {
        let c = course.col(col);
        assert!(
            course.rows.iter().all(|r| r[c].is_empty()),
            "{col} has values"
        );
    }
    assert_quoted(
        &readme,
        "`recordings/course-sweep.csv` was made without it: its `tx_syscalls_per_msg` and `rx_syscalls_per_msg` columns are empty",
    );
    assert!(!readme.contains("two-copy makes 8.0 sender system calls"));
    let copies = |s, m| sig3(course.num(s, m, 1, "rx_copies_per_msg"));
    assert_quoted(
        &readme,
        &format!(
            "at 1 thread two-copy {} at 64 B and {} at 4K",
            copies("two-copy", 64),
            copies("two-copy", 4096)
        ),
    );
    assert_quoted(
        &readme,
        &format!("one-copy {} at 64 B", copies("one-copy", 64)),
    );
    // The roofline of the shipped files, the slow case.
    let profile = Csv::load("recordings/profile-sweep.csv");
    assert_quoted(
        &readme,
        &format!(
            "({} in `course-sweep.csv`, {} in `profile-sweep.csv`)",
            course.cell("one-copy", 64, 1, "memcpy_ns_per_byte"),
            profile.cell("one-copy", 64, 1, "memcpy_ns_per_byte")
        ),
    );
    let recordings = flat(&read("recordings/README.md"));
    assert_quoted(
        &recordings,
        &format!(
            "({} in `course-sweep.csv`)",
            course.cell("two-copy", 64, 1, "throughput_gbps")
        ),
    );
}

/// The tracepoint's cost is the same figure in the README and in `--help`.
#[test]
fn the_syscall_tracepoints_cost_agrees_with_help() {
    let readme = flat(&documentation());
    let help = std::process::Command::new(common::BIN)
        .args(["run", "--help"])
        .output()
        .unwrap();
    let help = flat(&String::from_utf8_lossy(&help.stdout));
    assert!(help.contains("~12 % throughput at two-copy 64 B"), "{help}");
    assert_quoted(&readme, "~12 % throughput for two-copy at 64 B");
    assert!(!readme.contains("a few % for two-copy"));
}

/// Where root has no sudo, the README says how to run it.
#[test]
fn the_readme_says_how_to_run_as_root_without_sudo() {
    let readme = flat(&read("README.md"));
    assert!(readme.contains("sudo \"$(command -v netio-tui)\""));
    assert_quoted(&readme, "Already root");
    assert_quoted(&readme, "`cargo install --path . && netio-tui`");
}
