//! The interactive explorer: the one preflight and startup order, terminal setup and
//! teardown, the main loop.
//!
//! The loop blocks on a crossbeam `select!` over the source's events (and, for a
//! replay, its typed end), the keyboard (a thread reading crossterm events), signals
//! (SIGTERM/SIGINT/SIGHUP), a panic elsewhere and, only while a frame is owed, a redraw
//! deadline; it never polls, wakes not at all while nothing changes (paused), and it
//! only ever reads from the source's channel, so a slow screen cannot slow the workers.
//!
//! Whatever ends it (q, Ctrl-C, a signal, a panic, an error) the terminal is restored
//! first (raw mode off, main screen, cursor shown), then the source is shut down
//! (workers stopped and joined, namespaces dropped).

mod input;

use crate::app::keys::action_for_key;
use crate::app::{Action, App, Effect, Theme};
use crate::engine::config::Config;
use crate::engine::sample::EngineEvent;
use crate::engine::LiveRunner;
use crate::error::Result;
use crate::model::recording::Recorder;
use crate::model::rows::WindowEnd;
use crate::session::{MeasureSettings, Signals};
use crate::source::{Control, SampleSource};
use crate::test_seam::Seams;
use crossbeam_channel::{bounded, never, select, Receiver, Sender};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::Event;
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;
use std::io::{stdout, Stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// Shortest time between two frames while figures arrive (they arrive every sample
/// interval, 250 ms by default); input redraws at once.
const TICK: Duration = Duration::from_millis(200);

/// How the explorer looks and behaves, live or replaying.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplorerSettings {
    /// Where `e` writes its CSV files.
    pub export_dir: Option<PathBuf>,
    /// The configuration measured first.
    pub start: Config,
    /// Seconds per configuration of the automatic sweep (`s`).
    pub sweep_duration: f64,
    /// Trials per configuration of the automatic sweep: passes over its plan.
    pub sweep_repeat: usize,
    /// Shortest cut-short window that becomes a row.
    pub min_window: f64,
    pub theme: Theme,
}

impl Default for ExplorerSettings {
    /// What the command line gives when nothing is said (checked against it in
    /// `cmd::explorer`).
    fn default() -> Self {
        ExplorerSettings {
            export_dir: None,
            start: Config::new(crate::engine::config::Strategy::OneCopy, 4096, 1),
            sweep_duration: 2.0,
            sweep_repeat: 1,
            min_window: crate::model::rows::DEFAULT_MIN_WINDOW,
            theme: Theme::Default,
        }
    }
}

/// `sudo netio-tui`: the one preflight, the one startup order, then the explorer.
pub fn run(settings: &ExplorerSettings, measure: &MeasureSettings) -> Result<()> {
    let request = crate::session::Request {
        configs: std::slice::from_ref(&settings.start),
        export_dir: settings.export_dir.as_deref(),
        ..Default::default()
    };
    crate::session::preflight(measure, &request)?;
    // Verbose output goes to stderr, which the full-screen explorer covers.
    let quiet = MeasureSettings {
        verbose: false,
        ..measure.clone()
    };
    // The engine and its runner are built before the terminal is taken, so errors
    // print plainly; nothing is measured until the explorer asks.
    let started = crate::session::start(&quiet, false)?;
    // session::start dropped every capability the engine no longer uses and set
    // no_new_privs (docs/measuring.md, "Privileges").
    let source = Box::new(LiveRunner::spawn(started.engine, None)?);
    let exports = run_loop(
        source,
        settings,
        started.signals,
        started.recorder,
        Some(Control::SetConfig(settings.start)),
    )?;
    print_exports(&exports);
    Ok(())
}

/// After the terminal is back: where every export of the session went.
/// The files are written whatever happens here: a terminal closed under the explorer
/// (the rows autosaved) or a closed stdout loses only these lines, never the exit.
fn print_exports(exports: &[PathBuf]) {
    for p in exports {
        if crate::say!("matrix exported to {}", p.display()).is_err() {
            return;
        }
    }
}

/// Runs the explorer on any source (live engine or a replay).
pub fn run_with_source(source: Box<dyn SampleSource>, settings: &ExplorerSettings) -> Result<()> {
    let signals = Signals::spawn()?;
    let exports = run_loop(source, settings, signals, None, None)?;
    print_exports(&exports);
    Ok(())
}

