//! Explorer state: what the user chose, what the engine reported, the matrix.
//!
//! Everything that changes the state goes through [`App::update`] with an [`Action`]
//! (a key or an engine event); it returns the [`Effect`]s the main loop must carry out
//! (tell the source, write the export, quit). No terminal, no clock, no I/O here, so
//! every key is tested without a screen.

pub mod history;
pub mod keys;
pub mod matrix;
pub mod sweep;

use crate::engine::axis::Axis;
use crate::engine::config::{format_size, Config, MAX_THREADS};
use crate::engine::metric::{Figures, Registry, METRICS};
use crate::engine::sample::{EngineEvent, MachineInfo, Measured, Sample};
use crate::source::{Control, SourceKind};
use crate::view::{Views, VIEWS};
use history::History;
use matrix::{columns, Column, Matrix, MatrixRow, MatrixView};
use std::path::PathBuf;
use sweep::Sweep;

/// Message sizes ↑/↓ step through.
pub const SIZE_PRESETS: [usize; 15] = [
    64,
    128,
    256,
    512,
    1 << 10,
    2 << 10,
    4 << 10,
    8 << 10,
    16 << 10,
    32 << 10,
    64 << 10,
    128 << 10,
    256 << 10,
    512 << 10,
    1 << 20,
];

pub use crate::model::rows::DEFAULT_MIN_WINDOW;
use crate::model::rows::{RowRule, WindowEnd};

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

/// Something the user or the source asks of the explorer.
// Actions live for one update; boxing the engine event would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    NextStrategy,
    PrevStrategy,
    LargerSize,
    SmallerSize,
    MoreThreads,
    FewerThreads,
    /// The next value of an axis (its key in the axis table): nodelay, receive
    /// mode, pinning, counting, buffer placement.
    NextAxis(&'static Axis),
    TogglePause,
    ToggleSweep,
    Export,
    ResetMatrix,
    ToggleHelp,
    /// The insight panel: the course's questions answered from the matrix.
    ToggleInsight,
    /// The top kernel functions of the configuration being measured, per side.
    ToggleTop,
    /// Matrix: scroll a page up / down, to the first / last row.
    ScrollUp,
    ScrollDown,
    ScrollTop,
    ScrollBottom,
    /// Matrix: sort by the next column (best first), then back to matrix order.
    NextSort,
    /// Matrix: show one thread count, one strategy, or all rows.
    NextFilter,
    /// Closes the overlay that is open.
    Dismiss,
    Quit,
    /// Replay only: playback speed.
    Faster,
    Slower,
    /// An event from the source.
    Engine(EngineEvent),
    /// A finished window whose end the source knows (a replay reads it from the file).
    Window {
        result: crate::engine::sample::ConfigResult,
        end: WindowEnd,
    },
    /// The screen shows this many matrix rows (drawn after a resize or a layout change).
    MatrixPage(usize),
    /// The main loop wrote (or failed to write) the export.
    Exported(Result<PathBuf, String>),
    /// The source's description changed (e.g. replay speed).
    SourceChanged(SourceKind),
}

/// What the main loop must do after an update.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Control(Control),
    /// Write these rows to a new CSV file, then report with [`Action::Exported`].
    Export(Vec<Figures>),
    Quit,
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
}

