//! The CSV contract of docs/csv.md: one row per configuration, written atomically.

use crate::engine::axis::AXES as TRAILING_AXES;
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::{Figures, Registry};
use std::path::{Path, PathBuf};

/// The contract's 20 leading columns, in order (docs/csv.md). The registry must list
/// the figure columns among them first and in this order (a unit test checks).
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

/// The configuration's own columns, before the figures.
const CONFIG_COLUMNS: [&str; 3] = ["strategy", "msg_size", "threads"];
/// The kernel the row was measured on.
pub const KERNEL_COLUMN: &str = "kernel";
/// Last column: non-empty when the configuration failed (its figures are empty).
pub const ERROR_COLUMN: &str = "error";

/// Every column of a CSV written with `reg`, in order: the configuration's leading
/// columns, the figures, the other axes, the kernel, the error.
pub fn header(reg: &Registry) -> Vec<&'static str> {
    CONFIG_COLUMNS
        .iter()
        .copied()
        .chain(reg.iter().map(|m| m.name))
        .chain(TRAILING_AXES.iter().map(|a| a.name))
        .chain([KERNEL_COLUMN, ERROR_COLUMN])
        .collect()
}

fn record(reg: &Registry, f: &Figures) -> Vec<String> {
    let c = f.config;
    [
        c.strategy.name().to_string(),
        c.msg_size.to_string(),
        c.threads.to_string(),
    ]
    .into_iter()
    .chain(
        reg.iter()
            .zip(&f.values)
            .map(|(m, v)| v.map(|v| m.csv_text(v)).unwrap_or_default()),
    )
    .chain(TRAILING_AXES.iter().map(|a| (a.get)(&c)))
    .chain([
        f.kernel.clone().unwrap_or_default(),
        f.error.clone().unwrap_or_default(),
    ])
    .collect()
}

/// Serialises rows (header always present, even with no rows).
pub fn to_csv_bytes(reg: &Registry, rows: &[Figures]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(header(reg))?;
    for f in rows {
        w.write_record(record(reg, f))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

/// One configuration as a JSON object whose keys are the CSV column names: the
/// figures (null where not measured), or, for a failed one, only `error`.
pub fn to_json(reg: &Registry, f: &Figures) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    o.insert("strategy".into(), f.config.strategy.name().into());
    o.insert("msg_size".into(), f.config.msg_size.into());
    o.insert("threads".into(), f.config.threads.into());
    for a in &TRAILING_AXES {
        o.insert(a.name.into(), (a.get)(&f.config).into());
    }
    if let Some(k) = &f.kernel {
        o.insert(KERNEL_COLUMN.into(), k.clone().into());
    }
    match &f.error {
        Some(e) => {
            o.insert(ERROR_COLUMN.into(), e.clone().into());
        }
        None => {
            for (m, v) in reg.iter().zip(&f.values) {
                o.insert(
                    m.name.into(),
                    v.map_or(serde_json::Value::Null, |v| m.json_value(v)),
                );
            }
        }
    }
    serde_json::Value::Object(o)
}

/// Reads a CSV written by `sweep` or the explorer. Columns are found by name: a
/// figure column the file lacks reads as not measured; unknown columns are ignored.
pub fn read_csv(reg: &Registry, path: &Path) -> anyhow::Result<Vec<Figures>> {
    let bytes = super::files::read_bounded(path, super::files::MAX_CSV_BYTES, "CSV")
        .map_err(anyhow::Error::msg)?;
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let headers = r.headers()?.clone();
    let pos = |col: &str| headers.iter().position(|h| h == col);
    for col in ["strategy", "msg_size", "threads", "throughput_gbps"] {
        if pos(col).is_none() {
            anyhow::bail!(
                "{} is not a netio-tui CSV: column '{col}' is missing (expected: {})",
                path.display(),
                COLUMNS.join(",")
            );
        }
    }
    let metric_pos: Vec<Option<usize>> = reg.iter().map(|m| pos(m.name)).collect();
    let error_pos = pos(ERROR_COLUMN);
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| anyhow::anyhow!("{} line {line}: {e}", path.display()))?;
        let cell = |p: Option<usize>| p.and_then(|p| rec.get(p)).unwrap_or("").trim();
        let bad = |col: &str, why: String| {
            anyhow::anyhow!("{} line {line}, column {col}: {why}", path.display())
        };
        let strategy: Strategy = cell(pos("strategy"))
            .parse()
            .map_err(|e| bad("strategy", e))?;
        let whole = |col: &str| -> anyhow::Result<usize> {
            cell(pos(col))
                .parse()
                .map_err(|_| bad(col, format!("'{}' is not a whole number", cell(pos(col)))))
        };
        let mut config = Config::new(strategy, whole("msg_size")?, whole("threads")?);
        for a in &TRAILING_AXES {
            let text = cell(pos(a.name));
            if !text.is_empty() {
                (a.set)(&mut config, text).map_err(|e| bad(a.name, e))?;
            } else {
                a.set_before_axis(&mut config);
            }
        }
        let mut values = Vec::with_capacity(reg.len());
        for (m, p) in reg.iter().zip(&metric_pos) {
            let text = cell(*p);
            values.push(if text.is_empty() {
                None
            } else {
                let v: f64 = text
                    .parse()
                    .map_err(|_| bad(m.name, format!("'{text}' is not a number")))?;
                if !v.is_finite() {
                    return Err(bad(m.name, format!("'{text}' is not a finite number")));
                }
                Some(v)
            });
        }
        let error = Some(cell(error_pos).to_string()).filter(|e| !e.is_empty());
        let kernel = Some(cell(pos(KERNEL_COLUMN)).to_string()).filter(|k| !k.is_empty());
        rows.push(Figures {
            config,
            values,
            trials: 1,
            intervals: vec![None; reg.len()],
            kernel,
            error,
        });
    }
    Ok(rows)
}

