//! netio-tui: see what data movement costs in Linux TCP I/O.
//!
//! Layers, each using only those below it: `engine` (its own crate: measures, knows no
//! UI) → `model` (rows, insight, report, CSV and recording formats) → `source`,
//! `replay`, `plot`, `peer` (ssh to a far host), `session` (preflight and startup) → `app` + `ui` → `explorer` →
//! `cmd` (the command line, the only code that sees clap).

#[cfg(not(target_os = "linux"))]
compile_error!(
    "netio-tui is Linux only: it needs network namespaces, veth, MSG_ZEROCOPY and perf_event_open."
);

pub mod app;
pub mod cmd;
pub mod error;
pub mod explorer;
pub mod model;
pub mod peer;
pub mod plot;
pub mod replay;
pub mod session;
pub mod source;
pub mod test_seam;
pub mod ui;
pub mod view;

/// The measuring engine, its own crate: no UI, no CLI.
pub use netio_engine as engine;
pub use netio_engine::{format, timefmt};

pub use error::{Error, Result};
