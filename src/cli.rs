//! The command line of SPEC.md. Value parsers give one clear line on bad input;
//! clap turns them into exit status 2.

use crate::engine::config::{Strategy, MAX_MSG_SIZE, MAX_THREADS};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "netio-tui",
    version,
    about = "See what data movement costs in Linux TCP I/O",
    long_about = "netio-tui builds a private two-host network (two network namespaces joined by a veth pair), \
runs TCP sender/receiver thread pairs in it and shows throughput, CPU cycles per byte and cache misses \
per send strategy, message size and thread count.\n\n\
Needs root: the explorer (no subcommand), run and sweep (they create namespaces; --no-netns runs over \
loopback instead). Works without root: replay, plot, --help."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub explorer: ExplorerArgs,
}

/// Options every measuring command shares.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Run over 127.0.0.1 in the current namespace instead of a private veth network (no root needed for the network)
    #[arg(long)]
    pub no_netns: bool,
    /// Network: veth (TCP between two namespaces) or sink (UDP datagrams through a router namespace, MTU 65535, to a blackhole route: nothing receives them, so zero-copy need not copy)
    #[arg(long, default_value = "veth", value_parser = parse_topology, value_name = "T")]
    pub topology: Topology,
    /// Write every sample and configuration change as JSON lines to FILE (replay it with `netio-tui replay FILE`)
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// More detail: setup timings, per-connection byte checks
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Sample interval in seconds, 0.01 to 60
    #[arg(long, default_value = "0.25", value_parser = parse_interval, allow_negative_numbers = true, value_name = "SECS")]
    pub interval: f64,
    /// Warm-up before each configuration's measured window, in seconds (excluded from all figures)
    #[arg(long, default_value = "0.05", value_parser = parse_seconds_or_zero, allow_negative_numbers = true, value_name = "SECS")]
    pub warmup: f64,
    /// Sample where the worker threads' CPU time goes (copy, TCP/IP, syscall, scheduler, user). Off by default: each sample interrupts a measured CPU (at the default 500 Hz no cost was measurable here; at 2000 Hz about 10 % throughput at 64K)
    #[arg(long)]
    pub profile: bool,
    /// Count system calls per message (raw_syscalls tracepoint). Off by default: while it is open every system call takes the kernel's slow entry path (~12 % throughput at two-copy 64 B)
    #[arg(long)]
    pub syscalls: bool,
    /// Samples per second of each CPU's time for the CPU-time breakdown, 100 to 20000 (default 500); implies --profile
    #[arg(long, value_parser = parse_profile_rate, value_name = "HZ")]
    pub profile_rate: Option<u32>,
}

impl Common {
    /// The sampling profiler's rate, when it is asked for.
    pub fn profile_hz(&self) -> Option<u32> {
        (self.profile || self.profile_rate.is_some()).then(|| {
            self.profile_rate
                .unwrap_or(crate::engine::profile::DEFAULT_RATE_HZ)
        })
    }
}

/// The sampling profiler's rate: slow enough to stay cheap, fast enough to resolve a
/// bucket of a few percent within one window.
fn parse_profile_rate(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(v) if (100..=20_000).contains(&v) => Ok(v),
        _ => Err(format!(
            "invalid profile rate '{s}': allowed: whole samples per second from 100 to 20000"
        )),
    }
}

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
    /// Shortest measured window, in seconds, that enters the matrix (a configuration passed through while pressing keys is no result)
    #[arg(long, default_value = "1", value_parser = parse_seconds_or_zero, allow_negative_numbers = true, value_name = "SECS")]
    pub min_window: f64,
    /// Colours: default, or high-contrast for projectors and colour-blind viewers
    #[arg(long, value_enum, default_value = "default", value_name = "THEME")]
    pub theme: crate::app::Theme,
    #[command(flatten)]
    pub axes: AxisArgs,
}

impl ExplorerArgs {
    /// The configuration measured first.
    pub fn start_config(&self) -> crate::engine::config::Config {
        let mut c = crate::engine::config::Config::new(
            self.start_strategy,
            self.start_size,
            self.start_threads,
        );
        self.axes.apply(&mut c);
        c
    }
}

