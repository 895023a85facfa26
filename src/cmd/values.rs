//! Value parsers of the command line: one clear line on bad input (clap turns it into
//! exit status 2).

use crate::app::Theme;
use crate::engine::config::{Strategy, MAX_MSG_SIZE, MAX_THREADS};
use crate::session::Topology;

pub fn parse_strategy(s: &str) -> Result<Strategy, String> {
    s.parse()
}

/// Replay speed factor: a number from 1/16 to 64; "1/4" style fractions accepted.
pub fn parse_speed(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let v = match t.split_once('/') {
        Some((a, b)) => a
            .trim()
            .parse::<f64>()
            .ok()
            .zip(b.trim().parse::<f64>().ok())
            .map(|(a, b)| a / b),
        None => t.parse::<f64>().ok(),
    };
    match v {
        Some(v) if (crate::replay::MIN_SPEED..=crate::replay::MAX_SPEED).contains(&v) => Ok(v),
        _ => Err(format!(
            "speed '{t}' is not allowed; give a factor from 1/16 to 64, e.g. 2 or 0.5"
        )),
    }
}

pub fn parse_topology(s: &str) -> Result<Topology, String> {
    match s.trim() {
        "veth" => Ok(Topology::Veth),
        "sink" => Ok(Topology::Sink),
        t => Err(format!("unknown topology '{t}'; allowed: veth, sink")),
    }
}

/// Colours: the names clap lists in `--help` and in an error.
pub fn theme_parser() -> impl clap::builder::TypedValueParser<Value = Theme> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("default").help("Colours on a dark terminal"),
        PossibleValue::new("high-contrast").help(
            "For projectors and colour-blind viewers: no dim grey, bright text, every state also marked by a symbol or weight",
        ),
    ])
    .map(|s| match s.as_str() {
        "high-contrast" => Theme::HighContrast,
        _ => Theme::Default,
    })
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

/// Shortest measured window or sample interval: below it the figures are noise (and
/// sample intervals shorter than the engine can keep up with drop samples).
pub const MIN_SECONDS: f64 = 0.01;
/// Longest measured window: a day.
pub const MAX_SECONDS: f64 = 86_400.0;
/// Longest sample interval.
pub const MAX_INTERVAL: f64 = 60.0;

fn seconds_in(s: &str, what: &str, min: f64, max: f64) -> Result<f64, String> {
    let t = s.trim();
    let v: f64 = t
        .parse()
        .map_err(|_| format!("{what} '{t}' is not a number of seconds, e.g. 2 or 0.5"))?;
    if !(min..=max).contains(&v) {
        return Err(format!(
            "{what} '{t}' is out of range; allowed: {min} to {max} seconds"
        ));
    }
    Ok(v)
}

/// Parses seconds, fractions allowed ("0.5"), from 0.01 s to a day.
pub fn parse_seconds(s: &str) -> Result<f64, String> {
    seconds_in(s, "duration", MIN_SECONDS, MAX_SECONDS)
}

/// A sample interval: 0.01 to 60 seconds.
pub fn parse_interval(s: &str) -> Result<f64, String> {
    seconds_in(s, "interval", MIN_SECONDS, MAX_INTERVAL)
}

/// Like [`parse_seconds`] but 0 is allowed (e.g. no warm-up).
pub fn parse_seconds_or_zero(s: &str) -> Result<f64, String> {
    seconds_or_zero(s, "warm-up")
}

/// The explorer's shortest cut-short window that becomes a row: 0 or 0.01 s to a day.
pub fn parse_min_window(s: &str) -> Result<f64, String> {
    seconds_or_zero(s, "shortest window")
}

fn seconds_or_zero(s: &str, what: &str) -> Result<f64, String> {
    if s.trim().parse::<f64>() == Ok(0.0) {
        return Ok(0.0);
    }
    seconds_in(s, what, MIN_SECONDS, MAX_SECONDS).map_err(|e| e.replace(" to ", " (or 0) to "))
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

/// Most trials per configuration: beyond it the interval no longer narrows enough to
/// be worth the hours.
pub const MAX_REPEAT: usize = 1000;

/// Parses a trial count, 1..=1000.
/// Most messages (transactions) `--messages` lets one connection make.
pub const MAX_MESSAGES: u64 = 1_000_000_000_000;

/// `--messages N`: a whole number of messages (stream) or transactions (rr) per
/// connection, 1 to 10¹².
pub fn parse_messages(s: &str) -> Result<u64, String> {
    let t = s.trim();
    match t.parse::<u64>() {
        Ok(n) if (1..=MAX_MESSAGES).contains(&n) => Ok(n),
        _ => Err(format!(
            "message count '{t}' is not allowed; give a whole number of messages (stream) or transactions (rr) per connection from 1 to {MAX_MESSAGES}"
        )),
    }
}

pub fn parse_repeat(s: &str) -> Result<usize, String> {
    let t = s.trim();
    match t.parse::<usize>() {
        Ok(n) if (1..=MAX_REPEAT).contains(&n) => Ok(n),
        _ => Err(format!(
            "repeat count '{t}' is not allowed; give a whole number of trials per configuration from 1 to {MAX_REPEAT}"
        )),
    }
}
