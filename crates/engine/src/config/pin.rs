//! Where worker threads run: the `--pin` axis, and the CPUs it puts each side on.

use super::{CpuList, CpuSides, MAX_CPU};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning_parses_and_prints_back() {
        assert_eq!("0,1".parse::<Pin>(), Ok(Pin::List(CpuList::of([0, 1]))));
        assert_eq!("0-2".parse::<Pin>().unwrap().to_string(), "0+1+2");
        assert_eq!("split".parse::<Pin>(), Ok(Pin::Split));
        assert!("9999".parse::<Pin>().is_err());
        assert!("x".parse::<Pin>().is_err());
        assert!("2-1".parse::<Pin>().is_err());
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
}
