//! Hooks that tests and benchmarks drive the real binary with, read once at startup
//! and nowhere else. They exist because some behaviour can only be checked on the
//! released binary in a real terminal: what a panic inside the explorer leaves behind
//! (terminal, threads, namespaces; tests/explorer_tmux.rs) and what drawing costs
//! (scripts/bench-explorer.sh). Nothing on a measuring path reads the environment.

/// `NETIO_TUI_TEST_PANIC=1`: the explorer panics after its first frame with figures.
pub const PANIC_ENV: &str = "NETIO_TUI_TEST_PANIC";
/// `NETIO_TUI_DRAW=off`: the explorer draws its first frame only, so the cost of
/// drawing can be told from the cost of driving the engine.
pub const DRAW_ENV: &str = "NETIO_TUI_DRAW";

/// `NETIO_TUI_TEST_AGENT_VERSION=X`: the agent says it is version X in its hello, so
/// the refusal of a far host with another version is tested without building one.
pub const AGENT_VERSION_ENV: &str = "NETIO_TUI_TEST_AGENT_VERSION";

/// `NETIO_TUI_TEST_PEER_HOLD_MS=N`: with `--peer`, the local side waits N ms after the
/// agent's data listener is up before dialling it, so a test can connect to that port
/// without the run's token and see the connection refused and counted.
pub const PEER_HOLD_ENV: &str = "NETIO_TUI_TEST_PEER_HOLD_MS";

/// How long to hold the far listener open before dialling it (tests only).
pub fn peer_hold() -> Option<std::time::Duration> {
    std::env::var(PEER_HOLD_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .map(std::time::Duration::from_millis)
}

/// `NETIO_TUI_TEST_EARLY_HOLD=1`: main says on stderr whether the termination signals
/// were already held when it began (by the engine's constructor, before the runtime).
pub const EARLY_HOLD_ENV: &str = "NETIO_TUI_TEST_EARLY_HOLD";

/// Says whether the signals were held before main, when a test asks.
pub fn tell_early_hold(held: bool) {
    if std::env::var_os(EARLY_HOLD_ENV).is_some() {
        eprintln!(
            "signals held before main: {}",
            if held { "yes" } else { "no" }
        );
    }
}

/// The version the agent announces: this build's, unless a test says otherwise.
pub fn agent_version() -> String {
    std::env::var(AGENT_VERSION_ENV).unwrap_or_else(|_| env!("CARGO_PKG_VERSION").to_string())
}

/// What the hooks ask for in this process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seams {
    pub panic_after_first_figures: bool,
    pub draw_first_frame_only: bool,
}

impl Seams {
    /// Reads the environment (once, at startup).
    pub fn from_env() -> Seams {
        Seams {
            panic_after_first_figures: std::env::var_os(PANIC_ENV).is_some(),
            draw_first_frame_only: std::env::var_os(DRAW_ENV).is_some_and(|v| v == "off"),
        }
    }
}
