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
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::TwoCopy,
        Strategy::Serialize,
        Strategy::OneCopy,
        Strategy::ZeroCopy,
    ];
    /// The course matrix (A1, A2, A3).
    pub const COURSE: [Strategy; 3] = [Strategy::TwoCopy, Strategy::OneCopy, Strategy::ZeroCopy];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::TwoCopy => "two-copy",
            Strategy::Serialize => "serialize",
            Strategy::OneCopy => "one-copy",
            Strategy::ZeroCopy => "zero-copy",
        }
    }

    /// The course's name for the strategy, where it has one.
    pub fn course_name(self) -> Option<&'static str> {
        match self {
            Strategy::TwoCopy => Some("A1"),
            Strategy::OneCopy => Some("A2"),
            Strategy::ZeroCopy => Some("A3"),
            Strategy::Serialize => None,
        }
    }

    /// One line on what a message costs with this strategy.
    pub fn cost(self) -> &'static str {
        match self {
            Strategy::TwoCopy => "8 send() calls, one per field",
            Strategy::Serialize => "copy 8 fields into one buffer, then 1 send()",
            Strategy::OneCopy => "1 sendmsg() with iovec[8]",
            Strategy::ZeroCopy => "1 sendmsg(MSG_ZEROCOPY), completions from the error queue",
        }
    }

    pub fn uses_zerocopy(self) -> bool {
        self == Strategy::ZeroCopy
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

/// Parses "4096", "4K", "1M", "64m" (K = 1024). Rejects 0 and sizes above 64M.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1usize << 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 1usize << 20),
        _ => (t, 1),
    };
    let n: usize = digits.parse().map_err(|_| {
        format!("message size '{t}' is not a number; use bytes or a K/M suffix, e.g. 64, 4K, 1M")
    })?;
    let bytes = n.saturating_mul(mult);
    if bytes == 0 || bytes > MAX_MSG_SIZE {
        return Err(format!(
            "message size '{t}' is out of range; allowed: 1 byte to 64M"
        ));
    }
    Ok(bytes)
}

/// Parses a thread-pair count, 1..=1024.
pub fn parse_threads(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let n: usize = t.parse().map_err(|_| {
        format!("thread count '{t}' is not a whole number; allowed: 1 to {MAX_THREADS}")
    })?;
    if n == 0 || n > MAX_THREADS {
        return Err(format!(
            "thread count '{t}' is out of range; allowed: 1 to {MAX_THREADS}"
        ));
    }
    Ok(n)
}

/// Parses seconds, fractions allowed ("0.5"); must be positive and finite.
pub fn parse_seconds(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let v: f64 = t
        .parse()
        .map_err(|_| format!("duration '{t}' is not a number of seconds, e.g. 2 or 0.5"))?;
    if !v.is_finite() || v <= 0.0 || v > 86_400.0 {
        return Err(format!(
            "duration '{t}' is out of range; allowed: more than 0 and at most 86400 seconds"
        ));
    }
    Ok(v)
}

/// Like [`parse_seconds`] but 0 is allowed (e.g. no warm-up).
pub fn parse_seconds_or_zero(s: &str) -> Result<f64, String> {
    if s.trim().parse::<f64>() == Ok(0.0) {
        return Ok(0.0);
    }
    parse_seconds(s)
}

/// Parses a comma-separated list with `item`, rejecting empty items.
pub fn parse_list<T>(
    s: &str,
    what: &str,
    item: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    s.split(',')
        .map(|part| {
            if part.trim().is_empty() {
                Err(format!(
                    "the {what} list '{s}' has an empty item; separate values with single commas"
                ))
            } else {
                item(part)
            }
        })
        .collect()
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
    fn sizes_accept_suffixes_and_reject_out_of_range() {
        assert_eq!(parse_size("64"), Ok(64));
        assert_eq!(parse_size("4K"), Ok(4096));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert!(parse_size("0").is_err());
        assert!(parse_size("0K").is_err());
        assert!(parse_size("65M").is_err());
        assert!(parse_size("67108865").is_err());
        assert!(parse_size("abc").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999999999999K").is_err());
    }

    #[test]
    fn threads_and_seconds_bounds() {
        assert_eq!(parse_threads("1"), Ok(1));
        assert_eq!(parse_threads("1024"), Ok(1024));
        assert!(parse_threads("0").is_err());
        assert!(parse_threads("1025").is_err());
        assert!(parse_threads("x").is_err());
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("nan").is_err());
        assert_eq!(parse_seconds_or_zero("0"), Ok(0.0));
    }

    #[test]
    fn lists_reject_empty_items() {
        assert_eq!(parse_list("64,4K", "size", parse_size), Ok(vec![64, 4096]));
        assert!(parse_list("64,,4K", "size", parse_size).is_err());
        assert!(parse_list("", "size", parse_size).is_err());
        assert!(parse_list("64,", "size", parse_size).is_err());
    }

    #[test]
    fn strategies_parse_by_name_and_course_name() {
        assert_eq!("one-copy".parse(), Ok(Strategy::OneCopy));
        assert_eq!("A3".parse(), Ok(Strategy::ZeroCopy));
        assert!("three-copy".parse::<Strategy>().is_err());
        assert_eq!(Strategy::ZeroCopy.next(), Strategy::TwoCopy);
        assert_eq!(Strategy::TwoCopy.prev(), Strategy::ZeroCopy);
    }

    #[test]
    fn sizes_format_compactly() {
        assert_eq!(format_size(64), "64");
        assert_eq!(format_size(4096), "4K");
        assert_eq!(format_size(1 << 20), "1M");
        assert_eq!(format_size(1500), "1500");
    }
}
