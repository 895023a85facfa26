//! `netio-tui run`: one configuration measured, one line (or one JSON object).

use super::axes::AxisArgs;
use super::common::Common;
use super::measure::Driver;
use super::output::{add_counter_json, counter_notes, describe_counts, summary_line};
use super::values::{parse_seconds, parse_size, parse_strategy, parse_threads};
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::{Figures, METRICS};
use crate::engine::sample::Failure;
use crate::error::{fault, Error, Result};
use crate::model::csv::to_json;
use crate::session::{self, MeasureSettings, Request};
use crate::view::VIEWS;
use clap::Args;

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
    /// Measured seconds (fractions allowed), after the warm-up
    #[arg(short, long, default_value = "2", value_parser = parse_seconds, allow_negative_numbers = true, value_name = "SECS")]
    pub duration: f64,
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
    /// Measured seconds after the warm-up.
    pub duration: f64,
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
    let mut driver = Driver::start(&s.measure, s.verify, &[config.count])?;
    if let Some(why) = driver.unavailable.get(&config.strategy) {
        return Err(fault(format!(
            "{config}: {} unavailable on this machine: {why}; no result",
            config.strategy
        )));
    }
    let outcome = driver.measure(config, s.duration);
    let kernel = driver.runner.machine().kernel.clone();
    let figures = match &outcome {
        Ok(r) => Figures::of(METRICS, r),
        Err(f) => Figures::failed(METRICS, config, f.to_string()),
    }
    .on_kernel(&kernel);
    if s.json {
        let mut json = to_json(METRICS, &figures);
        if let Ok(r) = &outcome {
            add_counter_json(&mut json, r, driver.runner.machine());
        }
        println!("{json}");
    }
    match outcome {
        Ok(r) => {
            if !s.json {
                println!(
                    "{}{}",
                    summary_line(METRICS, VIEWS, &figures, false),
                    counter_notes(&r.total)
                );
            }
            if s.measure.verbose {
                describe_counts(&r);
                eprintln!(
                    "netio-tui: {} bytes sent, {} received{}",
                    r.bytes_sent,
                    r.bytes_received,
                    if r.verified {
                        ", every payload byte verified"
                    } else {
                        ""
                    }
                );
            }
            driver.finish()
        }
        Err(Failure::Interrupted) => Err(Error::Interrupted(format!(
            "{config}: interrupted before the measured window was complete; no result"
        ))),
        Err(f) => Err(fault(format!("{config}: {f}; no result"))),
    }
}
