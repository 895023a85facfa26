//! The result matrix: one row per configuration, the best value per column marked,
//! the current configuration marked; filtered, sorted and scrolled as the view says,
//! keeping the current row in view unless the user scrolled away.

use super::{palette, section};
use crate::app::matrix::{best, Column, MatrixRow};
use crate::app::App;
use crate::engine::config::format_size;
use crate::format::sig;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// marker + strategy + size + threads, with the spaces between them.
const KEY_W: usize = 1 + 1 + 9 + 1 + 5 + 1 + 3;

/// Marks the best cell of a column, in every theme (colour is never the only sign).
pub const BEST_MARK: char = '*';

/// A cell's text: 3 significant digits, never fewer whole digits than the value has,
/// nor more decimals than the CSV writes of it.
pub fn cell_text(col: &Column, r: &MatrixRow) -> String {
    match col.value(r) {
        Some(v) => match col.written_decimals() {
            Some(d) => sig_at_most(v, 3, d),
            None => sig(v, 3),
        },
        None if !col.applies(r) => "–".into(),
        None => "n/a".into(),
    }
}

/// What follows the cell's value where the row has an interval: `±0.4`, the larger
/// distance from the value shown to either end of its 95 % interval, so the text
/// covers the whole interval.
pub fn interval_text(col: &Column, r: &MatrixRow) -> Option<String> {
    let i = col.interval(r)?;
    let shown = cell_text(col, r);
    // From the value as shown (3 digits), so that the text covers the interval.
    let v = shown.parse::<f64>().ok().or(col.value(r))?;
    let decimals = shown.split_once('.').map_or(0, |(_, f)| f.len());
    Some(format!(
        "±{}",
        plus_minus((v - i.lo).max(i.hi - v), decimals)
    ))
}

/// `half` rounded up to at most 2 significant digits and never to a finer digit than
/// the value's last one (`decimals`): a ± quoted finer than the value would claim a
/// precision the value does not have.
fn plus_minus(half: f64, decimals: usize) -> String {
    let half = half.max(0.0);
    let two_sig = if half > 0.0 {
        1 - half.log10().floor() as i32
    } else {
        decimals as i32
    };
    let d = two_sig.min(decimals as i32);
    let step = 10f64.powi(-d);
    // The epsilon keeps 0.4 (0.4000000001 in binary) from rounding up to 0.5.
    let up = ((half / step) - 1e-9).ceil() * step;
    // Identical trials: "0.00", not "-0.00".
    let up = if up > 0.0 { up } else { 0.0 };
    let shown = d.max(0) as usize;
    format!("{up:.shown$}")
}

/// The whole text of a cell: the value, its ± where it has one, and the best mark.
fn full_cell(col: &Column, r: &MatrixRow, mark: char) -> String {
    match interval_text(col, r) {
        Some(pm) => format!("{} {pm}{mark}", cell_text(col, r)),
        None => format!("{}{mark}", cell_text(col, r)),
    }
}

/// `sig(v, n)`, cut to `decimals` decimals where it has more.
fn sig_at_most(v: f64, n: u32, decimals: u8) -> String {
    let s = sig(v, n);
    match s.split_once('.') {
        Some((_, frac)) if frac.len() > decimals as usize => {
            let d = decimals as usize;
            format!("{v:.d$}")
        }
        _ => s,
    }
}

/// Each column as wide as its title or its widest cell plus the best mark: a value
/// is never cut.
fn widths(cols: &[Column], rows: &[MatrixRow]) -> Vec<usize> {
    cols.iter()
        .map(|c| {
            rows.iter()
                .map(|r| full_cell(c, r, BEST_MARK).chars().count())
                .chain([c.view.title.chars().count() + 1, 4])
                .max()
                .unwrap_or(4)
        })
        .collect()
}

/// The axes column's width: its widest tag (0: every row has the default axes, and
/// the column is left out).
fn axes_width(rows: &[MatrixRow]) -> usize {
    let w = rows
        .iter()
        .map(|r| r.config.tag().chars().count())
        .max()
        .unwrap_or(0);
    if w == 0 {
        0
    } else {
        w.max(4) + 1
    }
}

/// Whether `col` means anything for one of `rows` at least (or there is no row yet
/// to say).
fn applies_to_any(col: &Column, rows: &[MatrixRow]) -> bool {
    rows.is_empty() || rows.iter().any(|r| col.applies(r))
}

