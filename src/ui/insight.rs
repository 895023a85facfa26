//! The `i` overlay: the course's six questions answered from the matrix (and what
//! locking the buffers changed, where it holds such pairs; the lowest round trip per
//! size, where it holds rr rows), each with
//! the cells it rests on ([`crate::model::insight::answers`], the same as `report`).

use crate::app::App;
use crate::engine::metric::find;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::Frame;

/// The panel's text: per question the answer, what to measure, and the cited cells.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let rows = app.export_rows();
    let mut answers = crate::model::insight::answers(app.metrics, &rows, Some(app.machine.cores));
    // Where the matrix holds rows that differ only in --mlock: what locking changed.
    answers.extend(crate::model::insight::locking(app.metrics, &rows));
    // Where it holds rr rows: the lowest round trip per size, and its costs.
    answers.extend(crate::model::insight::round_trip(app.metrics, &rows));
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
                .map(|(n, v)| {
                    let text =
                        crate::model::insight::cited_text(app.metrics, &rows, &c.config, *n, *v);
                    match find(app.metrics, n) {
                        Some(m) => format!("{} {text}", m.short),
                        None => format!("{n} {text}"),
                    }
                })
                .collect();
            out.push(Line::from(format!("  · {}: {}", c.config, figs.join(", "))));
        }
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let r = super::overlay::place(area, 100, area.height, true);
    super::overlay::render(frame, r, lines(app), app.overlay_scroll, "insight", "i");
}
