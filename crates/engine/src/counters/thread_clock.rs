//! A thread's CPU time, user time and context switches without perf: its CPU clocks
//! and /proc's switch counts.

use super::{Metric, RawGroup, RawReading};
use std::io;

/// Nanoseconds per clock tick of /proc's times (USER_HZ, 100 on Linux: 10 ms).
pub fn ns_per_tick() -> io::Result<u64> {
    use nix::unistd::{sysconf, SysconfVar};
    let ticks = sysconf(SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .filter(|&t| t > 0)
        .ok_or_else(|| io::Error::other("CLK_TCK unknown"))?;
    Ok(1_000_000_000 / ticks as u64)
}

/// The calling thread's CPU time, context switches and user time, read by whichever
/// thread asks: its CPU clocks and /proc's switch counts, no perf event on the thread.
/// (Its user time was read from /proc/self/task/TID/stat before: reading that file
/// every interval cost 25-30 % throughput at one-copy 128K × 2, interleaved pairs.)
pub(super) struct ThreadTimes {
    events: Vec<Metric>,
    clock: libc::clockid_t,
    user_clock: libc::clockid_t,
    /// /proc/self/task/TID/status
    status: String,
}

impl ThreadTimes {
    pub(super) fn for_calling_thread(events: &[Metric]) -> io::Result<ThreadTimes> {
        if let Some(m) = events.iter().find(|m| {
            !matches!(
                m,
                Metric::CpuTime | Metric::ContextSwitches | Metric::UserCpuTime
            )
        }) {
            return Err(io::Error::other(format!(
                "{} is not read from the thread's clocks or /proc",
                m.event_name()
            )));
        }
        let clock = crate::sys::thread_cpu_clock()?;
        let mut t = ThreadTimes {
            events: events.to_vec(),
            clock,
            user_clock: crate::sys::user_clock_of(clock),
            status: format!("/proc/self/task/{}/status", nix::unistd::gettid()),
        };
        t.read()?;
        Ok(t)
    }

    fn status_text(&self) -> io::Result<String> {
        use std::io::Read as _;
        let mut text = String::new();
        std::fs::File::open(&self.status)?
            .take(8192)
            .read_to_string(&mut text)?;
        Ok(text)
    }
}

/// Voluntary + involuntary context switches from a /proc/…/status text.
pub fn context_switches(status: &str) -> Option<u64> {
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .trim()
            .parse()
            .ok()
    };
    Some(field("voluntary_ctxt_switches:")? + field("nonvoluntary_ctxt_switches:")?)
}

impl RawGroup for ThreadTimes {
    fn enable(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let mut values = Vec::with_capacity(self.events.len());
        for m in &self.events {
            values.push(match m {
                Metric::CpuTime => crate::sys::clock_ns(self.clock)?,
                Metric::ContextSwitches => context_switches(&self.status_text()?)
                    .ok_or_else(|| io::Error::other(format!("unreadable {}", self.status)))?,
                _ => crate::sys::clock_ns(self.user_clock)?,
            });
        }
        // No enabled/running times: never scaled.
        Ok(RawReading {
            enabled: 0,
            running: 0,
            values,
        })
    }
}
