//! What one measured configuration is, and how the user spells it.

pub use crate::cpu_list::{CpuList, MAX_CPU};
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

/// Where worker threads run (`--pin`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Pin {
    /// The scheduler decides.
    #[default]
    Off,
    /// Senders on the first half of the CPUs, receivers on the other half.
    Split,
    /// Connection i's sender and receiver both on CPU i (mod the CPU count).
    Pair,
    /// Connection i's sender on the list's CPU 2i, its receiver on CPU 2i+1 (round robin).
    List(CpuList),
}

impl Pin {
    pub const CYCLE: [Pin; 3] = [Pin::Off, Pin::Split, Pin::Pair];

    pub fn next(self) -> Pin {
        let i = Self::CYCLE.iter().position(|p| *p == self);
        i.map_or(Pin::Off, |i| Self::CYCLE[(i + 1) % Self::CYCLE.len()])
    }

    /// The CPU of connection `index`'s sender (`Side::Sender`) or receiver, given the
    /// CPUs this process may use; `None`: not pinned.
    pub fn cpu_for(self, receiver: bool, index: usize, allowed: &[usize]) -> Option<usize> {
        if allowed.is_empty() {
            return None;
        }
        let n = allowed.len();
        match self {
            Pin::Off => None,
            Pin::Split => {
                let half = (n / 2).max(1);
                Some(if receiver && n > 1 {
                    allowed[half + index % (n - half)]
                } else {
                    allowed[index % half]
                })
            }
            Pin::Pair => Some(allowed[index % n]),
            Pin::List(l) => {
                let cpus = l.cpus();
                (!cpus.is_empty()).then(|| cpus[(2 * index + receiver as usize) % cpus.len()])
            }
        }
    }
}

impl Pin {
    /// Where `connections` senders (and receivers, unless there are none: the sink)
    /// are pinned, split into CPUs of senders only, receivers only and both; `None`
    /// where they are not pinned (nothing for `--count cpu` to count).
    pub fn cpu_sides(
        self,
        connections: usize,
        receivers: bool,
        allowed: &[usize],
    ) -> Option<CpuSides> {
        let place = |receiver: bool| -> Option<Vec<usize>> {
            let mut cpus = Vec::new();
            for i in 0..connections {
                let c = self.cpu_for(receiver, i, allowed)?;
                if !cpus.contains(&c) {
                    cpus.push(c);
                }
            }
            cpus.sort_unstable();
            Some(cpus)
        };
        let tx = place(false)?;
        let rx = if receivers { place(true)? } else { Vec::new() };
        if tx.is_empty() {
            return None;
        }
        let both: Vec<usize> = tx.iter().copied().filter(|c| rx.contains(c)).collect();
        Some(CpuSides {
            tx: tx.into_iter().filter(|c| !both.contains(c)).collect(),
            rx: rx.into_iter().filter(|c| !both.contains(c)).collect(),
            both,
        })
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pin::Off => f.write_str("off"),
            Pin::Split => f.write_str("split"),
            Pin::Pair => f.write_str("pair"),
            Pin::List(l) => {
                let cpus: Vec<String> = l.cpus().iter().map(|c| c.to_string()).collect();
                f.write_str(&cpus.join("+"))
            }
        }
    }
}

/// Where each user buffer a copy reads or writes starts within its page
/// (`--buf-offset`): the message's fields, serialize's contiguous buffer and the
/// receive buffer. The kernel copies with `rep movsb`, and on some CPUs (AMD Zen
/// among them) such a copy runs many times slower when its destination lies a few
/// bytes after its source modulo 4 KiB. The kernel's socket buffers start at page
/// boundaries, so where the user buffers sit in their pages decides whether a
/// copy pays that. `Heap` leaves it to the allocator, as the course's programs do:
/// glibc puts a buffer of 128 KiB or more 16 bytes into a page, and smaller ones
/// wherever the heap has reached, so the same run can differ from one start to the
/// next. `Page(n)`: the receive buffer (and serialize's) starts `n` bytes into a page,
/// and each field, still its own allocation, where it would in one contiguous message
/// starting there (`n` plus the bytes before it, modulo 4 KiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum BufOffset {
    Heap,
    Page(u16),
}