/// Set while the terminal is in raw mode on the alternate screen.
static TERMINAL_ACTIVE: AtomicBool = AtomicBool::new(false);
/// Set by the panic hook, so the main loop ends if another thread panicked.
static PANICKED: AtomicBool = AtomicBool::new(false);

/// Wakes the main loop when any thread panics (the panic hook sends on it).
static PANIC_WAKE: Mutex<Option<Sender<()>>> = Mutex::new(None);

/// The channel the panic hook wakes the main loop through.
fn panic_wake() -> Receiver<()> {
    let (tx, rx) = bounded(1);
    if let Ok(mut w) = PANIC_WAKE.lock() {
        *w = Some(tx);
    }
    rx
}

/// Puts the terminal back; safe to call from anywhere, any number of times.
fn restore_terminal() {
    if TERMINAL_ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(stdout(), LeaveAlternateScreen, Show);
    }
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the message lands on a usable terminal.
            restore_terminal();
            PANICKED.store(true, Ordering::SeqCst);
            previous(info);
            // try_lock: never wait inside a panic hook.
            if let Ok(w) = PANIC_WAKE.try_lock() {
                if let Some(tx) = w.as_ref() {
                    let _ = tx.try_send(());
                }
            }
        }));
    });
}

struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> anyhow::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()
            .map_err(|e| anyhow::anyhow!("cannot switch the terminal to raw mode: {e}"))?;
        TERMINAL_ACTIVE.store(true, Ordering::SeqCst);
        let guard = TerminalGuard;
        execute!(stdout(), EnterAlternateScreen, Hide)?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Shuts the source down however the explorer ends (dropped after the terminal is back).
/// How long a quit by a signal or a closed terminal waits for the workers to end.
const UNATTENDED_STOP: Duration = Duration::from_millis(1500);

struct SourceGuard(Box<dyn SampleSource>);

impl Drop for SourceGuard {
    fn drop(&mut self) {
        let _ = self.0.shutdown();
    }
}

