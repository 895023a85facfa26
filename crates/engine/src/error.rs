//! The engine's one error type. Its [`ErrorKind`] says whose the failure is, so the
//! program decides the exit status in one place: the user's input (2), something this
//! machine or kernel does not offer (1, with the reason), or a fault while measuring (1).

use std::io;

/// Whose a failure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request cannot be met as asked (a configuration that does not fit, an
    /// option combination that makes no sense): the user changes the input.
    Usage,
    /// This machine, kernel or privilege level does not offer what was asked.
    Unavailable,
    /// Something failed while doing what was asked.
    Fault,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// See [`ErrorKind::Usage`].
    #[error("{0}")]
    Usage(String),
    /// See [`ErrorKind::Unavailable`].
    #[error("{0}")]
    Unavailable(String),
    /// A system call failed; `what` says what the engine was doing.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    /// Building or changing the private network failed.
    #[error(transparent)]
    Netns(#[from] crate::netns::NetnsError),
    /// A broken expectation (a worker that never reported, a missing address).
    #[error("{0}")]
    Fault(String),
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Usage(_) => ErrorKind::Usage,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            // Refused for want of privilege: the machine's answer, not a fault.
            Error::Io { source, .. } if source.kind() == io::ErrorKind::PermissionDenied => {
                ErrorKind::Unavailable
            }
            // Without CAP_SYS_ADMIN no namespace can be made.
            Error::Netns(crate::netns::NetnsError::Unshare(_)) => ErrorKind::Unavailable,
            Error::Io { .. } | Error::Netns(_) | Error::Fault(_) => ErrorKind::Fault,
        }
    }
}

impl From<io::Error> for Error {
    fn from(source: io::Error) -> Self {
        Error::Io {
            what: "system call failed".into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Ends a message whose fix depends on this machine (permissions, paranoid level,
/// io_uring, a missing PMU, tracefs, kallsyms): `doctor` checks it all and says what
/// to do. `doctor` itself leaves it out of what it shows.
pub const SEE_DOCTOR: &str = "; netio-tui doctor says what to do";

/// Names what the engine was doing when a system call failed.
pub trait Context<T> {
    fn context(self, what: impl Into<String>) -> Result<T>;
    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T>;
}

impl<T> Context<T> for io::Result<T> {
    fn context(self, what: impl Into<String>) -> Result<T> {
        self.map_err(|source| Error::Io {
            what: what.into(),
            source,
        })
    }
    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T> {
        self.map_err(|source| Error::Io {
            what: what().into(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_variant_and_a_refusal_is_unavailable() {
        assert_eq!(Error::Usage("x".into()).kind(), ErrorKind::Usage);
        assert_eq!(
            Error::Unavailable("x".into()).kind(),
            ErrorKind::Unavailable
        );
        assert_eq!(Error::Fault("x".into()).kind(), ErrorKind::Fault);
        let denied: io::Result<()> = Err(io::ErrorKind::PermissionDenied.into());
        let e = denied.context("creating a namespace").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert!(e.to_string().starts_with("creating a namespace: "), "{e}");
    }
}
