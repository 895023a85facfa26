//! Rendering: one file per screen area, each `render(frame, area, &App)`.
//! Rendering reads the state and changes nothing; it reads no clock, so a frame is a
//! pure function of the [`App`] (which is what the snapshot tests rely on).

pub mod breakdown;
pub mod chart;
pub mod footer;
pub mod header;
pub mod help;
pub mod insight;
pub mod live;
pub mod matrix;
pub mod overlay;
pub mod theme;
pub mod top;

use crate::app::{App, Overlay};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use theme::Palette;

/// Smallest screen the explorer draws on; below it, a message says how big to make it.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    draw_paged(frame, app);
}

/// Draws the whole screen; returns how many matrix rows it has room for (the page
/// PgUp/PgDn move by).
pub fn draw_paged(frame: &mut Frame, app: &App) -> usize {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "netio-tui needs at least {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{}); q quits",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(msg).wrap(Default::default()), area);
        return 0;
    }
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(area);
    header::render(frame, head, app);
    footer::render(frame, foot, app);

    let spark_rows: u16 = if body.height >= 34 { 2 } else { 1 };
    let wide = body.width >= 110 && body.height >= 26;
    let live_w = if wide {
        body.width - (body.width / 3).clamp(36, 60)
    } else {
        body.width
    };
    let live_h = live::height(app, spark_rows, body.height, live_w);
    let page;
    if wide {
        let [top, bottom] =
            Layout::vertical([Constraint::Length(live_h), Constraint::Min(0)]).areas(body);
        let chart_w = (top.width / 3).clamp(36, 60);
        let [l, c] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(chart_w)]).areas(top);
        live::render(frame, l, app, spark_rows);
        chart::render(frame, c, app);
        page = matrix::render(frame, bottom, app);
    } else {
        // The chart gets room only if the matrix keeps enough lines for its rows.
        let rest = body.height.saturating_sub(live_h);
        let matrix_rows = app.matrix_rows().len() as u16;
        let chart_h = if rest >= 12 + (matrix_rows + 2).clamp(4, 12) {
            12
        } else {
            0
        };
        let [top, mid, bottom] = Layout::vertical([
            Constraint::Length(live_h),
            Constraint::Min(0),
            Constraint::Length(chart_h),
        ])
        .areas(body);
        live::render(frame, top, app, spark_rows);
        // Room beside a narrow matrix (e.g. no counter columns) goes to the chart.
        let side = mid.width.saturating_sub(matrix::full_width(app) + 1);
        if chart_h == 0 && side >= 36 && mid.height >= 8 {
            let [m, c] =
                Layout::horizontal([Constraint::Min(0), Constraint::Length(side)]).areas(mid);
            page = matrix::render(frame, m, app);
            chart::render(frame, c, app);
        } else {
            page = matrix::render(frame, mid, app);
        }
        if chart_h > 0 {
            chart::render(frame, bottom, app);
        }
    }
    match app.overlay {
        Some(Overlay::Help) => help::render(frame, area, app),
        Some(Overlay::Insight) => insight::render(frame, area, app),
        Some(Overlay::Top) => top::render(frame, area, app),
        None => {}
    }
    page
}

/// The colours of the theme the explorer runs with.
pub fn palette(app: &App) -> Palette {
    Palette::of(app.theme)
}

/// A section rule: "─ title ─────".
pub fn rule(title: &str, width: u16, pal: &Palette) -> Line<'static> {
    let t = format!("─ {title} ");
    let fill = (width as usize).saturating_sub(t.chars().count());
    Line::from(vec![
        Span::styled(t, Style::default().add_modifier(Modifier::BOLD)),
        Span::styled("─".repeat(fill), pal.dim),
    ])
}

/// Draws a section rule on the first row of `area`; returns the rows below it.
pub fn section(
    frame: &mut Frame,
    area: ratatui::layout::Rect,
    title: &str,
    pal: &Palette,
) -> ratatui::layout::Rect {
    frame.render_widget(
        Paragraph::new(rule(title, area.width, pal)),
        ratatui::layout::Rect { height: 1, ..area },
    );
    ratatui::layout::Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    }
}

pub use crate::format::{si, sig3};

/// Clips a string to `w` characters, with an ellipsis when clipped.
pub fn clip(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('…');
        t
    }
}
