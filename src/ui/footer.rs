//! Bottom two lines: the status line (notes, export path, errors) and the keys.

use super::{clip, palette};
use crate::app::keys::{fit_key_line, CAPS_ONLY_HINT};
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
    let fit = fit_key_line(app.is_replay(), w);
    for s in &fit.shown {
        spans.push(Span::styled(s.caps, key));
        spans.push(Span::raw(match s.word {
            Some(word) => format!(" {word} "),
            None => " ".to_string(),
        }));
    }
    if fit.hint {
        spans.push(Span::styled(CAPS_ONLY_HINT, pal.dim));
    }
    frame.render_widget(Paragraph::new(vec![status, Line::from(spans)]), area);
}
