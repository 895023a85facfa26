//! What the user keeps of the matrix: `e` exports it (and hears where, or why
//! not), `r` drops it, `q` asks first while rows are unexported.

use super::matrix::MatrixView;
use super::{App, Effect};
use crate::engine::metric::Figures;
use std::path::PathBuf;

impl App {
    /// `e`: the rows to write, or why there are none.
    pub(super) fn export(&mut self) -> Vec<Effect> {
        if self.matrix.is_empty() && self.live.is_none() {
            self.error("nothing to export yet: the matrix is empty");
            vec![]
        } else {
            vec![Effect::Export(self.export_rows())]
        }
    }

    /// The main loop wrote the export to `path`.
    pub(super) fn exported(&mut self, path: PathBuf) -> Vec<Effect> {
        let n = self.export_rows().len();
        self.unexported = 0;
        self.unexported_configs.clear();
        self.live_exported = self.live.is_some();
        self.exports.push(path.clone());
        self.note(format!(
            "exported {n} configuration{} to {}",
            if n == 1 { "" } else { "s" },
            path.display()
        ));
        vec![]
    }

    pub(super) fn export_failed(&mut self, e: String) -> Vec<Effect> {
        self.error(format!(
            "export failed: {e} (matrix kept; fix it and press e again)"
        ));
        vec![]
    }

    /// Rows to export: every configuration with the medians of its trials, the window
    /// being measured counted as one (its figures so far).
    pub fn export_rows(&self) -> Vec<Figures> {
        self.matrix
            .rows_with_live(self.metrics, self.live.as_ref(), self.min_window)
            .into_iter()
            .map(|r| {
                r.figures
                    .on_kernel(&self.machine.kernel)
                    .on_peer(&self.machine)
            })
            .collect()
    }

    /// `r`: empties the matrix and restarts the current window, so no row keeps
    /// time from before the reset.
    pub(super) fn reset(&mut self) -> Vec<Effect> {
        let n = self.matrix.len();
        self.matrix.clear();
        self.unexported = 0;
        self.unexported_configs.clear();
        self.view = MatrixView::default();
        self.note(format!(
            "matrix reset ({n} configuration{} dropped); the current window restarts",
            if n == 1 { "" } else { "s" }
        ));
        if self.is_replay() || self.paused || self.running.is_none() {
            return vec![];
        }
        self.live = None;
        self.discard_finished = true;
        self.set_config(self.selected)
    }

    /// What no export has saved: (configurations, measured windows). The window
    /// being measured counts once it would be a row (an export or a signal writes
    /// it), unless the last export already held it.
    pub fn unsaved(&self) -> (usize, usize) {
        let rule = crate::model::rows::RowRule {
            min_window: self.min_window,
        };
        let live = self
            .live
            .as_ref()
            .filter(|l| !self.live_exported && rule.admits_live(l.total.seconds, l.samples));
        let mut configs = self.unexported_configs.len();
        let mut windows = self.unexported;
        if let Some(l) = live {
            windows += 1;
            if !self.unexported_configs.contains(&l.config) {
                configs += 1;
            }
        }
        (configs, windows)
    }

    /// True when quitting now would lose measured rows.
    pub fn has_unsaved(&self) -> bool {
        self.unsaved().1 > 0
    }

    /// `q`: quits, unless rows no export has saved would be lost (the window being
    /// measured among them); then it says so and the next `q` quits.
    pub(super) fn quit_or_ask(&mut self) -> Vec<Effect> {
        let (configs, windows) = self.unsaved();
        if windows > 0 && !self.quit_armed {
            self.quit_armed = true;
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let trials = if windows == configs {
                String::new()
            } else {
                format!(" ({windows} measured windows)")
            };
            self.error(format!(
                "{configs} configuration{}{trials} not exported: e exports, q again quits without saving",
                plural(configs)
            ));
            return vec![];
        }
        self.quit = true;
        vec![Effect::Quit]
    }
}
