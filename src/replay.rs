//! `netio-tui replay FILE`: a recording played back as a [`SampleSource`], so the
//! explorer shows it exactly as it showed the live session. No root, no namespaces,
//! no counters: the figures come from the file.

use crate::engine::config::format_size;
use crate::engine::sample::{EngineEvent, MachineInfo};
use crate::model::recording::Recording;
use crate::model::rows::WindowEnd;
use crate::source::{Control, EndOfRecording, SampleSource, SourceKind};
use crossbeam_channel::{bounded, select, unbounded, Receiver, RecvTimeoutError, Sender};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Slowest and fastest playback (`<` halves, `>` doubles).
pub const MIN_SPEED: f64 = 1.0 / 16.0;
pub const MAX_SPEED: f64 = 64.0;
/// A stretch of recording time longer than this with no event (the session sat idle
/// or paused) is skipped, so a replay never shows a frozen screen for minutes.
pub const MAX_GAP_S: f64 = 3.0;
/// How much of a skipped gap is still played, so the jump is not abrupt.
const GAP_LEAD_S: f64 = 0.5;
/// Events queued for the explorer before playback waits for it.
const QUEUE: usize = 256;

/// What `replay --check` prints: what the file holds and where it was made.
pub fn summary(rec: &Recording, file: &Path) -> String {
    let h = &rec.header;
    let m = &h.machine;
    let mut out = format!(
        "{}: netio-tui recording, format version {}, made by netio-tui {} at {}\n",
        file.display(),
        h.version,
        h.tool_version,
        h.started
    );
    out += &format!(
        "  machine: {}, {} cores, Linux {}, {}\n",
        m.cpu_model, m.cores, m.kernel, m.network
    );
    let available: Vec<&str> = m
        .counters
        .iter()
        .filter(|c| c.available)
        .map(|c| c.metric.as_str())
        .collect();
    let missing: Vec<String> = m
        .counters
        .iter()
        .filter(|c| !c.available)
        .map(|c| match &c.note {
            Some(n) => format!("{} ({n})", c.metric),
            None => c.metric.clone(),
        })
        .collect();
    out += &format!(
        "  counters: {}",
        if available.is_empty() {
            "none".to_string()
        } else {
            available.join(", ")
        }
    );
    if !missing.is_empty() {
        out += &format!("; n/a: {}", missing.join(", "));
    }
    out.push('\n');
    if let Some(e) = &m.perf_error {
        out += &format!("  perf: {e}\n");
    }
    if !h.command.is_empty() {
        out += &format!("  command: {}\n", h.command.join(" "));
    }
    let count = |k: &str| {
        rec.events
            .iter()
            .filter(|(_, e)| event_kind(e) == k)
            .count()
    };
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    out += &format!(
        "  {} over {:.1} s: {}, {} finished, {} failed\n",
        plural(rec.events.len(), "event"),
        rec.duration(),
        plural(count("sample"), "sample"),
        plural(count("finished"), "configuration"),
        count("failed")
    );
    if let Some(line) = rec.cut_off_line {
        out +=
            &format!("  line {line} was cut off (the recording was interrupted) and is ignored\n");
    }
    out
}

fn event_kind(e: &EngineEvent) -> &'static str {
    match e {
        EngineEvent::Started { .. } => "started",
        EngineEvent::Sample(_) => "sample",
        EngineEvent::Finished(_) => "finished",
        EngineEvent::Notice { .. } => "notice",
        EngineEvent::SamplesDropped { .. } => "dropped",
        EngineEvent::Failed { .. } => "failed",
    }
}

/// "2×", "1/4×".
pub fn format_speed(speed: f64) -> String {
    if speed >= 1.0 {
        format!("{}×", (speed * 100.0).round() / 100.0)
    } else {
        format!("1/{}×", (1.0 / speed * 100.0).round() / 100.0)
    }
}

enum PlayerMsg {
    Control(Control),
    Stop,
}

