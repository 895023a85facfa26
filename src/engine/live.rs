//! The engine on its own thread for the explorer: one configuration at a time,
//! switched, paused and resumed on request.

use super::config::Config;
use super::sample::{EngineEvent, MachineInfo};
use super::{Engine, Measurement, EVENT_CAPACITY};
use crossbeam_channel::{Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// Orders for the live runner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LiveOrder {
    Set(Config),
    Pause,
    Resume,
}

pub struct LiveRunner {
    orders: Option<Sender<LiveOrder>>,
    events: Receiver<EngineEvent>,
    machine: MachineInfo,
    thread: Option<JoinHandle<()>>,
}

impl LiveRunner {
    /// Starts measuring `initial` at once.
    pub fn spawn(engine: Engine, initial: Config) -> LiveRunner {
        let (ev_tx, ev_rx) = crossbeam_channel::bounded(EVENT_CAPACITY);
        let (ord_tx, ord_rx) = crossbeam_channel::unbounded();
        let machine = engine.machine().clone();
        let thread = std::thread::Builder::new()
            .name("netio-live".into())
            .spawn(move || run(engine, initial, ord_rx, ev_tx))
            .expect("spawning the live engine thread");
        LiveRunner {
            orders: Some(ord_tx),
            events: ev_rx,
            machine,
            thread: Some(thread),
        }
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
        self.orders = None;
        let mut last = Vec::new();
        if let Some(t) = self.thread.take() {
            // The live thread may block sending a last event; keep the channel drained.
            while !t.is_finished() {
                last.extend(self.events.try_iter());
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

fn start(engine: &Engine, config: Config, events: &Sender<EngineEvent>) -> Option<Measurement> {
    match engine.start(config, events) {
        Ok(m) => Some(m),
        Err(e) => {
            let _ = events.send(EngineEvent::Failed {
                config,
                message: format!("{e:#}"),
            });
            None
        }
    }
}

fn run(engine: Engine, initial: Config, orders: Receiver<LiveOrder>, events: Sender<EngineEvent>) {
    let mut current = initial;
    let mut paused = false;
    let mut running = start(&engine, current, &events);
    loop {
        // Wake now and then to end a configuration whose workers failed.
        let order = match orders.recv_timeout(Duration::from_millis(200)) {
            Ok(o) => Some(o),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        };
        match order {
            None => {
                if running.as_ref().is_some_and(|m| m.failed()) {
                    running.take().map(Measurement::finish);
                    let _ = events.send(EngineEvent::Failed {
                        config: current,
                        message: "the workers stopped with an error; change a setting or press space to retry".into(),
                    });
                    paused = true;
                }
            }
            Some(LiveOrder::Set(c)) => {
                running.take().map(Measurement::finish);
                current = c;
                if !paused {
                    running = start(&engine, current, &events);
                }
            }
            Some(LiveOrder::Pause) => {
                running.take().map(Measurement::finish);
                paused = true;
            }
            Some(LiveOrder::Resume) => {
                paused = false;
                if running.is_none() {
                    running = start(&engine, current, &events);
                }
            }
        }
    }
    running.take().map(Measurement::finish);
}
