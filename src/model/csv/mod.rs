//! The CSV contract of docs/csv.md: one row per configuration, written atomically.

use crate::engine::axis::AXES as TRAILING_AXES;
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::interval::median_coverage;
use crate::engine::metric::{Figures, Interval, Registry, HEADLINE};
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
/// `--peer`: the far host that ran the other half, and its kernel (empty: one host).
pub const PEER_COLUMN: &str = "peer";
pub const PEER_KERNEL_COLUMN: &str = "peer_kernel";
/// Last column: non-empty when the configuration failed (its figures are empty).
pub const ERROR_COLUMN: &str = "error";
/// How many trials (windows) a row's figures are the median of; 1 in older files.
pub const TRIALS_COLUMN: &str = "trials";
/// `--trials-out` only: which trial of its configuration a row is (1, 2, …).
pub const TRIAL_COLUMN: &str = "trial";

/// The figures that carry an interval, as (registry index, `<name>_lo`, `<name>_hi`),
/// in [`HEADLINE`] order; those `reg` lacks are left out.
fn interval_columns(reg: &Registry) -> Vec<(usize, String, String)> {
    HEADLINE
        .iter()
        .filter_map(|h| {
            let i = reg.iter().position(|m| m.name == h.name())?;
            Some((i, format!("{}_lo", h.name()), format!("{}_hi", h.name())))
        })
        .collect()
}

/// Every column of a CSV written with `reg`, in order: the configuration's leading
/// columns, the figures, the other axes, the trial count and intervals, the kernel,
/// the error.
pub fn header(reg: &Registry) -> Vec<String> {
    header_of(reg, false)
}

/// The header of a `--trials-out` file: [`header`] with the `trial` column before
/// the kernel.
pub fn trials_header(reg: &Registry) -> Vec<String> {
    header_of(reg, true)
}

fn header_of(reg: &Registry, numbered: bool) -> Vec<String> {
    let mut h: Vec<String> = CONFIG_COLUMNS
        .iter()
        .copied()
        .chain(reg.iter().map(|m| m.name))
        .chain(TRAILING_AXES.iter().map(|a| a.name))
        .chain([TRIALS_COLUMN])
        .map(String::from)
        .collect();
    for (_, lo, hi) in interval_columns(reg) {
        h.extend([lo, hi]);
    }
    h.extend([PEER_COLUMN.into(), PEER_KERNEL_COLUMN.into()]);
    if numbered {
        h.push(TRIAL_COLUMN.into());
    }
    h.extend([KERNEL_COLUMN.into(), ERROR_COLUMN.into()]);
    h
}

