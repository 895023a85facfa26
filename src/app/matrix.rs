//! The result matrix: one cell per configuration measured (strategy × size × threads),
//! with the steady-state figures of its measured windows (warm-up excluded).

use super::LiveCell;
use crate::engine::config::Config;
use crate::engine::metric::{shown, Basis, Better, MetricDef, Registry, View};
use crate::engine::sample::{ConfigResult, MachineInfo};
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
            Some(old) => old.merge(&r),
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
                    row.result.total = row.result.total.then(&l.total);
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

/// A figure column of the matrix: a registry metric in its matrix view.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub metric: &'static MetricDef,
    pub view: View,
}

impl Column {
    /// The cell's value for a row (per KiB, per second… as the view says).
    pub fn value(&self, r: &ConfigResult) -> Option<f64> {
        let v = self.metric.of(&r.config, &r.total)?;
        self.view.scale.apply(v, &Basis::of(&r.total))
    }

    /// Whether the metric means anything for this configuration (else a dash).
    pub fn applies(&self, r: &ConfigResult) -> bool {
        self.metric.applies(&r.config)
    }
}

/// The matrix columns of `reg` this machine measures, in priority order: the first
/// ones are kept on narrow terminals. A metric that stands in for another is shown
/// only where that one is not measured.
pub fn columns(reg: &'static Registry, machine: &MachineInfo) -> Vec<Column> {
    let mut cols: Vec<(u8, Column)> = reg
        .iter()
        .filter(|m| shown(reg, m, machine))
        .filter_map(|m| {
            m.matrix
                .map(|(rank, view)| (rank, Column { metric: m, view }))
        })
        .collect();
    cols.sort_by_key(|(rank, _)| *rank);
    cols.into_iter().map(|(_, c)| c).collect()
}

/// The best value of `col` among `rows`, if the column has a direction.
pub fn best(col: &Column, rows: &[MatrixRow]) -> Option<f64> {
    let vals = rows.iter().filter_map(|r| col.value(&r.result));
    match col.metric.better {
        Better::Higher => vals.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v)))),
        Better::Lower => vals.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v)))),
        Better::Neither => None,
    }
}
