//! The engine on its own thread: one configuration at a time, switched, paused and
//! resumed on request, each window open-ended or timed by the sampler. The explorer
//! and the headless `run`/`sweep` both drive it and read the same event stream.

use super::config::Config;
use super::sample::{EngineEvent, Failure, MachineInfo};
use super::{Engine, Measurement, EVENT_CAPACITY};
use crossbeam_channel::{never, select, Receiver, Sender};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Orders for the live runner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LiveOrder {
    /// Measure `config` now (the running window is finished first). With a `length`
    /// the window ends by itself after it (warm-up excluded) and the runner waits.
    Set {
        config: Config,
        length: Option<Duration>,
    },
    /// Finish the running window and stop the workers.
    Pause,
    /// Start the current configuration again (a `Set` while paused only chooses).
    Resume,
}

pub struct LiveRunner {
    orders: Option<Sender<LiveOrder>>,
    events: Receiver<EngineEvent>,
    machine: MachineInfo,
    thread: Option<JoinHandle<()>>,
    /// The runner thread's kernel id (0 until it has started).
    tid: Arc<AtomicI32>,
}

impl LiveRunner {
    /// Starts the runner; it measures `initial` at once, if given (open-ended).
    pub fn spawn(engine: Engine, initial: Option<Config>) -> std::io::Result<LiveRunner> {
        let (ev_tx, ev_rx) = crossbeam_channel::bounded(EVENT_CAPACITY);
        let (ord_tx, ord_rx) = crossbeam_channel::unbounded();
        let machine = engine.machine().clone();
        let tid = Arc::new(AtomicI32::new(0));
        let t = tid.clone();
        let thread = std::thread::Builder::new()
            .name("netio-live".into())
            .spawn(move || {
                t.store(super::sys::current_tid(), Ordering::SeqCst);
                run(engine, initial, ord_rx, ev_tx)
            })?;
        Ok(LiveRunner {
            orders: Some(ord_tx),
            events: ev_rx,
            machine,
            thread: Some(thread),
            tid,
        })
    }

    pub fn events(&self) -> &Receiver<EngineEvent> {
        &self.events
    }

    pub fn machine(&self) -> &MachineInfo {
        &self.machine
    }

    pub fn order(&self, o: LiveOrder) {
        if let Some(tx) = &self.orders {
            let _ = tx.send(o);
        }
    }

    /// Finishes the running configuration and joins every thread. Idempotent.
    /// Returns the events published while stopping (the last result among them).
    pub fn shutdown(&mut self) -> Vec<EngineEvent> {
        self.shutdown_within(None)
    }

    /// [`LiveRunner::shutdown`], waiting at most `limit` for the workers to end; where
    /// they had not, the runner thread is left running: only the end of the process
    /// ends it then, which also ends the workers and frees their namespaces. On a machine busy with other work, a thousand worker threads can
    /// take seconds to get the CPU time to end; a process ending on a signal need not
    /// wait for them.
    pub fn shutdown_within(&mut self, limit: Option<Duration>) -> Vec<EngineEvent> {
        self.orders = None;
        let mut last = Vec::new();
        let deadline = limit.map(|l| std::time::Instant::now() + l);
        if let Some(t) = self.thread.take() {
            // Stopping must not wait for a turn among hundreds of busy workers: the
            // runner (which stops and joins them) goes ahead of them (root; best effort).
            let tid = self.tid.load(Ordering::SeqCst);
            if tid > 0 && !t.is_finished() {
                let _ = super::sys::make_realtime(tid);
            }
            // The live thread may block sending a last event; keep the channel drained.
            while !t.is_finished() {
                last.extend(self.events.try_iter());
                if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                    return last;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = t.join();
            last.extend(self.events.try_iter());
        }
        last
    }
}

impl Drop for LiveRunner {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// The runner's state: what to measure, and whether it measures.
struct Runner {
    engine: Engine,
    events: Sender<EngineEvent>,
    current: Option<(Config, Option<Duration>)>,
    running: Option<Measurement>,
    paused: bool,
}

impl Runner {
    fn start(&mut self) {
        let Some((config, length)) = self.current else {
            return;
        };
        let started = match length {
            Some(l) => self.engine.start_timed(config, &self.events, l),
            None => self.engine.start(config, &self.events),
        };
        match started {
            Ok(m) => self.running = Some(m),
            Err(e) => {
                let _ = self.events.send(EngineEvent::Failed {
                    config,
                    failure: Failure::Start {
                        message: format!("{e:#}"),
                    },
                });
            }
        }
    }

    /// Ends the running window, publishing its result or failure. Nothing runs
    /// after it until the next order (a failed configuration is not retried by itself).
    fn finish(&mut self) {
        if let Some(m) = self.running.take() {
            let _ = m.finish();
        }
    }
}

fn run(
    engine: Engine,
    initial: Option<Config>,
    orders: Receiver<LiveOrder>,
    events: Sender<EngineEvent>,
) {
    let mut r = Runner {
        engine,
        events,
        current: initial.map(|c| (c, None)),
        running: None,
        paused: false,
    };
    r.start();
    loop {
        // The window ends by itself when timed, or when a worker fails.
        let done = r
            .running
            .as_ref()
            .map_or(never(), |m| m.window_done().clone());
        select! {
            recv(orders) -> o => match o {
                Ok(LiveOrder::Set { config, length }) => {
                    r.finish();
                    r.current = Some((config, length));
                    if !r.paused {
                        r.start();
                    }
                }
                Ok(LiveOrder::Pause) => {
                    r.finish();
                    r.paused = true;
                }
                Ok(LiveOrder::Resume) => {
                    r.paused = false;
                    if r.running.is_none() {
                        r.start();
                    }
                }
                Err(_) => break,
            },
            recv(done) -> _ => r.finish(),
        }
    }
    r.finish();
}
