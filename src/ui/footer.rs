//! Bottom two lines: the status line (notes, export path, errors) and the keys.

use super::{clip, palette};
use crate::app::keys::key_line;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let w = area.width as usize;
    let pal = palette(app);
    let status = match &app.status {
        Some(s) if s.error => Line::from(Span::styled(
            clip(&format!("✗ {}", s.text), w),
            pal.error,
        )),
        Some(s) => Line::from(Span::styled(
            clip(&s.text, w),
            pal.note,
        )),
        None => Line::from(Span::styled(
            clip(
                "changes restart the workers; each configuration's steady-state result goes in the matrix",
                w,
            ),
            pal.dim,
        )),
    };
    let key = pal.key;
    let mut spans = Vec::new();
    let mut used = 0;
    for l in key_line(app.is_replay()) {
        let (k, what) = (l.caps, l.word);
        let n = k.chars().count() + what.chars().count() + 2;
        if used + n > w {
            break;
        }
        spans.push(Span::styled(k, key));
        spans.push(Span::raw(format!(" {what} ")));
        used += n;
    }
    frame.render_widget(Paragraph::new(vec![status, Line::from(spans)]), area);
}
