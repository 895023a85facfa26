//! A `--pin` CPU list: any CPUs the kernel's affinity mask can name, 0 to
//! [`MAX_CPU`] (a `u128` stopped at CPU 127).

use super::{CpuSet, CPU_SET_SIZE};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Highest CPU number a pin list may name.
pub const MAX_CPU: usize = CPU_SET_SIZE - 1;

/// A set of CPUs for `--pin LIST`; written in files as a list of CPU numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CpuList(CpuSet);

impl CpuList {
    pub fn of(cpus: impl IntoIterator<Item = usize>) -> CpuList {
        CpuList(CpuSet::of(cpus))
    }

    /// The CPUs, lowest first.
    pub fn cpus(self) -> Vec<usize> {
        self.0.cpus()
    }

    /// "0,2", "0-3", "1+3" (CSV files write '+'); `None` where it is not such a list
    /// of CPUs 0 to [`MAX_CPU`].
    pub fn parse(text: &str) -> Option<CpuList> {
        let mut set = CpuSet::default();
        for part in text.split([',', '+']) {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (part.trim(), part.trim()),
            };
            let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
            if a > b || b > MAX_CPU {
                return None;
            }
            for c in a..=b {
                set.insert(c);
            }
        }
        Some(CpuList(set))
    }
}

/// Ordered as the CPU mask read as one number, the highest CPU deciding: the order
/// configurations with pin lists had in the matrix when the mask was a `u128`.
impl Ord for CpuList {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cpus().iter().rev().cmp(other.cpus().iter().rev())
    }
}

impl PartialOrd for CpuList {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::CpuList;
    use crate::config::{Config, Pin, Strategy};
    use crate::sample::EngineEvent;

    #[test]
    fn lists_order_as_their_mask_read_as_a_number() {
        let l = |s: &str| CpuList::parse(s).unwrap();
        assert!(l("0") < l("1"));
        assert!(l("0,1") < l("2"));
        assert!(l("3") < l("0,3"));
        assert!(l("0,127") < l("128"));
        assert_eq!(l("1,0"), l("0-1"));
        assert_eq!(CpuList::parse("0,,1"), None);
    }

    #[test]
    fn pin_lists_name_cpus_up_to_1023_and_print_back() {
        let p: Pin = "0,200".parse().unwrap();
        assert_eq!(p.to_string(), "0+200");
        assert_eq!(p.to_string().parse::<Pin>(), Ok(p));
        assert_eq!("130".parse::<Pin>().unwrap().to_string(), "130");
        assert_eq!(
            "1020-1023".parse::<Pin>().unwrap().to_string(),
            "1020+1021+1022+1023"
        );
        assert_eq!(p.cpu_for(true, 0, &[0]), Some(200));
        assert!("1024".parse::<Pin>().is_err());
        assert!("0-1024".parse::<Pin>().is_err());
    }

    #[test]
    fn pin_lists_beyond_cpu_63_survive_a_recording() {
        for list in ["0,1", "0,70", "127", "0,200"] {
            let config = Config {
                pin: list.parse().unwrap(),
                ..Config::new(Strategy::OneCopy, 64, 1)
            };
            let line = serde_json::to_string(&EngineEvent::Started { config }).unwrap();
            let back: EngineEvent = serde_json::from_str(&line).unwrap();
            assert_eq!(back, EngineEvent::Started { config }, "{line}");
        }
    }
}
