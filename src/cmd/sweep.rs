//! `netio-tui sweep`: a matrix of configurations measured in passes, one trial of each
//! configuration per pass (`--repeat`), the CSV rewritten after every window, so a late
//! failure loses nothing measured.

use super::measure::Driver;
use super::output::{counter_notes, progress_bar, summary_line};
use super::trials::{check_trials_out, interleaved, Saved, Trials};
use super::values::{
    parse_list, parse_messages, parse_repeat, parse_seconds, parse_size, parse_threads,
};
use crate::engine::config::{Config, Count, Strategy};
use crate::engine::metric::METRICS;
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
    /// Measured seconds per trial (fractions allowed). The default, 5 trials of 0.2 s, measures each configuration as long as the single 1 s window before trials did (the sweep takes ≈1.3× as long: each window has its own warm-up and start) and gives each row an interval; windows this short measured the same medians here (docs/trials.md)
    #[arg(short, long, default_value = DEFAULT_DURATION, value_parser = parse_seconds, allow_negative_numbers = true, value_name = "SECS")]
    pub duration: f64,
    /// End each connection after N messages (stream) or N transactions (rr) instead of after --duration: the window is the time that took, with no warm-up; 1 to 10^12 (the CSV's fixed_messages column says N)
    #[arg(long, value_parser = parse_messages, allow_negative_numbers = true, value_name = "N", conflicts_with_all = ["duration", "warmup"])]
    pub messages: Option<u64>,
    /// Trials per configuration, 1 to 1000, interleaved: pass 1 measures every configuration once, then pass 2, …, each trial a window of its own with fresh connections; each row is the trials' median with an interval of it (needs 2 or more; 93 % coverage at 5, 95 % from 6)
    #[arg(long, default_value = DEFAULT_REPEAT, value_parser = parse_repeat, allow_negative_numbers = true, value_name = "N")]
    pub repeat: usize,
    /// CSV file to write (default: netio-sweep-<timestamp>.csv in the current directory)
    #[arg(short, long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Also write every trial as a CSV row (the columns of docs/csv.md plus `trial`), rewritten after each window as the CSV is
    #[arg(long, value_name = "FILE.csv")]
    pub trials_out: Option<PathBuf>,
    /// Receivers check every field's pattern
    #[arg(long)]
    pub verify: bool,
    /// The axes to cross, from the axis table: --nodelay, --recv, --pin, --count, --buf-offset.
    #[command(flatten)]
    pub axes: super::axes::AxisLists,
}

/// Trials per configuration by default: 5 is the fewest whose min–max interval of the
/// median covers ≈95 % (93.75 %; 4 trials: 87.5 %).
pub const DEFAULT_REPEAT: &str = "5";
/// Seconds per trial by default: 5 windows of it measure as long as the single 1 s
/// window a configuration got before trials (each window adds its warm-up and start,
/// ≈0.09 s here: ≈1.3× the time), and windows this short still measure the same
/// medians (docs/trials.md).
pub const DEFAULT_DURATION: &str = "0.2";

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
    /// Measured seconds per trial.
    pub duration: f64,
    /// `--messages`: each connection's amount instead of a duration.
    pub messages: Option<u64>,
    /// Trials per configuration, measured in interleaved passes.
    pub repeat: usize,
    pub out: PathBuf,
    /// Where every trial is written as a row, if anywhere.
    pub trials_out: Option<PathBuf>,
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
        messages: args.messages,
        repeat: args.repeat,
        out,
        trials_out: args.trials_out.clone(),
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
        crate::note!(
            "netio-tui: warning: {flag} lists {} more than once; each is measured once",
            repeated.join(", ")
        );
    }
    seen
}

/// What the sweep measured so far and what of it is on disk.
struct Results<'a> {
    trials: Trials,
    csv: Saved<'a>,
    trials_file: Option<Saved<'a>>,
    failures: Vec<String>,
    skipped: usize,
    /// Every planned window was measured (or skipped).
    complete: bool,
}

