//! How a strategy looks on a chart: its own colour from its [`StrategyInfo`], as on
//! screen.
//!
//! [`StrategyInfo`]: crate::engine::strategy::StrategyInfo

use crate::engine::config::Strategy;
use plotters::style::RGBColor;

/// The strategy's own colour, as on screen.
pub fn strategy_color(s: Strategy) -> RGBColor {
    let [r, g, b] = s.info().rgb;
    RGBColor(r, g, b)
}