pub fn write_rows(reg: &Registry, path: &Path, rows: &[Figures]) -> anyhow::Result<()> {
    super::files::write_atomically(path, &to_csv_bytes(reg, rows)?).map_err(anyhow::Error::msg)
}

/// Writes `rows` to `dir/netio-<stamp>.csv` (never overwriting an earlier export).
pub fn export(
    reg: &Registry,
    rows: &[Figures],
    dir: &std::path::Path,
    stamp: &str,
) -> Result<PathBuf, String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    let mut path = dir.join(format!("netio-{stamp}.csv"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("netio-{stamp}-{n}.csv"));
        n += 1;
    }
    write_rows(reg, &path, rows).map_err(|e| format!("{e:#}"))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::metric::METRICS;
    use crate::engine::sample::{ConfigResult, Counts, Measured, ZcStats};

    #[test]
    fn the_registry_lists_the_contracts_figure_columns_first_in_order() {
        let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
        assert_eq!(
            &names[..17],
            &COLUMNS[3..],
            "the contract's columns, in order"
        );
    }

    fn result(strategy: Strategy, zc: Option<ZcStats>, llc: Option<u64>) -> ConfigResult {
        let side = Counts {
            cycles: Some(1000),
            instructions: Some(2000),
            l1d_misses: Some(10),
            llc_misses: llc,
            cache_misses: Some(5),
            context_switches: Some(1),
            cpu_ns: None,
            ..Default::default()
        };
        ConfigResult {
            config: Config::new(strategy, 4096, 2),
            total: Measured {
                memcpy_ns_per_byte: None,
                seconds: 1.0,
                bytes: 4096 * 100,
                messages: 100,
                tx: side,
                rx: side,
                both: None,
                zc,
                rx_zc: None,
                profile: None,
            },
            bytes_sent: 0,
            bytes_received: 0,
            verified: false,
        }
    }

    #[test]
    fn header_and_empty_cells_follow_the_contract() {
        let rows = vec![
            Figures::of(METRICS, &result(Strategy::OneCopy, None, None)),
            Figures::of(
                METRICS,
                &result(
                    Strategy::ZeroCopy,
                    Some(ZcStats {
                        sends: 100,
                        completions: 100,
                        copied: 100,
                        enobufs: 2,
                    }),
                    Some(7),
                ),
            ),
            Figures::failed(
                METRICS,
                Config::new(Strategy::TwoCopy, 64, 1),
                "receiver 0 failed: Connection reset by peer (os error 104)".into(),
            ),
        ];
        let text = String::from_utf8(to_csv_bytes(METRICS, &rows).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with(&(COLUMNS.join(",") + ",cpu_ns,cpu_ns_per_byte,")),
            "contract columns first: {}",
            lines[0]
        );
        assert!(lines[0].ends_with(",error"));
        assert!(
            lines[1].starts_with(
                "one-copy,4096,2,1.0,409600,100,0.0033,20000.0,2000,1000,1000,4000,0.0049,20,,10,2,,,,"
            ),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with("zero-copy,4096,2,"));
        assert!(lines[2].contains(",14,10,2,100,100.0,2,"), "{}", lines[2]);
        // A failed configuration: figures empty, the cause in `error`.
        let failed: Vec<&str> = lines[3].split(',').collect();
        assert_eq!(&failed[..3], ["two-copy", "64", "1"]);
        let figures = &failed[3..3 + METRICS.len()];
        assert!(figures.iter().all(|c| c.is_empty()), "{}", lines[3]);
        // The axes and the kernel still say what was attempted.
        assert_eq!(
            &failed[3 + METRICS.len()..failed.len() - 2],
            ["off", "message", "off", "thread", "2048"]
        );
        assert!(lines[3].ends_with("(os error 104)"));
    }

    #[test]
    fn written_file_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let rows = vec![
            Figures::of(METRICS, &result(Strategy::TwoCopy, None, Some(3))),
            Figures::failed(METRICS, Config::new(Strategy::OneCopy, 64, 1), "x".into()),
        ];
        write_rows(METRICS, &path, &rows).unwrap();
        let back = read_csv(METRICS, &path).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1], rows[1]);
        for (m, (a, b)) in METRICS
            .iter()
            .zip(back[0].values.iter().zip(&rows[0].values))
        {
            match (a, b) {
                (Some(a), Some(b)) => {
                    assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{}", m.name)
                }
                _ => assert_eq!(a, b, "{}", m.name),
            }
        }
        // No temporary file is left beside it, and others may read it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }

    #[test]
    fn rows_from_before_the_buffer_axis_read_as_heap_placement() {
        use crate::engine::config::BufOffset;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.csv");
        std::fs::write(
            &path,
            "strategy,msg_size,threads,throughput_gbps\none-copy,64,1,0.5\n",
        )
        .unwrap();
        let rows = read_csv(METRICS, &path).unwrap();
        assert_eq!(rows[0].config.buf_offset, BufOffset::Heap);
        std::fs::write(
            &path,
            "strategy,msg_size,threads,throughput_gbps,buf_offset\none-copy,64,1,0.5,16\none-copy,64,1,0.5,\n",
        )
        .unwrap();
        let rows = read_csv(METRICS, &path).unwrap();
        assert_eq!(rows[0].config.buf_offset, BufOffset::Page(16));
        assert_eq!(rows[1].config.buf_offset, BufOffset::Heap);
        std::fs::write(
            &path,
            "strategy,msg_size,threads,throughput_gbps,buf_offset\none-copy,64,1,0.5,4096\n",
        )
        .unwrap();
        let e = read_csv(METRICS, &path).unwrap_err().to_string();
        assert!(e.contains("line 2, column buf_offset"), "{e}");
        assert!(e.contains("0 to 4095"), "{e}");
    }

    #[test]
    fn json_has_the_csv_names_and_no_figures_for_a_failure() {
        let ok = to_json(
            METRICS,
            &Figures::of(METRICS, &result(Strategy::OneCopy, None, None)),
        );
        assert_eq!(ok["throughput_gbps"], serde_json::json!(0.0033));
        assert_eq!(ok["cycles"], serde_json::json!(2000));
        assert!(ok["llc_misses"].is_null());
        assert!(ok.get("error").is_none());
        let failed = to_json(
            METRICS,
            &Figures::failed(
                METRICS,
                Config::new(Strategy::OneCopy, 64, 1),
                "boom".into(),
            ),
        );
        assert_eq!(failed["error"], "boom");
        assert!(failed.get("throughput_gbps").is_none());
    }
}
