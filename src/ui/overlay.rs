//! The panel every overlay (help, insight, top functions) is drawn in: a bordered box
//! over the screen whose text scrolls with PgUp/PgDn, its title saying which lines
//! show and how to close it.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// `w` × `h` (at most `area`'s) centred in `area`; `top` puts it at the top instead.
pub fn place(area: Rect, w: u16, h: u16, top: bool) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    let y = if top {
        area.y
    } else {
        area.y + (area.height - h) / 2
    };
    Rect::new(area.x + (area.width - w) / 2, y, w, h)
}

/// Draws `lines` in a box at `r`, scrolled down by `scroll` rows (at most to the end).
/// `name` and `closes` title it: " help 1–20 of 43 — PgUp/PgDn scroll, ? or Esc closes ".
pub fn render(
    frame: &mut Frame,
    r: Rect,
    lines: Vec<Line<'_>>,
    scroll: usize,
    name: &str,
    closes: &str,
) {
    // Rows the wrapped text takes, to say whether (and how far) it scrolls.
    let inner_w = r.width.saturating_sub(2).max(1) as usize;
    let total: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum();
    let inner_h = r.height.saturating_sub(2) as usize;
    let max_scroll = total.saturating_sub(inner_h);
    let scroll = scroll.min(max_scroll);
    let title = if max_scroll > 0 {
        format!(
            " {name} {}–{} of {total} — PgUp/PgDn scroll, {closes} or Esc closes ",
            scroll + 1,
            (scroll + inner_h).min(total),
        )
    } else {
        format!(" {name} — {closes} or Esc closes ")
    };
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        r,
    );
}
