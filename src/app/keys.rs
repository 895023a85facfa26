//! Keys → actions: the one table of the explorer's key bindings. The key line at the
//! bottom of the screen, the `?` help and [`action_for_key`] are all read from
//! [`ROWS`] (the axes' keys from the engine's axis table), so a key cannot be bound without being explained, nor explained
//! without being bound.

use super::Action;
use crate::engine::axis::AXES;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key as the table names it: its code, and whether Ctrl is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// When a binding does something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    Always,
    /// Changes the configuration: a replay's recording decides it.
    LiveOnly,
    /// Playback speed.
    ReplayOnly,
}

/// One entry of the key line: key caps and a word. `rank` orders the key line (most
/// used first), which is not the help's order (grouped by what the keys change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyLabel {
    pub rank: u8,
    pub caps: &'static str,
    pub word: &'static str,
}

/// One line (or more) of the help, the keys it explains and their key-line entries.
pub struct Binding {
    pub keys: &'static [(Key, Action)],
    pub key_line: &'static [KeyLabel],
    /// Help lines, keys column first. `{threads}`, `{sweep_configs}` and
    /// `{sweep_secs}` are filled from the explorer's state ([`help_lines`]).
    pub help: &'static [&'static str],
    pub applies: Applies,
}

const fn label(rank: u8, caps: &'static str, word: &'static str) -> KeyLabel {
    KeyLabel { rank, caps, word }
}

/// A place in the key table: keys of the explorer's own, or the axes' keys.
pub enum Row {
    Keys(Binding),
    /// Each axis's key, in axis-table order ([`crate::engine::axis::AXES`]).
    Axes,
}

/// Where the axes' keys go on the key line.
const AXIS_RANK: u8 = 12;