/// Width the matrix needs to show every column that applies to a row.
pub fn full_width(app: &App) -> u16 {
    let rows = app.matrix_rows();
    let cols: Vec<Column> = app
        .columns()
        .into_iter()
        .filter(|c| applies_to_any(c, &rows))
        .collect();
    (KEY_W + axes_width(&rows) + widths(&cols, &rows).iter().map(|w| w + 1).sum::<usize>()) as u16
}

/// Width of the marker that says columns were left out ("+3›").
const MORE_W: usize = 5;

/// The columns that fit in `width`, in priority order, with their widths and their
/// index among all columns (those that apply to no row shown are left out), and how
/// many were left out (the title says so, and the
/// header after the last column where there is room). The sort column is always kept.
fn visible_columns(
    app: &App,
    rows: &[MatrixRow],
    width: u16,
) -> (Vec<(usize, Column, usize)>, usize) {
    let all = app
        .columns()
        .iter()
        .enumerate()
        .filter(|(i, c)| Some(*i) == app.view.sort || applies_to_any(c, rows))
        .count();
    let fit = fitting_columns(app, rows, width as usize);
    let left_out = all - fit.len();
    (fit, left_out)
}

fn fitting_columns(app: &App, rows: &[MatrixRow], width: usize) -> Vec<(usize, Column, usize)> {
    let cols = app.columns();
    let ws = widths(&cols, rows);
    let mut used =
        KEY_W + axes_width(rows) + app.view.sort.and_then(|i| ws.get(i)).map_or(0, |w| w + 1);
    cols.into_iter()
        .zip(ws)
        .enumerate()
        .filter(|(i, (c, w))| {
            if Some(*i) == app.view.sort {
                return true;
            }
            // A column that means nothing for every row shown (the round-trip
            // columns in a matrix of streams) would be a column of dashes.
            if !applies_to_any(c, rows) {
                return false;
            }
            used += w + 1;
            used <= width
        })
        .map(|(i, (c, w))| (i, c, w))
        .collect()
}

