//! The key table: every key, its action, its help line and its place on the key line.

use super::*;
use crate::app::keys::action_for_key;
use crate::engine::axis::{self, AXES};
use ratatui::crossterm::event::KeyEventKind;

#[test]
fn every_key_maps_to_its_action() {
    let cases = [
        (KeyCode::Right, Action::NextStrategy),
        (KeyCode::Left, Action::PrevStrategy),
        (KeyCode::Up, Action::LargerSize),
        (KeyCode::Down, Action::SmallerSize),
        (KeyCode::Char('+'), Action::MoreThreads),
        (KeyCode::Char('='), Action::MoreThreads),
        (KeyCode::Char('-'), Action::FewerThreads),
        (KeyCode::Char(' '), Action::TogglePause),
        (KeyCode::Char('s'), Action::ToggleSweep),
        (KeyCode::Char('n'), Action::NextAxis(&axis::NODELAY)),
        (KeyCode::Char('m'), Action::NextAxis(&axis::RECV)),
        (KeyCode::Char('c'), Action::NextAxis(&axis::PIN)),
        (KeyCode::Char('a'), Action::NextAxis(&axis::COUNT)),
        (KeyCode::Char('b'), Action::NextAxis(&axis::BUF_OFFSET)),
        (KeyCode::Char('L'), Action::NextAxis(&axis::MLOCK)),
        (KeyCode::Char('e'), Action::Export),
        (KeyCode::Char('r'), Action::ResetMatrix),
        (KeyCode::Char('?'), Action::ToggleHelp),
        (KeyCode::Char('i'), Action::ToggleInsight),
        (KeyCode::Char('t'), Action::ToggleTop),
        (KeyCode::Esc, Action::Dismiss),
        (KeyCode::Char('q'), Action::Quit),
        (KeyCode::Char('>'), Action::Faster),
        (KeyCode::Char('<'), Action::Slower),
    ];
    for (code, want) in cases {
        assert_eq!(action_for_key(key(code)), Some(want), "{code:?}");
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action_for_key(ctrl_c), Some(Action::Quit));
    assert_eq!(action_for_key(key(KeyCode::Char('z'))), None);
    let mut release = key(KeyCode::Char('q'));
    release.kind = KeyEventKind::Release;
    assert_eq!(action_for_key(release), None);
}

/// Every action a user asks for; the match below has no wildcard, so a new
/// variant does not compile until it is sorted into keys or events here.
fn user_actions() -> Vec<Action> {
    let all = vec![
        Action::NextStrategy,
        Action::PrevStrategy,
        Action::LargerSize,
        Action::SmallerSize,
        Action::MoreThreads,
        Action::FewerThreads,
        Action::TogglePause,
        Action::ToggleSweep,
        Action::Export,
        Action::ResetMatrix,
        Action::ToggleHelp,
        Action::ToggleInsight,
        Action::ToggleTop,
        Action::ScrollUp,
        Action::ScrollDown,
        Action::ScrollTop,
        Action::ScrollBottom,
        Action::NextSort,
        Action::NextFilter,
        Action::Dismiss,
        Action::Quit,
        Action::Faster,
        Action::Slower,
    ];
    let mut all = all;
    all.extend(AXES.map(Action::NextAxis));
    for a in &all {
        match a {
            Action::NextStrategy
            | Action::PrevStrategy
            | Action::LargerSize
            | Action::SmallerSize
            | Action::MoreThreads
            | Action::FewerThreads
            | Action::NextAxis(_)
            | Action::TogglePause
            | Action::ToggleSweep
            | Action::Export
            | Action::ResetMatrix
            | Action::ToggleHelp
            | Action::ToggleInsight
            | Action::ToggleTop
            | Action::ScrollUp
            | Action::ScrollDown
            | Action::ScrollTop
            | Action::ScrollBottom
            | Action::NextSort
            | Action::NextFilter
            | Action::Dismiss
            | Action::Quit
            | Action::Faster
            | Action::Slower => {}
            Action::Engine(_)
            | Action::MatrixPage(_)
            | Action::Exported(_)
            | Action::SourceChanged(_)
            | Action::Window { .. } => unreachable!("not a key: {a:?}"),
        }
    }
    all
}

