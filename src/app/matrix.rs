//! The result matrix: one cell per configuration measured (strategy × size × threads),
//! with the steady-state figures of its measured windows (warm-up excluded).

use super::{add_measured, merge_results, LiveCell};
use crate::engine::config::Config;
use crate::engine::sample::ConfigResult;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Matrix {
    cells: BTreeMap<Config, ConfigResult>,
}

/// One row as shown: a finished cell, or the configuration being measured now
/// (its earlier windows plus the samples so far).
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixRow {
    pub result: ConfigResult,
    pub live: bool,
}

impl Matrix {
    /// Adds a finished configuration. Measuring a configuration again adds its new
    /// window to the cell (figures over all its windows); a window with nothing in it
    /// (switched away during warm-up) is ignored.
    pub fn insert(&mut self, r: ConfigResult) {
        if r.total.seconds <= 0.0 || (r.total.bytes == 0 && r.total.seconds < 1.0) {
            return;
        }
        let merged = match self.cells.get(&r.config) {
            Some(old) => merge_results(old, &r),
            None => r,
        };
        self.cells.insert(merged.config, merged);
    }

    pub fn clear(&mut self) {
        self.cells.clear();
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn get(&self, c: &Config) -> Option<&ConfigResult> {
        self.cells.get(c)
    }

    pub fn results(&self) -> impl Iterator<Item = &ConfigResult> {
        self.cells.values()
    }

    /// All rows in matrix order (strategy, size, threads), the live cell merged in.
    pub fn rows_with_live(&self, live: Option<&LiveCell>) -> Vec<MatrixRow> {
        let mut rows: Vec<MatrixRow> = self
            .cells
            .values()
            .map(|r| MatrixRow {
                result: r.clone(),
                live: false,
            })
            .collect();
        if let Some(l) = live.filter(|l| l.samples > 0 && l.total.seconds > 0.0) {
            match rows.iter_mut().find(|r| r.result.config == l.config) {
                Some(row) => {
                    row.result.total = add_measured(&row.result.total, &l.total);
                    row.live = true;
                }
                None => {
                    let pos = rows
                        .iter()
                        .position(|r| r.result.config > l.config)
                        .unwrap_or(rows.len());
                    rows.insert(
                        pos,
                        MatrixRow {
                            result: ConfigResult {
                                config: l.config,
                                total: l.total,
                                bytes_sent: 0,
                                bytes_received: 0,
                                verify_error: None,
                                verified: false,
                            },
                            live: true,
                        },
                    );
                }
            }
        }
        rows
    }
}

/// Which way a column improves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// Not a quality (e.g. a share): never highlighted.
    Neither,
}

/// A figure column of the matrix.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub title: &'static str,
    pub width: usize,
    pub better: Better,
    pub value: fn(&ConfigResult) -> Option<f64>,
    /// Digits after the point.
    pub precision: usize,
    /// Meaningful for zero-copy rows only (others show a dash, like the empty CSV cell).
    pub zerocopy_only: bool,
    /// Read from hardware counters (pointless where perf offers none).
    pub counter: bool,
}

fn per_kib(v: Option<u64>, r: &ConfigResult) -> Option<f64> {
    let v = v?;
    (r.total.bytes > 0).then(|| v as f64 * 1024.0 / r.total.bytes as f64)
}