impl BufOffset {
    /// Mid-page: as far as a buffer can be from the page boundaries where the kernel's
    /// buffers start, in both directions.
    pub const DEFAULT: BufOffset = BufOffset::Page(2048);
    /// What rows written before this axis existed measured: the allocator's placement.
    pub const BEFORE_AXIS: BufOffset = BufOffset::Heap;
    /// The largest offset: buffers start within the first 4 KiB page.
    pub const MAX: u16 = 4095;
    /// What the explorer's key steps through: the default, the course's placement,
    /// page-aligned, and 16 bytes in (where glibc puts large buffers).
    pub const CYCLE: [BufOffset; 4] = [
        BufOffset::DEFAULT,
        BufOffset::Heap,
        BufOffset::Page(0),
        BufOffset::Page(16),
    ];

    fn before_axis() -> BufOffset {
        BufOffset::BEFORE_AXIS
    }

    pub fn next(self) -> BufOffset {
        let i = BufOffset::CYCLE.iter().position(|&b| b == self);
        BufOffset::CYCLE[i.map_or(0, |i| (i + 1) % BufOffset::CYCLE.len())]
    }

    /// "page+2048" or "heap", as the run line and the header say it.
    pub fn describe(self) -> String {
        match self {
            BufOffset::Heap => "heap".into(),
            BufOffset::Page(n) => format!("page+{n}"),
        }
    }
}

impl Default for BufOffset {
    fn default() -> Self {
        BufOffset::DEFAULT
    }
}

impl fmt::Display for BufOffset {
    /// "heap" or the offset in bytes, as the CSV and the options write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufOffset::Heap => f.write_str("heap"),
            BufOffset::Page(n) => write!(f, "{n}"),
        }
    }
}

impl FromStr for BufOffset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("heap") {
            return Ok(BufOffset::Heap);
        }
        match t.parse::<u16>() {
            Ok(n) if n <= BufOffset::MAX => Ok(BufOffset::Page(n)),
            _ => Err(format!(
                "buffer offset '{t}' is not heap or a byte offset from 0 to {} into a page",
                BufOffset::MAX
            )),
        }
    }
}

impl From<BufOffset> for String {
    fn from(b: BufOffset) -> String {
        b.to_string()
    }
}

impl TryFrom<String> for BufOffset {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

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

/// CPUs `CpuSet` can hold: as many as the kernel's affinity mask the workers are
/// pinned from (`CPU_SETSIZE`).
pub const CPU_SET_SIZE: usize = 1024;

/// A set of CPU numbers below [`CPU_SET_SIZE`], as plain (`Copy`) data; written as a
/// list of numbers.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CpuSet([u64; CPU_SET_SIZE / 64]);

impl CpuSet {
    pub fn of(cpus: impl IntoIterator<Item = usize>) -> CpuSet {
        let mut s = CpuSet::default();
        for c in cpus {
            s.insert(c);
        }
        s
    }

    /// Adds `cpu`; a number beyond [`CPU_SET_SIZE`] (no such pinning) is ignored.
    pub fn insert(&mut self, cpu: usize) {
        if cpu < CPU_SET_SIZE {
            self.0[cpu / 64] |= 1 << (cpu % 64);
        }
    }

