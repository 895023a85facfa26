//! What the program says about a strategy, declared in the strategy's own file as
//! its `INFO`: every table, palette, option list and note reads it from here, so a
//! new strategy is described once, beside its sender.

use crate::config::Strategy;
use std::fmt;
use std::str::FromStr;

/// The pages the packets of a strategy carry: what decides whether a zero-copy
/// receiver can map them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SentPages {
    /// The sender's own user pages, pinned (MSG_ZEROCOPY, SEND_ZC).
    PinnedUser,
    /// Page-cache pages of a file (sendfile).
    File,
    /// The sender's pages handed over by vmsplice.
    Spliced,
    /// The socket's page fragments the sender copied into.
    SocketFrags,
}

pub struct StrategyInfo {
    /// As the options, the CSV and the screen write it.
    pub name: &'static str,
    /// The course's name (A1, A2, A3), where it has one.
    pub course: Option<&'static str>,
    /// One line on what a message costs.
    pub cost: &'static str,
    /// The figures include zero-copy completions (and the share the kernel copied).
    pub zerocopy: bool,
    /// Needs `SO_ZEROCOPY` on its socket (io_uring's SEND_ZC does not).
    pub so_zerocopy: bool,
    /// Goes through io_uring, which a kernel may disable.
    pub uring: bool,
    /// Sends one message as one datagram, so `--topology sink` can measure it.
    pub sink: bool,
    pub pages: SentPages,
    /// Its colour on screen and in charts (the high-contrast theme brightens it).
    pub rgb: [u8; 3],
}

impl Strategy {
    /// The course matrix (A1, A2, A3).
    pub const COURSE: [Strategy; 3] = [Strategy::TwoCopy, Strategy::OneCopy, Strategy::ZeroCopy];

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The course's name for the strategy, where it has one.
    pub fn course_name(self) -> Option<&'static str> {
        self.info().course
    }

    /// "two-copy (A1)", or the name alone.
    pub fn label(self) -> String {
        match self.course_name() {
            Some(c) => format!("{} ({c})", self.name()),
            None => self.name().to_string(),
        }
    }

    /// One line on what a message costs with this strategy.
    pub fn cost(self) -> &'static str {
        self.info().cost
    }

    /// Whether the strategy's figures include zero-copy completions (and which share
    /// of them the kernel copied after all).
    pub fn uses_zerocopy(self) -> bool {
        self.info().zerocopy
    }

    /// Whether the strategy needs `SO_ZEROCOPY` on its socket (io_uring's SEND_ZC does not).
    pub fn needs_so_zerocopy(self) -> bool {
        self.info().so_zerocopy
    }

    /// Whether the strategy goes through io_uring (which a kernel may disable).
    pub fn uses_uring(self) -> bool {
        self.info().uring
    }

    /// The order ← → step through: the course's A1 → A2 → A3 first, then the others
    /// (serialize beside the system calls, io_uring, the page-referencing paths).
    pub const KEY_ORDER: [Strategy; 8] = [
        Strategy::TwoCopy,
        Strategy::OneCopy,
        Strategy::ZeroCopy,
        Strategy::Serialize,
        Strategy::Uring,
        Strategy::UringZc,
        Strategy::Sendfile,
        Strategy::Splice,
    ];

    pub fn next(self) -> Strategy {
        let order = Self::KEY_ORDER;
        let i = order.iter().position(|s| *s == self).unwrap_or(0);
        order[(i + 1) % order.len()]
    }

    pub fn prev(self) -> Strategy {
        let order = Self::KEY_ORDER;
        let i = order.iter().position(|s| *s == self).unwrap_or(0);
        order[(i + order.len() - 1) % order.len()]
    }

    /// "two-copy, serialize, …": every name, for option help and errors.
    pub fn names() -> String {
        Self::ALL.map(|s| s.name()).join(", ")
    }

    /// "two-copy (A1), serialize, …": every label, for option help.
    pub fn labels() -> String {
        Self::ALL.map(|s| s.label()).join(", ")
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
            .ok_or_else(|| format!("unknown strategy '{t}'; allowed: {}", Strategy::names()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_strategy_is_described_once_and_its_name_is_its_serde_name() {
        for s in Strategy::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.name()));
            assert_eq!(s.name().parse(), Ok(s));
            assert!(!s.cost().is_empty());
            assert!(!s.needs_so_zerocopy() || s.uses_zerocopy(), "{s}");
        }
        let colours: Vec<[u8; 3]> = Strategy::ALL.map(|s| s.info().rgb).to_vec();
        for (i, c) in colours.iter().enumerate() {
            assert!(!colours[..i].contains(c), "two strategies share {c:?}");
        }
        let course: Vec<Strategy> = Strategy::ALL
            .into_iter()
            .filter(|s| s.course_name().is_some())
            .collect();
        assert_eq!(course, Strategy::COURSE);
        assert_eq!(
            Strategy::COURSE.map(|s| s.label()),
            ["two-copy (A1)", "one-copy (A2)", "zero-copy (A3)"]
        );
    }
}
