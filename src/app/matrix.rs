//! The result matrix: one cell per configuration measured (strategy × size × threads),
//! with the steady-state figures of its measured windows (warm-up excluded).

use super::LiveCell;
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::{Better, Format, MetricDef, Registry};
use crate::engine::sample::{ConfigResult, MachineInfo};
use crate::model::rows::{RowRule, Rows, WindowEnd};
use crate::view::{shown, Basis, Scale, View, Views};

#[derive(Clone, Debug, Default)]
pub struct Matrix {
    cells: Rows,
}

/// One row as shown: a finished cell, or the configuration being measured now
/// (its earlier windows plus the samples so far).
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixRow {
    pub result: ConfigResult,
    pub live: bool,
}

impl Matrix {
    /// Adds a finished window if [the row rule](crate::model::rows) admits it, and says
    /// whether it did.
    pub fn insert(&mut self, rule: &RowRule, r: ConfigResult, end: WindowEnd) -> bool {
        self.cells.insert(rule, r, end)
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
        self.cells.results()
    }

    /// All rows in matrix order (strategy, size, threads), the live cell merged in
    /// once it has been measured for `min_seconds` (before that it could still turn
    /// out to be a configuration passed through, and must not win "best").
    pub fn rows_with_live(&self, live: Option<&LiveCell>, min_seconds: f64) -> Vec<MatrixRow> {
        let mut rows: Vec<MatrixRow> = self
            .cells
            .results()
            .map(|r| MatrixRow {
                result: r.clone(),
                live: false,
            })
            .collect();
        let rule = RowRule {
            min_window: min_seconds,
        };
        let steady = |l: &&LiveCell| rule.admits_live(l.total.seconds, l.samples);
        if let Some(l) = live.filter(steady) {
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
    /// The cell's value for a row (per KiB, per second… as the view says). A column
    /// that shows the figure unscaled shows it as the CSV writes it, so the two agree.
    pub fn value(&self, r: &ConfigResult) -> Option<f64> {
        let v = self.metric.of(&r.config, &r.total)?;
        let v = self.view.scale.apply(v, &Basis::of(&r.total))?;
        Some(match self.written_decimals() {
            Some(_) => self.metric.as_written(v),
            None => v,
        })
    }

    /// The CSV's decimals when the column shows the figure unscaled (a cell never
    /// shows more than the file holds).
    pub fn written_decimals(&self) -> Option<u8> {
        match (self.view.scale, self.metric.format) {
            (Scale::Raw, Format::Fixed(d)) => Some(d),
            _ => None,
        }
    }

    /// Whether the metric means anything for this configuration (else a dash).
    pub fn applies(&self, r: &ConfigResult) -> bool {
        self.metric.applies(&r.config)
    }
}

/// The matrix columns of `reg` this machine measures, in priority order: the first
/// ones are kept on narrow terminals. A metric that stands in for another is shown
/// only where that one is not measured.
pub fn columns(reg: &'static Registry, views: &Views, machine: &MachineInfo) -> Vec<Column> {
    let mut cols: Vec<(u8, Column)> = reg
        .iter()
        .filter(|m| shown(reg, views, m, machine))
        .filter_map(|m| {
            crate::view::of(views, m)
                .matrix
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

/// Which rows the matrix shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Filter {
    #[default]
    All,
    Threads(usize),
    Strategy(Strategy),
}

impl Filter {
    pub fn keeps(&self, c: &Config) -> bool {
        match *self {
            Filter::All => true,
            Filter::Threads(t) => c.threads == t,
            Filter::Strategy(s) => c.strategy == s,
        }
    }

    /// "1 thread", "zero-copy"; `None` for all rows.
    pub fn describe(&self) -> Option<String> {
        match *self {
            Filter::All => None,
            Filter::Threads(t) => Some(format!("{t} thread{}", if t == 1 { "" } else { "s" })),
            Filter::Strategy(s) => Some(s.name().to_string()),
        }
    }

    /// The next filter among those that keep some row: all → each thread count
    /// measured → each strategy measured → all.
    pub fn next(&self, configs: &[Config]) -> Filter {
        let mut threads: Vec<usize> = configs.iter().map(|c| c.threads).collect();
        threads.sort_unstable();
        threads.dedup();
        let mut strategies: Vec<Strategy> = configs.iter().map(|c| c.strategy).collect();
        strategies.sort();
        strategies.dedup();
        let all: Vec<Filter> = std::iter::once(Filter::All)
            .chain(threads.into_iter().map(Filter::Threads))
            .chain(strategies.into_iter().map(Filter::Strategy))
            .collect();
        match all.iter().position(|f| f == self) {
            Some(i) => all[(i + 1) % all.len()],
            None => Filter::All,
        }
    }
}

/// How the matrix is shown: which rows, in what order, from which row on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatrixView {
    pub filter: Filter,
    /// Sorted by this matrix column (an index into [`columns`]), best first;
    /// `None`: strategy, size, threads.
    pub sort: Option<usize>,
    /// First row shown, as the user scrolled; `None` keeps the current row in view.
    pub scroll: Option<usize>,
}

impl MatrixView {
    /// `rows` filtered and sorted as this view says.
    pub fn apply(&self, cols: &[Column], mut rows: Vec<MatrixRow>) -> Vec<MatrixRow> {
        rows.retain(|r| self.filter.keeps(&r.result.config));
        if let Some(col) = self.sort.and_then(|i| cols.get(i)) {
            // Best first; rows without a value last; ties in matrix order (stable sort).
            let key = |r: &MatrixRow| {
                col.value(&r.result).map(|v| match col.metric.better {
                    Better::Lower => v,
                    Better::Higher | Better::Neither => -v,
                })
            };
            rows.sort_by(|a, b| match (key(a), key(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        rows
    }

    /// The first row to show of `len` rows in `visible` lines: where the user
    /// scrolled to, or so that row `current` sits in the middle.
    pub fn start(&self, len: usize, visible: usize, current: Option<usize>) -> usize {
        let last_start = len.saturating_sub(visible);
        match (self.scroll, current) {
            (Some(s), _) => s.min(last_start),
            (None, Some(i)) => (i + 1).saturating_sub(visible / 2 + 1).min(last_start),
            (None, None) => 0,
        }
    }
}
