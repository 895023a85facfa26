//! What machine the figures come from: shown on screen and written into recordings.

use super::counters::CounterPlan;
use super::sample::{MachineInfo, Roofline};
use std::time::{Duration, Instant, SystemTime};

fn cpuinfo_field(name: &str) -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

pub fn cpu_vendor() -> String {
    cpuinfo_field("vendor_id").unwrap_or_default()
}

pub fn describe(network: &str, plan: &CounterPlan) -> MachineInfo {
    MachineInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".into()),
        cpu_model: cpuinfo_field("model name").unwrap_or_else(|| "unknown CPU".into()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        network: network.to_string(),
        counters: plan.statuses.clone(),
        perf_error: plan.perf_error.clone(),
        cpu_counters: plan.cpu_statuses.clone(),
        zerocopy_error: None,
        unavailable: Default::default(),
        started: crate::timefmt::iso8601(SystemTime::now()),
        roofline: None,
        ..Default::default()
    }
}

/// Copies `len` bytes from one buffer to another until `budget` has passed (at least
/// `min_rounds` times) and returns the best ns per byte: the machine's memcpy cost,
/// as little disturbed by other work as this moment allows.
fn memcpy_ns_per_byte(len: usize, budget: Duration, min_rounds: u32) -> f64 {
    let src = vec![0x5au8; len];
    let mut dst = vec![0u8; len];
    // Touched once first: page faults are not copies.
    dst.copy_from_slice(&src);
    let start = Instant::now();
    let mut best = f64::INFINITY;
    let mut rounds = 0;
    while rounds < min_rounds || start.elapsed() < budget {
        let t = Instant::now();
        dst.copy_from_slice(std::hint::black_box(&src));
        std::hint::black_box(&mut dst);
        best = best.min(t.elapsed().as_nanos() as f64 / len as f64);
        rounds += 1;
    }
    best
}

/// In-cache buffer for the roofline: fits in any L2.
const ROOFLINE_CACHE_BYTES: usize = 64 << 10;
/// DRAM-sized buffer: larger than the last-level cache of most machines.
const ROOFLINE_DRAM_BYTES: usize = 64 << 20;

/// The copy roofline of this machine, in a few ms.
pub fn measure_roofline() -> Roofline {
    Roofline {
        cache_bytes: ROOFLINE_CACHE_BYTES as u64,
        cache_ns_per_byte: memcpy_ns_per_byte(ROOFLINE_CACHE_BYTES, Duration::from_millis(5), 50),
        dram_bytes: ROOFLINE_DRAM_BYTES as u64,
        dram_ns_per_byte: memcpy_ns_per_byte(ROOFLINE_DRAM_BYTES, Duration::from_millis(20), 3),
    }
}
