use clap::Parser;
use netio_tui::cli::{Cli, Command};
use netio_tui::{Interrupted, UsageError};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => netio_tui::explorer::run(&cli.common, &cli.explorer),
        Some(Command::Run(ref a)) => netio_tui::headless::run(&cli.common, a),
        Some(Command::Sweep(ref a)) => netio_tui::headless::sweep(&cli.common, a),
        Some(Command::Replay(ref a)) => netio_tui::replay::run(&cli.common, &cli.explorer, a),
        Some(Command::Plot(ref a)) => netio_tui::export::plot::run(a),
        Some(Command::Report(ref a)) => netio_tui::report::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => {
            eprintln!("netio-tui: {e}");
            ExitCode::from(2)
        }
        Err(e) if e.downcast_ref::<Interrupted>().is_some() => {
            eprintln!("netio-tui: {e}");
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("netio-tui: {e:#}");
            ExitCode::from(1)
        }
    }
}
