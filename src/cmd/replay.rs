//! `netio-tui replay FILE`: a recording played back in the explorer (no root).

use super::values::{parse_speed, theme_parser};
use crate::app::Theme;
use crate::error::{usage, Result};
use crate::explorer::ExplorerSettings;
use crate::model::recording::read_recording;
use crate::replay::{summary, ReplayPlayer};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// A recording made with --record
    pub file: PathBuf,
    /// Playback speed factor, 1/16 to 64 (change it live with < and >)
    #[arg(long, default_value = "1", value_parser = parse_speed, allow_negative_numbers = true, value_name = "X")]
    pub speed: f64,
    /// Only validate the recording and print what it holds (machine, command, events); no explorer
    #[arg(long)]
    pub check: bool,
    /// Directory where `e` writes netio-<timestamp>.csv (default: current directory)
    #[arg(long, value_name = "DIR")]
    pub export_dir: Option<PathBuf>,
    /// Colours: default, or high-contrast for projectors and colour-blind viewers
    #[arg(long, default_value = "default", value_parser = theme_parser(), value_name = "THEME")]
    pub theme: Theme,
}

/// What `replay` does: the file, how fast, and the explorer it plays in.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplaySettings {
    pub file: PathBuf,
    pub speed: f64,
    /// Only validate and describe the file.
    pub check: bool,
    pub explorer: ExplorerSettings,
}

impl ReplayArgs {
    pub fn settings(&self) -> ReplaySettings {
        ReplaySettings {
            file: self.file.clone(),
            speed: self.speed,
            check: self.check,
            explorer: ExplorerSettings {
                export_dir: self.export_dir.clone(),
                theme: self.theme,
                ..ExplorerSettings::default()
            },
        }
    }
}

/// Validates the recording (a bad file is a usage error, exit 2, before the terminal
/// is touched), then runs the explorer on it.
pub fn run(s: &ReplaySettings) -> Result<()> {
    if let Some(dir) = &s.explorer.export_dir {
        crate::model::files::check_dir(dir, "--export-dir")?;
    }
    let recording = read_recording(&s.file)?;
    if recording.events.is_empty() {
        return Err(usage(format!(
            "{} has a header but no events (the recording stopped before the first sample); \
             nothing to replay",
            s.file.display()
        )));
    }
    if s.check {
        crate::error::write_stdout(format_args!("{}", summary(&recording, &s.file)))?;
        return Ok(());
    }
    let player = ReplayPlayer::start(recording, s.file.clone(), s.speed);
    crate::explorer::run_with_source(Box::new(player), &s.explorer)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_from, Command};
    use crate::app::Theme;

    #[test]
    fn replay_takes_the_theme() {
        let cli =
            parse_from(["netio-tui", "replay", "x.jsonl", "--theme", "high-contrast"]).unwrap();
        let Some(Command::Replay(r)) = cli.command else {
            panic!("not replay")
        };
        assert_eq!(r.settings().explorer.theme, Theme::HighContrast);
    }
}
