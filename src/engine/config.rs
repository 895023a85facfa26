//! What one measured configuration is, and how the user spells it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Largest message the tool accepts (64 MiB): beyond it one message no longer fits
/// comfortably in socket buffers and the figures stop meaning "per message".
pub const MAX_MSG_SIZE: usize = 64 << 20;
/// Largest thread-pair count accepted on the command line.
pub const MAX_THREADS: usize = 1024;
/// Every message is split over this many separately allocated fields.
pub const FIELDS: usize = 8;

/// How the sender moves one message into the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    TwoCopy,
    Serialize,
    OneCopy,
    ZeroCopy,
    Uring,
    UringZc,
    Sendfile,
    Splice,
}

impl Strategy {
    /// Every strategy, in the order ←/→ cycles through them: the course's system
    /// calls, then io_uring (plain, zero-copy), then the page-referencing paths.
    pub const ALL: [Strategy; 8] = [
        Strategy::TwoCopy,
        Strategy::Serialize,
        Strategy::OneCopy,
        Strategy::ZeroCopy,
        Strategy::Uring,
        Strategy::UringZc,
        Strategy::Sendfile,
        Strategy::Splice,
    ];
    /// The course matrix (A1, A2, A3).
    pub const COURSE: [Strategy; 3] = [Strategy::TwoCopy, Strategy::OneCopy, Strategy::ZeroCopy];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::TwoCopy => "two-copy",
            Strategy::Serialize => "serialize",
            Strategy::OneCopy => "one-copy",
            Strategy::ZeroCopy => "zero-copy",
            Strategy::Uring => "uring",
            Strategy::UringZc => "uring-zc",
            Strategy::Sendfile => "sendfile",
            Strategy::Splice => "splice",
        }
    }

    /// The course's name for the strategy, where it has one.
    pub fn course_name(self) -> Option<&'static str> {
        match self {
            Strategy::TwoCopy => Some("A1"),
            Strategy::OneCopy => Some("A2"),
            Strategy::ZeroCopy => Some("A3"),
            Strategy::Serialize
            | Strategy::Uring
            | Strategy::UringZc
            | Strategy::Sendfile
            | Strategy::Splice => None,
        }
    }

    /// One line on what a message costs with this strategy.
    pub fn cost(self) -> &'static str {
        match self {
            Strategy::TwoCopy => "8 send() calls, one per field",
            Strategy::Serialize => "copy 8 fields into one buffer, then 1 send()",
            Strategy::OneCopy => "1 sendmsg() with iovec[8]",
            Strategy::ZeroCopy => "1 sendmsg(MSG_ZEROCOPY), completions from the error queue",
            Strategy::Uring => "1 io_uring SEND of the message from a registered buffer",
            Strategy::UringZc => {
                "1 io_uring SEND_ZC from a registered buffer, notifications report copies"
            }
            Strategy::Sendfile => "1 sendfile() from a memfd holding the message",
            Strategy::Splice => "vmsplice 8 fields into a pipe, splice the pipe to the socket",
        }
    }

    /// Whether the strategy's figures include zero-copy completions (and which share
    /// of them the kernel copied after all).
    pub fn uses_zerocopy(self) -> bool {
        matches!(self, Strategy::ZeroCopy | Strategy::UringZc)
    }

    /// Whether the strategy needs `SO_ZEROCOPY` on its socket (io_uring's SEND_ZC does not).
    pub fn needs_so_zerocopy(self) -> bool {
        self == Strategy::ZeroCopy
    }

    /// Whether the strategy goes through io_uring (which a kernel may disable).
    pub fn uses_uring(self) -> bool {
        matches!(self, Strategy::Uring | Strategy::UringZc)
    }

    pub fn next(self) -> Strategy {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Strategy {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        Strategy::ALL
            .into_iter()
            .find(|k| {
                k.name().eq_ignore_ascii_case(t)
                    || k.course_name().is_some_and(|c| c.eq_ignore_ascii_case(t))
            })
            .ok_or_else(|| {
                format!(
                    "unknown strategy '{t}'; allowed: {}",
                    Strategy::ALL.map(|s| s.name()).join(", ")
                )
            })
    }
}

/// One cell of the result matrix: strategy × message size × thread pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Config {
    pub strategy: Strategy,
    pub msg_size: usize,
    pub threads: usize,
}

impl Config {
    pub fn new(strategy: Strategy, msg_size: usize, threads: usize) -> Self {
        Config {
            strategy,
            msg_size,
            threads,
        }
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ×{}",
            self.strategy,
            format_size(self.msg_size),
            self.threads
        )
    }
}

/// "4096" → "4K", "1048576" → "1M", "100" → "100".
pub fn format_size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 {
        format!("{}M", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes % (1 << 10) == 0 {
        format!("{}K", bytes >> 10)
    } else {
        bytes.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_parse_by_name_and_course_name() {
        assert_eq!("one-copy".parse(), Ok(Strategy::OneCopy));
        assert_eq!("A3".parse(), Ok(Strategy::ZeroCopy));
        assert!("three-copy".parse::<Strategy>().is_err());
        assert_eq!("uring-zc".parse(), Ok(Strategy::UringZc));
        assert_eq!(Strategy::ZeroCopy.next(), Strategy::Uring);
        assert_eq!(Strategy::Splice.next(), Strategy::TwoCopy);
        assert_eq!(Strategy::TwoCopy.prev(), Strategy::Splice);
        for s in Strategy::ALL {
            assert_eq!(s.name().parse(), Ok(s));
            assert_eq!(s.prev().next(), s);
        }
    }

    #[test]
    fn sizes_format_compactly() {
        assert_eq!(format_size(64), "64");
        assert_eq!(format_size(4096), "4K");
        assert_eq!(format_size(1 << 20), "1M");
        assert_eq!(format_size(1500), "1500");
    }
}
