//! `netio-tui sweep`: a matrix of configurations measured one after another, the CSV
//! rewritten after each, so a late failure loses nothing measured.

use super::measure::Driver;
use super::output::{counter_notes, progress_bar, summary_line};
use super::values::{parse_list, parse_seconds, parse_size, parse_threads};
use crate::engine::config::{Config, Count, Strategy};
use crate::engine::metric::{Figures, METRICS};
use crate::engine::sample::Failure;
use crate::error::{fault, Error, Result};
use crate::model::csv::{to_csv_bytes, write_rows};
use crate::model::plan::{cross, plan, AxisPlan};
use crate::session::{self, MeasureSettings, Request};
use crate::view::VIEWS;
use clap::Args;
use std::path::PathBuf;
use std::time::SystemTime;

/// `netio-tui sweep`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub common: super::common::Common,
    #[arg(long, default_value = "two-copy,one-copy,zero-copy", value_parser = parse_strategies, value_name = "S,S..",
          help = format!("Comma-separated strategies ({})", Strategy::names()))]
    pub strategies: StrategyList,
    /// Comma-separated message sizes
    #[arg(long, default_value = "64,256,1K,4K", value_parser = parse_sizes, allow_negative_numbers = true, value_name = "B,B..")]
    pub sizes: SizeList,
    /// Comma-separated thread-pair counts
    #[arg(long, default_value = "1,2,4,8", value_parser = parse_thread_list, allow_negative_numbers = true, value_name = "N,N..")]
    pub threads: ThreadList,
    /// Measured seconds per configuration (fractions allowed)
    #[arg(short, long, default_value = "1", value_parser = parse_seconds, allow_negative_numbers = true, value_name = "SECS")]
    pub duration: f64,
    /// CSV file to write (default: netio-sweep-<timestamp>.csv in the current directory)
    #[arg(short, long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Receivers check every field's pattern
    #[arg(long)]
    pub verify: bool,
    /// The axes to cross, from the axis table: --nodelay, --recv, --pin, --count, --buf-offset.
    #[command(flatten)]
    pub axes: super::axes::AxisLists,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StrategyList(pub Vec<Strategy>);
#[derive(Debug, Clone, PartialEq)]
pub struct SizeList(pub Vec<usize>);
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadList(pub Vec<usize>);

fn parse_strategies(s: &str) -> Result<StrategyList, String> {
    parse_list(s, "strategy", |x| x.parse()).map(StrategyList)
}
fn parse_sizes(s: &str) -> Result<SizeList, String> {
    parse_list(s, "size", parse_size).map(SizeList)
}
fn parse_thread_list(s: &str) -> Result<ThreadList, String> {
    parse_list(s, "thread", parse_threads).map(ThreadList)
}

/// What `sweep` measures, in order, and where it writes.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSettings {
    pub measure: MeasureSettings,
    pub configs: Vec<Config>,
    /// The counting modes among the configurations (what `-v` describes).
    pub counts: Vec<Count>,
    /// Measured seconds per configuration.
    pub duration: f64,
    pub out: PathBuf,
    pub verify: bool,
}

/// The plain settings of a sweep: each list without repeats (a warning names them),
/// crossed in matrix order.
pub fn settings(args: &SweepArgs) -> SweepSettings {
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "netio-sweep-{}.csv",
            crate::timefmt::compact(SystemTime::now())
        ))
    });
    let lists: Vec<_> = args
        .axes
        .lists()
        .iter()
        .map(|(a, given)| {
            let given: Vec<&str> = given.iter().map(String::as_str).collect();
            let once = dedup_warn(&format!("--{}", a.option.long), &given);
            (*a, once.into_iter().map(String::from).collect())
        })
        .collect();
    let axes = AxisPlan { values: lists };
    let configs = cross(
        &plan(
            &dedup_warn("--strategies", &args.strategies.0),
            &dedup_warn("--sizes", &args.sizes.0),
            &dedup_warn("--threads", &args.threads.0),
        ),
        &axes,
    );
    SweepSettings {
        measure: args.common.settings(),
        configs,
        counts: axes.values(&crate::engine::axis::COUNT),
        duration: args.duration,
        out,
        verify: args.verify,
    }
}

/// The list without repeats, in first-seen order; one warning naming the repeats.
pub fn dedup_warn<T: PartialEq + Copy + std::fmt::Display>(flag: &str, items: &[T]) -> Vec<T> {
    let mut seen: Vec<T> = Vec::new();
    let mut repeated: Vec<String> = Vec::new();
    for &x in items {
        if seen.contains(&x) {
            let name = x.to_string();
            if !repeated.contains(&name) {
                repeated.push(name);
            }
        } else {
            seen.push(x);
        }
    }
    if !repeated.is_empty() {
        eprintln!(
            "netio-tui: warning: {flag} lists {} more than once; each is measured once",
            repeated.join(", ")
        );
    }
    seen
}

/// What the sweep measured so far and what of it is on disk.
struct Results<'a> {
    out: &'a std::path::Path,
    rows: Vec<Figures>,
    failures: Vec<String>,
    skipped: usize,
    /// Rows in the file on disk.
    saved: usize,
    /// Why the last write failed (the rows stay in memory and the write is tried
    /// again after each configuration).
    unsaved: Option<String>,
}

