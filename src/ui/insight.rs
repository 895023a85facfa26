//! The `i` overlay: the course's six questions answered from the matrix, each with
//! the cells it rests on ([`crate::insight::answers`], the same as `report`).

use crate::app::App;
use crate::engine::metric::find;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// The panel's text: per question the answer, what to measure, and the cited cells.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let rows = app.export_rows();
    let answers = crate::insight::answers(app.metrics, &rows, Some(app.machine.cores));
    let mut out = vec![Line::from(format!(
        "From the {} configuration(s) in the matrix; `netio-tui report` writes the same as Markdown.",
        rows.len()
    ))];
    for (i, a) in answers.iter().enumerate() {
        out.push(Line::from(""));
        out.push(Line::styled(
            format!("{}. {}", i + 1, a.question),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        match &a.answer {
            Some(t) => out.push(Line::from(t.clone())),
            None => out.push(Line::from("The matrix cannot answer this yet.")),
        }
        if let Some(m) = &a.measure {
            out.push(Line::from(format!("To answer: {m}.")));
        }
        for c in &a.cited {
            let figs: Vec<String> = c
                .figures
                .iter()
                .map(|(n, v)| match find(app.metrics, n) {
                    Some(m) => format!("{} {}", m.short, m.csv_text(*v)),
                    None => format!("{n} {v}"),
                })
                .collect();
            out.push(Line::from(format!("  · {}: {}", c.config, figs.join(", "))));
        }
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let lines = lines(app);
    let w = 100.min(area.width);
    let h = area.height;
    let inner_w = w.saturating_sub(2).max(1) as usize;
    let total: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum();
    let inner_h = h.saturating_sub(2) as usize;
    let max_scroll = total.saturating_sub(inner_h);
    let scroll = app.help_scroll.min(max_scroll);
    let title = if max_scroll > 0 {
        format!(
            " insight {}–{} of {} — PgUp/PgDn scroll, i or Esc closes ",
            scroll + 1,
            (scroll + inner_h).min(total),
            total
        )
    } else {
        " insight — i or Esc closes ".to_string()
    };
    let r = Rect::new(area.x + (area.width - w) / 2, area.y, w, h);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        r,
    );
}
