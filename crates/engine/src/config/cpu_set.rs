//! Sets of CPUs as plain data, and the pinned CPUs of a configuration by side.

use serde::{Deserialize, Serialize};
use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