impl Results<'_> {
    /// Rewrites the CSV with every row so far.
    fn save(&mut self, say: &dyn Fn(String)) {
        match write_rows(METRICS, self.out, &self.rows) {
            Ok(()) => {
                if self.unsaved.take().is_some() {
                    say(format!(
                        "netio-tui: {} written again ({} configurations)",
                        self.out.display(),
                        self.rows.len()
                    ));
                }
                self.saved = self.rows.len();
            }
            Err(e) => {
                if self.unsaved.is_none() {
                    say(format!(
                        "netio-tui: {e:#}; the results are kept in memory and the write is \
                         tried again after each configuration"
                    ));
                }
                self.unsaved = Some(format!("{e:#}"));
            }
        }
    }

    /// What is on disk, in words.
    fn on_disk(&self, planned: usize) -> String {
        if self.saved == 0 {
            format!("nothing was saved to {}", self.out.display())
        } else {
            format!(
                "{} of {planned} configurations saved to {}",
                self.saved,
                self.out.display()
            )
        }
    }
}

pub fn sweep(s: &SweepSettings) -> Result<()> {
    let request = Request {
        configs: &s.configs,
        verify: s.verify,
        out: Some(&s.out),
        crossed: true,
        ..Default::default()
    };
    session::preflight(&s.measure, &request)?;
    let mut driver = Driver::start(&s.measure, s.verify, &s.counts)?;
    let mut results = Results {
        out: &s.out,
        rows: Vec::new(),
        failures: Vec::new(),
        skipped: 0,
        saved: 0,
        unsaved: None,
    };
    measure_all(s, &mut driver, &mut results);
    let interrupted = driver.interrupted;
    let recording = driver.finish();
    finish(s, results, interrupted, recording)
}

/// Measures every configuration in order until done or interrupted, saying each result.
fn measure_all(s: &SweepSettings, driver: &mut Driver, results: &mut Results) {
    let n = s.configs.len();
    let bar = progress_bar(n);
    let say = |line: String| match &bar {
        Some(b) => b.println(line),
        None => eprintln!("{line}"),
    };
    for (i, &config) in s.configs.iter().enumerate() {
        if driver.signalled() {
            break;
        }
        if let Some(b) = &bar {
            b.set_message(config.to_string());
        }
        if let Some(why) = driver.unavailable.get(&config.strategy) {
            say(format!(
                "[{}/{n}] {config}: skipped: {} unavailable: {why}",
                i + 1,
                config.strategy
            ));
            if let Some(b) = &bar {
                b.inc(1);
            }
            results.skipped += 1;
            continue;
        }
        let outcome = driver.measure(config, s.duration);
        if let Err(Failure::Interrupted) = outcome {
            break;
        }
        let figures = match &outcome {
            Ok(r) => Figures::of(METRICS, r),
            Err(f) => {
                results.failures.push(format!("{config}: {f}"));
                Figures::failed(METRICS, config, f.to_string())
            }
        }
        .on_kernel(&driver.runner.machine().kernel);
        let line = match &figures.error {
            Some(e) => format!("{config}: FAILED: {e}"),
            None => format!(
                "{}{}",
                summary_line(METRICS, VIEWS, &figures, false),
                outcome
                    .as_ref()
                    .map_or(String::new(), |r| counter_notes(&r.total))
            ),
        };
        say(format!("[{}/{n}] {line}", i + 1));
        if let Some(b) = &bar {
            b.inc(1);
        }
        results.rows.push(figures);
        // Rewritten after every configuration: a late failure loses nothing measured.
        results.save(&say);
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
}

/// The last write, then what the sweep ends with: interrupted, a failed write (the CSV
/// on stdout instead), failed configurations, or success.
fn finish(
    s: &SweepSettings,
    mut results: Results,
    interrupted: bool,
    recording: Result<()>,
) -> Result<()> {
    let planned = s.configs.len();
    if results.unsaved.is_some() {
        results.save(&|_| {});
    }
    let on_disk = results.on_disk(planned);
    if let Some(why) = &results.unsaved {
        // Nothing measured is lost: the whole CSV goes to stdout.
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&to_csv_bytes(METRICS, &results.rows)?)?;
        stdout.flush()?;
        let msg = format!(
            "{why}; {on_disk}; all {} measured configurations were printed on stdout as CSV",
            results.rows.len()
        );
        if interrupted {
            return Err(Error::Interrupted(format!("interrupted; {msg}")));
        }
        return Err(fault(msg));
    }
    if interrupted || results.rows.len() + results.skipped < planned {
        return Err(Error::Interrupted(format!("interrupted: {on_disk}")));
    }
    println!(
        "wrote {} configurations to {}",
        results.rows.len(),
        s.out.display()
    );
    if results.skipped > 0 {
        eprintln!(
            "netio-tui: {} configurations skipped: their strategy is unavailable here",
            results.skipped
        );
    }
    recording?;
    if !results.failures.is_empty() {
        return Err(fault(format!(
            "{} of {planned} configurations failed (rows with an error in {}): {}",
            results.failures.len(),
            s.out.display(),
            results.failures.join("; ")
        )));
    }
    Ok(())
}
