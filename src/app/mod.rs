//! Explorer state: what the user chose, what the engine reported, the matrix.
//!
//! Everything that changes the state goes through [`App::update`] with an [`Action`]
//! (a key or an engine event); it returns the [`Effect`]s the main loop must carry out
//! (tell the source, write the export, quit). No terminal, no clock, no I/O here, so
//! every key is tested without a screen.
//!
//! The state is declared here; how each kind of action changes it is in its own
//! file: `update` sends every action on, `selection` (configuration keys),
//! `browse` (sorting, filtering, scrolling the matrix), `sweep_run` (the automatic
//! sweep), `events` (what the source reports), `export` (export, reset, quit).

mod action;
mod browse;
mod events;
mod export;
pub mod history;
pub mod keys;
pub mod matrix;
mod selection;
pub mod sweep;
mod sweep_run;
mod update;

pub use action::{Action, Effect};
pub use selection::{larger_size, smaller_size, SIZE_PRESETS};

use crate::engine::config::{Config, MAX_THREADS};
use crate::engine::metric::{Registry, METRICS};
use crate::engine::sample::{MachineInfo, Measured, Sample};
use crate::source::SourceKind;
use crate::view::{Views, VIEWS};
use history::History;
use matrix::{Matrix, MatrixView};
use std::path::PathBuf;
use sweep::Sweep;

pub use crate::model::rows::DEFAULT_MIN_WINDOW;

/// Rows PgUp/PgDn move the matrix by until the screen says how many it shows.
pub const PAGE: usize = 10;

/// Colours and weights of the screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Colours on a dark terminal.
    #[default]
    Default,
    /// For projectors and colour-blind viewers: no dim grey, bright text, every
    /// state also marked by a symbol or weight.
    HighContrast,
}

/// Where the current configuration is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Asked for a configuration, the source has not started it yet.
    Switching,
    /// Workers are up, warm-up (excluded from all figures) is running.
    WarmingUp,
    Measuring,
    Paused,
    /// A sweep finished: the engine measures nothing until a key asks (space measures
    /// the last configuration again, a configuration key another).
    Idle,
    /// The source has nothing more to say (a replay reached its end).
    Ended,
}

/// A panel drawn over the screen; one at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// `?`: keys, notes and what the figures mean.
    Help,
    /// `i`: the course's questions answered from the matrix.
    Insight,
    /// `t`: the top kernel functions of the configuration being measured.
    Top,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
    /// Sweep steps begun since it was said: a sweep replaces what it has outlived.
    pub steps: u32,
}

/// Live figures of the configuration being measured, accumulated from its samples
/// until its `Finished` arrives.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveCell {
    pub config: Config,
    pub total: Measured,
    pub samples: u64,
}

pub struct App {
    /// The figures every panel shows, in registry order.
    pub metrics: &'static Registry,
    /// Where each metric is shown (a test may show more than the built-in ones).
    pub views: &'static Views,
    pub machine: MachineInfo,
    pub kind: SourceKind,
    /// The configuration the user asked for (live) or the recording is playing (replay).
    pub selected: Config,
    /// The configuration the source last started.
    pub running: Option<Config>,
    pub phase: Phase,
    pub paused: bool,
    pub history: History,
    /// The latest sample, whatever its configuration.
    pub last: Option<Sample>,
    pub live: Option<LiveCell>,
    pub matrix: Matrix,
    pub sweep: Option<Sweep>,
    pub sweep_plan: Vec<Config>,
    pub sweep_duration: f64,
    /// Trials per configuration the sweep measures: passes over the plan.
    pub sweep_repeat: usize,
    pub max_threads: usize,
    /// The overlay that is open, if any.
    pub overlay: Option<Overlay>,
    pub status: Option<Status>,
    pub quit: bool,
    /// Notices and failures the source reported, newest last.
    pub notices: Vec<String>,
    /// Shortest window (seconds) that enters the matrix.
    pub min_window: f64,
    pub theme: Theme,
    /// Filter, sort and scroll of the matrix.
    pub view: MatrixView,
    /// Windows entered in the matrix since the last export.
    pub unexported: usize,
    /// The configurations those windows belong to (one configuration may hold several).
    pub unexported_configs: Vec<Config>,
    /// The window being measured was in the last export (its figures then).
    pub live_exported: bool,
    /// `q` was pressed once with unexported rows: the next `q` quits.
    pub quit_armed: bool,
    /// Files written by `e`, oldest first (printed when the explorer ends).
    pub exports: Vec<PathBuf>,
    /// First line of the overlay shown (PgUp/PgDn scroll it while it is open).
    pub overlay_scroll: usize,
    /// Matrix rows on screen: what PgUp/PgDn move by.
    pub page: usize,
    /// `r` restarted the current window: the old window's result is not a row.
    discard_finished: bool,
}

impl App {
    pub fn new(machine: MachineInfo, kind: SourceKind, start: Config, sweep_duration: f64) -> App {
        let max_threads = (4 * machine.cores).clamp(8, MAX_THREADS);
        App {
            metrics: METRICS,
            views: VIEWS,
            machine,
            kind,
            selected: start,
            running: None,
            phase: Phase::Switching,
            paused: false,
            history: History::default(),
            last: None,
            live: None,
            matrix: Matrix::default(),
            sweep: None,
            sweep_plan: crate::model::plan::course_plan(),
            sweep_duration,
            sweep_repeat: 1,
            max_threads,
            overlay: None,
            status: None,
            quit: false,
            notices: Vec::new(),
            min_window: DEFAULT_MIN_WINDOW,
            theme: Theme::Default,
            view: MatrixView::default(),
            unexported: 0,
            unexported_configs: Vec::new(),
            live_exported: false,
            quit_armed: false,
            exports: Vec::new(),
            discard_finished: false,
            page: PAGE,
            overlay_scroll: 0,
        }
    }

    pub fn is_replay(&self) -> bool {
        matches!(self.kind, SourceKind::Replay { .. })
    }

    fn note(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
            steps: 0,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
            steps: 0,
        });
    }

    /// The sample whose figures the live panel shows.
    pub fn current_sample(&self) -> Option<&Sample> {
        self.last.as_ref()
    }
}

/// "2" for 2.0, "0.5" for 0.5.
pub fn trim_float(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests;
