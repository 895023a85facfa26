//! What one measured configuration is, and how the user spells it.

mod buf_offset;
mod count;
mod cpu_list;
mod cpu_set;
mod mlock;
mod pin;
mod recv;
mod workload;

pub use buf_offset::BufOffset;
pub use count::{Count, COUNT_CPU_NEEDS_PIN};
pub use cpu_list::{CpuList, MAX_CPU};
pub use cpu_set::{CpuSet, CpuSides, CPU_SET_SIZE};
pub use mlock::Mlock;
pub use pin::Pin;
pub use recv::RecvMode;
use serde::{Deserialize, Serialize};
pub use workload::{Rate, Response, Workload};

/// Largest message the tool accepts (64 MiB): beyond it one message no longer fits
/// comfortably in socket buffers and the figures stop meaning "per message".
pub const MAX_MSG_SIZE: usize = 64 << 20;
/// Largest thread-pair count accepted on the command line.
pub const MAX_THREADS: usize = 1024;
/// Every message is split over this many separately allocated fields.
pub const FIELDS: usize = 8;

/// Declares the strategies: the enum, and [`Strategy::ALL`] in the order written.
/// What each one is (its name, cost, colour) is its sender's `INFO`
/// (`strategy::StrategyInfo`, read with [`Strategy::info`]).
macro_rules! strategies {
    ($($(#[$doc:meta])* $variant:ident,)*) => {
        /// How the sender moves one message into the kernel.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(rename_all = "kebab-case")]
        pub enum Strategy {
            $($(#[$doc])* $variant,)*
        }

        impl Strategy {
            /// Every strategy, in the order ←/→ cycles through them.
            pub const ALL: [Strategy; [$(Strategy::$variant),*].len()] =
                [$(Strategy::$variant),*];
        }
    };
}

// The course's system calls, then io_uring (plain, zero-copy), then the
// page-referencing paths.
strategies! {
    TwoCopy,
    Serialize,
    OneCopy,
    ZeroCopy,
    Uring,
    UringZc,
    Sendfile,
    Splice,
}
/// One cell of the result matrix: strategy × message size × thread pairs × axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Config {
    pub strategy: Strategy,
    pub msg_size: usize,
    pub threads: usize,
    /// TCP_NODELAY on the sender (default: Nagle on, as the course's programs).
    #[serde(default)]
    pub nodelay: bool,
    #[serde(default)]
    pub recv: RecvMode,
    #[serde(default)]
    pub pin: Pin,
    #[serde(default)]
    pub count: Count,
    /// Where the user buffers start in their pages. Recordings made before this axis
    /// existed measured the allocator's placement.
    #[serde(default = "BufOffset::before_axis")]
    pub buf_offset: BufOffset,
    /// Stream or request/response; recordings before this axis streamed.
    #[serde(default)]
    pub workload: Workload,
    /// Request/response: the answer's size.
    #[serde(default)]
    pub response_size: Response,
    /// Request/response: closed loop, or a fixed schedule of transactions.
    #[serde(default)]
    pub rate: Rate,
    /// The user buffers locked in memory (files made before this axis: off).
    #[serde(default)]
    pub mlock: Mlock,
}

impl Config {
    /// A configuration with every other axis at its default.
    pub const fn new(strategy: Strategy, msg_size: usize, threads: usize) -> Self {
        Config {
            strategy,
            msg_size,
            threads,
            nodelay: false,
            recv: RecvMode::Message,
            pin: Pin::Off,
            count: Count::Thread,
            buf_offset: BufOffset::DEFAULT,
            workload: Workload::Stream,
            response_size: Response::DEFAULT,
            rate: Rate::Closed,
            mlock: Mlock::Off,
        }
    }

    /// Whether connections make request/response round trips.
    pub fn is_rr(&self) -> bool {
        self.workload == Workload::Rr
    }

    /// Why `--workload rr` cannot measure this configuration, if it cannot.
    pub fn rr_refuses(&self) -> Option<String> {
        if !self.is_rr() {
            return (self.rate != Rate::Closed).then(|| {
                "--rate schedules request/response transactions; it needs --workload rr".into()
            });
        }
        (self.recv != RecvMode::Message).then(|| {
            format!(
                "--workload rr reads each request and response whole (--recv message); --recv {} is for streams",
                self.recv
            )
        })
    }

    /// "one-copy 4K ×1": strategy, size and thread pairs only.
    pub fn key(&self) -> String {
        format!(
            "{} {} ×{}",
            self.strategy,
            format_size(self.msg_size),
            self.threads
        )
    }
}

/// "on"/"off" (also true/false, yes/no, 1/0).
pub fn parse_on_off(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        t => Err(format!("'{t}' is not on or off")),
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
        // ← → walk the course's order first (issue 22 item 7: ← from one-copy is
        // two-copy, not serialize), then the others, each strategy once.
        assert_eq!(Strategy::OneCopy.prev(), Strategy::TwoCopy);
        assert_eq!(Strategy::TwoCopy.next(), Strategy::OneCopy);
        assert_eq!(Strategy::OneCopy.next(), Strategy::ZeroCopy);
        assert_eq!(Strategy::ZeroCopy.next(), Strategy::Serialize);
        for s in Strategy::ALL {
            assert_eq!(Strategy::KEY_ORDER.iter().filter(|k| **k == s).count(), 1);
        }
        assert_eq!(Strategy::Splice.next(), Strategy::TwoCopy);
        assert_eq!(Strategy::TwoCopy.prev(), Strategy::Splice);
        for s in Strategy::ALL {
            assert_eq!(s.name().parse(), Ok(s));
            assert_eq!(s.prev().next(), s);
        }
    }

    #[test]
    fn recordings_before_the_buffer_axis_measured_the_heap() {
        let mut v = serde_json::to_value(Config::new(Strategy::OneCopy, 64, 1)).unwrap();
        assert_eq!(v["buf_offset"], "2048");
        v.as_object_mut().unwrap().remove("buf_offset");
        let old: Config = serde_json::from_value(v).unwrap();
        assert_eq!(old.buf_offset, BufOffset::Heap);
    }

    #[test]
    fn sizes_format_compactly() {
        assert_eq!(format_size(64), "64");
        assert_eq!(format_size(4096), "4K");
        assert_eq!(format_size(1 << 20), "1M");
        assert_eq!(format_size(1500), "1500");
    }
}