/// Live figures of the configuration being measured, accumulated from its samples
/// until its `Finished` arrives.
#[derive(Clone, Copy, Debug, PartialEq)]
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
            max_threads,
            overlay: None,
            status: None,
            quit: false,
            notices: Vec::new(),
            min_window: DEFAULT_MIN_WINDOW,
            theme: Theme::Default,
            view: MatrixView::default(),
            unexported: 0,
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
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if !matches!(
            action,
            Action::Quit
                | Action::Engine(_)
                | Action::Window { .. }
                | Action::MatrixPage(_)
                | Action::Exported(_)
        ) {
            self.quit_armed = false;
        }
        match action {
            Action::NextStrategy => self.change(|c, _| c.strategy = c.strategy.next()),
            Action::PrevStrategy => self.change(|c, _| c.strategy = c.strategy.prev()),
            Action::LargerSize => self.change(|c, _| c.msg_size = larger_size(c.msg_size)),
            Action::SmallerSize => self.change(|c, _| c.msg_size = smaller_size(c.msg_size)),
            Action::MoreThreads => self.change(|c, max| c.threads = (c.threads + 1).min(max)),
            Action::FewerThreads => {
                self.change(|c, _| c.threads = c.threads.saturating_sub(1).max(1))
            }
            Action::NextAxis(axis) => self.next_axis(axis),
            Action::TogglePause => self.toggle_pause(),
            Action::ToggleSweep => self.toggle_sweep(),
            Action::Export => {
                if self.matrix.is_empty() && self.live.is_none() {
                    self.error("nothing to export yet: the matrix is empty");
                    vec![]
                } else {
                    vec![Effect::Export(self.export_rows())]
                }
            }
            Action::ResetMatrix => self.reset(),
            Action::ToggleHelp => self.toggle_overlay(Overlay::Help),
            Action::ToggleInsight => self.toggle_overlay(Overlay::Insight),
            Action::ToggleTop => self.toggle_overlay(Overlay::Top),
            Action::Dismiss => {
                self.overlay = None;
                vec![]
            }
            Action::Quit => self.quit_or_ask(),
            Action::ScrollUp | Action::ScrollDown | Action::ScrollTop | Action::ScrollBottom
                if self.overlay.is_some() =>
            {
                self.overlay_scroll = match action {
                    Action::ScrollUp => self.overlay_scroll.saturating_sub(PAGE),
                    Action::ScrollDown => (self.overlay_scroll + PAGE).min(200),
                    Action::ScrollTop => 0,
                    _ => 200,
                };
                vec![]
            }
            Action::ScrollUp => self.scroll(|s, page| s.saturating_sub(page)),
            Action::ScrollDown => self.scroll(|s, page| s + page),
            Action::ScrollTop => self.scroll(|_, _| 0),
            Action::ScrollBottom => self.scroll(|_, _| usize::MAX / 2),
            Action::MatrixPage(n) => {
                self.page = n.max(1);
                vec![]
            }
            Action::NextSort => {
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
            Action::NextFilter => {
                let configs: Vec<Config> = self
                    .matrix
                    .rows_with_live(self.live.as_ref(), self.min_window)
                    .iter()
                    .map(|r| r.result.config)
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
            Action::Faster | Action::Slower => {
                if self.is_replay() {
                    vec![Effect::Control(if action == Action::Faster {
                        Control::Faster
                    } else {
                        Control::Slower
                    })]
                } else {
                    self.note(
                        "< and > change the playback speed of a replay; live runs at real time",
                    );
                    vec![]
                }
            }
            Action::Engine(ev) => self.ingest(ev),
            Action::Window { result, end } => self.finished(result, end),
            Action::Exported(Ok(path)) => {
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
            Action::Exported(Err(e)) => {
                self.error(format!(
                    "export failed: {e} (matrix kept; fix it and press e again)"
                ));
                vec![]
            }
            Action::SourceChanged(kind) => {
                self.kind = kind;
                vec![]
            }
        }
    }

    /// A strategy/size/thread key: in replay only a note; live, the new configuration
    /// is asked for at once (a manual change ends a running sweep).
    fn change(&mut self, f: impl FnOnce(&mut Config, usize)) -> Vec<Effect> {
        if self.is_replay() {
            self.note("replay: the recording decides strategy, size and threads; < > change speed, space pauses");
            return vec![];
        }
        let mut next = self.selected;
        f(&mut next, self.max_threads);
        if next == self.selected {
            self.note(format!(
                "limit reached: sizes {} to {}, threads 1 to {}",
                format_size(SIZE_PRESETS[0]),
                format_size(SIZE_PRESETS[SIZE_PRESETS.len() - 1]),
                self.max_threads
            ));
            return vec![];
        }
        self.view.scroll = None;
        if let Some(s) = self.sweep.take() {
            self.note(format!(
                "sweep stopped at {}/{} by a manual change",
                s.position + 1,
                s.plan.len()
            ));
        } else {
            self.status = None;
        }
        self.set_config(next)
    }

    /// An axis key: the axis's next value (which may move another axis with it), and
    /// what that means on the status line.
    fn next_axis(&mut self, axis: &'static Axis) -> Vec<Effect> {
        let before = self.selected;
        let effects = self.change(|c, _| (axis.key.next)(c));
        if self.is_replay() || effects.is_empty() {
            return effects;
        }
        if let Some(said) = (axis.key.said)(&before, &self.selected) {
            self.also_note(&said);
        }
        effects
    }

    /// Adds to what the last change said (e.g. that it stopped the sweep).
    fn also_note(&mut self, text: &str) {
        let text = match self.status.take() {
            Some(s) if !s.error => format!("{}; {text}", s.text),
            _ => text.to_string(),
        };
        self.note(text);
    }

    fn set_config(&mut self, c: Config) -> Vec<Effect> {
        self.selected = c;
        if !self.paused {
            self.phase = Phase::Switching;
        }
        vec![Effect::Control(match &self.sweep {
            // A sweep step: the engine times the window and reports its end.
            Some(s) if s.current() == c => Control::Measure {
                config: c,
                seconds: s.duration,
            },
            _ => Control::SetConfig(c),
        })]
    }

    /// Opens `o` (closing any other), or closes it if it is open.
    fn toggle_overlay(&mut self, o: Overlay) -> Vec<Effect> {
        self.overlay = (self.overlay != Some(o)).then_some(o);
        self.overlay_scroll = 0;
        vec![]
    }

    fn toggle_pause(&mut self) -> Vec<Effect> {
        if self.phase == Phase::Ended {
            self.note("the replay has ended; nothing to pause");
            return vec![];
        }
        self.paused = !self.paused;
        if self.paused {
            self.phase = Phase::Paused;
            self.note(if self.is_replay() {
                "paused playback; space resumes"
            } else {
                "paused: workers stopped, no CPU used; space resumes"
            });
            vec![Effect::Control(Control::Pause)]
        } else {
            self.phase = Phase::Switching;
            self.note("resumed");
            vec![Effect::Control(Control::Resume)]
        }
    }

    fn toggle_sweep(&mut self) -> Vec<Effect> {
        if self.is_replay() {
            self.note("replay: the automatic sweep needs a live engine");
            return vec![];
        }
        if let Some(s) = self.sweep.take() {
            self.note(format!(
                "sweep cancelled at {}/{}",
                s.position + 1,
                s.plan.len()
            ));
            return vec![];
        }
        if self.sweep_plan.is_empty() {
            self.error("the sweep plan is empty");
            return vec![];
        }
        let s = Sweep::new(self.sweep_plan.clone(), self.sweep_duration);
        let first = s.current();
        self.sweep = Some(s);
        self.note(format!(
            "sweep started: {} configurations × {}s; s cancels",
            self.sweep_plan.len(),
            trim_float(self.sweep_duration)
        ));
        let mut effects = Vec::new();
        if self.paused {
            self.paused = false;
            effects.push(Effect::Control(Control::Resume));
        }
        effects.extend(self.set_config(first));
        effects
    }

    fn ingest(&mut self, ev: EngineEvent) -> Vec<Effect> {
        match ev {
            EngineEvent::Started { config } => {
                self.discard_finished = false;
                self.running = Some(config);
                if self.is_replay() {
                    self.selected = config;
                }
                if !self.paused {
                    self.phase = Phase::WarmingUp;
                }
                self.live = Some(LiveCell {
                    config,
                    total: Measured::default(),
                    samples: 0,
                });
                vec![]
            }
            EngineEvent::Sample(s) => {
                self.history.push(self.metrics, self.views, &s);
                if self.running.is_none() || self.is_replay() {
                    self.running = Some(s.config);
                    if self.is_replay() {
                        self.selected = s.config;
                    }
                }
                if !self.paused && self.running == Some(s.config) {
                    self.phase = Phase::Measuring;
                }
                match &mut self.live {
                    Some(l) if l.config == s.config => {
                        // Counts start as n/a: the first sample is the window, not an addition.
                        l.total = if l.samples == 0 {
                            s.interval
                        } else {
                            l.total.then(&s.interval)
                        };
                        l.samples += 1;
                    }
                    _ => {
                        self.live = Some(LiveCell {
                            config: s.config,
                            total: s.interval,
                            samples: 1,
                        })
                    }
                }
                self.last = Some(s);
                vec![]
            }
            EngineEvent::Finished(r) => {
                let end = self.window_end(&r.config);
                self.finished(r, end)
            }
            EngineEvent::Notice { message } => {
                self.note(message.clone());
                self.push_notice(message);
                vec![]
            }
            EngineEvent::SamplesDropped { config, count } => {
                let text = format!("{config}: {count} samples not shown (the display fell behind)");
                self.note(text.clone());
                self.push_notice(text);
                vec![]
            }
            EngineEvent::Failed { config, failure } => {
                let text = format!("{config} failed: {failure}");
                self.error(text.clone());
                self.push_notice(text);
                if self.live.is_some_and(|l| l.config == config) {
                    self.live = None;
                }
                if self.is_replay() {
                    return vec![];
                }
                match &self.sweep {
                    // The sweep goes on past a failed configuration.
                    Some(s) if s.current() == config => self.next_sweep_step(),
                    // The engine waits after a failure: space retries, a key chooses another.
                    _ => {
                        self.paused = true;
                        self.phase = Phase::Paused;
                        self.error(format!(
                            "{config} failed: {failure} — space retries, or change a setting"
                        ));
                        vec![Effect::Control(Control::Pause)]
                    }
                }
            }
        }
    }

    fn push_notice(&mut self, m: String) {
        self.notices.push(m);
        if self.notices.len() > 20 {
            self.notices.remove(0);
        }
    }

    fn next_sweep_step(&mut self) -> Vec<Effect> {
        let Some(sw) = &mut self.sweep else {
            return vec![];
        };
        match sw.advance() {
            Some(next) => self.set_config(next),
            None => {
                let n = sw.plan.len();
                self.sweep = None;
                self.note(format!(
                    "sweep finished: {n} configurations measured; e exports the matrix"
                ));
                vec![]
            }
        }
    }

    /// How a window the live engine just finished ended: a sweep step that ran out its
    /// own clock was timed; anything else (a key, a pause) cut it.
    pub fn window_end(&self, config: &Config) -> WindowEnd {
        match &self.sweep {
            Some(s) if s.current() == *config && !self.paused && !self.is_replay() => {
                WindowEnd::Timed
            }
            _ => WindowEnd::Cut,
        }
    }

    /// A finished window: a row if the row rule admits it; the next sweep step if it
    /// was one.
    fn finished(&mut self, r: crate::engine::sample::ConfigResult, end: WindowEnd) -> Vec<Effect> {
        if self.live.is_some_and(|l| l.config == r.config) {
            self.live = None;
        }
        let config = r.config;
        if std::mem::take(&mut self.discard_finished) {
            return vec![];
        }
        let seconds = r.total.seconds;
        let rule = RowRule {
            min_window: self.min_window,
        };
        if self.matrix.insert(&rule, r, end) {
            self.unexported += 1;
        } else if seconds > 0.0 && !self.is_replay() {
            self.note(format!(
                "{config}: {seconds:.1}s measured, under the {}s minimum window: not in the matrix",
                trim_float(self.min_window)
            ));
        }
        if end == WindowEnd::Timed {
            self.next_sweep_step()
        } else {
            vec![]
        }
    }

    /// A replay played its last event (typed, so no notice text is parsed for it).
    pub fn recording_ended(&mut self, end: &crate::source::EndOfRecording) {
        self.phase = Phase::Ended;
        self.live = None;
        let message = end.to_string();
        self.note(message.clone());
        self.push_notice(message);
    }

    /// The source closed its stream (a replay reached its end, or the engine stopped).
    pub fn source_ended(&mut self) {
        self.phase = Phase::Ended;
        self.live = None;
        self.note(if self.is_replay() {
            "end of recording; e exports the matrix, q quits"
        } else {
            "the engine stopped; e exports the matrix, q quits"
        });
    }

    /// `r`: empties the matrix and restarts the current window, so no row keeps
    /// time from before the reset.
    fn reset(&mut self) -> Vec<Effect> {
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
    fn quit_or_ask(&mut self) -> Vec<Effect> {
        let unsaved = self.unexported > 0 && !self.matrix.is_empty();
        if unsaved && !self.quit_armed {
            self.quit_armed = true;
            self.error(format!(
                "{} configuration{} not exported: e exports, q again quits without saving",
                self.unexported,
                if self.unexported == 1 { "" } else { "s" }
            ));
            return vec![];
        }
        self.quit = true;
        vec![Effect::Quit]
    }

    fn scroll(&mut self, f: impl FnOnce(usize, usize) -> usize) -> Vec<Effect> {
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
                .rows_with_live(self.live.as_ref(), self.min_window),
        )
    }

    /// Index in `rows` of the selected configuration, or (in matrix order) of where
    /// it will be once measured.
    pub fn current_row(&self, rows: &[MatrixRow]) -> Option<usize> {
        if let Some(i) = rows.iter().position(|r| r.result.config == self.selected) {
            return Some(i);
        }
        if self.view.sort.is_some() {
            return None;
        }
        rows.iter()
            .position(|r| r.result.config >= self.selected)
            .or(rows.len().checked_sub(1))
    }

    /// Rows to export: every finished configuration, plus the one being measured
    /// (its figures so far) if it is not in the matrix yet.
    pub fn export_rows(&self) -> Vec<Figures> {
        self.matrix
            .rows_with_live(self.live.as_ref(), self.min_window)
            .iter()
            .map(|r| Figures::of(self.metrics, &r.result).on_kernel(&self.machine.kernel))
            .collect()
    }

    /// The sample whose figures the live panel shows.
    pub fn current_sample(&self) -> Option<&Sample> {
        self.last.as_ref()
    }
}

pub fn larger_size(s: usize) -> usize {
    SIZE_PRESETS
        .into_iter()
        .find(|&p| p > s)
        .unwrap_or(s.max(SIZE_PRESETS[SIZE_PRESETS.len() - 1]))
}

pub fn smaller_size(s: usize) -> usize {
    SIZE_PRESETS
        .into_iter()
        .rev()
        .find(|&p| p < s)
        .unwrap_or(s.min(SIZE_PRESETS[0]))
}

/// "2" for 2.0, "0.5" for 0.5.
pub fn trim_float(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests;