impl Results<'_> {
    /// Rewrites the CSV with every row so far, and the trials file with every trial.
    fn save(&mut self, say: &dyn Fn(String)) {
        let rows = self.trials.rows(METRICS);
        let written = write_rows(METRICS, self.csv.path, &rows);
        self.csv.outcome(rows.len(), written, say);
        if let Some(f) = &mut self.trials_file {
            f.save_trials(METRICS, &self.trials, say);
        }
    }

    /// What is on disk, in words.
    fn on_disk(&self, planned: usize) -> String {
        if self.csv.rows == 0 {
            format!("nothing was saved to {}", self.csv.path.display())
        } else {
            format!(
                "{} of {planned} configurations saved to {}",
                self.csv.rows,
                self.csv.path.display()
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
    if let Some(path) = &s.trials_out {
        check_trials_out(path, Some(&s.out), s.measure.record.as_deref())?;
    }
    super::measure::check_messages(&s.measure, s.messages)?;
    let mut driver = Driver::start(&s.measure, s.verify, &s.counts, s.messages)?;
    let mut results = Results {
        trials: Trials::new(&s.configs, &driver.runner.machine().kernel)
            .on_peer(driver.runner.machine()),
        csv: Saved::new(&s.out),
        trials_file: s.trials_out.as_deref().map(Saved::new),
        failures: Vec::new(),
        skipped: 0,
        complete: false,
    };
    measure_all(s, &mut driver, &mut results);
    let interrupted = driver.interrupted;
    let recording = driver.finish();
    finish(s, results, interrupted, recording)
}

/// Measures every trial in interleaved passes until done or interrupted, saying each
/// result (and, after the last pass, each configuration's medians).
fn measure_all(s: &SweepSettings, driver: &mut Driver, results: &mut Results) {
    let total = s.configs.len() * s.repeat;
    let bar = progress_bar(total);
    let say = |line: String| match &bar {
        Some(b) => b.println(line),
        None => crate::note!("{line}"),
    };
    let several = s.repeat > 1;
    let mut complete = true;
    for (k, (pass, i)) in interleaved(s.configs.len(), s.repeat).enumerate() {
        if driver.signalled() {
            complete = false;
            break;
        }
        let config = s.configs[i];
        let at = format!("[{}/{total}]", k + 1);
        let trial = if several {
            format!(" trial {}/{}", pass + 1, s.repeat)
        } else {
            String::new()
        };
        if let Some(b) = &bar {
            b.set_message(format!("{config}{trial}"));
            b.inc(1);
        }
        if let Some(why) = driver.unavailable.get(&config.strategy) {
            if pass == 0 {
                say(format!(
                    "{at} {config}: skipped: {} unavailable: {why}",
                    config.strategy
                ));
                results.skipped += 1;
            }
            continue;
        }
        // A configuration that failed once is measured no more: its row is the failure.
        if results.trials.has_failed(i) {
            continue;
        }
        let line = match driver.measure(config, s.duration) {
            Err(Failure::Interrupted) => {
                complete = false;
                break;
            }
            Err(f) => {
                let why = if several {
                    format!("trial {} of {}: {f}", pass + 1, s.repeat)
                } else {
                    f.to_string()
                };
                results.failures.push(format!("{config}: {why}"));
                results.trials.fail(METRICS, i, why.clone());
                format!("{config}: FAILED: {why}")
            }
            Ok(r) => {
                let notes = counter_notes(&r.total);
                let f = results.trials.add(METRICS, i, r);
                format!("{}{notes}", summary_line(METRICS, VIEWS, &f, false))
            }
        };
        say(if several {
            format!("{at}{trial}: {line}")
        } else {
            format!("{at} {line}")
        });
        if several && pass + 1 == s.repeat {
            if let Some(row) = results.trials.row(METRICS, i).filter(|r| r.error.is_none()) {
                say(format!("  = {}", summary_line(METRICS, VIEWS, &row, false)));
            }
        }
        // Rewritten after every window: a late failure loses nothing measured.
        results.save(&say);
    }
    results.complete = complete;
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
    if results.csv.unsaved.is_some()
        || results
            .trials_file
            .as_ref()
            .is_some_and(|f| f.unsaved.is_some())
    {
        results.save(&|_| {});
    }
    let on_disk = results.on_disk(planned);
    let rows = results.trials.rows(METRICS);
    if let Some(why) = &results.csv.unsaved {
        // Nothing measured is lost: the whole CSV goes to stdout.
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&to_csv_bytes(METRICS, &rows)?)
            .and_then(|()| stdout.flush())
            .map_err(crate::error::stdout_error)?;
        let msg = format!(
            "{why}; {on_disk}; all {} measured configurations were printed on stdout as CSV",
            rows.len()
        );
        if interrupted {
            return Err(Error::Interrupted(format!("interrupted; {msg}")));
        }
        return Err(fault(msg));
    }
    if interrupted || !results.complete {
        return Err(Error::Interrupted(format!("interrupted: {on_disk}")));
    }
    if s.repeat > 1 {
        let coverage = crate::engine::metric::interval::coverage_pct(s.repeat)
            .map_or(String::new(), |c| format!(" with {c} % intervals"));
        crate::say!(
            "wrote {} configurations to {} ({} trials each: medians{coverage})",
            rows.len(),
            s.out.display(),
            s.repeat
        )?;
    } else {
        crate::say!("wrote {} configurations to {}", rows.len(), s.out.display())?;
    }
    if let Some(f) = &results.trials_file {
        match &f.unsaved {
            None => crate::say!("wrote {} trials to {}", f.rows, f.path.display())?,
            Some(why) => return Err(fault(format!("--trials-out: {why}"))),
        }
    }
    if results.skipped > 0 {
        crate::note!(
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