    pub fn contains(&self, cpu: usize) -> bool {
        cpu < CPU_SET_SIZE && self.0[cpu / 64] & (1 << (cpu % 64)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn union(&self, o: &CpuSet) -> CpuSet {
        let mut s = *self;
        for (a, b) in s.0.iter_mut().zip(o.0) {
            *a |= b;
        }
        s
    }

    pub fn cpus(&self) -> Vec<usize> {
        (0..CPU_SET_SIZE).filter(|&c| self.contains(c)).collect()
    }
}

impl fmt::Display for CpuSet {
    /// "0,1", "0-3,8": runs of three or more as ranges.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cpus = self.cpus();
        let mut parts = Vec::new();
        let mut i = 0;
        while i < cpus.len() {
            let mut j = i;
            while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
                j += 1;
            }
            if j >= i + 2 {
                parts.push(format!("{}-{}", cpus[i], cpus[j]));
            } else {
                parts.extend(cpus[i..=j].iter().map(|c| c.to_string()));
            }
            i = j + 1;
        }
        f.write_str(&parts.join(","))
    }
}

impl fmt::Debug for CpuSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CpuSet({self})")
    }
}

impl Serialize for CpuSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.cpus())
    }
}

impl<'de> Deserialize<'de> for CpuSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let cpus = Vec::<usize>::deserialize(d)?;
        if let Some(bad) = cpus.iter().find(|&&c| c >= CPU_SET_SIZE) {
            return Err(serde::de::Error::custom(format!(
                "CPU {bad} is beyond {}",
                CPU_SET_SIZE - 1
            )));
        }
        Ok(CpuSet::of(cpus))
    }
}

/// The pinned CPUs of a configuration, by the worker threads they host
/// (`--count cpu`): senders only, receivers only, or both (where the two sides
/// share a CPU, its counts cannot be split between them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CpuSides {
    pub tx: Vec<usize>,
    pub rx: Vec<usize>,
    pub both: Vec<usize>,
}

impl CpuSides {
    pub fn all(&self) -> CpuSet {
        CpuSet::of(self.tx.iter().chain(&self.rx).chain(&self.both).copied())
    }
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
        }
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