pub const GBPS: Column = Column {
    title: "Gbps",
    width: 7,
    better: Better::Higher,
    value: |r| Some(r.total.gbps()),
    precision: 2,
    zerocopy_only: false,
    counter: false,
};
pub const LATENCY: Column = Column {
    title: "µs/msg",
    width: 8,
    better: Better::Lower,
    value: |r| r.total.latency_us(r.config.threads),
    precision: 2,
    zerocopy_only: false,
    counter: false,
};
pub const CYCLES_PER_BYTE: Column = Column {
    title: "cyc/B",
    width: 6,
    better: Better::Lower,
    value: |r| r.total.cycles_per_byte(),
    precision: 2,
    zerocopy_only: false,
    counter: true,
};
/// CPU time (task-clock) per byte: measured even without hardware counters.
pub const CPU_NS_PER_BYTE: Column = Column {
    title: "ns/B",
    width: 6,
    better: Better::Lower,
    value: |r| r.total.cpu_ns_per_byte(),
    precision: 3,
    zerocopy_only: false,
    counter: false,
};
pub const L1D_PER_KIB: Column = Column {
    title: "L1D/KB",
    width: 6,
    better: Better::Lower,
    value: |r| per_kib(r.total.counts().l1d_misses, r),
    precision: 1,
    zerocopy_only: false,
    counter: true,
};
pub const LLC_PER_KIB: Column = Column {
    title: "LLC/KB",
    width: 6,
    better: Better::Lower,
    value: |r| per_kib(r.total.counts().llc_misses, r),
    precision: 2,
    zerocopy_only: false,
    counter: true,
};
/// Shown instead of LLC/KB where the CPU has no last-level-cache miss event.
pub const CACHE_PER_KIB: Column = Column {
    title: "cm/KB",
    width: 6,
    better: Better::Lower,
    value: |r| per_kib(r.total.counts().cache_misses, r),
    precision: 2,
    zerocopy_only: false,
    counter: true,
};
pub const CTX_PER_S: Column = Column {
    title: "ctx/s",
    width: 6,
    better: Better::Lower,
    value: |r| {
        let v = r.total.counts().context_switches?;
        (r.total.seconds > 0.0).then(|| v as f64 / r.total.seconds)
    },
    precision: 0,
    zerocopy_only: false,
    counter: false,
};
pub const TX_SHARE: Column = Column {
    title: "tx%",
    width: 4,
    better: Better::Neither,
    value: |r| {
        let tx = r.total.tx.cycles? as f64;
        let rx = r.total.rx.cycles? as f64;
        (tx + rx > 0.0).then(|| tx * 100.0 / (tx + rx))
    },
    precision: 0,
    zerocopy_only: false,
    counter: true,
};
pub const COPIED: Column = Column {
    title: "cpy%",
    width: 5,
    better: Better::Neither,
    value: |r| {
        r.total
            .zc
            .filter(|_| r.config.strategy.uses_zerocopy())
            .and_then(|z| z.copied_pct())
    },
    precision: 0,
    zerocopy_only: true,
    counter: false,
};
pub const IPC: Column = Column {
    title: "IPC",
    width: 5,
    better: Better::Neither,
    value: |r| {
        let c = r.total.counts();
        let cyc = c.cycles? as f64;
        (cyc > 0.0)
            .then(|| c.instructions.unwrap_or(0) as f64 / cyc)
            .filter(|_| c.instructions.is_some())
    },
    precision: 2,
    zerocopy_only: false,
    counter: true,
};
pub const SECONDS: Column = Column {
    title: "secs",
    width: 6,
    better: Better::Neither,
    value: |r| Some(r.total.seconds),
    precision: 1,
    zerocopy_only: false,
    counter: false,
};

/// Columns in priority order: the first ones are kept on narrow terminals.
/// Without any hardware counter, the counter columns are left out.
pub fn columns(llc_available: bool, have_counters: bool, have_cpu_time: bool) -> Vec<Column> {
    let all = vec![
        GBPS,
        LATENCY,
        CYCLES_PER_BYTE,
        CPU_NS_PER_BYTE,
        L1D_PER_KIB,
        if llc_available {
            LLC_PER_KIB
        } else {
            CACHE_PER_KIB
        },
        COPIED,
        CTX_PER_S,
        TX_SHARE,
        IPC,
        SECONDS,
    ];
    all.into_iter()
        .filter(|c| have_counters || !c.counter)
        .filter(|c| have_cpu_time || c.title != CPU_NS_PER_BYTE.title)
        .collect()
}

/// The best value of `col` among `rows`, if the column has a direction.
pub fn best(col: &Column, rows: &[MatrixRow]) -> Option<f64> {
    let vals = rows.iter().filter_map(|r| (col.value)(&r.result));
    match col.better {
        Better::Higher => vals.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v)))),
        Better::Lower => vals.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v)))),
        Better::Neither => None,
    }
}
