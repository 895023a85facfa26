//! The `?` overlay: every key, and what the figures mean.

use crate::app::keys::{help_lines, HelpFacts};
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let mut lines: Vec<Line> = Vec::new();
    // Notes first: the live panel points here when they do not fit there.
    let notes = crate::ui::live::notes(app);
    if !notes.is_empty() {
        lines.push(Line::styled(
            "Notes",
            Style::default().add_modifier(Modifier::BOLD),
        ));
        lines.extend(notes.into_iter().map(|n| Line::from(format!("  {n}"))));
        lines.push(Line::from(""));
    }
    lines.extend([Line::styled(
        "Keys",
        Style::default().add_modifier(Modifier::BOLD),
    )]);
    let facts = HelpFacts {
        max_threads: app.max_threads,
        sweep_configs: app.sweep_plan.len(),
        sweep_secs: crate::app::trim_float(app.sweep_duration),
        sweep_repeat: app.sweep_repeat,
    };
    lines.extend(help_lines(&facts).into_iter().map(Line::from));
    lines.extend([
        Line::from(""),
        Line::styled("Figures", Style::default().add_modifier(Modifier::BOLD)),
        Line::from("  Sparklines are per interval, scaled to the largest value of the"),
        Line::from("  configuration measured now (⌃); earlier taller bars are drawn full."),
        Line::from("  Bar colours: the strategy measured in that interval."),
        Line::from(format!(
            "  Matrix: steady state, warm-up excluded; a window enters after {}s",
            crate::app::trim_float(app.min_window)
        )),
        Line::from("  (--min-window); a configuration measured again adds a trial to its"),
        Line::from(format!(
            "  row: a cell is the median of its trials, from {} trials on with ±",
            crate::app::matrix::INTERVAL_FROM_TRIALS
        )),
        Line::from("  its interval (95 % from 6 trials, 93 % at 5, 75 % at 3)."),
        Line::from("  * = best in its column, ▶ = current, italic = being measured."),
        Line::from("  n/a = not measured here; – = does not apply. Columns:"),
    ]);
    for c in crate::app::matrix::columns(app.metrics, app.views, &app.machine) {
        let per = match c.view.scale.suffix() {
            "" => String::new(),
            s => format!(" ({s})"),
        };
        lines.push(Line::from(format!(
            "  {:<7} {}{per}",
            c.view.title, c.metric.label
        )));
    }
    if let Some(r) = &app.machine.roofline {
        lines.push(Line::from(""));
        let sig = |v| crate::engine::format::sig(v, 3);
        for l in [
            format!(
                "  ×memcpy: CPU time per byte ÷ one in-cache memcpy of a byte here ({} ns/B,",
                sig(r.cache_ns_per_byte)
            ),
            "  destination 2 KiB after its source in their pages). A multiple of a".into(),
            "  copy's cost, not a count of copies: at 64 B per-message costs make it".into(),
            "  reach thousands.".into(),
        ] {
            lines.push(Line::from(l));
        }
        if let Some(slow) = r.slow_case() {
            lines.push(Line::from(format!("  Slow case, {slow}")));
        }
    }
    if let Some(note) = &app.machine.profile_note {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "  CPU tx/rx bars: where each side's CPU time went this interval, % of",
        ));
        lines.push(Line::from(
            "  its samples; before it, its CPU ns per byte. C copy, Z zero-copy",
        ));
        lines.push(Line::from(
            "  bookkeeping, T TCP/IP, S syscall, W scheduler, I irq-off (attributed",
        ));
        lines.push(Line::from(
            "  late), U user, O other, K kernel (unnamed), │ under 2 columns.",
        ));
        lines.push(Line::from(format!("  {note}")));
    }
    if app.is_replay() {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "  Replay: the recording decides the configuration; strategy, size,",
        ));
        lines.push(Line::from("  thread and sweep keys do nothing."));
    }
    let h = lines.len() as u16 + 2;
    let r = super::overlay::place(area, 74, h, false);
    super::overlay::render(frame, r, lines, app.overlay_scroll, "help", "?");
}
