//! Whether the user buffers are locked in memory: the `--mlock` axis.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Whether every send field and receive buffer is locked in memory (`mlock`) before
/// the window and unlocked after it (`--mlock`). Some course material locks its
/// zero-copy sender's buffers "for DMA-safe memory"; the kernel pins the pages
/// MSG_ZEROCOPY and SEND_ZC send by itself, so locking should change nothing but
/// first-touch page faults and the locked-memory accounting. This axis measures that.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Mlock {
    /// Ordinary pageable memory, as the program did before the axis.
    #[default]
    Off,
    /// Locked with `mlock()` (whole pages), unlocked with `munlock()` after the window.
    On,
}

impl Mlock {
    pub fn name(self) -> &'static str {
        match self {
            Mlock::Off => "off",
            Mlock::On => "on",
        }
    }

    pub fn is_on(self) -> bool {
        self == Mlock::On
    }

    pub fn next(self) -> Mlock {
        match self {
            Mlock::Off => Mlock::On,
            Mlock::On => Mlock::Off,
        }
    }
}

impl fmt::Display for Mlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mlock {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        super::parse_on_off(s)
            .map(|on| if on { Mlock::On } else { Mlock::Off })
            .map_err(|_| format!("'{}' is not on or off (allowed: off, on)", s.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mlock_parses_on_off_and_cycles() {
        assert_eq!("ON".parse::<Mlock>(), Ok(Mlock::On));
        assert_eq!("off".parse::<Mlock>(), Ok(Mlock::Off));
        assert_eq!(" yes ".parse::<Mlock>(), Ok(Mlock::On));
        for bad in ["", "lock", "2"] {
            let e = bad.parse::<Mlock>().unwrap_err();
            assert!(
                e.contains("is not on or off (allowed: off, on)"),
                "{bad}: {e}"
            );
        }
        assert_eq!(Mlock::Off.next(), Mlock::On);
        assert_eq!(Mlock::On.next(), Mlock::Off);
        assert_eq!(Mlock::default(), Mlock::Off);
        assert_eq!(serde_json::to_value(Mlock::On).unwrap(), "on");
    }
}
