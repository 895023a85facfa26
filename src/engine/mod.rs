//! The measuring engine. Knows nothing of any UI: it publishes [`sample::EngineEvent`]s
//! on a crossbeam channel and takes orders through plain method calls.

pub mod config;
pub mod sample;
pub mod strategy;
pub mod sys;

use config::Config;
use crossbeam_channel::{Receiver, Sender};
use sample::{ConfigResult, EngineEvent, MachineInfo};
use std::time::Duration;

/// How the engine measures.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Private veth network in two anonymous namespaces (needs root) or loopback.
    pub use_netns: bool,
    pub interval: Duration,
    pub warmup: Duration,
    pub verify: bool,
    pub verbose: bool,
}

/// The network and counters, built once and reused for every configuration.
pub struct Engine {
    _private: (),
}

impl Engine {
    pub fn new(_opts: EngineOptions) -> anyhow::Result<Engine> {
        todo!("engine under construction")
    }
    pub fn machine(&self) -> &MachineInfo {
        todo!()
    }
    /// Starts worker threads for `config`; events go to `events`. Warm-up runs first.
    pub fn start(
        &self,
        _config: Config,
        _events: &Sender<EngineEvent>,
    ) -> anyhow::Result<Measurement> {
        todo!()
    }
}

/// A configuration being measured.
pub struct Measurement {
    _private: (),
}

impl Measurement {
    pub fn config(&self) -> Config {
        todo!()
    }
    /// Stops the workers, joins them, publishes and returns the result of the measured window.
    pub fn finish(self) -> ConfigResult {
        todo!()
    }
}

/// Runs the engine on its own thread for the explorer: one configuration at a time,
/// switched, paused and resumed on request.
pub struct LiveRunner {
    _private: (),
}

impl LiveRunner {
    pub fn spawn(_engine: Engine, _initial: Config) -> LiveRunner {
        todo!()
    }
    pub fn events(&self) -> &Receiver<EngineEvent> {
        todo!()
    }
}
