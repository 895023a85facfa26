use netio_tui::cli::Command;
use netio_tui::{Interrupted, UsageError};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = match netio_tui::cli::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            eprintln!("netio-tui: {}", netio_tui::cli::short_error(&e, &args));
            return ExitCode::from(2);
        }
        // --help, --version
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let result = match cli.command {
        None => netio_tui::explorer::run(&cli.common, &cli.explorer),
        Some(Command::Run(ref a)) => netio_tui::headless::run(&a.common, a),
        Some(Command::Sweep(ref a)) => netio_tui::headless::sweep(&a.common, a),
        Some(Command::Replay(ref a)) => netio_tui::replay::run(a),
        Some(Command::Plot(ref a)) => netio_tui::export::plot::run(a),
        Some(Command::Report(ref a)) => netio_tui::report::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => {
            eprintln!("netio-tui: {e}");
            ExitCode::from(2)
        }
        Err(e)
            if e.downcast_ref::<netio_tui::engine::Error>()
                .is_some_and(|e| e.kind() == netio_tui::engine::ErrorKind::Usage) =>
        {
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
