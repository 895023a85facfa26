//! Which core PMUs the CPU has (hybrid Intel CPUs have two) and what a generic event
//! counts on each vendor's CPUs.

use super::{Metric, Pmu};
use std::collections::BTreeMap;

/// What a generic event really counts on each vendor's CPUs (`-v`, help, README).
pub fn vendor_note(m: Metric, vendor: &str) -> Option<String> {
    let amd = matches!(vendor, "AuthenticAMD" | "HygonGenuine");
    let intel = vendor == "GenuineIntel";
    Some(match m {
        Metric::L1dMisses if intel => "on Intel this is L1D.REPLACEMENT: every line brought into L1D, store misses included, not only loads".into(),
        Metric::L1dMisses if amd => "on AMD Zen this is raw event 0xc860 (demand data-cache fills), not only loads".into(),
        Metric::L1dMisses => "what the CPU maps L1-dcache-load-misses to (Intel: L1D.REPLACEMENT, all fills; AMD: 0xc860)".into(),
        Metric::CacheMisses if amd => {
            "generic cache-misses event; on AMD Zen it counts L2 cache misses, not last-level".into()
        }
        Metric::CacheMisses if intel => {
            "generic cache-misses event; on Intel it counts last-level cache misses".into()
        }
        Metric::CacheMisses => "generic cache-misses event; what it counts depends on the CPU".into(),
        _ => return None,
    })
}

/// The CPUs of a sysfs cpulist ("0-7,16"); `None` if it is not one.
pub fn parse_cpulist(text: &str) -> Option<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let (a, b): (usize, usize) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let c = part.trim().parse().ok()?;
                (c, c)
            }
        };
        if a > b || b >= crate::config::CPU_SET_SIZE {
            return None;
        }
        cpus.extend(a..=b);
    }
    Some(cpus)
}

/// The CPUs each core PMU of a hybrid CPU covers (sysfs `cpus`), by PMU name.
pub fn hybrid_pmu_cpus(pmus: &[Pmu]) -> BTreeMap<String, Vec<usize>> {
    pmus.iter()
        .filter_map(|p| match p {
            Pmu::Hybrid { name, .. } => {
                let text =
                    std::fs::read_to_string(format!("/sys/bus/event_source/devices/{name}/cpus"))
                        .ok()?;
                Some((name.clone(), parse_cpulist(&text)?))
            }
            _ => None,
        })
        .collect()
}

/// The core PMUs of a hybrid Intel CPU, `[cpu_core, cpu_atom]`; empty elsewhere
/// (both or none: one alone is not a hybrid CPU we understand).
pub fn hybrid_pmus() -> Vec<Pmu> {
    let pmus: Vec<Pmu> = ["cpu_core", "cpu_atom"]
        .iter()
        .filter_map(|name| {
            let t = std::fs::read_to_string(format!("/sys/bus/event_source/devices/{name}/type"))
                .ok()?;
            Some(Pmu::Hybrid {
                name: name.to_string(),
                type_id: t.trim().parse().ok()?,
            })
        })
        .collect();
    if pmus.len() == 2 {
        pmus
    } else {
        Vec::new()
    }
}
