//! The `t` overlay: the kernel functions each side of the configuration being
//! measured spends its samples in, most first
//! ([`crate::engine::profile::TopFunctions`], published by the
//! engine with each sample, so a replay shows it too).

use super::live::bucket_label;
use crate::app::App;
use crate::engine::profile::SideTop;
use crate::engine::sample::Sample;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::Frame;

/// Width of the panel: a long kernel name, its share and its bucket.
const WIDTH: u16 = 80;

/// The sample whose list is shown: the latest one, if it is of the configuration
/// being measured.
fn current(app: &App) -> Option<&Sample> {
    app.current_sample()
        .filter(|s| app.running.is_none_or(|r| r == s.config))
}

/// The panel's text, `width` columns inside its border.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let say = |t: &[String]| t.iter().map(|l| Line::from(l.clone())).collect();
    if app.machine.profile_note.is_none() {
        let why = app.machine.profile_error.clone().unwrap_or_default();
        return say(&if app.is_replay() {
            vec![
                "This recording was made without --profile: it holds no samples of".into(),
                "kernel functions.".into(),
                format!("({why})"),
            ]
        } else {
            vec![
                "Kernel functions are not sampled in this session".into(),
                format!("({why})."),
                String::new(),
                "Start netio-tui with --profile (or --profile-rate HZ) to see here the".into(),
                "10 kernel functions each side spends most time in.".into(),
            ]
        });
    }
    let running = app.running.unwrap_or(app.selected);
    let Some(s) = current(app) else {
        return say(&[format!(
            "Waiting for the first samples of {running} (warm-up is not counted)."
        )]);
    };
    let unresolved = s.interval.profile.is_some_and(|p| p.unresolved);
    let Some(top) = s.top.as_ref().filter(|_| !unresolved) else {
        let note = app.machine.profile_note.clone().unwrap_or_default();
        return say(&if unresolved {
            vec![
                "Kernel functions cannot be named here: /proc/kallsyms hides the kernel's".into(),
                "addresses (kernel.kptr_restrict, or not root), so only user vs kernel".into(),
                "time is known.".into(),
                String::new(),
                note,
            ]
        } else {
            vec![
                format!("{}: no per-function counts in these samples", s.config),
                "(a recording made by an older netio-tui).".into(),
            ]
        });
    };
    let mut out = Vec::new();
    side(
        &mut out,
        &s.config.to_string(),
        "sender",
        &top.tx,
        s.elapsed_s,
        width,
        bold,
    );
    if s.interval.profile.is_some_and(|p| p.rx.threads == 0) {
        out.push(Line::styled("receiver: none (sink topology)", bold));
    } else {
        side(&mut out, "", "receiver", &top.rx, s.elapsed_s, width, bold);
    }
    out
}

/// One side: a heading with its samples, then one line per function.
fn side(
    out: &mut Vec<Line<'static>>,
    config: &str,
    who: &str,
    top: &SideTop,
    elapsed_s: f64,
    width: usize,
    bold: Style,
) {
    let head = format!(
        "{config}{}{who}: {} samples over {:.1}s (share, bucket, function)",
        if config.is_empty() { "" } else { ", " },
        top.samples,
        elapsed_s
    );
    out.push(Line::styled(super::clip(&head, width), bold));
    if top.functions.is_empty() {
        out.push(Line::from("  no kernel samples"));
        return;
    }
    // "  41.2%  copy     _copy_from_iter": the name takes what is left.
    let name_w = width.saturating_sub(2 + 6 + 2 + 7 + 2).max(8);
    for f in &top.functions {
        let pct = top.pct(f).unwrap_or(0.0);
        out.push(Line::from(format!(
            "  {pct:>5.1}%  {:<7}  {}",
            bucket_label(f.bucket),
            super::clip(&f.name, name_w),
        )));
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let w = WIDTH.min(area.width);
    let lines = lines(app, w.saturating_sub(2) as usize);
    let r = super::overlay::place(area, w, lines.len() as u16 + 2, false);
    super::overlay::render(
        frame,
        r,
        lines,
        app.overlay_scroll,
        "top kernel functions",
        "t",
    );
}
