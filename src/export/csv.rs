//! The CSV contract of SPEC.md: one row per configuration, written atomically.

use crate::engine::config::{Config, Strategy};
use crate::engine::sample::ConfigResult;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One CSV row. Field order is the column order of the contract; `None` is an empty cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CsvRow {
    pub strategy: Strategy,
    pub msg_size: usize,
    pub threads: usize,
    pub duration_s: f64,
    pub bytes: u64,
    pub messages: u64,
    pub throughput_gbps: f64,
    pub latency_us: Option<f64>,
    pub cycles: Option<u64>,
    pub tx_cycles: Option<u64>,
    pub rx_cycles: Option<u64>,
    pub instructions: Option<u64>,
    pub cycles_per_byte: Option<f64>,
    pub l1d_misses: Option<u64>,
    pub llc_misses: Option<u64>,
    pub cache_misses: Option<u64>,
    pub context_switches: Option<u64>,
    pub zc_completions: Option<u64>,
    pub zc_copied_pct: Option<f64>,
    pub enobufs: Option<u64>,
    // Appended after the contract's columns: CPU time (task-clock) of the worker threads.
    #[serde(default)]
    pub cpu_ns: Option<u64>,
    #[serde(default)]
    pub cpu_ns_per_byte: Option<f64>,
}

/// The contract's columns, in order.
pub const COLUMNS: [&str; 20] = [
    "strategy",
    "msg_size",
    "threads",
    "duration_s",
    "bytes",
    "messages",
    "throughput_gbps",
    "latency_us",
    "cycles",
    "tx_cycles",
    "rx_cycles",
    "instructions",
    "cycles_per_byte",
    "l1d_misses",
    "llc_misses",
    "cache_misses",
    "context_switches",
    "zc_completions",
    "zc_copied_pct",
    "enobufs",
];

/// Columns appended after the contract's, in order.
pub const EXTRA_COLUMNS: [&str; 2] = ["cpu_ns", "cpu_ns_per_byte"];

fn round(v: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (v * p).round() / p
}

impl CsvRow {
    pub fn from_result(r: &ConfigResult) -> CsvRow {
        let t = &r.total;
        let c = t.counts();
        let zc = t.zc.filter(|_| r.config.strategy.uses_zerocopy());
        CsvRow {
            strategy: r.config.strategy,
            msg_size: r.config.msg_size,
            threads: r.config.threads,
            duration_s: round(t.seconds, 4),
            bytes: t.bytes,
            messages: t.messages,
            throughput_gbps: round(t.gbps(), 4),
            latency_us: t.latency_us(r.config.threads).map(|v| round(v, 4)),
            cycles: c.cycles,
            tx_cycles: t.tx.cycles,
            rx_cycles: t.rx.cycles,
            instructions: c.instructions,
            cycles_per_byte: t.cycles_per_byte().map(|v| round(v, 4)),
            l1d_misses: c.l1d_misses,
            llc_misses: c.llc_misses,
            cache_misses: c.cache_misses,
            context_switches: c.context_switches,
            zc_completions: zc.map(|z| z.completions),
            zc_copied_pct: zc.and_then(|z| z.copied_pct()).map(|v| round(v, 2)),
            enobufs: zc.map(|z| z.enobufs),
            cpu_ns: c.cpu_ns,
            cpu_ns_per_byte: t.cpu_ns_per_byte().map(|v| round(v, 4)),
        }
    }

    pub fn config(&self) -> Config {
        Config::new(self.strategy, self.msg_size, self.threads)
    }
}