#[test]
fn every_action_has_a_key_a_help_line_and_a_place_on_the_key_line() {
    use crate::app::keys::{action_for_key, bindings, Key};
    let press = |k: Key| {
        let mods = if k.ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        action_for_key(KeyEvent::new(k.code, mods))
    };
    for a in user_actions() {
        let b = bindings()
            .into_iter()
            .find(|b| b.keys.iter().any(|(_, x)| *x == a))
            .unwrap_or_else(|| panic!("{a:?} has no key"));
        assert!(!b.help.is_empty(), "{a:?} has no help line");
        assert!(!b.key_line.is_empty(), "{a:?} is not on the key line");
    }
    for b in bindings() {
        // A key bound twice would silently lose its second action.
        for (k, a) in &b.keys {
            assert_eq!(press(*k).as_ref(), Some(a), "{k:?}");
        }
        // Each help line explains the key caps it shows on the key line.
        for l in &b.key_line {
            let help = b.help.join(" ");
            // "PgUp" of "PgUp/Dn", "←" of "←→".
            let word = l.caps.split(['/', ' ']).next().unwrap_or_default();
            let probe = match word {
                "spc" => "space".to_string(),
                w if w.chars().count() > 2 => w.to_string(),
                w => w.chars().take(1).collect(),
            };
            let explained = help.contains(&format!("{probe} "));
            assert!(explained, "{} is not explained by {help}", l.caps);
        }
    }
    let caps: Vec<&str> = bindings()
        .iter()
        .flat_map(|b| b.key_line.iter().map(|l| l.caps))
        .collect();
    let mut unique = caps.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), caps.len(), "two key-line entries share caps");
}

#[test]
fn help_fills_in_the_explorer_figures() {
    use crate::app::keys::{help_lines, HelpFacts};
    let lines = help_lines(&HelpFacts {
        max_threads: 8,
        sweep_configs: 48,
        sweep_secs: "2".into(),
        sweep_repeat: 3,
    });
    assert!(lines.iter().all(|l| !l.contains('{')), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("(1 … 8)")));
    assert!(lines.iter().any(|l| l.contains("48 configurations × 2s")));
    assert!(lines.iter().any(|l| l.contains("3 trials each")));
}

#[test]
fn key_line_shows_replay_speed_only_in_a_replay() {
    let live: Vec<&str> = crate::app::keys::key_line(false)
        .iter()
        .map(|l| l.caps)
        .collect();
    let replay: Vec<&str> = crate::app::keys::key_line(true)
        .iter()
        .map(|l| l.caps)
        .collect();
    assert_eq!(
        live,
        [
            "←→", "↑↓", "+-", "spc", "s", "e", "r", "?", "q", "i", "t", "n", "m", "c", "a", "b",
            "w", "y", "x", "L", "PgUp/Dn", "o", "f"
        ]
    );
    assert_eq!(
        replay,
        ["<>", "spc", "e", "r", "?", "q", "i", "t", "PgUp/Dn", "o", "f"]
    );
}

/// Issue 22 item 5: every key is on the key line at every supported width (80
/// columns and up), with its word where there is room and `? help` / `q quit` always
/// worded; what has no word is followed by the hint that `?` says what it does.
#[test]
fn every_key_is_on_the_key_line_at_every_supported_width() {
    use crate::app::keys::{fit_key_line, key_line, CAPS_ONLY_HINT};
    for replay in [false, true] {
        let all = key_line(replay);
        for width in 20..=240 {
            let fit = fit_key_line(replay, width);
            let text = fit.text();
            assert!(
                text.chars().count() <= width,
                "{width} columns: {text:?} is {} wide",
                text.chars().count()
            );
            if width < 80 {
                continue;
            }
            for l in &all {
                assert!(
                    fit.shown.iter().any(|s| s.caps == l.caps),
                    "{width} columns (replay {replay}): {} missing from {text:?}",
                    l.caps
                );
            }
            for (caps, word) in [("?", "help"), ("q", "quit")] {
                assert!(
                    fit.shown.contains(&crate::app::keys::Shown {
                        caps,
                        word: Some(word)
                    }),
                    "{width}: {text:?}"
                );
            }
            let bare = fit.shown.iter().any(|s| s.word.is_none());
            assert_eq!(fit.hint, bare, "{width}: {text:?}");
            assert_eq!(text.contains(CAPS_ONLY_HINT), bare);
        }
        let wide = fit_key_line(replay, 240);
        assert!(wide.shown.iter().all(|s| s.word.is_some()), "{wide:?}");
        for w in [80, 120, 160] {
            eprintln!("{w}: {}", fit_key_line(replay, w).text());
        }
    }
}