impl FromStr for Pin {
    type Err = String;
    /// off, split, pair, or a CPU list: "0,2", "0-3", "1+3" (CSV files write '+').
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "off" => return Ok(Pin::Off),
            "split" => return Ok(Pin::Split),
            "pair" => return Ok(Pin::Pair),
            _ => {}
        }
        let bad = || {
            format!(
                "pinning '{t}' is not off, split, pair or a CPU list such as 0,1 or 0-3 (CPUs 0 to {MAX_CPU})"
            )
        };
        CpuList::parse(t).map(Pin::List).ok_or_else(bad)
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
    fn axes_parse_and_print_back() {
        assert_eq!("0,1".parse::<Pin>(), Ok(Pin::List(CpuList::of([0, 1]))));
        assert_eq!("0-2".parse::<Pin>().unwrap().to_string(), "0+1+2");
        assert_eq!("split".parse::<Pin>(), Ok(Pin::Split));
        assert!("9999".parse::<Pin>().is_err());
        assert!("x".parse::<Pin>().is_err());
        assert!("2-1".parse::<Pin>().is_err());
        assert_eq!("STREAM".parse::<RecvMode>(), Ok(RecvMode::Stream));
        assert!("peek".parse::<RecvMode>().is_err());
        assert_eq!("zerocopy".parse::<RecvMode>(), Ok(RecvMode::ZeroCopy));
        assert_eq!(RecvMode::Trunc.next(), RecvMode::ZeroCopy);
        assert_eq!(RecvMode::ZeroCopy.next(), RecvMode::Message);
        assert_eq!("cpu".parse::<Count>(), Ok(Count::Cpu));
        assert_eq!("HEAP".parse::<BufOffset>(), Ok(BufOffset::Heap));
        assert_eq!("4095".parse::<BufOffset>(), Ok(BufOffset::Page(4095)));
        for bad in ["4096", "-1", "page", "", "2K"] {
            let e = bad.parse::<BufOffset>().unwrap_err();
            assert!(
                e.contains("heap or a byte offset from 0 to 4095"),
                "{bad}: {e}"
            );
        }
        assert_eq!(BufOffset::Page(7).next(), BufOffset::DEFAULT);
        let mut seen = vec![BufOffset::DEFAULT];
        while seen.len() <= BufOffset::CYCLE.len() {
            seen.push(seen.last().unwrap().next());
        }
        assert_eq!(
            seen.first(),
            seen.last(),
            "the key comes back round: {seen:?}"
        );
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
    fn pinning_places_each_side() {
        let cpus = [0, 1];
        assert_eq!(Pin::Split.cpu_for(false, 0, &cpus), Some(0));
        assert_eq!(Pin::Split.cpu_for(true, 0, &cpus), Some(1));
        assert_eq!(Pin::Split.cpu_for(true, 3, &cpus), Some(1));
        assert_eq!(Pin::Pair.cpu_for(false, 1, &cpus), Some(1));
        assert_eq!(Pin::Pair.cpu_for(true, 1, &cpus), Some(1));
        assert_eq!(Pin::Off.cpu_for(true, 1, &cpus), None);
        let l = Pin::List(CpuList::of([1, 3]));
        assert_eq!(l.cpu_for(false, 0, &cpus), Some(1));
        assert_eq!(l.cpu_for(true, 0, &cpus), Some(3));
        // One CPU: split puts both sides there.
        assert_eq!(Pin::Split.cpu_for(true, 0, &[0]), Some(0));
    }

    #[test]
    fn pinned_cpus_split_into_sender_receiver_and_shared_ones() {
        let two = [0, 1];
        let sides = |p: Pin, n, receivers| p.cpu_sides(n, receivers, &two);
        assert_eq!(sides(Pin::Off, 1, true), None);
        assert_eq!(Pin::Split.cpu_sides(1, true, &[]), None);
        assert_eq!(
            sides(Pin::Split, 2, true),
            Some(CpuSides {
                tx: vec![0],
                rx: vec![1],
                both: vec![]
            })
        );
        // pair: every CPU hosts a sender and its receiver.
        assert_eq!(
            sides(Pin::Pair, 2, true),
            Some(CpuSides {
                tx: vec![],
                rx: vec![],
                both: vec![0, 1]
            })
        );
        // The sink has no receivers: nothing is shared.
        assert_eq!(
            sides(Pin::Pair, 2, false),
            Some(CpuSides {
                tx: vec![0, 1],
                rx: vec![],
                both: vec![]
            })
        );
        // A list that wraps: 0,1,2 with 2 connections puts the senders on 0 and 2 and
        // the receivers on 1 and 0, so CPU 0 hosts both sides.
        let l: Pin = "0-2".parse().unwrap();
        assert_eq!(
            l.cpu_sides(2, true, &two),
            Some(CpuSides {
                tx: vec![2],
                rx: vec![1],
                both: vec![0]
            })
        );
        // One CPU: split puts both sides on it.
        assert_eq!(
            Pin::Split.cpu_sides(1, true, &[3]),
            Some(CpuSides {
                tx: vec![],
                rx: vec![],
                both: vec![3]
            })
        );
    }

    #[test]
    fn cpu_sets_print_ranges_and_round_trip_as_lists() {
        let s = CpuSet::of([0, 1, 2, 3, 8, 10, 11, 1023, 5000]);
        assert_eq!(s.to_string(), "0-3,8,10,11,1023");
        assert_eq!(s.len(), 8);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "[0,1,2,3,8,10,11,1023]");
        assert_eq!(serde_json::from_str::<CpuSet>(&json).unwrap(), s);
        assert!(serde_json::from_str::<CpuSet>("[1024]").is_err());
        assert!(CpuSet::default().is_empty());
        assert_eq!(CpuSet::of([1]).union(&CpuSet::of([0])), CpuSet::of([0, 1]));
        assert_eq!(Count::Thread.next(), Count::Cpu);
        assert_eq!(Count::Cpu.next(), Count::Thread);
        assert!("both"
            .parse::<Count>()
            .unwrap_err()
            .contains("allowed: thread, cpu"));
    }

    #[test]
    fn sizes_format_compactly() {
        assert_eq!(format_size(64), "64");
        assert_eq!(format_size(4096), "4K");
        assert_eq!(format_size(1 << 20), "1M");
        assert_eq!(format_size(1500), "1500");
    }
}
