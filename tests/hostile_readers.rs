//! Issue 23 item 5: a value no measurement can have (a negative time, throughput or
//! byte count, zero threads or size, 1e308) is refused by every reader with exit 2 and
//! one line naming the line and the field; nothing is written for it. Fixtures in
//! tests/fixtures/hostile (README there says what was changed).

mod common;

use common::BIN;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// (file, the line, the field the message must name)
const CASES: &[(&str, &str, &str)] = &[
    ("negative-seconds.jsonl", "line 15", "seconds"),
    ("threads-0.jsonl", "line 15", "threads"),
    ("negative-throughput.csv", "line 2", "throughput_gbps"),
    ("negative-bytes.csv", "line 2", "bytes"),
    ("negative-duration.csv", "line 2", "duration_s"),
    ("size-0.csv", "line 2", "msg_size"),
    ("threads-0.csv", "line 2", "threads"),
    ("huge-throughput.csv", "line 2", "throughput_gbps"),
];

#[test]
fn every_reader_refuses_values_out_of_physical_range() {
    let dir = std::env::temp_dir().join(format!("netio-hostile-readers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for &(file, line, field) in CASES {
        let f = fixture(file);
        let mut runs: Vec<Vec<String>> = vec![vec![
            "report".into(),
            f.display().to_string(),
            "--out".into(),
            dir.join("rep.md").display().to_string(),
        ]];
        if file.ends_with(".jsonl") {
            runs.push(vec![
                "replay".into(),
                "--check".into(),
                f.display().to_string(),
            ]);
        } else {
            runs.push(vec![
                "plot".into(),
                f.display().to_string(),
                "--out".into(),
                dir.join("plots").display().to_string(),
            ]);
        }
        for args in runs {
            let o = Command::new(BIN).args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(err.contains(line) && err.contains(field), "{args:?}: {err}");
        }
        // Nothing written for a refused file (no rows.csv without its report).
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "{file}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
