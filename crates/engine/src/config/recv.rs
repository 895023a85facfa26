//! How the receiver reads: the `--recv` axis.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How the receiver reads (`--recv`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum RecvMode {
    /// The course's: read at most to the end of the current message.
    #[default]
    Message,
    /// Read whatever is there into a fixed 256 KiB buffer, as iperf3 does.
    Stream,
    /// `MSG_TRUNC`: the kernel discards the data, no receive-side copy.
    Trunc,
    /// `TCP_ZEROCOPY_RECEIVE`: the kernel maps whole pages of received data into an
    /// mmap'ed window; what it cannot map is read with a plain recv.
    #[serde(rename = "zerocopy")]
    ZeroCopy,
}

impl RecvMode {
    pub const ALL: [RecvMode; 4] = [
        RecvMode::Message,
        RecvMode::Stream,
        RecvMode::Trunc,
        RecvMode::ZeroCopy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RecvMode::Message => "message",
            RecvMode::Stream => "stream",
            RecvMode::Trunc => "trunc",
            RecvMode::ZeroCopy => "zerocopy",
        }
    }

    pub fn next(self) -> RecvMode {
        let i = Self::ALL.iter().position(|m| *m == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

impl fmt::Display for RecvMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RecvMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        RecvMode::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                format!(
                    "unknown receive mode '{t}'; allowed: {}",
                    RecvMode::ALL.map(|m| m.name()).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receive_modes_parse_and_cycle() {
        assert_eq!("STREAM".parse::<RecvMode>(), Ok(RecvMode::Stream));
        assert!("peek".parse::<RecvMode>().is_err());
        assert_eq!("zerocopy".parse::<RecvMode>(), Ok(RecvMode::ZeroCopy));
        assert_eq!(RecvMode::Trunc.next(), RecvMode::ZeroCopy);
        assert_eq!(RecvMode::ZeroCopy.next(), RecvMode::Message);
    }
}
