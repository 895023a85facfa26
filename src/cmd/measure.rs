//! The live runner as `run` and `sweep` drive it: the startup order, one window at a
//! time, signals, and the recording beside it.

use crate::engine::config::{Config, Count};
use crate::engine::live::LiveOrder;
use crate::engine::sample::{ConfigResult, CounterStatus, EngineEvent, Failure};
use crate::engine::{Engine, LiveRunner};
use crate::error::{fault, usage, Result};
use crate::model::recording::Recorder;
use crate::model::rows::WindowEnd;
use crate::session::{self, MeasureSettings, Signals, Started};
use crossbeam_channel::select;
use std::time::Duration;

fn describe_status(c: &CounterStatus) {
    let state = if c.available { "ok " } else { "n/a" };
    let note = c
        .note
        .as_ref()
        .map(|n| format!(" — {n}"))
        .unwrap_or_default();
    crate::note!("netio-tui:   {state} {:<17} ({}){note}", c.metric, c.event);
}

fn describe_engine(engine: &Engine, counts: &[Count]) {
    let m = engine.machine();
    if let Some(t) = engine.setup_time {
        crate::note!(
            "netio-tui: namespaces + veth set up in {:.2} ms",
            t.as_secs_f64() * 1e3
        );
    }
    crate::note!(
        "netio-tui: {} | {} cores | kernel {} | {}",
        m.cpu_model,
        m.cores,
        m.kernel,
        m.network
    );
    match &m.zerocopy_error {
        None => crate::note!("netio-tui: MSG_ZEROCOPY supported"),
        Some(e) => crate::note!("netio-tui: zero-copy n/a: {e}"),
    }
    for (s, why) in &m.unavailable {
        crate::note!("netio-tui: {s} unavailable: {why}");
    }
    if let Some(Err(why)) = m.roofline.as_ref().map(|r| r.dram()) {
        crate::note!("netio-tui: DRAM copy roofline n/a: {why}");
    }
    if counts.contains(&Count::Thread) {
        if counts.contains(&Count::Cpu) {
            crate::note!("netio-tui: --count thread: per worker thread");
        }
        m.counters.iter().for_each(describe_status);
    }
    if counts.contains(&Count::Cpu) {
        crate::note!(
            "netio-tui: --count cpu: every task on each pinned CPU (pid -1), no per-thread counter"
        );
        m.cpu_counters.iter().for_each(describe_status);
    }
    if let Some(p) = &m.peer {
        crate::note!("netio-tui: the peer {}'s counters:", p.host);
        p.machine.counters.iter().for_each(describe_status);
    }
}

/// `--messages` needs both halves of every connection here, counting: not with
/// `--peer` (the far half ends by the clock) nor the sink topology (nothing receives).
pub fn check_messages(m: &MeasureSettings, messages: Option<u64>) -> Result<()> {
    if messages.is_none() {
        return Ok(());
    }
    if m.peer.is_some() {
        return Err(usage(
            "--messages cannot be used with --peer: both halves of each connection must run here; use --duration",
        ));
    }
    if m.topology == session::Topology::Sink {
        return Err(usage(
            "--messages needs a receiving side: --topology sink has none; use --duration",
        ));
    }
    Ok(())
}

/// The live runner with what every headless measurement needs around it: the
/// recorder and the signal channel.
pub struct Driver {
    pub runner: LiveRunner,
    /// Strategies the kernel refuses here, with the reason.
    pub unavailable: std::collections::BTreeMap<crate::engine::config::Strategy, String>,
    recorder: Option<Recorder>,
    signals: Signals,
    pub interrupted: bool,
    /// Why the recording stopped early, if it did.
    record_failed: Option<String>,
}