/// The axes of one configuration beyond strategy, size and threads (run, explorer).
pub use crate::axis_args::AxisArgs;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure one configuration and print one line (or one JSON object)
    Run(RunArgs),
    /// Measure a matrix of configurations and write a CSV
    Sweep(SweepArgs),
    /// Replay a recorded session in the explorer (no root needed)
    Replay(ReplayArgs),
    /// Draw SVG charts from a CSV written by sweep or the explorer (no root needed)
    Plot(PlotArgs),
    /// Answer the course's six questions from a sweep CSV or a recording, as Markdown with plots, citing the cells (no root needed)
    Report(ReportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// A CSV written by `sweep` or by `e` in the explorer, or a recording (--record FILE)
    pub file: PathBuf,
    /// The Markdown file to write; its plots go in a directory beside it (default: FILE's name with -report.md, in the current directory)
    #[arg(long, value_name = "FILE.md")]
    pub out: Option<PathBuf>,
}

impl ExplorerArgs {
    /// The explorer's defaults (what a replay starts from).
    pub fn defaults() -> ExplorerArgs {
        match Cli::try_parse_from(["netio-tui"]) {
            Ok(cli) => cli.explorer,
            Err(e) => unreachable!("the defaults parse: {e}"),
        }
    }
}

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

#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub common: Common,
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
    pub axes: crate::axis_args::AxisLists,
}

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
}

#[derive(Debug, Clone, Args)]
pub struct PlotArgs {
    /// A CSV written by `sweep` or by `e` in the explorer
    pub file: PathBuf,
    /// Directory for the SVG files (created if missing)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub out: PathBuf,
    /// Chart title prefix, e.g. the machine (default: the CSV file name; the CSV has no machine column)
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// Parses the command line. Options of the explorer given before a subcommand are
/// refused (each subcommand takes its own options after its name).
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let mut cmd = Cli::command();
    let matches = cmd.try_get_matches_from_mut(args)?;
    if let Some(sub) = matches.subcommand_name() {
        let misplaced = cmd
            .get_arguments()
            .filter(|a| {
                matches.value_source(a.get_id().as_str())
                    == Some(clap::parser::ValueSource::CommandLine)
            })
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .next();
        if let Some(arg) = misplaced {
            return Err(cmd.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "{arg} must come after the subcommand: netio-tui {sub} {arg} …; \
                     each subcommand takes its own options"
                ),
            ));
        }
    }
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
}