fn run_loop(
    source: Box<dyn SampleSource>,
    args: &ExplorerSettings,
    signals: Signals,
    mut recorder: Option<Recorder>,
    first: Option<Control>,
) -> Result<Vec<PathBuf>> {
    // Declaration order is drop order reversed: terminal back first, then the source
    // is shut down, so a slow shutdown never leaves the terminal in raw mode.
    let mut source = SourceGuard(source);
    // The screen and keyboard threads only watch: at the weakest priority they never
    // preempt a worker when they wake (the workers keep the normal priority: the
    // source's own thread, which starts them, was spawned before this). Best effort.
    // A signal, a key or the terminal closing raises it above the workers again (the
    // signal and keyboard threads do, see `input`); it drops back once answered.
    let _ = crate::engine::sys::make_thread_background();
    let main = crate::engine::sys::current_tid();
    let seams = Seams::from_env();
    let start = args.start;
    let mut app = App::new(
        source.0.machine().clone(),
        source.0.kind(),
        start,
        args.sweep_duration,
    );
    app.min_window = args.min_window;
    app.sweep_repeat = args.sweep_repeat;
    app.theme = args.theme;
    let export_dir = args
        .export_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let panicked = panic_wake();
    let _terminal_guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.clear()?;
    let input = input::InputThread::spawn(main)?;

    let mut events = source.0.events().clone();
    let mut keys = input.rx.clone();
    // Quit by a signal or a closed terminal: no one is there to wait for the workers.
    let mut unattended = false;
    // A replay tells its end once; after that (or if it never can) wait on it no more.
    let mut end = source.0.end();
    let mut first = first;
    let mut redraw = Redraw::default();
    let mut drawn_once = false;
    loop {
        // After a panic elsewhere the terminal is already restored: draw nothing more.
        if redraw.due(Instant::now()) && !PANICKED.load(Ordering::SeqCst) {
            if !(seams.draw_first_frame_only && drawn_once) {
                let page = draw(&mut terminal, &app)?;
                if page != app.page && page > 0 {
                    app.update(Action::MatrixPage(page));
                }
            }
            drawn_once = true;
            redraw.drawn(Instant::now());
            if seams.panic_after_first_figures && app.current_sample().is_some() {
                panic!("test panic ({} is set)", crate::test_seam::PANIC_ENV);
            }
        }
        // The workers start once the screen is up: taking the terminal and the first
        // full frame (which the terminal must parse) stay out of their warm-up.
        if let Some(c) = first.take() {
            source.0.control(c);
        }
        // No timer runs unless a frame is owed: paused or idle, the loop sleeps until
        // an event, a key or a signal.
        let timer = redraw.at().map_or(never(), crossbeam_channel::at);
        select! {
            recv(events) -> ev => match ev {
                Ok(ev) => {
                    let mut ev = Some(ev);
                    // Take what is queued in one go; one redraw per period at most.
                    for _ in 0..10_000 {
                        let Some(e) = ev.take() else { break };
                        ingest(&mut app, &mut source.0, &mut recorder, &export_dir, e);
                        ev = events.try_recv().ok();
                    }
                    redraw.changed(Instant::now());
                }
                Err(_) => {
                    events = never();
                    app.source_ended();
                    redraw.now();
                }
            },
            recv(end) -> ended => {
                // Everything played is queued before the end is told: take it first.
                while let Ok(e) = events.try_recv() {
                    ingest(&mut app, &mut source.0, &mut recorder, &export_dir, e);
                }
                end = never();
                if let Ok(ended) = ended {
                    app.recording_ended(&ended);
                    redraw.now();
                }
            },
            recv(keys) -> ev => match ev {
                Ok(Event::Key(k)) => {
                    if let Some(a) = action_for_key(k) {
                        let effects = app.update(a);
                        apply(&mut app, &mut source.0, &export_dir, effects);
                    }
                    redraw.now();
                }
                Ok(Event::Resize(..)) => {
                    terminal.autoresize()?;
                    redraw.now();
                }
                Ok(_) => {}
                Err(_) => {
                    // The input thread ended: the terminal is gone or unreadable.
                    keys = never();
                    autosave(&mut app, &export_dir);
                    app.quit = true;
                    unattended = true;
                }
            },
            recv(signals.receiver()) -> _ => {
                // No one to ask: keep the matrix rather than lose it.
                autosave(&mut app, &export_dir);
                app.quit = true;
                unattended = true;
            },
            recv(panicked) -> _ => {
                return Err(crate::error::fault("a thread of the explorer panicked (message above); terminal restored, workers stopped"));
            },
            recv(timer) -> _ => {},
        }
        if app.quit {
            break;
        }
        // A key raised this thread above the workers to answer it; once answered
        // (nothing more queued, its frame drawn) it only watches again.
        if keys.is_empty() && !signals.pending() && !redraw.due(Instant::now()) {
            let _ = crate::engine::sys::make_thread_background();
        }
    }
    // Stopping goes ahead of the workers whatever ended the loop: the raise by the input
    // thread that saw the terminal close can be undone by the watch-only lowering above
    // when an engine event is taken first, and at nice 19 among a thousand busy workers
    // each step of the stop waited seconds for the CPU (a closed terminal took 8.8 s).
    let _ = crate::engine::sys::make_thread_realtime();
    // The last configuration's result arrives while stopping: keep it in the recording.
    // Ended by a signal or a closed terminal, the process answers within a bound: what
    // has not stopped by then (a thousand workers waiting for CPU time on a busy
    // machine) ends with the process, their namespaces with it; the matrix is saved.
    let stopped = if unattended {
        source.0.shutdown_within(UNATTENDED_STOP)
    } else {
        source.0.shutdown()
    };
    for ev in stopped {
        if let Some(r) = recorder.as_mut() {
            r.record(&ev)?;
        }
    }
    Ok(app.exports)
}

/// When the next frame is drawn. Input redraws at once; new figures at most once per
/// [`TICK`], so a burst of events costs one frame; nothing owed, no timer at all.
#[derive(Debug, Default)]
struct Redraw {
    last: Option<Instant>,
    owed: Option<Instant>,
}

impl Redraw {
    /// Something shown changed: draw no sooner than one period after the last frame.
    fn changed(&mut self, now: Instant) {
        let earliest = self.last.map_or(now, |l| l + TICK);
        self.owed = Some(self.owed.map_or(earliest, |o| o.min(earliest)));
    }

    /// Draw before waiting again (input, resize, the source ended).
    fn now(&mut self) {
        self.owed = Some(Instant::now());
    }

    fn due(&self, now: Instant) -> bool {
        self.last.is_none() || self.owed.is_some_and(|o| o <= now)
    }

    fn drawn(&mut self, now: Instant) {
        self.last = Some(now);
        self.owed = None;
    }

    /// The deadline to wake for, if a frame is owed.
    fn at(&self) -> Option<Instant> {
        self.owed
    }
}

