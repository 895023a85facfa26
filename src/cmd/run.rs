//! `netio-tui run`: one configuration measured, one line (or one JSON object).

use super::axes::AxisArgs;
use super::common::Common;
use super::measure::Driver;
use super::output::{
    add_counter_json, describe_counts, progress_bar, summary_line, trials_counter_notes,
};
use super::trials::{Saved, Trials};
use super::values::{
    parse_messages, parse_repeat, parse_seconds, parse_size, parse_strategy, parse_threads,
};
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::{Figures, METRICS};
use crate::engine::sample::Failure;
use crate::error::{fault, Error, Result};
use crate::model::csv::to_json;
use crate::session::{self, MeasureSettings, Request};
use crate::view::VIEWS;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(short, long, default_value = "one-copy", value_parser = parse_strategy, value_name = "S",
          help = format!("Send strategy: {}", Strategy::labels()))]
    pub strategy: Strategy,
    /// Message size in bytes; K and M suffixes allowed (4K = 4096), 1 to 64M
    #[arg(long, default_value = "4K", value_parser = parse_size, allow_negative_numbers = true, value_name = "BYTES")]
    pub size: usize,
    /// Thread pairs (connections), 1 to 1024
    #[arg(short, long, default_value = "1", value_parser = parse_threads, allow_negative_numbers = true, value_name = "N")]
    pub threads: usize,
    /// Measured seconds per trial (fractions allowed), after the warm-up
    #[arg(short, long, default_value = "2", value_parser = parse_seconds, allow_negative_numbers = true, value_name = "SECS")]
    pub duration: f64,
    /// End each connection after N messages (stream) or N transactions (rr) instead of after --duration: the window is the time that took, with no warm-up; 1 to 10^12 (the CSV's fixed_messages column says N)
    #[arg(long, value_parser = parse_messages, allow_negative_numbers = true, value_name = "N", conflicts_with_all = ["duration", "warmup"])]
    pub messages: Option<u64>,
    /// Trials, 1 to 1000: the configuration measured N times, each a window of its own with fresh connections; the line gives the medians and, from 2 trials, each headline figure's 95 % interval (docs/trials.md)
    #[arg(long, default_value = "1", value_parser = parse_repeat, allow_negative_numbers = true, value_name = "N")]
    pub repeat: usize,
    /// Also write every trial as a CSV row (the columns of docs/csv.md plus `trial`)
    #[arg(long, value_name = "FILE.csv")]
    pub trials_out: Option<PathBuf>,
    /// Print one JSON object whose keys are the CSV column names
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub axes: AxisArgs,
    /// Receivers check every field's pattern and report the first mismatch
    #[arg(long)]
    pub verify: bool,
}

/// What `run` measures and how it reports.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    pub measure: MeasureSettings,
    pub config: Config,
    /// Measured seconds after the warm-up, per trial.
    pub duration: f64,
    /// `--messages`: each connection's amount instead of a duration.
    pub messages: Option<u64>,
    /// Trials (windows) of the configuration.
    pub repeat: usize,
    /// Where every trial is written as a row, if anywhere.
    pub trials_out: Option<PathBuf>,
    pub json: bool,
    pub verify: bool,
}

impl RunArgs {
    pub fn settings(&self) -> RunSettings {
        let mut config = Config::new(self.strategy, self.size, self.threads);
        self.axes.apply(&mut config);
        RunSettings {
            measure: self.common.settings(),
            config,
            duration: self.duration,
            messages: self.messages,
            repeat: self.repeat,
            trials_out: self.trials_out.clone(),
            json: self.json,
            verify: self.verify,
        }
    }
}

