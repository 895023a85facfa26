//! Colours and weights, per theme. Every state also has a symbol or a weight of its
//! own (▶ current row, * best cell, italic row being measured, ✗ failure, PAUSED in
//! reverse video), so nothing depends on telling colours apart.

use crate::app::Theme;
use crate::engine::config::Strategy;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug)]
pub struct Palette {
    /// Notes, scales, axes: secondary text.
    pub dim: Style,
    /// Status notes.
    pub note: Style,
    pub error: Style,
    /// The best cell of a matrix column.
    pub best: Style,
    /// Key caps in the key line.
    pub key: Style,
    /// PAUSED, REPLAY, loopback: banners.
    pub banner: Style,
    pub good: Style,
    pub accent: Style,
    high_contrast: bool,
}

impl Palette {
    pub fn of(theme: Theme) -> Palette {
        let bold = Modifier::BOLD;
        match theme {
            Theme::Default => Palette {
                dim: Style::default().fg(Color::DarkGray),
                note: Style::default().fg(Color::Yellow),
                error: Style::default().fg(Color::Red).add_modifier(bold),
                best: Style::default()
                    .fg(Color::Black)
                    .bg(Color::Green)
                    .add_modifier(bold),
                key: Style::default()
                    .fg(Color::Black)
                    .bg(Color::Gray)
                    .add_modifier(bold),
                banner: Style::default()
                    .fg(Color::Black)
                    .bg(Color::Yellow)
                    .add_modifier(bold),
                good: Style::default().fg(Color::Green),
                accent: Style::default().fg(Color::Cyan),
                high_contrast: false,
            },
            // No grey (it washes out on a projector), no colour that carries meaning
            // alone: reverse video and weight.
            Theme::HighContrast => Palette {
                dim: Style::default().fg(Color::White),
                note: Style::default().fg(Color::White).add_modifier(bold),
                error: Style::default()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(bold),
                best: Style::default().add_modifier(bold | Modifier::REVERSED),
                key: Style::default().add_modifier(bold | Modifier::REVERSED),
                banner: Style::default().add_modifier(bold | Modifier::REVERSED),
                good: Style::default().fg(Color::White).add_modifier(bold),
                accent: Style::default().fg(Color::White).add_modifier(bold),
                high_contrast: true,
            },
        }
    }

    /// Each strategy keeps one colour everywhere (sparkline bars, chart lines,
    /// matrix, the SVG charts): its own. The high-contrast theme brightens it.
    pub fn strategy(&self, s: Strategy) -> Color {
        let [r, g, b] = if self.high_contrast {
            brighter(s.info().rgb)
        } else {
            s.info().rgb
        };
        Color::Rgb(r, g, b)
    }
}

/// Halfway to white: bright enough for a projector, still the same hue.
pub fn brighter(rgb: [u8; 3]) -> [u8; 3] {
    rgb.map(|c| c + (255 - c) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strategy_has_the_same_colour_on_screen_and_in_charts() {
        let screen = Palette::of(Theme::Default);
        let projector = Palette::of(Theme::HighContrast);
        for s in Strategy::ALL {
            let plotters::style::RGBColor(r, g, b) = crate::plot::palette::strategy_color(s);
            assert_eq!(screen.strategy(s), Color::Rgb(r, g, b), "{s}");
            let [r, g, b] = brighter([r, g, b]);
            assert_eq!(projector.strategy(s), Color::Rgb(r, g, b), "{s}");
        }
    }
}
