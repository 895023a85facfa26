//! What machine the figures come from: shown on screen and written into recordings.

use super::counters::CounterPlan;
use super::sample::MachineInfo;
use std::time::SystemTime;

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
        zerocopy_error: None,
        unavailable: Default::default(),
        started: crate::timefmt::iso8601(SystemTime::now()),
        ..Default::default()
    }
}