/// Every key binding, in the order `?` explains them.
pub const ROWS: &[Row] = &[
    Row::Keys(Binding {
        keys: &[
            (code(KeyCode::Left), Action::PrevStrategy),
            (ch('h'), Action::PrevStrategy),
            (code(KeyCode::Right), Action::NextStrategy),
            (ch('l'), Action::NextStrategy),
        ],
        key_line: &[label(1, "←→", "strategy")],
        help: &["← →      previous / next send strategy"],
        applies: Applies::LiveOnly,
    }),
    Row::Keys(Binding {
        keys: &[
            (code(KeyCode::Up), Action::LargerSize),
            (ch('k'), Action::LargerSize),
            (code(KeyCode::Down), Action::SmallerSize),
            (ch('j'), Action::SmallerSize),
        ],
        key_line: &[label(2, "↑↓", "size")],
        help: &["↑ ↓      larger / smaller message size (64 … 1M)"],
        applies: Applies::LiveOnly,
    }),
    Row::Keys(Binding {
        keys: &[
            (ch('+'), Action::MoreThreads),
            (ch('='), Action::MoreThreads),
            (ch('-'), Action::FewerThreads),
            (ch('_'), Action::FewerThreads),
        ],
        key_line: &[label(3, "+-", "threads")],
        help: &["+ -      more / fewer thread pairs (1 … {threads})"],
        applies: Applies::LiveOnly,
    }),
    // n m c a b: the axes' keys, from the axis table.
    Row::Axes,
    Row::Keys(Binding {
        keys: &[(ch(' '), Action::TogglePause), (ch('p'), Action::TogglePause)],
        key_line: &[label(4, "spc", "pause")],
        help: &["space    pause / resume (workers stop, no CPU used)"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[(ch('s'), Action::ToggleSweep)],
        key_line: &[label(5, "s", "sweep")],
        help: &[
            "s        automatic sweep: {sweep_configs} configurations × {sweep_secs}s (s again cancels)",
            "         {sweep_trials}",
        ],
        applies: Applies::LiveOnly,
    }),
    Row::Keys(Binding {
        keys: &[(ch('e'), Action::Export)],
        key_line: &[label(6, "e", "export")],
        help: &["e        export the matrix to netio-<timestamp>.csv"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[(ch('r'), Action::ResetMatrix)],
        key_line: &[label(7, "r", "reset")],
        help: &["r        reset the matrix (and restart the current window)"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[
            (code(KeyCode::PageUp), Action::ScrollUp),
            (code(KeyCode::PageDown), Action::ScrollDown),
            (code(KeyCode::Home), Action::ScrollTop),
            (ch('g'), Action::ScrollTop),
            (code(KeyCode::End), Action::ScrollBottom),
            (ch('G'), Action::ScrollBottom),
        ],
        // Also named in the matrix's title, where they fit when these do not.
        key_line: &[label(17, "PgUp/Dn", "scroll")],
        help: &["PgUp PgDn Home End (g G)   scroll the matrix"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[(ch('o'), Action::NextSort)],
        key_line: &[label(18, "o", "sort")],
        help: &["o        sort the matrix by the next column, best first"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[(ch('f'), Action::NextFilter)],
        key_line: &[label(19, "f", "filter")],
        help: &["f        filter: one thread count, one strategy, or all"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[
            (ch('>'), Action::Faster),
            (ch('.'), Action::Faster),
            (ch('<'), Action::Slower),
            (ch(','), Action::Slower),
        ],
        key_line: &[label(0, "<>", "speed")],
        help: &["< >      replay speed (replay only)"],
        applies: Applies::ReplayOnly,
    }),
    Row::Keys(Binding {
        keys: &[(ch('i'), Action::ToggleInsight)],
        key_line: &[label(10, "i", "insight")],
        help: &["i        insight: the course's six questions answered from the matrix"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[(ch('t'), Action::ToggleTop)],
        key_line: &[label(11, "t", "top")],
        help: &["t        top 10 kernel functions per side, now (needs --profile)"],
        applies: Applies::Always,
    }),
    Row::Keys(Binding {
        keys: &[
            (ch('?'), Action::ToggleHelp),
            (code(KeyCode::F(1)), Action::ToggleHelp),
            (code(KeyCode::Esc), Action::Dismiss),
            (ch('q'), Action::Quit),
            (ch('Q'), Action::Quit),
            (ctrl('c'), Action::Quit),
            (ctrl('C'), Action::Quit),
        ],
        key_line: &[label(8, "?", "help"), label(9, "q", "quit")],
        help: &["? Esc    this help          q Ctrl-C  quit (asks if unexported)"],
        applies: Applies::Always,
    }),
];

/// One binding as the screen uses it: the explorer's own, or an axis's.
#[derive(Clone, Debug)]
pub struct Bound {
    pub keys: Vec<(Key, Action)>,
    pub key_line: Vec<KeyLabel>,
    pub help: Vec<&'static str>,
    pub applies: Applies,
}

/// Every binding, the axes' expanded, in help order.
pub fn bindings() -> Vec<Bound> {
    let mut out = Vec::new();
    for row in ROWS {
        match row {
            Row::Keys(b) => out.push(Bound {
                keys: b.keys.to_vec(),
                key_line: b.key_line.to_vec(),
                help: b.help.to_vec(),
                applies: b.applies,
            }),
            Row::Axes => out.extend(AXES.into_iter().map(|a| {
                let key = a.key.key.chars().next().unwrap_or(' ');
                Bound {
                    keys: vec![(ch(key), Action::NextAxis(a))],
                    key_line: vec![label(AXIS_RANK, a.key.key, a.key.word)],
                    help: a.key.help.to_vec(),
                    applies: Applies::LiveOnly,
                }
            })),
        }
    }
    out
}

/// The action of a key press, if the table binds it. Other modifiers than Ctrl
/// (Shift for `G` or `?`) do not matter.
pub fn action_for_key(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = Key {
        code: key.code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
    };
    bindings()
        .into_iter()
        .flat_map(|b| b.keys)
        .find(|(k, _)| *k == pressed)
        .map(|(_, a)| a)
}

/// The key line's entries, in its order: in a replay, the speed keys and none of
/// the keys that change the configuration; live, the reverse.
pub fn key_line(replay: bool) -> Vec<KeyLabel> {
    let mut labels: Vec<KeyLabel> = bindings()
        .into_iter()
        .filter(|b| match b.applies {
            Applies::Always => true,
            Applies::LiveOnly => !replay,
            Applies::ReplayOnly => replay,
        })
        .flat_map(|b| b.key_line)
        .collect();
    // Stable: the axes, which share a rank, keep their table order.
    labels.sort_by_key(|l| l.rank);
    labels
}

/// One entry of the key line as drawn: its caps, and its word where there is room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    pub caps: &'static str,
    pub word: Option<&'static str>,
}

/// What the key line says after keys shown without their word.
pub const CAPS_ONLY_HINT: &str = "(see ?)";

/// The key line in `width` columns: every key of [`key_line`] is on it, at every
/// size. Keys get their words in rank order (`?` help and `q` quit first) where the
/// others still fit as bare caps after them, followed by [`CAPS_ONLY_HINT`]. Only
/// where even bare caps do not fit are the last dropped, and "…" says so.
pub fn fit_key_line(replay: bool, width: usize) -> KeyLineFit {
    let labels = key_line(replay);
    let priority = |l: &KeyLabel| match l.caps {
        "?" => 0,
        "q" => 1,
        _ => 2 + l.rank as usize,
    };
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&i| priority(&labels[i]));
    // Each entry is drawn as "caps " or "caps word ".
    let bare = |i: usize| labels[i].caps.chars().count() + 1;
    let full = |i: usize| bare(i) + labels[i].word.chars().count() + 1;
    let hint = CAPS_ONLY_HINT.chars().count();
    let mut worded = vec![false; labels.len()];
    let mut used: usize = (0..labels.len()).map(bare).sum::<usize>() + hint;
    for &i in &order {
        let more = full(i) - bare(i);
        let all_worded = worded.iter().filter(|w| !**w).count() == 1;
        // The last word to go in also drops the hint.
        let cost = if all_worded {
            more as isize - hint as isize
        } else {
            more as isize
        };
        if (used as isize + cost) as usize > width {
            continue;
        }
        used = (used as isize + cost) as usize;
        worded[i] = true;
    }
    let mut shown: Vec<Shown> = (0..labels.len())
        .filter(|&i| worded[i])
        .map(|i| Shown {
            caps: labels[i].caps,
            word: Some(labels[i].word),
        })
        .collect();
    let mut used: usize = (0..labels.len()).filter(|&i| worded[i]).map(full).sum();
    let rest: Vec<usize> = (0..labels.len()).filter(|&i| !worded[i]).collect();
    for (n, &i) in rest.iter().enumerate() {
        let last = n + 1 == rest.len();
        // Keep room for "…" while more keys follow that might not fit.
        let reserve = if last { 0 } else { 2 };
        if used + bare(i) + reserve > width {
            shown.push(Shown {
                caps: "…",
                word: None,
            });
            return KeyLineFit { shown, hint: false };
        }
        used += bare(i);
        shown.push(Shown {
            caps: labels[i].caps,
            word: None,
        });
    }
    let hint = !rest.is_empty() && used + hint <= width;
    KeyLineFit { shown, hint }
}

/// The key line fitted to a width: its entries, and whether [`CAPS_ONLY_HINT`]
/// follows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLineFit {
    pub shown: Vec<Shown>,
    pub hint: bool,
}

impl KeyLineFit {
    /// The line as drawn.
    pub fn text(&self) -> String {
        let mut s: String = self
            .shown
            .iter()
            .map(|e| match e.word {
                Some(w) => format!("{} {w} ", e.caps),
                None => format!("{} ", e.caps),
            })
            .collect();
        if self.hint {
            s.push_str(CAPS_ONLY_HINT);
        }
        s
    }
}

/// What the help fills into its lines.
pub struct HelpFacts {
    pub max_threads: usize,
    pub sweep_configs: usize,
    pub sweep_secs: String,
    /// Trials per configuration (`--sweep-repeat`).
    pub sweep_repeat: usize,
}

/// What the help says of the sweep's trials.
fn sweep_trials(repeat: usize) -> String {
    match repeat {
        0 | 1 => "one trial each (--sweep-repeat N: N trials, interleaved)".into(),
        n => format!("{n} trials each, in {n} interleaved passes (--sweep-repeat)"),
    }
}

/// The help's key lines, indented, with the explorer's figures filled in.
pub fn help_lines(facts: &HelpFacts) -> Vec<String> {
    bindings()
        .into_iter()
        .flat_map(|b| b.help)
        .map(|l| {
            format!(
                "  {}",
                l.replace("{threads}", &facts.max_threads.to_string())
                    .replace("{sweep_configs}", &facts.sweep_configs.to_string())
                    .replace("{sweep_secs}", &facts.sweep_secs)
                    .replace("{sweep_trials}", &sweep_trials(facts.sweep_repeat))
            )
        })
        .collect()
}
