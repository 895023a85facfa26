//! Where the user buffers start in their pages: the `--buf-offset` axis.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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

    pub(super) fn before_axis() -> BufOffset {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_offsets_parse_and_cycle() {
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
}
