//! The measuring engine of netio-tui. Knows nothing of any UI: it publishes
//! [`sample::EngineEvent`]s on a crossbeam channel and takes orders through plain method
//! calls. `unsafe` lives in [`sys`] only.

#![deny(unsafe_code)]

#[cfg(not(target_os = "linux"))]
compile_error!(
    "netio-tui is Linux only: it needs network namespaces, veth, MSG_ZEROCOPY and perf_event_open."
);

pub mod affinity;
pub mod axis;
mod budget;
pub mod config;
pub mod counters;
mod datalink;
mod engine;
pub mod error;
mod far;
pub mod format;
mod half;
mod launch;
pub mod live;
pub mod machine;
mod measurement;
pub mod metric;
pub mod netns;
pub mod path;
pub mod peer;
pub mod profile;
pub mod readiness;
pub mod sample;
mod sink;
pub mod strategy;
#[allow(unsafe_code)]
pub mod sys;
pub mod timefmt;
pub mod worker;

pub use budget::{check_memlock, check_memory};
pub use engine::{Engine, EngineOptions, EVENT_CAPACITY};
pub use error::{Error, ErrorKind, Result};
pub use live::LiveRunner;
pub use measurement::Measurement;
pub use sink::sink_refuses;