/// Exports the matrix if it holds rows no export has saved (quitting without a
/// person to ask: a signal, a closed terminal).
fn autosave(app: &mut App, export_dir: &std::path::Path) {
    if app.has_unsaved() {
        let r =
            crate::model::csv::export(app.metrics, &app.export_rows(), export_dir, &timestamp());
        app.update(Action::Exported(r));
    }
}

/// Draws a frame; returns the matrix rows it had room for.
fn draw(terminal: &mut Terminal<CrosstermBackend<Stdout>>, app: &App) -> anyhow::Result<usize> {
    let mut page = 0;
    terminal.draw(|f| page = crate::ui::draw_paged(f, app))?;
    Ok(page)
}

fn ingest(
    app: &mut App,
    source: &mut Box<dyn SampleSource>,
    recorder: &mut Option<Recorder>,
    export_dir: &std::path::Path,
    ev: EngineEvent,
) {
    let window = window_end(app, source.as_mut(), &ev);
    if let Some(r) = recorder {
        if let Err(e) = r.record_window(&ev, window) {
            *recorder = None;
            app.update(Action::Engine(EngineEvent::Notice {
                message: format!("recording stopped: {e:#}"),
            }));
        }
    }
    let action = action_of(ev, window);
    let effects = app.update(action);
    apply(app, source, export_dir, effects);
}

/// How a finished window ended (`None` for any other event): a replay says, from its
/// file; live, the explorer knows. Called once per event, in order.
fn window_end(app: &App, source: &mut dyn SampleSource, ev: &EngineEvent) -> Option<WindowEnd> {
    match ev {
        EngineEvent::Finished(r) => Some(
            source
                .window_end()
                .unwrap_or_else(|| app.window_end(&r.config)),
        ),
        _ => None,
    }
}

/// The update an event is, given how its window ended.
fn action_of(ev: EngineEvent, window: Option<WindowEnd>) -> Action {
    match (ev, window) {
        (EngineEvent::Finished(result), Some(end)) => Action::Window { result, end },
        (ev, _) => Action::Engine(ev),
    }
}

/// What an event from `source` is to the explorer, and how a finished window ended
/// (what the recorder writes beside it): what the main loop does with each event, for
/// tests that drive the state without a terminal.
pub fn action_for(
    app: &App,
    source: &mut dyn SampleSource,
    ev: EngineEvent,
) -> (Action, Option<WindowEnd>) {
    let window = window_end(app, source, &ev);
    (action_of(ev, window), window)
}

fn apply(
    app: &mut App,
    source: &mut Box<dyn SampleSource>,
    export_dir: &std::path::Path,
    effects: Vec<Effect>,
) {
    for e in effects {
        match e {
            Effect::Control(c) => {
                source.control(c);
                let kind = source.kind();
                if kind != app.kind {
                    app.update(Action::SourceChanged(kind));
                }
            }
            Effect::Export(rows) => {
                let r = crate::model::csv::export(app.metrics, &rows, export_dir, &timestamp());
                app.update(Action::Exported(r));
            }
            Effect::Quit => app.quit = true,
        }
    }
}

/// UTC "YYYYMMDD-HHMMSS" for export file names.
fn timestamp() -> String {
    crate::timefmt::compact(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redraw_owes_nothing_until_something_changes() {
        let t0 = Instant::now();
        let mut r = Redraw::default();
        // The first frame is always due.
        assert!(r.due(t0));
        r.drawn(t0);
        // Nothing changed: no deadline, so the loop waits on events alone.
        assert!(!r.due(t0 + TICK * 10));
        assert_eq!(r.at(), None);
    }

    #[test]
    fn new_figures_wait_for_the_period_and_input_does_not() {
        let t0 = Instant::now();
        let mut r = Redraw::default();
        r.drawn(t0);
        // Figures right after a frame: drawn one period after it, however many arrive.
        r.changed(t0 + TICK / 4);
        r.changed(t0 + TICK / 2);
        assert_eq!(r.at(), Some(t0 + TICK));
        assert!(!r.due(t0 + TICK / 2));
        assert!(r.due(t0 + TICK));
        // Figures long after the last frame are drawn at once.
        r.drawn(t0 + TICK);
        r.changed(t0 + TICK * 5);
        assert!(r.due(t0 + TICK * 5));
        // A key is drawn before the loop waits again.
        r.drawn(t0 + TICK * 5);
        r.now();
        assert!(r.due(Instant::now()));
    }
}
