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

    /// `q`: quits, unless the matrix holds rows no export has saved; then it says so
    /// and the next `q` quits.
    pub(super) fn quit_or_ask(&mut self) -> Vec<Effect> {
        let unsaved = self.unexported > 0 && !self.matrix.is_empty();
        if unsaved && !self.quit_armed {
            self.quit_armed = true;
            self.error(format!(
                "{} measured window{} not exported: e exports, q again quits without saving",
                self.unexported,
                if self.unexported == 1 { "" } else { "s" }
            ));
            return vec![];
        }
        self.quit = true;
        vec![Effect::Quit]
    }
}
