//! One configuration's samplers: their ring buffers drained into each side's totals.

use super::top::FunctionTally;
use super::{
    kallsyms, Bucket, Classifier, Clock, Profile, Side, SideProfile, TopFunctions, TOP_FUNCTIONS,
};
use perf_event::Sampler;
use std::collections::HashMap;

const MISC_CPUMODE_MASK: u16 = 7;
const MISC_USER: u16 = 2;
const MISC_GUEST_USER: u16 = 5;

/// One sample, or samples the kernel could not write.
pub(super) enum Record {
    Sample {
        tid: u32,
        bucket: Bucket,
        /// The kernel symbol it fell in, where named.
        symbol: Option<usize>,
        period: u64,
    },
    Lost(u64),
}

/// Moves every record in a ring buffer to `each`.
fn drain_ring(sampler: &mut Sampler, classify: &mut Classifier, mut each: impl FnMut(Record)) {
    use perf_event::data::Record as R;
    while let Some(rec) = sampler.next_record() {
        let mode = rec.misc() & MISC_CPUMODE_MASK;
        match rec.parse_record() {
            Ok(R::Sample(s)) => {
                let (Some(ip), period) = (s.ip(), s.period().unwrap_or(0)) else {
                    continue;
                };
                let (bucket, symbol) = if mode == MISC_USER || mode == MISC_GUEST_USER {
                    (Bucket::User, None)
                } else {
                    classify.kernel(ip)
                };
                each(Record::Sample {
                    tid: s.tid().unwrap_or(0),
                    bucket,
                    symbol,
                    period,
                });
            }
            Ok(R::Lost(l)) => each(Record::Lost(l.lost)),
            _ => {}
        }
    }
}

/// The ring buffers of one configuration.
pub(super) enum Sources {
    /// One per worker thread, by side.
    Threads { tx: Vec<Sampler>, rx: Vec<Sampler> },
    /// One per CPU, and which worker thread id is on which side.
    Cpus {
        samplers: Vec<Sampler>,
        sides: HashMap<u32, Side>,
    },
}

/// Samplers are opened by the engine and handed to the sampler thread.
const _: () = {
    const fn is_send<T: Send>() {}
    is_send::<ProfileProbe>()
};

/// All samplers of one configuration, and the running totals per side.
pub struct ProfileProbe {
    pub clock: Clock,
    sources: Sources,
    classify: Classifier,
    totals: Profile,
    functions: FunctionTally,
}

impl ProfileProbe {
    pub(super) fn new(clock: Clock, sources: Sources, tx: usize, rx: usize) -> ProfileProbe {
        let mut totals = Profile {
            clock,
            unresolved: kallsyms().is_err(),
            tx: SideProfile::default(),
            rx: SideProfile::default(),
        };
        totals.tx.threads = tx as u32;
        totals.rx.threads = rx as u32;
        ProfileProbe {
            clock,
            sources,
            classify: Classifier::new(kallsyms().as_ref().ok()),
            totals,
            functions: FunctionTally::default(),
        }
    }

    /// Drains every ring buffer; returns the cumulative totals.
    pub fn drain(&mut self) -> Profile {
        let (classify, totals, functions) =
            (&mut self.classify, &mut self.totals, &mut self.functions);
        match &mut self.sources {
            Sources::Threads { tx, rx } => {
                for (rings, side) in [(tx, Side::Tx), (rx, Side::Rx)] {
                    for s in rings {
                        // Each ring is one thread's: its records are that side's.
                        drain_ring(s, classify, |r| match r {
                            Record::Sample {
                                bucket,
                                symbol,
                                period,
                                ..
                            } => count(side, totals, functions, bucket, symbol, period),
                            Record::Lost(n) => totals.side_mut(side).lost += n,
                        });
                    }
                }
            }
            Sources::Cpus { samplers, sides } => {
                for s in samplers {
                    drain_ring(s, classify, |r| attribute(sides, totals, functions, r));
                }
            }
        }
        self.totals
    }

    /// Starts counting samples per kernel function afresh (at the measured window's
    /// start: warm-up is not in the top list).
    pub fn restart_functions(&mut self) {
        self.functions.clear();
    }

    /// Each side's [`TOP_FUNCTIONS`] kernel functions since [`Self::restart_functions`].
    pub fn top_functions(&mut self) -> TopFunctions {
        self.functions.top(TOP_FUNCTIONS, &mut self.classify)
    }
}

/// A per-CPU record: a worker thread's sample to its side by its thread id, other
/// threads' dropped. Lost records name no thread: they are counted on the sending side.
pub(super) fn attribute(
    sides: &HashMap<u32, Side>,
    totals: &mut Profile,
    functions: &mut FunctionTally,
    r: Record,
) {
    match r {
        Record::Sample {
            tid,
            bucket,
            symbol,
            period,
        } => {
            if let Some(&side) = sides.get(&tid) {
                count(side, totals, functions, bucket, symbol, period);
            }
        }
        Record::Lost(n) => totals.tx.lost += n,
    }
}

/// One sample of a worker thread: its bucket's time, and its kernel function.
fn count(
    side: Side,
    totals: &mut Profile,
    functions: &mut FunctionTally,
    bucket: Bucket,
    symbol: Option<usize>,
    period: u64,
) {
    totals.side_mut(side).add(bucket, period);
    functions.add(side, symbol);
}
