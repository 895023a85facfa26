use std::process::ExitCode;

fn main() -> ExitCode {
    // Before anything else: a signal in the first moments waits for the command to
    // answer it (see session::hold_signals).
    let held = netio_tui::session::hold_signals();
    netio_tui::test_seam::tell_early_hold(held);
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = match netio_tui::cmd::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            netio_tui::session::release_signals();
            netio_tui::note!("netio-tui: {}", netio_tui::cmd::short_error(&e, &args));
            return ExitCode::from(2);
        }
        // --help, --version
        Err(e) => {
            // --help into a closed pipe: nothing to do about it.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match netio_tui::cmd::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed stdout ends quietly, as a tool killed by SIGPIPE.
        Err(e @ netio_tui::Error::Closed) => ExitCode::from(e.exit_code()),
        Err(e) => {
            netio_tui::note!("netio-tui: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
