//! netio-tui: see what data movement costs in Linux TCP I/O.
//!
//! `engine` measures and knows nothing of any UI; it publishes [`engine::sample::EngineEvent`]s
//! on a channel. The explorer (`app` + `ui`), the headless `run`/`sweep` (`headless`), the
//! recorder and replay (`export`, `replay`) all consume that one stream.

#[cfg(not(target_os = "linux"))]
compile_error!(
    "netio-tui is Linux only: it needs network namespaces, veth, MSG_ZEROCOPY and perf_event_open."
);

pub mod app;
pub mod cli;
pub mod explorer;
pub mod headless;
pub mod model;
pub mod plot;
pub mod replay;
pub mod session;
pub mod source;
pub mod ui;

/// The measuring engine, its own crate: no UI, no CLI.
pub use netio_engine as engine;
pub use netio_engine::{format, timefmt};

/// Old paths, kept while the files move (removed once every user names the new ones).
pub use model::{insight, report};
pub mod export {
    pub use crate::model::{csv, files, recording};
    pub use crate::plot;
}

/// An error the user caused (bad input, missing privilege, unreadable file):
/// printed as one clear message, exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

/// The user stopped a measurement before it was complete (exit status 130).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);