/// Plays a recording on its own thread at `speed` × the recorded pace.
pub struct ReplayPlayer {
    events: Receiver<EngineEvent>,
    end: Receiver<EndOfRecording>,
    /// How each finished window still to be taken ended, from the file.
    window_ends: VecDeque<WindowEnd>,
    to_thread: Sender<PlayerMsg>,
    machine: MachineInfo,
    file: PathBuf,
    /// Current speed (f64 bits), shared with the thread so `kind()` shows it.
    speed: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl ReplayPlayer {
    /// Starts playback at once. Any positive `speed` is taken as given; `<`/`>` keep it
    /// within [`MIN_SPEED`]..=[`MAX_SPEED`].
    pub fn start(recording: Recording, file: PathBuf, speed: f64) -> ReplayPlayer {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        let (event_tx, events) = bounded(QUEUE);
        let (end_tx, end) = bounded(1);
        let window_ends = recording.window_ends.iter().copied().collect();
        let (to_thread, from_player) = unbounded();
        let shared_speed = Arc::new(AtomicU64::new(speed.to_bits()));
        let machine = recording.header.machine.clone();
        // Nothing happens before the first event (engine setup): start there.
        let first_t = recording.events.first().map_or(0.0, |e| e.0);
        let playback = Playback {
            recording,
            out: event_tx,
            end: end_tx,
            control: from_player,
            clock: Clock::new(speed, first_t),
            speed: shared_speed.clone(),
            last_refusal: None,
        };
        let thread = std::thread::Builder::new()
            .name("replay".into())
            .spawn(move || playback.run())
            .expect("cannot start the replay thread");
        ReplayPlayer {
            events,
            end,
            window_ends,
            to_thread,
            machine,
            file,
            speed: shared_speed,
            thread: Some(thread),
        }
    }

    pub fn speed(&self) -> f64 {
        f64::from_bits(self.speed.load(Ordering::Relaxed))
    }
}

impl SampleSource for ReplayPlayer {
    fn events(&self) -> &Receiver<EngineEvent> {
        &self.events
    }

    fn end(&self) -> Receiver<EndOfRecording> {
        self.end.clone()
    }

    fn window_end(&mut self) -> Option<WindowEnd> {
        self.window_ends.pop_front()
    }

    fn control(&mut self, c: Control) {
        let _ = self.to_thread.send(PlayerMsg::Control(c));
    }

    fn machine(&self) -> &MachineInfo {
        &self.machine
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Replay {
            file: self.file.clone(),
            speed: self.speed(),
        }
    }

    fn shutdown(&mut self) -> Vec<EngineEvent> {
        if let Some(t) = self.thread.take() {
            let _ = self.to_thread.send(PlayerMsg::Stop);
            let _ = t.join();
        }
        // Replay has nothing to finish: what was recorded was already played.
        Vec::new()
    }
}

impl Drop for ReplayPlayer {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// Recording time as it advances during playback.
struct Clock {
    /// Recording seconds at `anchor`.
    position: f64,
    anchor: Instant,
    speed: f64,
    paused: bool,
}

impl Clock {
    fn new(speed: f64, position: f64) -> Clock {
        Clock {
            position,
            anchor: Instant::now(),
            speed,
            paused: false,
        }
    }

    fn now(&self) -> f64 {
        if self.paused {
            self.position
        } else {
            self.position + self.anchor.elapsed().as_secs_f64() * self.speed
        }
    }

    fn rebase(&mut self) {
        self.position = self.now();
        self.anchor = Instant::now();
    }

    fn set_speed(&mut self, speed: f64) {
        self.rebase();
        self.speed = speed;
    }

    fn set_paused(&mut self, paused: bool) {
        self.rebase();
        self.paused = paused;
    }

    fn jump_to(&mut self, t: f64) {
        self.position = t;
        self.anchor = Instant::now();
    }