/// What a clap error becomes: one or two lines saying what is wrong and what is
/// allowed (clap's own text has a usage block and a "try --help" line).
pub fn short_error(e: &clap::Error, args: &[String]) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use clap::CommandFactory;
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    let cli = Cli::command();
    let sub_names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    // The subcommand the user gave: the first word that names one.
    let sub = args
        .iter()
        .skip(1)
        .find(|a| sub_names.contains(&a.as_str()))
        .and_then(|a| cli.find_subcommand(a));
    let (who, cmd) = match sub {
        Some(c) => (c.get_name().to_string(), c),
        None => ("the explorer (no subcommand)".to_string(), &cli),
    };
    let options = || {
        cmd.get_arguments()
            .filter(|a| !a.is_positional() && !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let first_word = |s: String| s.split_whitespace().next().unwrap_or("").to_string();
    let rendered = e.render().to_string();
    let first_line = rendered
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    match e.kind() {
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            let arg = ctx(ContextKind::InvalidArg)
                .map(first_word)
                .unwrap_or_default();
            match std::error::Error::source(e) {
                Some(why) => format!("{arg}: {why}"),
                None => match ctx(ContextKind::ValidValue) {
                    Some(valid) => format!("{first_line}; allowed: {valid}"),
                    None => first_line,
                },
            }
        }
        ErrorKind::UnknownArgument => {
            let arg = ctx(ContextKind::InvalidArg).unwrap_or_default();
            let hint = ctx(ContextKind::SuggestedArg)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            format!(
                "{arg} cannot be used with {who}{hint}\n{who} accepts: {}",
                options()
            )
        }
        ErrorKind::ArgumentConflict => {
            let Some(arg) = ctx(ContextKind::InvalidArg).map(first_word) else {
                return first_line;
            };
            match ctx(ContextKind::PriorArg) {
                Some(prior) if first_word(prior.clone()) != arg => {
                    let prior = first_word(prior);
                    if sub_names.contains(&prior.as_str()) || sub_names.contains(&arg.as_str()) {
                        format!(
                            "{arg} cannot be used with {prior}; options go after the subcommand, \
                             e.g. netio-tui run --no-netns"
                        )
                    } else {
                        format!("{arg} cannot be used with {prior}")
                    }
                }
                _ => format!("{arg} was given more than once; give each option once"),
            }
        }
        ErrorKind::InvalidSubcommand => format!(
            "'{}' is not a subcommand; allowed: {} (or none, for the explorer)",
            ctx(ContextKind::InvalidSubcommand).unwrap_or_default(),
            sub_names.join(", ")
        ),
        ErrorKind::MissingRequiredArgument => format!(
            "{who} needs {}; see netio-tui {} --help",
            ctx(ContextKind::InvalidArg).unwrap_or_default(),
            sub.map_or("", |c| c.get_name())
        ),
        _ => format!("{first_line}\nsee netio-tui --help"),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StrategyList(pub Vec<Strategy>);
#[derive(Debug, Clone, PartialEq)]
pub struct SizeList(pub Vec<usize>);
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadList(pub Vec<usize>);

/// Replay speed factor: a number from 1/16 to 64; "1/4" style fractions accepted.
fn parse_speed(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let v = match t.split_once('/') {
        Some((a, b)) => a
            .trim()
            .parse::<f64>()
            .ok()
            .zip(b.trim().parse::<f64>().ok())
            .map(|(a, b)| a / b),
        None => t.parse::<f64>().ok(),
    };
    match v {
        Some(v) if (crate::replay::MIN_SPEED..=crate::replay::MAX_SPEED).contains(&v) => Ok(v),
        _ => Err(format!(
            "speed '{t}' is not allowed; give a factor from 1/16 to 64, e.g. 2 or 0.5"
        )),
    }
}

/// Where the measured traffic goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topology {
    Veth,
    Sink,
}

fn parse_topology(s: &str) -> Result<Topology, String> {
    match s.trim() {
        "veth" => Ok(Topology::Veth),
        "sink" => Ok(Topology::Sink),
        t => Err(format!("unknown topology '{t}'; allowed: veth, sink")),
    }
}

fn parse_strategy(s: &str) -> Result<Strategy, String> {
    s.parse()
}
fn parse_strategies(s: &str) -> Result<StrategyList, String> {
    parse_list(s, "strategy", |x| x.parse()).map(StrategyList)
}
fn parse_sizes(s: &str) -> Result<SizeList, String> {
    parse_list(s, "size", parse_size).map(SizeList)
}
fn parse_thread_list(s: &str) -> Result<ThreadList, String> {
    parse_list(s, "thread", parse_threads).map(ThreadList)
}

/// Parses "4096", "4K", "1M", "64m" (K = 1024). Rejects 0 and sizes above 64M.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1usize << 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 1usize << 20),
        _ => (t, 1),
    };
    let n: usize = digits.parse().map_err(|_| {
        format!("message size '{t}' is not a number; use bytes or a K/M suffix, e.g. 64, 4K, 1M")
    })?;
    let bytes = n.saturating_mul(mult);
    if bytes == 0 || bytes > MAX_MSG_SIZE {
        return Err(format!(
            "message size '{t}' is out of range; allowed: 1 byte to 64M"
        ));
    }
    Ok(bytes)
}

/// Parses a thread-pair count, 1..=1024.
pub fn parse_threads(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let n: usize = t.parse().map_err(|_| {
        format!("thread count '{t}' is not a whole number; allowed: 1 to {MAX_THREADS}")
    })?;
    if n == 0 || n > MAX_THREADS {
        return Err(format!(
            "thread count '{t}' is out of range; allowed: 1 to {MAX_THREADS}"
        ));
    }
    Ok(n)
}

/// Shortest measured window or sample interval: below it the figures are noise (and
/// sample intervals shorter than the engine can keep up with drop samples).
pub const MIN_SECONDS: f64 = 0.01;
/// Longest measured window: a day.
pub const MAX_SECONDS: f64 = 86_400.0;
/// Longest sample interval.
pub const MAX_INTERVAL: f64 = 60.0;

fn seconds_in(s: &str, what: &str, min: f64, max: f64) -> Result<f64, String> {
    let t = s.trim();
    let v: f64 = t
        .parse()
        .map_err(|_| format!("{what} '{t}' is not a number of seconds, e.g. 2 or 0.5"))?;
    if !(min..=max).contains(&v) {
        return Err(format!(
            "{what} '{t}' is out of range; allowed: {min} to {max} seconds"
        ));
    }
    Ok(v)
}

/// Parses seconds, fractions allowed ("0.5"), from 0.01 s to a day.
pub fn parse_seconds(s: &str) -> Result<f64, String> {
    seconds_in(s, "duration", MIN_SECONDS, MAX_SECONDS)
}

