//! The `?` overlay: every key, and what the figures mean.

use crate::app::App;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let mut lines: Vec<Line> = vec![
        Line::styled("Keys", Style::default().add_modifier(Modifier::BOLD)),
        Line::from("  ← →      previous / next send strategy"),
        Line::from("  ↑ ↓      larger / smaller message size (64 … 1M)"),
        Line::from(format!(
            "  + -      more / fewer thread pairs (1 … {})",
            app.max_threads
        )),
        Line::from("  n        Nagle on the sender / TCP_NODELAY"),
        Line::from("  m        receive mode: message → stream → trunc (MSG_TRUNC)"),
        Line::from("  c        pinning: off → split → pair"),
        Line::from("  space    pause / resume (workers stop, no CPU used)"),
        Line::from(format!(
            "  s        automatic sweep: {} configurations × {}s (s again cancels)",
            app.sweep_plan.len(),
            crate::app::trim_float(app.sweep_duration)
        )),
        Line::from("  e        export the matrix to netio-<timestamp>.csv"),
        Line::from("  r        reset the matrix"),
        Line::from("  < >      replay speed (replay only)"),
        Line::from("  ? Esc    this help          q Ctrl-C  quit"),
        Line::from(""),
        Line::styled("Figures", Style::default().add_modifier(Modifier::BOLD)),
        Line::from("  Sparklines are per interval, scaled to the largest value shown (⌃)."),
        Line::from("  Bar colours: the strategy measured in that interval."),
        Line::from("  Matrix: steady state, warm-up excluded; a configuration measured"),
        Line::from("  again adds its new window to its row. n/a = not measured here;"),
        Line::from("  – = does not apply to that strategy. Its columns:"),
    ];
    for c in crate::app::matrix::columns(app.metrics, &app.machine) {
        let per = match c.view.scale.suffix() {
            "" => String::new(),
            s => format!(" ({s})"),
        };
        lines.push(Line::from(format!(
            "  {:<7} {}{per}",
            c.view.title, c.metric.label
        )));
    }
    if app.is_replay() {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "  Replay: the recording decides the configuration; strategy, size,",
        ));
        lines.push(Line::from("  thread and sweep keys do nothing."));
    }
    let w = 74.min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" help — ? or Esc closes "),
        ),
        r,
    );
}