/// Serialises rows (header always present, even with no rows).
pub fn to_csv_bytes(rows: &[CsvRow]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(COLUMNS.iter().chain(EXTRA_COLUMNS.iter()))?;
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

/// Reads a CSV written by `sweep` or the explorer; extra appended columns are ignored.
pub fn read_csv(path: &Path) -> anyhow::Result<Vec<CsvRow>> {
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let headers = r.headers()?.clone();
    for col in ["strategy", "msg_size", "threads", "throughput_gbps"] {
        if !headers.iter().any(|h| h == col) {
            anyhow::bail!(
                "{} is not a netio-tui CSV: column '{col}' is missing (expected: {})",
                path.display(),
                COLUMNS.join(",")
            );
        }
    }
    let mut rows = Vec::new();
    for (i, rec) in r.deserialize::<CsvRow>().enumerate() {
        rows.push(rec.map_err(|e| anyhow::anyhow!("{} line {}: {e}", path.display(), i + 2))?);
    }
    Ok(rows)
}

/// Writes `bytes` to `path` via a temporary file in the same directory and a rename,
/// so a reader never sees a half-written file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = parent_dir(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".netio-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| anyhow::anyhow!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(bytes)?;
    // Temporary files are created 0600; a result file is for everyone to read, also
    // when it was written under sudo.
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

pub fn write_rows(path: &Path, rows: &[CsvRow]) -> anyhow::Result<()> {
    write_atomically(path, &to_csv_bytes(rows)?)
}

/// Checks, before any measuring, that `path` can be written (its directory exists and
/// accepts files, and the path is not a directory).
pub fn check_writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!(
            "output path {} is a directory; give a file name such as results.csv",
            path.display()
        ));
    }
    let dir = parent_dir(path);
    tempfile::Builder::new()
        .prefix(".netio-probe-")
        .tempfile_in(&dir)
        .map(drop)
        .map_err(|e| {
            format!(
                "output path {} cannot be written ({e}); choose a writable directory",
                path.display()
            )
        })
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sample::{Counts, Measured, ZcStats};

    fn result(strategy: Strategy, zc: Option<ZcStats>, llc: Option<u64>) -> ConfigResult {
        let side = Counts {
            cycles: Some(1000),
            instructions: Some(2000),
            l1d_misses: Some(10),
            llc_misses: llc,
            cache_misses: Some(5),
            context_switches: Some(1),
            cpu_ns: None,
            scaled: false,
        };
        ConfigResult {
            config: Config::new(strategy, 4096, 2),
            total: Measured {
                seconds: 1.0,
                bytes: 4096 * 100,
                messages: 100,
                tx: side,
                rx: side,
                zc,
            },
            bytes_sent: 0,
            bytes_received: 0,
            verify_error: None,
            verified: false,
        }
    }

    #[test]
    fn header_and_empty_cells_follow_the_contract() {
        let rows = vec![
            CsvRow::from_result(&result(Strategy::OneCopy, None, None)),
            CsvRow::from_result(&result(
                Strategy::ZeroCopy,
                Some(ZcStats {
                    sends: 100,
                    completions: 100,
                    copied: 100,
                    enobufs: 2,
                }),
                Some(7),
            )),
        ];
        let text = String::from_utf8(to_csv_bytes(&rows).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with(&(COLUMNS.join(",") + ",")),
            "contract columns first"
        );
        assert!(lines[0].ends_with(",cpu_ns,cpu_ns_per_byte"));
        assert_eq!(
            lines[1],
            "one-copy,4096,2,1.0,409600,100,0.0033,20000.0,2000,1000,1000,4000,0.0049,20,,10,2,,,,,"
        );
        assert!(lines[2].starts_with("zero-copy,4096,2,"));
        assert!(lines[2].ends_with(",14,10,2,100,100.0,2,,"), "{}", lines[2]);
    }

    #[test]
    fn written_file_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let rows = vec![CsvRow::from_result(&result(
            Strategy::TwoCopy,
            None,
            Some(3),
        ))];
        write_rows(&path, &rows).unwrap();
        assert_eq!(read_csv(&path).unwrap(), rows);
        // No temporary file is left beside it, and others may read it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }

    #[test]
    fn unwritable_paths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_writable(&dir.path().join("ok.csv")).is_ok());
        assert!(check_writable(dir.path()).is_err());
        assert!(check_writable(&dir.path().join("missing/sub/out.csv")).is_err());
    }
}
