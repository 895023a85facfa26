//! The counters' one test seam: faults injected into perf_event_open, and the evidence
//! counters switched off. Test-only in purpose: the binary's integration tests
//! (tests/counters_cli.rs) and the benchmark scripts ask for them through the
//! environment, since they cannot reach into the process. [`FaultSeam::from_env`] is
//! read at one place only, where [`CounterPlan::probe`](super::CounterPlan::probe)
//! picks its opener; an unset environment is the real opener, unchanged.

use super::{OpenFn, Pmu};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// `NETIO_TUI_PERF_FAULT=EACCES` fails every perf_event_open with that errno;
/// `EMFILE@K` lets the first K worker groups open and fails the rest. No PMU or
/// unprivileged user is needed to see what the user sees.
pub const FAULT_ENV: &str = "NETIO_TUI_PERF_FAULT";

/// `NETIO_TUI_EVIDENCE=off` measures without the evidence counters (syscall and
/// receive-copy tracepoints, /proc user time), to see what they cost.
pub const NO_EVIDENCE_ENV: &str = "NETIO_TUI_EVIDENCE";

/// `NETIO_TUI_TRACEPOINTS=thread|cpu` forces how the threads' tracepoints are
/// counted (per-thread events, or CPU-wide ones filtered to each thread) instead of
/// the choice by thread count: to compare what each costs.
pub const TRACEPOINTS_ENV: &str = "NETIO_TUI_TRACEPOINTS";

/// perf_event_open failing on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerfFault {
    pub errno: i32,
    /// How many opens succeed first; `None`: every open fails, the probe's too.
    pub after: Option<usize>,
}

/// What the environment asks of the counters, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultSeam {
    pub perf: Option<PerfFault>,
    /// Measure without the evidence counters.
    pub evidence_off: bool,
    /// Tracepoints CPU-wide (`Some(true)`) or per thread (`Some(false)`) always.
    pub tracepoints_on_cpus: Option<bool>,
}

impl FaultSeam {
    /// From [`FAULT_ENV`] and [`NO_EVIDENCE_ENV`]; a value it does not understand is
    /// no fault.
    pub fn from_env() -> FaultSeam {
        let mut seam = FaultSeam::parse(
            std::env::var(FAULT_ENV).ok().as_deref(),
            std::env::var_os(NO_EVIDENCE_ENV).as_deref(),
        );
        seam.tracepoints_on_cpus = match std::env::var(TRACEPOINTS_ENV).ok().as_deref() {
            Some("cpu") => Some(true),
            Some("thread") => Some(false),
            _ => None,
        };
        seam
    }

    fn parse(fault: Option<&str>, evidence: Option<&std::ffi::OsStr>) -> FaultSeam {
        let perf = fault.and_then(|v| match v.split_once('@') {
            Some((e, k)) => Some(PerfFault {
                errno: errno_named(e)?,
                after: Some(k.parse().ok()?),
            }),
            None => Some(PerfFault {
                errno: errno_named(v)?,
                after: None,
            }),
        });
        FaultSeam {
            perf,
            evidence_off: evidence.is_some_and(|v| v == "off"),
            tracepoints_on_cpus: None,
        }
    }
}

fn errno_named(name: &str) -> Option<i32> {
    Some(match name {
        "EACCES" => libc::EACCES,
        "EPERM" => libc::EPERM,
        "ENOENT" => libc::ENOENT,
        "EINVAL" => libc::EINVAL,
        "EMFILE" => libc::EMFILE,
        "ENOSYS" => libc::ENOSYS,
        "EOPNOTSUPP" => libc::EOPNOTSUPP,
        _ => return None,
    })
}

/// An opener that fails with `errno` after `after` successful opens. /proc/stat is
/// not perf: a fault of perf_event_open leaves it alone.
pub fn failing_after(inner: OpenFn, errno: i32, after: usize) -> OpenFn {
    let opened = AtomicUsize::new(0);
    Arc::new(move |spec| {
        if spec.pmu == Pmu::CpuStat {
            return inner(spec);
        }
        if opened.fetch_add(1, Ordering::Relaxed) >= after {
            return Err(io::Error::from_raw_os_error(errno));
        }
        inner(spec)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn the_seam_reads_an_errno_a_count_and_evidence_off() {
        assert_eq!(FaultSeam::parse(None, None), FaultSeam::default());
        let all = FaultSeam::parse(Some("EACCES"), None);
        assert_eq!(
            all.perf,
            Some(PerfFault {
                errno: libc::EACCES,
                after: None
            })
        );
        let some = FaultSeam::parse(Some("EMFILE@3"), Some(OsStr::new("off")));
        assert_eq!(
            some.perf,
            Some(PerfFault {
                errno: libc::EMFILE,
                after: Some(3)
            })
        );
        assert!(some.evidence_off);
        assert_eq!(FaultSeam::parse(Some("EBOGUS"), None).perf, None);
        assert_eq!(FaultSeam::parse(Some("EMFILE@x"), None).perf, None);
        assert!(!FaultSeam::parse(None, Some(OsStr::new("on"))).evidence_off);
    }
}