/// Draws the matrix; returns how many rows it has room for.
pub fn render(frame: &mut Frame, area: Rect, app: &App) -> usize {
    if area.height == 0 {
        return 0;
    }
    let pal = palette(app);
    let rows = app.matrix_rows();
    let visible = area.height.saturating_sub(2) as usize;
    let current = app.current_row(&rows);
    let start = app.view.start(rows.len(), visible, current);
    let cols_all = app.columns();
    let scroll = (rows.len() > visible && visible > 0).then(|| {
        format!(
            "rows {}–{} of {}",
            start + 1,
            (start + visible).min(rows.len()),
            rows.len()
        )
    });
    let (visible_cols, left_out) = visible_columns(app, &rows, area.width);
    let left_out = if rows.is_empty() { 0 } else { left_out };
    let more = (left_out > 0).then(|| {
        format!(
            "+{left_out} column{} off screen (o sorts by each, ? lists them)",
            if left_out == 1 { "" } else { "s" }
        )
    });
    let mut parts: Vec<String> = Vec::new();
    if let Some(f) = app.view.filter.describe() {
        parts.push(format!("only {f}"));
    }
    if let Some(c) = app.view.sort.and_then(|i| cols_all.get(i)) {
        parts.push(format!("by {}", c.view.title));
    }
    if let Some(s) = &scroll {
        parts.push(s.clone());
        parts.push("PgUp/PgDn Home End".into());
    }
    parts.push("o sort · f filter".into());
    parts.extend(more);
    let long = format!(
        "matrix: {} configuration{} · best {BEST_MARK}{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        parts.iter().map(|p| format!(" · {p}")).collect::<String>()
    );
    let title = if long.chars().count() + 4 <= area.width as usize {
        long
    } else {
        let short = match &scroll {
            Some(_) => format!(
                "matrix rows {}–{} of {} · PgUp/Dn Home",
                start + 1,
                (start + visible).min(rows.len()),
                rows.len()
            ),
            None => format!("matrix: {}", rows.len()),
        };
        let extra: String = parts
            .iter()
            .filter(|p| p.starts_with("only") || p.starts_with("by"))
            .map(|p| format!(" · {p}"))
            .chain((left_out > 0).then(|| {
                format!(
                    " · +{left_out} col{} (o)",
                    if left_out == 1 { "" } else { "s" }
                )
            }))
            .collect();
        let keys = " · o sort f filter";
        if short.chars().count() + extra.chars().count() + keys.chars().count() + 4
            <= area.width as usize
        {
            format!("{short}{extra}{keys}")
        } else {
            format!("{short}{extra}")
        }
    };
    let body = section(frame, area, &title, &pal);
    if rows.is_empty() {
        let text = if app.matrix.is_empty() && app.is_replay() {
            format!(
                "  no configuration in the matrix yet: one enters when the recording finishes a window of at least {}s; space pauses, < > change the speed",
                crate::app::trim_float(app.min_window)
            )
        } else if app.matrix.is_empty() {
            format!(
                "  no configuration measured yet: a configuration enters after {}s of steady state; change a control (←→ ↑↓ +-) or press s for the automatic sweep",
                crate::app::trim_float(app.min_window)
            )
        } else {
            "  no row matches the filter: f shows the next one".to_string()
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, pal.dim)).wrap(Default::default()),
            body,
        );
        return visible;
    }
    let cols: Vec<Column> = visible_cols.iter().map(|(_, c, _)| *c).collect();
    // The best among all rows measured (not only the filtered ones).
    let all_rows = app
        .matrix
        .rows_with_live(app.metrics, app.live.as_ref(), app.min_window);
    // A column where every row has the same value has no best.
    let bests: Vec<Option<f64>> = cols
        .iter()
        .map(|c| {
            let b = best(c, &all_rows)?;
            all_rows
                .iter()
                .any(|r| c.value(r).is_some_and(|v| v != b))
                .then_some(b)
        })
        .collect();
    let head_style = Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let mut header = vec![
        Cell::from(""),
        Cell::from("strategy"),
        Cell::from(Line::from("size").right_aligned()),
        Cell::from(Line::from("thr").right_aligned()),
    ];
    let axes_w = axes_width(&rows);
    if axes_w > 0 {
        header.push(Cell::from("axes"));
    }
    header.extend(visible_cols.iter().map(|(i, c, _)| {
        let t = if Some(*i) == app.view.sort {
            format!("▼{}", c.view.title)
        } else {
            c.view.title.to_string()
        };
        Cell::from(Line::from(t).right_aligned())
    }));
    let used = KEY_W + axes_w + visible_cols.iter().map(|(_, _, w)| w + 1).sum::<usize>();
    let marker = left_out > 0 && used + MORE_W <= area.width as usize;
    if marker {
        // Said where the columns end: more exist, and `o` brings any of them in.
        header.push(Cell::from(format!("+{left_out}›")));
    }
    let table_rows: Vec<Row> = rows
        .iter()
        .skip(start)
        .take(visible)
        .map(|r| {
            let cfg = r.config;
            let is_current = cfg == app.selected;
            let mut cells = vec![
                Cell::from(if is_current { "▶" } else { " " }),
                Cell::from(Span::styled(
                    cfg.strategy.name(),
                    Style::default().fg(pal.strategy(cfg.strategy)),
                )),
                Cell::from(Line::from(format_size(cfg.msg_size)).right_aligned()),
                Cell::from(Line::from(cfg.threads.to_string()).right_aligned()),
            ];
            if axes_w > 0 {
                cells.push(Cell::from(cfg.tag()));
            }
            for (c, b) in cols.iter().zip(&bests) {
                let v = c.value(r);
                let is_best = matches!((v, b), (Some(v), Some(b)) if v == *b) && all_rows.len() > 1;
                let mark = if is_best { BEST_MARK } else { ' ' };
                let text = full_cell(c, r, mark);
                let style = if is_best {
                    pal.best
                } else if v.is_none() {
                    pal.dim
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
    if axes_w > 0 {
        widths.push(Constraint::Length(axes_w as u16 - 1));
    }
    widths.extend(
        visible_cols
            .iter()
            .map(|(_, _, w)| Constraint::Length(*w as u16)),
    );
    if marker {
        widths.push(Constraint::Length(MORE_W as u16 - 1));
    }
    let table = Table::new(table_rows, widths)
        .header(Row::new(header).style(head_style))
        .column_spacing(1);
    frame.render_widget(table, body);
    visible
}

#[cfg(test)]
mod tests {
    use super::plus_minus;

    #[test]
    fn a_plus_minus_has_two_digits_at_most_none_finer_than_the_value_and_rounds_up() {
        assert_eq!(plus_minus(0.4, 1), "0.4");
        assert_eq!(plus_minus(0.37, 1), "0.4");
        assert_eq!(plus_minus(0.0123, 3), "0.013");
        assert_eq!(plus_minus(3.456, 2), "3.5");
        assert_eq!(plus_minus(56.2, 0), "57");
        assert_eq!(plus_minus(5678.0, 0), "5700");
        assert_eq!(plus_minus(0.3, 0), "1");
        assert_eq!(plus_minus(0.0, 2), "0.00");
        assert_eq!(plus_minus(-0.0, 2), "0.00");
    }
}