pub fn run(s: &RunSettings) -> Result<()> {
    let config = s.config;
    let request = Request {
        configs: std::slice::from_ref(&config),
        verify: s.verify,
        ..Default::default()
    };
    session::preflight(&s.measure, &request)?;
    if let Some(path) = &s.trials_out {
        super::trials::check_trials_out(path, None, s.measure.record.as_deref())?;
    }
    super::measure::check_messages(&s.measure, s.messages)?;
    let mut driver = Driver::start(&s.measure, s.verify, &[config.count], s.messages)?;
    if let Some(why) = driver.unavailable.get(&config.strategy) {
        return Err(fault(format!(
            "{config}: {} unavailable on this machine: {why}; no result",
            config.strategy
        )));
    }
    let kernel = driver.runner.machine().kernel.clone();
    let mut trials =
        Trials::new(std::slice::from_ref(&config), &kernel).on_peer(driver.runner.machine());
    let mut trials_file = s.trials_out.as_deref().map(Saved::new);
    let bar = (s.repeat > 1).then(|| progress_bar(s.repeat)).flatten();
    let say = |line: String| match &bar {
        Some(b) => b.println(line),
        None => crate::note!("{line}"),
    };
    let mut failure = None;
    for n in 1..=s.repeat {
        match driver.measure(config, s.duration) {
            Ok(r) => {
                let f = trials.add(METRICS, 0, r);
                if s.repeat > 1 {
                    say(format!(
                        "[{n}/{}] trial: {}",
                        s.repeat,
                        summary_line(METRICS, VIEWS, &f, false)
                    ));
                }
            }
            Err(Failure::Interrupted) => {
                failure = Some(Failure::Interrupted);
                break;
            }
            Err(f) => {
                let why = if s.repeat > 1 {
                    format!("trial {n} of {}: {f}", s.repeat)
                } else {
                    f.to_string()
                };
                trials.fail(METRICS, 0, why);
                failure = Some(f);
            }
        }
        if let Some(file) = &mut trials_file {
            file.save_trials(METRICS, &trials, &say);
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
        if failure.is_some() {
            break;
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    report(s, &mut driver, &trials, failure)?;
    if let Some(why) = trials_file.and_then(|f| f.unsaved) {
        return Err(fault(format!("--trials-out: {why}")));
    }
    driver.finish()
}

/// The result of every trial: the line or JSON object, `-v` detail, or why there is none.
fn report(
    s: &RunSettings,
    driver: &mut Driver,
    trials: &Trials,
    failure: Option<Failure>,
) -> Result<()> {
    let config = s.config;
    let done = trials.of(0);
    let figures = match (&failure, trials.row(METRICS, 0)) {
        (None, Some(f)) => f,
        // An interrupted trial: no result, whatever came before it.
        (Some(_), _) | (None, None) => Figures::failed(
            METRICS,
            config,
            failure
                .as_ref()
                .map_or("no trial".into(), |f| f.to_string()),
        )
        .on_kernel(&driver.runner.machine().kernel)
        .on_peer(driver.runner.machine()),
    };
    if s.json {
        let mut json = to_json(METRICS, &figures);
        if failure.is_none() {
            add_counter_json(&mut json, done, driver.runner.machine());
        }
        crate::say!("{json}")?;
    }
    match failure {
        None => {
            if !s.json {
                crate::say!(
                    "{}{}",
                    summary_line(METRICS, VIEWS, &figures, false),
                    trials_counter_notes(done)
                )?;
            }
            if s.measure.verbose {
                for r in done {
                    describe_counts(r);
                }
                let sent: u64 = done.iter().map(|r| r.bytes_sent).sum();
                let received: u64 = done.iter().map(|r| r.bytes_received).sum();
                crate::note!(
                    "netio-tui: {sent} bytes sent, {received} received{}",
                    if done.iter().all(|r| r.verified) {
                        ", every payload byte verified"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        Some(Failure::Interrupted) => Err(Error::Interrupted(format!(
            "{config}: interrupted before the measured window was complete; no result"
        ))),
        Some(_) => Err(fault(format!(
            "{config}: {}; no result",
            figures.error.unwrap_or_default()
        ))),
    }
}