impl Driver {
    /// The one startup order (the preflight has passed), then what `-v` says about
    /// the engine. `counts`: the counting modes that will be measured (what `-v` lists).
    pub fn start(
        m: &MeasureSettings,
        verify: bool,
        counts: &[Count],
        messages: Option<u64>,
    ) -> Result<Driver> {
        let Started {
            signals,
            mut engine,
            recorder,
        } = session::start(m, verify)?;
        engine.set_fixed_messages(messages);
        if m.verbose {
            describe_engine(&engine, counts);
        } else if counts.contains(&Count::Cpu) {
            if let Some(gaps) = engine.machine().cpu_count_gaps() {
                crate::note!("netio-tui: {gaps}");
            }
        }
        if let Some(why) = &engine.machine().perf_error {
            crate::note!("netio-tui: {why}; throughput is still measured, counters show n/a");
        }
        if let Some(p) = &engine.machine().peer {
            if let Some(why) = &p.machine.perf_error {
                crate::note!(
                    "netio-tui: on the peer {}: {why}; its counters show n/a (--json: peer_na)",
                    p.host
                );
            }
        }
        Ok(Driver {
            unavailable: engine.machine().unavailable.clone(),
            runner: LiveRunner::spawn(engine, None)?,
            recorder,
            signals,
            interrupted: false,
            record_failed: None,
        })
    }

    /// Measures one configuration for warm-up + `duration`: its result, or why there
    /// is none. A signal ends the window early, and then it is no measurement.
    pub fn measure(&mut self, config: Config, duration: f64) -> Result<ConfigResult, Failure> {
        self.runner.order(LiveOrder::Set {
            config,
            length: Some(Duration::from_secs_f64(duration)),
        });
        let events = self.runner.events().clone();
        let signals = self.signals.receiver().clone();
        loop {
            select! {
                recv(events) -> ev => {
                    let Ok(mut ev) = ev else {
                        return Err(Failure::Start { message: "the engine stopped".into() });
                    };
                    let mut outcome = None;
                    match &ev {
                        EngineEvent::Finished(r) if r.config == config => {
                            outcome = Some(if self.interrupted {
                                Err(Failure::Interrupted)
                            } else {
                                Ok(r.clone())
                            });
                        }
                        EngineEvent::Failed { config: c, failure } if *c == config => {
                            outcome = Some(Err(if self.interrupted {
                                Failure::Interrupted
                            } else {
                                failure.clone()
                            }));
                        }
                        EngineEvent::SamplesDropped { count, .. } => crate::note!(
                            "netio-tui: {config}: {count} samples were not recorded (the recorder fell behind)"
                        ),
                        EngineEvent::Notice { message } => crate::note!("netio-tui: {message}"),
                        _ => {}
                    }
                    // A recording never lists an interrupted window as finished.
                    if let Some(Err(Failure::Interrupted)) = &outcome {
                        ev = EngineEvent::Failed { config, failure: Failure::Interrupted };
                    }
                    // A finished window here always ran its length: an interrupted
                    // one was turned into a failure above.
                    self.record(&ev, Some(WindowEnd::Timed));
                    if let Some(o) = outcome {
                        return o;
                    }
                }
                recv(signals) -> _ => {
                    self.interrupted = true;
                    self.runner.order(LiveOrder::Pause);
                }
            }
        }
    }

    fn record(&mut self, ev: &EngineEvent, window: Option<WindowEnd>) {
        if let Some(r) = &mut self.recorder {
            if let Err(e) = r.record_window(ev, window) {
                let why = format!(
                    "{e:#}; {} holds only the first {} lines",
                    r.path().display(),
                    r.lines()
                );
                crate::note!("netio-tui: recording stopped: {why}");
                self.record_failed = Some(why);
                self.recorder = None;
            }
        }
    }

    /// Whether a signal arrived that no measurement has taken yet.
    pub fn signalled(&mut self) -> bool {
        self.interrupted |= self.signals.pending();
        self.interrupted
    }

    /// Stops the engine, records its last events, and says whether the recording is whole.
    pub fn finish(mut self) -> Result<()> {
        for ev in self.runner.shutdown() {
            self.record(&ev, None);
        }
        match self.record_failed.take() {
            Some(why) => Err(fault(format!("the recording is incomplete: {why}"))),
            None => Ok(()),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        for ev in self.runner.shutdown() {
            self.record(&ev, None);
        }
    }
}
