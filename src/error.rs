//! The binary's one error type. Its variant decides the exit status, in one place
//! ([`Error::exit_code`]): the user's input 2, an interrupted measurement 130, anything
//! this machine does not offer or a fault 1. Validation functions return
//! [`Error::Usage`] themselves, so no caller decides whose a failure is.

/// What ended the program early.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input, a missing privilege, a file that is not ours: one clear line, exit 2.
    #[error("{0}")]
    Usage(String),
    /// The user stopped a measurement before it was complete: exit 130.
    #[error("{0}")]
    Interrupted(String),
    /// Standard output is a closed pipe (`| head`, `| true`): end quietly, as a tool
    /// killed by SIGPIPE does (exit 141, nothing printed).
    #[error("standard output closed")]
    Closed,
    /// The engine's own error; its kind says whose it is.
    #[error(transparent)]
    Engine(#[from] crate::engine::Error),
    /// Unavailable here, or a fault: exit 1 with the whole chain of causes.
    #[error("{0:#}")]
    Fault(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error the user caused (the message says what to do instead).
pub fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}

/// A fault or an unavailable feature, with its message (exit 1).
pub fn fault(msg: impl Into<String>) -> Error {
    Error::Fault(anyhow::Error::msg(msg.into()))
}

/// What writing to standard output failed with: a closed pipe ends quietly, anything
/// else (a full disk) is a fault said in one line.
pub fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::Closed
    } else {
        fault(format!("cannot write to standard output: {e}"))
    }
}

/// Writes `args` to standard output and flushes: never a panic (as `println!` is on a
/// closed pipe or a full disk), an [`Error`] instead. Used through [`say!`](crate::say).
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// Writes `args` to standard error; a failure is ignored (there is nowhere left to say
/// it, and the exit status still tells). Used through [`note!`](crate::note).
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `println!` that returns a [`Result`] instead of panicking when stdout is closed or full.
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => {
        $crate::error::write_stdout(::std::format_args!("{}\n", ::std::format_args!($($t)*)))
    };
}

/// `eprintln!` that never panics (stderr closed or full: the line is lost, nothing else).
#[macro_export]
macro_rules! note {
    ($($t:tt)*) => {
        $crate::error::write_stderr(::std::format_args!("{}\n", ::std::format_args!($($t)*)))
    };
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Fault(e.into())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Fault(e.into())
    }
}

impl Error {
    /// The exit status: the one place that maps whose a failure is to a number.
    pub fn exit_code(&self) -> u8 {
        use crate::engine::ErrorKind;
        match self {
            Error::Usage(_) => 2,
            Error::Engine(e) if e.kind() == ErrorKind::Usage => 2,
            Error::Interrupted(_) => 130,
            Error::Closed => 141,
            Error::Engine(_) | Error::Fault(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_decides_the_exit_code() {
        assert_eq!(usage("x").exit_code(), 2);
        assert_eq!(Error::Interrupted("x".into()).exit_code(), 130);
        assert_eq!(fault("x").exit_code(), 1);
        assert_eq!(Error::Closed.exit_code(), 141);
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(stdout_error(pipe).exit_code(), 141);
        let full = std::io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(stdout_error(full).exit_code(), 1);
        assert_eq!(
            Error::from(crate::engine::Error::Usage("x".into())).exit_code(),
            2
        );
        assert_eq!(
            Error::from(crate::engine::Error::Unavailable("x".into())).exit_code(),
            1
        );
    }
}