/// A sample interval: 0.01 to 60 seconds.
pub fn parse_interval(s: &str) -> Result<f64, String> {
    seconds_in(s, "interval", MIN_SECONDS, MAX_INTERVAL)
}

/// Like [`parse_seconds`] but 0 is allowed (e.g. no warm-up).
pub fn parse_seconds_or_zero(s: &str) -> Result<f64, String> {
    if s.trim().parse::<f64>() == Ok(0.0) {
        return Ok(0.0);
    }
    seconds_in(s, "warm-up", MIN_SECONDS, MAX_SECONDS).map_err(|e| e.replace(" to ", " (or 0) to "))
}

/// Parses a comma-separated list with `item`, rejecting empty items.
pub fn parse_list<T>(
    s: &str,
    what: &str,
    item: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    s.split(',')
        .map(|part| {
            if part.trim().is_empty() {
                Err(format!(
                    "the {what} list '{s}' has an empty item; separate values with single commas"
                ))
            } else {
                item(part)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_accept_suffixes_and_reject_out_of_range() {
        assert_eq!(parse_size("64"), Ok(64));
        assert_eq!(parse_size("4K"), Ok(4096));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert!(parse_size("0").is_err());
        assert!(parse_size("0K").is_err());
        assert!(parse_size("65M").is_err());
        assert!(parse_size("67108865").is_err());
        assert!(parse_size("abc").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999999999999K").is_err());
    }

    #[test]
    fn threads_and_seconds_bounds() {
        assert_eq!(parse_threads("1"), Ok(1));
        assert_eq!(parse_threads("1024"), Ok(1024));
        assert!(parse_threads("0").is_err());
        assert!(parse_threads("1025").is_err());
        assert!(parse_threads("x").is_err());
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("nan").is_err());
        assert_eq!(parse_seconds_or_zero("0"), Ok(0.0));
    }

    #[test]
    fn profiling_is_off_unless_asked_for_after_the_subcommand() {
        let hz = |args: &[&str]| {
            let cli = parse_from(["netio-tui"].iter().chain(args)).map_err(|e| e.to_string())?;
            match cli.command {
                Some(Command::Run(r)) => Ok(r.common.profile_hz()),
                _ => Err("not run".to_string()),
            }
        };
        assert_eq!(hz(&["run"]), Ok(None));
        assert_eq!(hz(&["run", "--profile"]), Ok(Some(500)));
        assert_eq!(hz(&["run", "--profile-rate", "500"]), Ok(Some(500)));
        assert_eq!(
            hz(&["run", "--profile", "--profile-rate", "500"]),
            Ok(Some(500))
        );
        assert!(hz(&["run", "--profile-rate", "50"]).is_err());
        assert!(hz(&["--profile", "run"]).is_err());
    }

    #[test]
    fn lists_reject_empty_items() {
        assert_eq!(parse_list("64,4K", "size", parse_size), Ok(vec![64, 4096]));
        assert!(parse_list("64,,4K", "size", parse_size).is_err());
        assert!(parse_list("", "size", parse_size).is_err());
        assert!(parse_list("64,", "size", parse_size).is_err());
    }

    #[test]
    fn sweep_defaults_are_the_course_matrix() {
        let cli = Cli::try_parse_from(["netio-tui", "sweep"]).unwrap();
        let Some(Command::Sweep(s)) = cli.command else {
            panic!("not sweep")
        };
        assert_eq!(s.strategies.0, Strategy::COURSE.to_vec());
        assert_eq!(s.sizes.0, vec![64, 256, 1024, 4096]);
        assert_eq!(s.threads.0, vec![1, 2, 4, 8]);
    }

    #[test]
    fn run_accepts_fractional_duration_and_suffixes() {
        let cli = Cli::try_parse_from([
            "netio-tui",
            "run",
            "--strategy",
            "zero-copy",
            "--size",
            "64K",
            "--duration",
            "0.5",
            "--no-netns",
        ])
        .unwrap();
        let Some(Command::Run(r)) = cli.command else {
            panic!("not run")
        };
        assert_eq!(r.size, 65536);
        assert_eq!(r.duration, 0.5);
        assert!(r.common.no_netns);
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for args in [
            vec!["run", "--size", "0"],
            vec!["run", "--threads", "1025"],
            vec!["run", "--strategy", "nope"],
            vec!["run", "--duration", "-1"],
            vec!["sweep", "--sizes", "64,,4K"],
        ] {
            let e =
                Cli::try_parse_from(std::iter::once("netio-tui").chain(args.clone())).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{args:?}");
        }
    }
}