fn record(reg: &Registry, f: &Figures, trial: Option<usize>) -> Vec<String> {
    let c = f.config;
    let ends = interval_columns(reg).into_iter().flat_map(|(i, _, _)| {
        let m = &reg[i];
        let text = |v: Option<f64>| v.map(|v| m.csv_text(v)).unwrap_or_default();
        let iv = f.intervals.get(i).copied().flatten();
        [text(iv.map(|iv| iv.lo)), text(iv.map(|iv| iv.hi))]
    });
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
    .chain([f.trials.to_string()])
    .chain(ends)
    .chain([
        f.peer.as_ref().map(|p| p.host.clone()).unwrap_or_default(),
        f.peer
            .as_ref()
            .map(|p| p.kernel.clone())
            .unwrap_or_default(),
    ])
    .chain(trial.map(|t| t.to_string()))
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
        w.write_record(record(reg, f, None))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

/// Serialises single trials, each with its number among its configuration's trials
/// (a `--trials-out` file).
pub fn trials_csv_bytes(reg: &Registry, trials: &[(usize, Figures)]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(trials_header(reg))?;
    for (n, f) in trials {
        w.write_record(record(reg, f, Some(*n)))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

/// Writes a `--trials-out` file atomically.
pub fn write_trials(
    reg: &Registry,
    path: &Path,
    trials: &[(usize, Figures)],
) -> anyhow::Result<()> {
    super::files::write_atomically(path, &trials_csv_bytes(reg, trials)?)
        .map_err(anyhow::Error::msg)
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
    if let Some(p) = &f.peer {
        o.insert(PEER_COLUMN.into(), p.host.clone().into());
        o.insert(PEER_KERNEL_COLUMN.into(), p.kernel.clone().into());
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
            o.insert(TRIALS_COLUMN.into(), f.trials.into());
            for (i, lo, hi) in interval_columns(reg) {
                let iv = f.intervals.get(i).copied().flatten();
                let value =
                    |v: Option<f64>| v.map_or(serde_json::Value::Null, |v| reg[i].json_value(v));
                o.insert(lo, value(iv.map(|iv| iv.lo)));
                o.insert(hi, value(iv.map(|iv| iv.hi)));
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
    let interval_pos: Vec<(usize, Option<usize>, Option<usize>)> = interval_columns(reg)
        .into_iter()
        .map(|(i, lo, hi)| (i, pos(&lo), pos(&hi)))
        .collect();
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
        crate::model::ranges::check_config(&config).map_err(|e| {
            let col = if e.starts_with("threads") {
                "threads"
            } else {
                "msg_size"
            };
            bad(col, e)
        })?;
        for a in &TRAILING_AXES {
            let text = cell(pos(a.name));
            if !text.is_empty() {
                (a.set)(&mut config, text).map_err(|e| bad(a.name, e))?;
            } else {
                a.set_before_axis(&mut config);
            }
        }
        let number = |col: &str, p: Option<usize>| -> anyhow::Result<Option<f64>> {
            let text = cell(p);
            if text.is_empty() {
                return Ok(None);
            }
            let v: f64 = text
                .parse()
                .map_err(|_| bad(col, format!("'{text}' is not a number")))?;
            if !v.is_finite() {
                return Err(bad(col, format!("'{text}' is not a finite number")));
            }
            crate::model::ranges::check_figure(col, v).map_err(|e| bad(col, e))?;
            Ok(Some(v))
        };
        let mut values = Vec::with_capacity(reg.len());
        for (m, p) in reg.iter().zip(&metric_pos) {
            values.push(number(m.name, *p)?);
        }
        let trials = match cell(pos(TRIALS_COLUMN)) {
            // Files made before trials: one window each.
            "" => 1,
            t => t.parse().ok().filter(|&n: &usize| n >= 1).ok_or_else(|| {
                bad(
                    TRIALS_COLUMN,
                    format!("'{t}' is not a trial count (1 or more)"),
                )
            })?,
        };
        let mut intervals = vec![None; reg.len()];
        for &(i, lo_pos, hi_pos) in &interval_pos {
            let name = reg[i].name;
            let lo = number(&format!("{name}_lo"), lo_pos)?;
            let hi = number(&format!("{name}_hi"), hi_pos)?;
            if let (Some(lo), Some(hi), Some(coverage)) = (lo, hi, median_coverage(trials)) {
                if lo > hi {
                    return Err(bad(
                        &format!("{name}_lo"),
                        format!("the interval's low end {lo} is above its high end {hi}"),
                    ));
                }
                intervals[i] = Some(Interval { lo, hi, coverage });
            }
        }
        let error = Some(cell(error_pos).to_string()).filter(|e| !e.is_empty());
        let kernel = Some(cell(pos(KERNEL_COLUMN)).to_string()).filter(|k| !k.is_empty());
        // Files made before --peer have no such columns: one host.
        let peer = Some(cell(pos(PEER_COLUMN)).to_string())
            .filter(|h| !h.is_empty())
            .map(|host| crate::engine::metric::Peer {
                host,
                kernel: cell(pos(PEER_KERNEL_COLUMN)).to_string(),
            });
        rows.push(Figures {
            config,
            values,
            trials,
            intervals,
            kernel,
            peer,
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
mod tests;
