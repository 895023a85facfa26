//! Keys → actions. The one place that knows the key bindings (the help and the key
//! line on screen are written from [`KEYS`]).

use super::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// (keys, what they do), as shown on screen.
pub const KEYS: [(&str, &str); 19] = [
    ("←→", "strategy"),
    ("↑↓", "size"),
    ("+-", "threads"),
    ("spc", "pause"),
    ("s", "sweep"),
    ("e", "export"),
    ("r", "reset"),
    ("?", "help"),
    ("q", "quit"),
    ("i", "insight"),
    ("t", "top"),
    ("n", "nagle"),
    ("m", "recv"),
    ("c", "pin"),
    ("a", "count"),
    ("b", "buffers"),
    // Also named in the matrix's title, where they fit when these do not.
    ("PgUp/Dn Home", "scroll"),
    ("o", "sort"),
    ("f", "filter"),
];

pub fn action_for_key(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('C') => Some(Action::Quit),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Right | KeyCode::Char('l') => Action::NextStrategy,
        KeyCode::Left | KeyCode::Char('h') => Action::PrevStrategy,
        KeyCode::Up | KeyCode::Char('k') => Action::LargerSize,
        KeyCode::Down | KeyCode::Char('j') => Action::SmallerSize,
        KeyCode::Char('+') | KeyCode::Char('=') => Action::MoreThreads,
        KeyCode::Char('-') | KeyCode::Char('_') => Action::FewerThreads,
        KeyCode::Char(' ') | KeyCode::Char('p') => Action::TogglePause,
        KeyCode::Char('s') => Action::ToggleSweep,
        KeyCode::Char('n') => Action::ToggleNodelay,
        KeyCode::Char('m') => Action::NextRecvMode,
        KeyCode::Char('c') => Action::NextPin,
        KeyCode::Char('a') => Action::NextCount,
        KeyCode::Char('b') => Action::NextBufOffset,
        KeyCode::Char('e') => Action::Export,
        KeyCode::Char('r') => Action::ResetMatrix,
        KeyCode::PageUp => Action::ScrollUp,
        KeyCode::PageDown => Action::ScrollDown,
        KeyCode::Home | KeyCode::Char('g') => Action::ScrollTop,
        KeyCode::End | KeyCode::Char('G') => Action::ScrollBottom,
        KeyCode::Char('o') => Action::NextSort,
        KeyCode::Char('f') => Action::NextFilter,
        KeyCode::Char('?') | KeyCode::F(1) => Action::ToggleHelp,
        KeyCode::Char('i') => Action::ToggleInsight,
        KeyCode::Char('t') => Action::ToggleTop,
        KeyCode::Esc => Action::Dismiss,
        KeyCode::Char('q') | KeyCode::Char('Q') => Action::Quit,
        KeyCode::Char('>') | KeyCode::Char('.') => Action::Faster,
        KeyCode::Char('<') | KeyCode::Char(',') => Action::Slower,
        _ => return None,
    })
}
