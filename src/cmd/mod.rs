//! The command line (`netio-tui --help`): the only code that sees clap. Each
//! subcommand's file turns its arguments into plain settings, then runs the one
//! preflight and the one startup order ([`crate::session`]).

pub mod agent;
pub mod axes;
mod clap_error;
pub mod common;
pub mod conventions;
pub mod doctor;
pub mod explorer;
mod measure;
pub mod output;
pub mod plot;
pub mod replay;
pub mod report;
pub mod run;
pub mod sweep;
mod trials;
pub mod values;

use clap::{Parser, Subcommand};
pub use clap_error::short_error;

/// `--version`: the package version and the git commit it was built from (build.rs;
/// "unknown" where it was built outside a git checkout, e.g. from a tarball).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("NETIO_TUI_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "netio-tui",
    version = VERSION,
    about = "See what data movement costs in Linux TCP I/O",
    long_about = "netio-tui builds a private two-host network (two network namespaces joined by a veth pair), \
runs TCP sender/receiver thread pairs in it and shows throughput, CPU cycles per byte and cache misses \
per send strategy, message size and thread count.\n\n\
Needs root: the explorer (no subcommand), run and sweep (they create namespaces; --no-netns runs over \
loopback instead). Works without root: replay, plot, report, doctor, --help.\n\n\
Is this machine ready? netio-tui doctor checks counters, permissions, namespaces, io_uring and \
tracepoints, and says what to do about each."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: common::Common,
    #[command(flatten)]
    pub explorer: explorer::ExplorerArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure one configuration and print one line (or one JSON object)
    Run(run::RunArgs),
    /// Measure a matrix of configurations and write a CSV
    Sweep(sweep::SweepArgs),
    /// Replay a recorded session in the explorer (no root needed)
    Replay(replay::ReplayArgs),
    /// Draw SVG charts from a CSV written by sweep or the explorer (no root needed)
    Plot(plot::PlotArgs),
    /// The far half of --peer: started over ssh by the local side, speaks versioned JSON lines on stdin/stdout, ends when stdin closes
    Agent(agent::AgentArgs),
    /// Answer the course's six questions from a sweep CSV or a recording, as Markdown with plots, citing the cells (no root needed)
    Report(report::ReportArgs),
    /// Check this machine: counters, permissions, namespaces, io_uring, tracepoints; ok/warn/fail with what to do (no root needed)
    Doctor(doctor::DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(conventions::CompletionsArgs),
    /// Print the man page (roff): netio-tui man > netio-tui.1, or --out DIR for every page
    Man(conventions::ManArgs),
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
            let takes = cmd.find_subcommand(sub).is_some_and(|c| {
                c.get_arguments()
                    .any(|a| a.get_long() == arg.strip_prefix("--"))
            });
            let msg = if takes {
                format!(
                    "{arg} must come after the subcommand: netio-tui {sub} {arg} …; \
                     each subcommand takes its own options"
                )
            } else {
                format!("{arg} does not apply to {sub}; see netio-tui {sub} --help")
            };
            return Err(cmd.error(clap::error::ErrorKind::ArgumentConflict, msg));
        }
    }
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
}

/// Runs what the command line asks for.
pub fn dispatch(cli: Cli) -> crate::Result<()> {
    // The measuring commands answer SIGTERM/SIGINT/SIGHUP themselves (session::Signals);
    // for every other one they take their default action again (session::hold_signals).
    // The agent among them: SIGHUP from a dropped ssh session ends it at once.
    if !matches!(
        cli.command,
        None | Some(Command::Run(_)) | Some(Command::Sweep(_))
    ) {
        crate::session::release_signals();
    }
    match cli.command {
        None => crate::explorer::run(&cli.explorer.settings(), &cli.common.settings()),
        Some(Command::Run(a)) => run::run(&a.settings()),
        Some(Command::Sweep(a)) => sweep::sweep(&sweep::settings(&a)),
        Some(Command::Replay(a)) => replay::run(&a.settings()),
        Some(Command::Plot(a)) => plot::run(&a.settings()),
        Some(Command::Report(a)) => report::run(&a.settings()),
        Some(Command::Agent(a)) => agent::run(&a),
        Some(Command::Doctor(a)) => doctor::run(&a),
        Some(Command::Completions(a)) => conventions::completions(a.shell, &mut std::io::stdout()),
        Some(Command::Man(a)) => conventions::run_man(&a),
    }
}

#[cfg(test)]
mod tests {
    use super::values::{
        parse_list, parse_seconds, parse_seconds_or_zero, parse_size, parse_threads,
    };
    use super::*;
    use crate::engine::config::Strategy;

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
                Some(Command::Run(r)) => Ok(r.common.settings().profile_hz),
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
        assert!(r.common.settings().no_netns);
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