    /// Real time until recording time `t`, or None while paused.
    fn wait_until(&self, t: f64) -> Option<Duration> {
        (!self.paused).then(|| Duration::from_secs_f64(((t - self.now()) / self.speed).max(0.0)))
    }
}

struct Playback {
    recording: Recording,
    out: Sender<EngineEvent>,
    /// Told once every event is on `out`.
    end: Sender<EndOfRecording>,
    control: Receiver<PlayerMsg>,
    clock: Clock,
    speed: Arc<AtomicU64>,
    last_refusal: Option<Instant>,
}

/// What the playback thread does next.
enum Step {
    Continue,
    Stop,
}

impl Playback {
    fn run(mut self) {
        if let Some(line) = self.recording.cut_off_line {
            let msg = format!(
                "line {line} of this recording was cut off (the recording was interrupted); \
                 playing up to the line before"
            );
            if let Step::Stop = self.emit(notice(msg)) {
                return;
            }
        }
        let events = std::mem::take(&mut self.recording.events);
        let mut i = 0;
        while i < events.len() {
            let (t, ref event) = events[i];
            let ahead = t - self.clock.now();
            if ahead > MAX_GAP_S && !self.clock.paused {
                self.clock.jump_to(t - GAP_LEAD_S);
                let msg = format!(
                    "replay: skipped {:.0} s in which nothing happened (the session was idle or paused)",
                    ahead - GAP_LEAD_S
                );
                if let Step::Stop = self.emit(notice(msg)) {
                    return;
                }
            }
            match self.clock.wait_until(t) {
                Some(d) if d.is_zero() => {
                    if let Step::Stop = self.emit(event.clone()) {
                        return;
                    }
                    i += 1;
                }
                wait => {
                    let msg = match wait {
                        Some(d) => self.control.recv_timeout(d),
                        None => self
                            .control
                            .recv()
                            .map_err(|_| RecvTimeoutError::Disconnected),
                    };
                    match msg {
                        Ok(m) => {
                            if let Step::Stop = self.handle(m) {
                                return;
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            }
        }
        let _ = self.end.try_send(EndOfRecording {
            events: events.len(),
            seconds: events.last().map_or(0.0, |(t, _)| *t),
        });
        // The channel stays open until shutdown; keep answering controls.
        while let Ok(m) = self.control.recv() {
            if let Step::Stop = self.handle(m) {
                return;
            }
        }
    }

    /// Sends one event, still obeying controls while the explorer is behind.
    fn emit(&mut self, event: EngineEvent) -> Step {
        loop {
            select! {
                send(self.out, event.clone()) -> r => {
                    return if r.is_ok() { Step::Continue } else { Step::Stop };
                }
                recv(self.control) -> m => match m {
                    Ok(m) => if let Step::Stop = self.handle(m) { return Step::Stop },
                    Err(_) => return Step::Stop,
                },
            }
        }
    }

    fn handle(&mut self, m: PlayerMsg) -> Step {
        match m {
            PlayerMsg::Stop => return Step::Stop,
            PlayerMsg::Control(Control::Pause) => self.clock.set_paused(true),
            PlayerMsg::Control(Control::Resume) => self.clock.set_paused(false),
            PlayerMsg::Control(c @ (Control::Faster | Control::Slower)) => {
                let old = self.clock.speed;
                let new = if c == Control::Faster {
                    if old < MAX_SPEED {
                        (old * 2.0).min(MAX_SPEED)
                    } else {
                        old
                    }
                } else if old > MIN_SPEED {
                    (old / 2.0).max(MIN_SPEED)
                } else {
                    old
                };
                self.clock.set_speed(new);
                self.speed.store(new.to_bits(), Ordering::Relaxed);
                // Best effort: a full queue must not stall the controls.
                let _ = self
                    .out
                    .try_send(notice(format!("replay speed {}", format_speed(new))));
            }
            PlayerMsg::Control(Control::SetConfig(config) | Control::Measure { config, .. }) => {
                // A replay shows what happened; say so, but not on every key press.
                let quiet = self
                    .last_refusal
                    .is_some_and(|at| at.elapsed() < Duration::from_secs(5));
                if !quiet {
                    self.last_refusal = Some(Instant::now());
                    let _ = self.out.try_send(notice(format!(
                        "replay: cannot measure {} {} ×{} here; a replay only shows what was recorded",
                        config.strategy,
                        format_size(config.msg_size),
                        config.threads
                    )));
                }
            }
        }
        Step::Continue
    }
}

fn notice(message: String) -> EngineEvent {
    EngineEvent::Notice { message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::{Config, Strategy};
    use crate::model::recording::RecordingHeader;

    fn recording(times: &[f64]) -> Recording {
        Recording {
            header: RecordingHeader::new(&MachineInfo::default()),
            events: times
                .iter()
                .enumerate()
                .map(|(i, t)| (*t, notice(format!("e{i}"))))
                .collect(),
            cut_off_line: None,
            window_ends: Vec::new(),
        }
    }

    fn next(p: &ReplayPlayer) -> String {
        match p.events().recv_timeout(Duration::from_secs(5)).unwrap() {
            EngineEvent::Notice { message } => message,
            e => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn plays_at_the_recorded_pace_times_speed() {
        let mut p = ReplayPlayer::start(recording(&[0.0, 0.4]), "f".into(), 2.0);
        let start = Instant::now();
        assert_eq!(next(&p), "e0");
        assert_eq!(next(&p), "e1");
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(190), "{took:?}");
        assert!(took < Duration::from_millis(1500), "{took:?}");
        let end = p.end().recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(
            end.to_string(),
            "end of recording: 2 events over 0.4 s; q quits"
        );
        p.shutdown();
        p.shutdown(); // idempotent
    }

    #[test]
    fn pause_stops_playback_time_and_resume_continues() {
        // A gap long enough that the pause lands inside it on a loaded machine.
        let mut p = ReplayPlayer::start(recording(&[0.0, 1.0]), "f".into(), 1.0);
        assert_eq!(next(&p), "e0");
        p.control(Control::Pause);
        assert!(p
            .events()
            .recv_timeout(Duration::from_millis(1500))
            .is_err());
        p.control(Control::Resume);
        assert_eq!(next(&p), "e1");
    }

    #[test]
    fn faster_and_slower_stay_in_range() {
        let mut p = ReplayPlayer::start(recording(&[0.0, 1000.0]), "f".into(), 1.0);
        assert_eq!(next(&p), "e0");
        // The 1000 s gap is skipped with a notice.
        assert!(next(&p).starts_with("replay: skipped 999 s"));
        for _ in 0..10 {
            p.control(Control::Faster);
        }
        p.control(Control::SetConfig(Config::new(Strategy::OneCopy, 64, 1)));
        let mut notices = Vec::new();
        while notices.len() < 12 {
            notices.push(next(&p));
        }
        assert_eq!(notices[0], "replay speed 2×");
        assert_eq!(notices[5], "replay speed 64×");
        assert_eq!(notices[9], "replay speed 64×");
        assert!(notices[10].starts_with("replay: cannot measure one-copy 64 ×1"));
        assert_eq!(notices[11], "e1");
        assert_eq!(
            p.kind(),
            SourceKind::Replay {
                file: "f".into(),
                speed: 64.0
            }
        );
        for _ in 0..12 {
            p.control(Control::Slower);
        }
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(p.speed(), MIN_SPEED);
    }

    #[test]
    fn shutdown_joins_even_when_the_explorer_never_reads() {
        let times: Vec<f64> = (0..2 * QUEUE).map(|_| 0.0).collect();
        let mut p = ReplayPlayer::start(recording(&times), "f".into(), 1.0);
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        p.shutdown();
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn playback_starts_at_the_first_event() {
        let p = ReplayPlayer::start(recording(&[2.5, 2.6]), "f".into(), 1.0);
        let start = Instant::now();
        assert_eq!(next(&p), "e0");
        assert_eq!(next(&p), "e1");
        assert!(start.elapsed() < Duration::from_millis(1000));
    }

    #[test]
    fn speeds_format_as_factors() {
        assert_eq!(format_speed(1.0), "1×");
        assert_eq!(format_speed(64.0), "64×");
        assert_eq!(format_speed(0.25), "1/4×");
        assert_eq!(format_speed(MIN_SPEED), "1/16×");
    }
}
