//! The result matrix: one cell per configuration measured (strategy × size × threads),
//! with the steady-state figures of its measured windows (warm-up excluded).

use super::LiveCell;
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::interval::median;
use crate::engine::metric::{Better, Figures, Format, Interval, MetricDef, Registry};
use crate::engine::sample::{ConfigResult, MachineInfo};
use crate::model::rows::{RowRule, Rows, WindowEnd};
use crate::view::{shown, Basis, Scale, View, Views};

/// A row shows the interval of its figures from this many trials on (with fewer, the
/// interval of the median is little more than the spread of two numbers).
pub const INTERVAL_FROM_TRIALS: usize = 3;

#[derive(Clone, Debug, Default)]
pub struct Matrix {
    cells: Rows,
}

/// One row as shown: a configuration's trials, and among them the window being
/// measured now (its samples so far) while `live`.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixRow {
    pub config: Config,
    /// Its windows, one per trial, oldest first; the live one last.
    pub trials: Vec<ConfigResult>,
    /// The medians of the trials and their intervals: what the CSV export writes.
    pub figures: Figures,
    pub live: bool,
}

impl MatrixRow {
    fn new(reg: &Registry, trials: Vec<ConfigResult>, live: bool) -> MatrixRow {
        MatrixRow {
            config: trials[0].config,
            figures: Figures::of_trials(reg, &trials),
            trials,
            live,
        }
    }

    /// How many trials the row rests on (the live window counts).
    pub fn trial_count(&self) -> usize {
        self.trials.len()
    }
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

    /// How many configurations the matrix has.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The finished trials of one configuration, oldest first.
    pub fn trials(&self, c: &Config) -> Option<&[ConfigResult]> {
        self.cells.trials(c)
    }

    /// Every finished window (trial) of every row, in matrix order.
    pub fn results(&self) -> impl Iterator<Item = &ConfigResult> {
        self.cells.windows()
    }

    /// All rows in matrix order (strategy, size, threads), the live window added to
    /// its row as a trial once it has been measured for `min_seconds` (before that it
    /// could still turn out to be a configuration passed through, and must not win
    /// "best").
    pub fn rows_with_live(
        &self,
        reg: &Registry,
        live: Option<&LiveCell>,
        min_seconds: f64,
    ) -> Vec<MatrixRow> {
        let rule = RowRule {
            min_window: min_seconds,
        };
        let live = live
            .filter(|l| rule.admits_live(l.total.seconds, l.samples))
            .map(|l| ConfigResult {
                config: l.config,
                total: l.total.clone(),
                bytes_sent: 0,
                bytes_received: 0,
                verified: false,
            });
        let mut rows: Vec<MatrixRow> = Vec::with_capacity(self.cells.len() + 1);
        let mut live = live;
        for trials in self.cells.rows() {
            let config = trials[0].config;
            if let Some(l) = live.take_if(|l| l.config < config) {
                rows.push(MatrixRow::new(reg, vec![l], true));
            }
            let mut trials = trials.to_vec();
            let with_live = live.take_if(|l| l.config == config);
            let is_live = with_live.is_some();
            trials.extend(with_live);
            rows.push(MatrixRow::new(reg, trials, is_live));
        }
        if let Some(l) = live {
            rows.push(MatrixRow::new(reg, vec![l], true));
        }
        rows
    }
}

/// A figure column of the matrix: a registry metric in its matrix view.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub metric: &'static MetricDef,
    /// Where the metric is in its registry (and so in a row's [`Figures`]).
    pub index: usize,
    pub view: View,
}

impl Column {
    /// The cell's value for a row (per KiB, per second… as the view says): the median
    /// over its trials. A column that shows the figure unscaled shows the row's figure
    /// as the CSV writes it, so the two agree.
    pub fn value(&self, r: &MatrixRow) -> Option<f64> {
        match self.written_decimals() {
            Some(_) => {
                let v = r.figures.values.get(self.index).copied().flatten()?;
                Some(self.metric.as_written(v))
            }
            None => {
                let each: Vec<f64> = r
                    .trials
                    .iter()
                    .filter_map(|t| {
                        let v = self.metric.of(&t.config, &t.total)?;
                        self.view.scale.apply(v, &Basis::of(&t.total))
                    })
                    .collect();
                median(&each)
            }
        }
    }

    /// The interval of the cell's median, where the row has the trials to show
    /// one and the column shows the figure unscaled (the headline figures).
    pub fn interval(&self, r: &MatrixRow) -> Option<Interval> {
        if r.trial_count() < INTERVAL_FROM_TRIALS || self.view.scale != Scale::Raw {
            return None;
        }
        r.figures.intervals.get(self.index).copied().flatten()
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
    pub fn applies(&self, r: &MatrixRow) -> bool {
        self.metric.applies(&r.config)
    }
}

/// The matrix columns of `reg` this machine measures, in priority order: the first
/// ones are kept on narrow terminals. A metric that stands in for another is shown
/// only where that one is not measured.
pub fn columns(reg: &'static Registry, views: &Views, machine: &MachineInfo) -> Vec<Column> {
    let mut cols: Vec<(u8, Column)> = reg
        .iter()
        .enumerate()
        .filter(|(_, m)| shown(reg, views, m, machine))
        .filter_map(|(index, m)| {
            crate::view::of(views, m).matrix.map(|(rank, view)| {
                (
                    rank,
                    Column {
                        metric: m,
                        index,
                        view,
                    },
                )
            })
        })
        .collect();
    cols.sort_by_key(|(rank, _)| *rank);
    cols.into_iter().map(|(_, c)| c).collect()
}

/// The best value of `col` among `rows`, if the column has a direction.
pub fn best(col: &Column, rows: &[MatrixRow]) -> Option<f64> {
    let vals = rows.iter().filter_map(|r| col.value(r));
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
        rows.retain(|r| self.filter.keeps(&r.config));
        if let Some(col) = self.sort.and_then(|i| cols.get(i)) {
            // Best first; rows without a value last; ties in matrix order (stable sort).
            let key = |r: &MatrixRow| {
                col.value(r).map(|v| match col.metric.better {
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
