//! The options every measuring command shares.

use super::values::{parse_interval, parse_seconds_or_zero, parse_topology};
use crate::session::MeasureSettings;
use clap::Args;
use std::path::PathBuf;

/// Options every measuring command shares.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Run over 127.0.0.1 in the current namespace instead of a private veth network (no root needed for the network)
    #[arg(long)]
    pub no_netns: bool,
    /// Network: veth (TCP between two namespaces) or sink (UDP datagrams through a router namespace, MTU 65535, to a blackhole route: nothing receives them, so zero-copy need not copy)
    #[arg(long, default_value = "veth", value_parser = parse_topology, value_name = "T")]
    pub topology: crate::session::Topology,
    /// Write every sample and configuration change as JSON lines to FILE (replay it with `netio-tui replay FILE`)
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// More detail: setup timings, per-connection byte checks
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Sample interval in seconds, 0.01 to 60
    #[arg(long, default_value = "0.25", value_parser = parse_interval, allow_negative_numbers = true, value_name = "SECS")]
    pub interval: f64,
    /// Warm-up before each configuration's measured window, in seconds (excluded from all figures)
    #[arg(long, default_value = "0.05", value_parser = parse_seconds_or_zero, allow_negative_numbers = true, value_name = "SECS")]
    pub warmup: f64,
    /// Sample where the worker threads' CPU time goes (copy, TCP/IP, syscall, scheduler, user). Off by default: each sample interrupts a measured CPU (at the default 500 Hz no cost was measurable here; at 2000 Hz about 10 % throughput at 64K)
    #[arg(long)]
    pub profile: bool,
    /// Count system calls per message (raw_syscalls tracepoint). Off by default: while it is open every system call takes the kernel's slow entry path (~12 % throughput at two-copy 64 B)
    #[arg(long)]
    pub syscalls: bool,
    /// Samples per second of each CPU's time for the CPU-time breakdown, 100 to 20000 (default 500); implies --profile
    #[arg(long, value_parser = parse_profile_rate, value_name = "HZ")]
    pub profile_rate: Option<u32>,
    /// Run the other half of every connection on this host, started over your own ssh as `netio-tui agent --stdio` (your ssh config, keys and known_hosts apply); no namespaces, no root needed here
    #[arg(long, value_parser = crate::peer::parse_target, value_name = "[USER@]HOST[:PORT]")]
    pub peer: Option<crate::peer::PeerTarget>,
    /// One option for ssh with --peer, passed as one argument, in order (repeatable): --peer-ssh-option=-oPort=2222
    #[arg(
        long = "peer-ssh-option",
        value_name = "OPT",
        allow_hyphen_values = true,
        requires = "peer"
    )]
    pub peer_ssh_option: Vec<String>,
    /// With --peer: stream this binary over the same ssh connection into a private temporary directory there, run it, remove it when the agent ends (same architecture only)
    #[arg(long, requires = "peer")]
    pub peer_copy: bool,
    /// With --peer: the far host sends and this one receives (default: this host sends)
    #[arg(long, requires = "peer")]
    pub reverse: bool,
}

impl Common {
    /// The plain settings the rest of the program takes.
    pub fn settings(&self) -> MeasureSettings {
        MeasureSettings {
            no_netns: self.no_netns,
            topology: self.topology,
            record: self.record.clone(),
            verbose: self.verbose > 0,
            interval: self.interval,
            warmup: self.warmup,
            profile_hz: (self.profile || self.profile_rate.is_some()).then(|| {
                self.profile_rate
                    .unwrap_or(crate::engine::profile::DEFAULT_RATE_HZ)
            }),
            syscalls: self.syscalls,
            peer: self.peer.clone().map(|target| crate::peer::PeerSettings {
                target,
                ssh_options: self.peer_ssh_option.clone(),
                copy: self.peer_copy,
                reverse: self.reverse,
            }),
        }
    }
}

/// The sampling profiler's rate: slow enough to stay cheap, fast enough to resolve a
/// bucket of a few percent within one window.
fn parse_profile_rate(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(v) if (100..=20_000).contains(&v) => Ok(v),
        _ => Err(format!(
            "invalid profile rate '{s}': allowed: whole samples per second from 100 to 20000"
        )),
    }
}
