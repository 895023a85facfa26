//! Counter groups once opened: by each worker thread for itself, read by the sampler.

use super::{CounterPlan, CpuCounters, GroupSpec, OpenFn, RawGroup, RawReading};
use crate::sample::Gap;
use std::io;

/// One thread's read: per planned group, or why there is none.
pub type ThreadReading = Result<Vec<RawReading>, Gap>;

/// The groups of one worker thread, opened by it for itself and read by the sampler.
pub struct ThreadCounters {
    groups: Result<Vec<Box<dyn RawGroup>>, Gap>,
}

impl ThreadCounters {
    /// Opens and enables every group of the plan for the calling thread. One group
    /// failing leaves the thread uncounted (so every figure sums the same threads),
    /// with the reason.
    pub fn open(plan: &CounterPlan) -> ThreadCounters {
        if plan.groups.is_empty() {
            return ThreadCounters {
                groups: Ok(Vec::new()),
            };
        }
        if !plan.take_slot() {
            return ThreadCounters {
                groups: Err(Gap::NoDescriptors),
            };
        }
        if let Some(on_cpus) = plan.thread_groups_on_cpus() {
            if let Ok(groups) = open_all(&plan.open, &on_cpus) {
                return ThreadCounters { groups: Ok(groups) };
            }
            // Not allowed CPU-wide here (or not on every CPU): counted per thread.
        }
        ThreadCounters::open_specs(&plan.open, &plan.groups)
    }

    /// Opens and enables `specs` with `open` (a pinned CPU's, `--count cpu`).
    pub(super) fn open_specs(open: &OpenFn, specs: &[GroupSpec]) -> ThreadCounters {
        ThreadCounters {
            groups: open_all(open, specs),
        }
    }

    /// No groups (`--count cpu`: the pinned CPUs are counted instead).
    pub fn none() -> ThreadCounters {
        ThreadCounters {
            groups: Ok(Vec::new()),
        }
    }

    pub fn read(&mut self) -> ThreadReading {
        let groups = self.groups.as_mut().map_err(|g| *g)?;
        groups
            .iter_mut()
            .map(|g| {
                g.read().map_err(|e| Gap::Read {
                    errno: e.raw_os_error().unwrap_or(libc::EIO),
                })
            })
            .collect()
    }
}

/// Opens and enables `specs`: all of them, or why not.
fn open_all(open: &OpenFn, specs: &[GroupSpec]) -> Result<Vec<Box<dyn RawGroup>>, Gap> {
    let err = |e: io::Error| Gap::Open {
        errno: e.raw_os_error().unwrap_or(libc::EIO),
    };
    let mut groups = Vec::with_capacity(specs.len());
    for spec in specs {
        groups.push(open(spec).map_err(err)?);
    }
    for g in &mut groups {
        g.enable().map_err(err)?;
    }
    Ok(groups)
}

/// Groups are opened by each worker and handed to the sampler thread.
const _: () = {
    const fn is_send<T: Send>() {}
    is_send::<ThreadCounters>();
    is_send::<CpuCounters>()
};
