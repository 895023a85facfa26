//! Whose events the counters count: the `--count` axis.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Whose events the counters count (`--count`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Count {
    /// The worker threads themselves (user + kernel, softirq they happen to run).
    #[default]
    Thread,
    /// Everything on the pinned CPUs, softirq and ksoftirqd included.
    Cpu,
}

impl Count {
    pub const ALL: [Count; 2] = [Count::Thread, Count::Cpu];

    pub fn name(self) -> &'static str {
        match self {
            Count::Thread => "thread",
            Count::Cpu => "cpu",
        }
    }

    pub fn next(self) -> Count {
        match self {
            Count::Thread => Count::Cpu,
            Count::Cpu => Count::Thread,
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why `--count cpu` cannot run unpinned: said wherever it is refused.
pub const COUNT_CPU_NEEDS_PIN: &str =
    "--count cpu counts the pinned CPUs system-wide; use it with --pin split|pair|LIST";

impl FromStr for Count {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "thread" => Ok(Count::Thread),
            "cpu" => Ok(Count::Cpu),
            t => Err(format!("unknown counting mode '{t}'; allowed: thread, cpu")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_modes_parse_and_cycle() {
        assert_eq!("cpu".parse::<Count>(), Ok(Count::Cpu));
        assert_eq!(Count::Thread.next(), Count::Cpu);
        assert_eq!(Count::Cpu.next(), Count::Thread);
        assert!("both"
            .parse::<Count>()
            .unwrap_err()
            .contains("allowed: thread, cpu"));
    }
}
