//! What a connection does: stream messages one way, or request/response round trips
//! (the `--workload`, `--response-size` and `--rate` axes).

use super::{format_size, MAX_MSG_SIZE};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// `--workload`: what each connection does.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    /// The sender sends messages continuously, the receiver reads them.
    #[default]
    Stream,
    /// Request/response: the sender sends a request, the receiver reads all of it and
    /// answers, the sender reads all of the answer; one transaction in flight per
    /// connection (netperf TCP_RR, neper tcp_rr, sockperf ping-pong).
    Rr,
}

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Workload::Stream => "stream",
            Workload::Rr => "rr",
        }
    }

    pub fn next(self) -> Workload {
        match self {
            Workload::Stream => Workload::Rr,
            Workload::Rr => Workload::Stream,
        }
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Workload {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "stream" => Ok(Workload::Stream),
            "rr" => Ok(Workload::Rr),
            t => Err(format!("workload '{t}' is not stream or rr")),
        }
    }
}

/// `--response-size`: how many bytes answer each request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Response {
    /// The request's own size: an echo.
    Same,
    Bytes(u32),
}

impl Response {
    pub const DEFAULT: Response = Response::Bytes(64);
    /// What the explorer's key steps through.
    const CYCLE: [Response; 3] = [Response::DEFAULT, Response::Same, Response::Bytes(4096)];

    /// The response's size for requests of `request` bytes.
    pub fn bytes(self, request: usize) -> usize {
        match self {
            Response::Same => request,
            Response::Bytes(n) => n as usize,
        }
    }

    pub fn next(self) -> Response {
        let i = Self::CYCLE.iter().position(|&r| r == self);
        Self::CYCLE[i.map_or(0, |i| (i + 1) % Self::CYCLE.len())]
    }
}

impl Default for Response {
    fn default() -> Self {
        Response::DEFAULT
    }
}

impl fmt::Display for Response {
    /// "same" or the size in bytes, as the CSV writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Response::Same => f.write_str("same"),
            Response::Bytes(n) => write!(f, "{n}"),
        }
    }
}

impl Response {
    /// "64", "4K", "same", for names.
    pub fn describe(self) -> String {
        match self {
            Response::Same => "same".into(),
            Response::Bytes(n) => format_size(n as usize),
        }
    }
}

impl FromStr for Response {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("same") {
            return Ok(Response::Same);
        }
        let (digits, unit) = match t.char_indices().last() {
            Some((i, 'K' | 'k')) => (&t[..i], 1 << 10),
            Some((i, 'M' | 'm')) => (&t[..i], 1 << 20),
            _ => (t, 1),
        };
        match digits.parse::<usize>().ok().and_then(|n| n.checked_mul(unit)) {
            Some(n) if (1..=MAX_MSG_SIZE).contains(&n) => Ok(Response::Bytes(n as u32)),
            _ => Err(format!(
                "response size '{t}' is not same or a size from 1 byte to 64M (plain bytes or K/M suffix)"
            )),
        }
    }
}

impl From<Response> for String {
    fn from(r: Response) -> String {
        r.to_string()
    }
}

impl TryFrom<String> for Response {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// `--rate`: transactions per second per connection on a fixed schedule (open loop),
/// or `Closed`: the next request as soon as the last answer is in.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(into = "String", try_from = "String")]
pub enum Rate {
    #[default]
    Closed,
    PerSecond(u32),
}

impl Rate {
    pub const MAX: u32 = 10_000_000;
    const CYCLE: [Rate; 3] = [Rate::Closed, Rate::PerSecond(1000), Rate::PerSecond(10_000)];

    pub fn next(self) -> Rate {
        let i = Self::CYCLE.iter().position(|&r| r == self);
        Self::CYCLE[i.map_or(0, |i| (i + 1) % Self::CYCLE.len())]
    }
}

impl fmt::Display for Rate {
    /// "closed" or transactions per second, as the CSV writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rate::Closed => f.write_str("closed"),
            Rate::PerSecond(n) => write!(f, "{n}"),
        }
    }
}

impl FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("closed") {
            return Ok(Rate::Closed);
        }
        match t.parse::<u32>() {
            Ok(n) if (1..=Rate::MAX).contains(&n) => Ok(Rate::PerSecond(n)),
            _ => Err(format!(
                "rate '{t}' is not closed or transactions per second per connection from 1 to {}",
                Rate::MAX
            )),
        }
    }
}

impl From<Rate> for String {
    fn from(r: Rate) -> String {
        r.to_string()
    }
}

impl TryFrom<String> for Rate {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_responses_and_rates_parse_and_cycle() {
        assert_eq!("RR".parse::<Workload>(), Ok(Workload::Rr));
        assert!("ping"
            .parse::<Workload>()
            .unwrap_err()
            .contains("stream or rr"));
        assert_eq!("same".parse::<Response>(), Ok(Response::Same));
        assert_eq!("4K".parse::<Response>(), Ok(Response::Bytes(4096)));
        for bad in ["0", "65M", "-1", "x"] {
            assert!(bad.parse::<Response>().is_err(), "{bad}");
        }
        assert_eq!(Response::Same.bytes(100), 100);
        assert_eq!(Response::DEFAULT.bytes(100), 64);
        assert_eq!("closed".parse::<Rate>(), Ok(Rate::Closed));
        assert_eq!("5000".parse::<Rate>(), Ok(Rate::PerSecond(5000)));
        assert!("0".parse::<Rate>().is_err());
        for r in [Response::DEFAULT, Response::Same] {
            assert_ne!(r.next(), r);
            assert_eq!(r.to_string().parse::<Response>(), Ok(r));
        }
        assert_eq!(Rate::PerSecond(10_000).next(), Rate::Closed);
    }
}
