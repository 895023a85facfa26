//! What the explorer is asked ([`Action`]) and what it asks back of the main loop
//! ([`Effect`]).

use crate::engine::axis::Axis;
use crate::engine::metric::Figures;
use crate::engine::sample::{ConfigResult, EngineEvent};
use crate::model::rows::WindowEnd;
use crate::source::{Control, SourceKind};
use std::path::PathBuf;

/// Something the user or the source asks of the explorer.
// Actions live for one update; boxing the engine event would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    NextStrategy,
    PrevStrategy,
    LargerSize,
    SmallerSize,
    MoreThreads,
    FewerThreads,
    /// The next value of an axis (its key in the axis table): nodelay, receive
    /// mode, pinning, counting, buffer placement.
    NextAxis(&'static Axis),
    TogglePause,
    ToggleSweep,
    Export,
    ResetMatrix,
    ToggleHelp,
    /// The insight panel: the course's questions answered from the matrix.
    ToggleInsight,
    /// The top kernel functions of the configuration being measured, per side.
    ToggleTop,
    /// Matrix: scroll a page up / down, to the first / last row.
    ScrollUp,
    ScrollDown,
    ScrollTop,
    ScrollBottom,
    /// Matrix: sort by the next column (best first), then back to matrix order.
    NextSort,
    /// Matrix: show one thread count, one strategy, or all rows.
    NextFilter,
    /// Closes the overlay that is open.
    Dismiss,
    Quit,
    /// Replay only: playback speed.
    Faster,
    Slower,
    /// An event from the source.
    Engine(EngineEvent),
    /// A finished window whose end the source knows (a replay reads it from the file).
    Window {
        result: ConfigResult,
        end: WindowEnd,
    },
    /// The screen shows this many matrix rows (drawn after a resize or a layout change).
    MatrixPage(usize),
    /// The main loop wrote (or failed to write) the export.
    Exported(Result<PathBuf, String>),
    /// The source's description changed (e.g. replay speed).
    SourceChanged(SourceKind),
}

/// What the main loop must do after an update.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Control(Control),
    /// Write these rows to a new CSV file, then report with [`Action::Exported`].
    Export(Vec<Figures>),
    Quit,
}
