//! Browsing the matrix: its columns, its rows as filtered and sorted, and where the
//! screen shows them from (`o` sorts, `f` filters, PgUp/PgDn/Home/End scroll).

use super::matrix::{columns, Column, MatrixRow};
use super::{App, Effect};
use crate::engine::config::Config;

impl App {
    /// `o`: sort by the next column (best first), then back to matrix order.
    pub(super) fn next_sort(&mut self) -> Vec<Effect> {
        let n = self.columns().len();
        self.view.sort = match self.view.sort {
            None if n > 0 => Some(0),
            Some(i) if i + 1 < n => Some(i + 1),
            _ => None,
        };
        self.view.scroll = None;
        let text = match self.view.sort.and_then(|i| self.columns().get(i).copied()) {
            Some(c) => format!(
                "matrix sorted by {} ({}), best first; o: next column",
                c.view.title, c.metric.label
            ),
            None => "matrix in strategy, size, thread order".into(),
        };
        self.note(text);
        vec![]
    }

    /// `f`: show one thread count, one strategy, or all rows.
    pub(super) fn next_filter(&mut self) -> Vec<Effect> {
        let configs: Vec<Config> = self
            .matrix
            .rows_with_live(self.metrics, self.live.as_ref(), self.min_window)
            .iter()
            .map(|r| r.config)
            .collect();
        self.view.filter = self.view.filter.next(&configs);
        self.view.scroll = None;
        let text = match self.view.filter.describe() {
            Some(d) => format!("matrix shows {d} only; f: next filter"),
            None => "matrix shows every row".into(),
        };
        self.note(text);
        vec![]
    }

    pub(super) fn scroll(&mut self, f: impl FnOnce(usize, usize) -> usize) -> Vec<Effect> {
        let rows = self.matrix_rows();
        let page = self.page.max(1);
        // From where the screen shows it now.
        let from = self.view.start(rows.len(), page, self.current_row(&rows));
        self.view.scroll = Some(f(from, page).min(rows.len().saturating_sub(page)));
        vec![]
    }

    /// The matrix columns this machine shows, in priority order.
    pub fn columns(&self) -> Vec<Column> {
        columns(self.metrics, self.views, &self.machine)
    }

    /// The matrix rows as shown: steady-state windows (and the live one once it is
    /// long enough), filtered and sorted as the view says.
    pub fn matrix_rows(&self) -> Vec<MatrixRow> {
        self.view.apply(
            &self.columns(),
            self.matrix
                .rows_with_live(self.metrics, self.live.as_ref(), self.min_window),
        )
    }

    /// The trials of the selected configuration's row: how many the matrix holds, and
    /// whether one more is being measured now.
    pub fn current_trials(&self) -> (usize, bool) {
        let done = self.matrix.trials(&self.selected).map_or(0, <[_]>::len);
        let measuring = self.phase == super::Phase::Measuring
            && self
                .live
                .as_ref()
                .is_some_and(|l| l.config == self.selected);
        (done, measuring)
    }

    /// Index in `rows` of the selected configuration, or (in matrix order) of where
    /// it will be once measured.
    pub fn current_row(&self, rows: &[MatrixRow]) -> Option<usize> {
        if let Some(i) = rows.iter().position(|r| r.config == self.selected) {
            return Some(i);
        }
        if self.view.sort.is_some() {
            return None;
        }
        rows.iter()
            .position(|r| r.config >= self.selected)
            .or(rows.len().checked_sub(1))
    }
}
