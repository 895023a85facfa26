//! The result matrix: one row per configuration, best value per column highlighted,
//! the current configuration marked; scrolls to keep the current row in view.

use super::{section, strategy_color};
use crate::app::matrix::{best, columns, Column, MatrixRow};
use crate::app::App;
use crate::engine::config::format_size;
use crate::format::sig;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// marker + strategy + size + threads, with the spaces between them.
const KEY_W: usize = 1 + 1 + 9 + 1 + 5 + 1 + 3;

/// A cell's text: 3 significant digits, never fewer whole digits than the value has.
fn cell_text(col: &Column, r: &MatrixRow) -> String {
    match col.value(&r.result) {
        Some(v) => sig(v, 3),
        None if !col.applies(&r.result) => "–".into(),
        None => "n/a".into(),
    }
}

/// Each column as wide as its title or its widest cell: a value is never cut.
fn widths(cols: &[Column], rows: &[MatrixRow]) -> Vec<usize> {
    cols.iter()
        .map(|c| {
            rows.iter()
                .map(|r| cell_text(c, r).chars().count())
                .chain([c.view.title.chars().count(), 4])
                .max()
                .unwrap_or(4)
        })
        .collect()
}

/// Width the matrix needs to show every column.
pub fn full_width(app: &App) -> u16 {
    let rows = app.matrix.rows_with_live(app.live.as_ref());
    let cols = columns(app.metrics, &app.machine);
    (KEY_W + widths(&cols, &rows).iter().map(|w| w + 1).sum::<usize>()) as u16
}

/// The columns that fit in `width`, in priority order, with their widths.
fn visible_columns(app: &App, rows: &[MatrixRow], width: u16) -> Vec<(Column, usize)> {
    let cols = columns(app.metrics, &app.machine);
    let ws = widths(&cols, rows);
    let mut used = KEY_W;
    cols.into_iter()
        .zip(ws)
        .take_while(|(_, w)| {
            used += w + 1;
            used <= width as usize
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    if area.height == 0 {
        return;
    }
    let rows = app.matrix.rows_with_live(app.live.as_ref());
    let visible = area.height.saturating_sub(2) as usize;
    // Where the current configuration is, or will be once its first sample arrives.
    let current = rows
        .iter()
        .position(|r| r.result.config >= app.selected)
        .map(|i| i.min(rows.len().saturating_sub(1)))
        .or(rows.len().checked_sub(1));
    let start = match current {
        Some(i) if rows.len() > visible => (i + 1)
            .saturating_sub(visible / 2 + 1)
            .min(rows.len() - visible),
        _ => 0,
    };
    let scroll = (rows.len() > visible && visible > 0).then(|| {
        format!(
            "rows {}–{} of {}",
            start + 1,
            (start + visible).min(rows.len()),
            rows.len()
        )
    });
    let long = format!(
        "matrix: {} configuration{} · best per column highlighted{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        scroll
            .as_ref()
            .map(|s| format!(" · {s}"))
            .unwrap_or_default()
    );
    let title = if long.chars().count() + 4 <= area.width as usize {
        long
    } else {
        match &scroll {
            Some(s) => format!("matrix · {s}"),
            None => format!("matrix: {}", rows.len()),
        }
    };
    let body = section(frame, area, &title);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "  no configuration measured yet: change a control (←→ ↑↓ +-) or press s for the automatic sweep",
                Style::default().fg(Color::DarkGray),
            ))
            .wrap(Default::default()),
            body,
        );
        return;
    }
    let visible_cols = visible_columns(app, &rows, area.width);
    let cols: Vec<Column> = visible_cols.iter().map(|(c, _)| *c).collect();
    let bests: Vec<Option<f64>> = cols.iter().map(|c| best(c, &rows)).collect();
    let head_style = Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let mut header = vec![
        Cell::from(""),
        Cell::from("strategy"),
        Cell::from(Line::from("size").right_aligned()),
        Cell::from(Line::from("thr").right_aligned()),
    ];
    header.extend(
        cols.iter()
            .map(|c| Cell::from(Line::from(c.view.title).right_aligned())),
    );
    let table_rows: Vec<Row> = rows
        .iter()
        .skip(start)
        .take(visible)
        .map(|r| {
            let cfg = r.result.config;
            let is_current = cfg == app.selected;
            let mut cells = vec![
                Cell::from(if is_current { "▶" } else { " " }),
                Cell::from(Span::styled(
                    cfg.strategy.name(),
                    Style::default().fg(strategy_color(cfg.strategy)),
                )),
                Cell::from(Line::from(format_size(cfg.msg_size)).right_aligned()),
                Cell::from(Line::from(cfg.threads.to_string()).right_aligned()),
            ];
            for (c, b) in cols.iter().zip(&bests) {
                let v = c.value(&r.result);
                let text = cell_text(c, r);
                let is_best = matches!((v, b), (Some(v), Some(b)) if v == *b) && rows.len() > 1;
                let style = if is_best {
                    Style::default()
                        .fg(Color::Black)
                        .bg(Color::Green)
                        .add_modifier(Modifier::BOLD)
                } else if v.is_none() {
                    Style::default().fg(Color::DarkGray)
                } else {
                    Style::default()
                };
                cells.push(Cell::from(
                    Line::from(Span::styled(text, style)).right_aligned(),
                ));
            }
            let mut row = Row::new(cells);
            if is_current {
                row = row.style(Style::default().add_modifier(Modifier::BOLD));
            }
            if r.live {
                row = row.style(Style::default().add_modifier(Modifier::BOLD | Modifier::ITALIC));
            }
            row
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Length(3),
    ];
    widths.extend(
        visible_cols
            .iter()
            .map(|(_, w)| Constraint::Length(*w as u16)),
    );
    let table = Table::new(table_rows, widths)
        .header(Row::new(header).style(head_style))
        .column_spacing(1);
    frame.render_widget(table, body);
}
