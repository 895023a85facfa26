//! The explorer (no subcommand): its options, turned into [`ExplorerSettings`].

use super::axes::AxisArgs;
use super::values::{
    parse_min_window, parse_seconds, parse_size, parse_strategy, parse_threads, theme_parser,
};
use crate::app::Theme;
use crate::engine::config::{Config, Strategy};
use crate::explorer::ExplorerSettings;
use clap::Args;
use std::path::PathBuf;

/// Options of the interactive explorer (no subcommand).
#[derive(Debug, Clone, Args)]
pub struct ExplorerArgs {
    /// Directory where `e` writes netio-<timestamp>.csv (default: current directory)
    #[arg(long, value_name = "DIR")]
    pub export_dir: Option<PathBuf>,
    /// Strategy measured at start
    #[arg(long = "start-strategy", default_value = "one-copy", value_parser = parse_strategy, value_name = "S")]
    pub start_strategy: Strategy,
    /// Message size measured at start
    #[arg(long = "start-size", default_value = "4K", value_parser = parse_size, allow_negative_numbers = true, value_name = "BYTES")]
    pub start_size: usize,
    /// Thread pairs at start
    #[arg(long = "start-threads", default_value = "1", value_parser = parse_threads, allow_negative_numbers = true, value_name = "N")]
    pub start_threads: usize,
    /// Seconds per configuration of the automatic sweep (`s`)
    #[arg(long, default_value = "2", value_parser = parse_seconds, allow_negative_numbers = true, value_name = "SECS")]
    pub sweep_duration: f64,
    /// Trials per configuration of the automatic sweep (`s`): N passes over all
    /// configurations, interleaved so a drifting machine hits every configuration alike;
    /// from 3 on the matrix shows each figure's interval
    #[arg(long, default_value = "1", value_parser = clap::value_parser!(u16).range(1..=1000), value_name = "N")]
    pub sweep_repeat: u16,
    /// Shortest measured window, in seconds, that enters the matrix (a configuration passed through while pressing keys is no result)
    #[arg(long, default_value = "1", value_parser = parse_min_window, allow_negative_numbers = true, value_name = "SECS")]
    pub min_window: f64,
    /// Colours: default, or high-contrast for projectors and colour-blind viewers
    #[arg(long, default_value = "default", value_parser = theme_parser(), value_name = "THEME")]
    pub theme: Theme,
    #[command(flatten)]
    pub axes: AxisArgs,
}

impl ExplorerArgs {
    /// The plain settings the explorer takes.
    pub fn settings(&self) -> ExplorerSettings {
        let mut start = Config::new(self.start_strategy, self.start_size, self.start_threads);
        self.axes.apply(&mut start);
        ExplorerSettings {
            export_dir: self.export_dir.clone(),
            start,
            sweep_duration: self.sweep_duration,
            sweep_repeat: self.sweep_repeat as usize,
            min_window: self.min_window,
            theme: self.theme,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_defaults_are_the_settings_defaults() {
        // A replay has no explorer command line: it starts from ExplorerSettings::default.
        let cli = super::super::parse_from(["netio-tui"]).unwrap();
        assert_eq!(cli.explorer.settings(), ExplorerSettings::default());
    }

    #[test]
    fn the_theme_is_chosen_by_name() {
        let cli = super::super::parse_from(["netio-tui", "--theme", "high-contrast"]).unwrap();
        assert_eq!(cli.explorer.settings().theme, Theme::HighContrast);
        assert!(super::super::parse_from(["netio-tui", "--theme", "pink"]).is_err());
    }

    #[test]
    fn the_sweep_repeats_as_often_as_asked_and_at_least_once() {
        let cli = super::super::parse_from(["netio-tui", "--sweep-repeat", "5"]).unwrap();
        assert_eq!(cli.explorer.settings().sweep_repeat, 5);
        assert!(super::super::parse_from(["netio-tui", "--sweep-repeat", "0"]).is_err());
        assert!(super::super::parse_from(["netio-tui", "--sweep-repeat", "x"]).is_err());
    }
}
