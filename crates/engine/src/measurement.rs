//! One configuration being measured: its worker threads and the sampler that turns
//! their counters into [`Sample`]s and, at the end, one [`ConfigResult`].

use super::config::Config;
use super::counters::{
    cpu_window, window, CpuCounters, CpuPart, GroupSpec, Sentinel, SentinelReading, ThreadCounters,
    ThreadReading,
};
use super::profile::{Profile, ProfileProbe};
use super::sample::{
    ConfigResult, Counts, EngineEvent, Failure, Measured, RoundTrips, RxZcStats, Sample, ZcStats,
};
use super::sys::{self, TcpCounts};
use super::worker::{rr::RttProbe, RunShared, ThreadStats};
use crossbeam_channel::{Receiver, Sender};
use std::os::fd::AsFd;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Cumulative totals at one instant: raw counter readings, per thread.
#[derive(Clone)]
struct Snapshot {
    at: Instant,
    bytes: u64,
    messages: u64,
    tx: Vec<ThreadReading>,
    rx: Vec<ThreadReading>,
    /// `--count cpu`: each pinned CPU's reading, in the probe's order.
    cpus: Vec<ThreadReading>,
    zc: ZcStats,
    rx_zc: RxZcStats,
    /// No receiver threads (sink topology).
    sink: bool,
    /// Cumulative samples per bucket, where profiling.
    profile: Option<Profile>,
    /// Each sender socket's TCP_INFO (`None`: unreadable).
    tcp: Vec<Option<TcpCounts>>,
    /// The machine's and our threads' CPU time (`None`: unreadable).
    sentinel: Option<SentinelReading>,
    /// `--workload rr`: every round trip so far, merged over the requesters.
    rtt: Option<RoundTrips>,
}

/// The sender sockets' TCP figures over a window: `None` unless every socket was read
/// at both edges (a partial sum would look like fewer segments).
fn tcp_window(earlier: &[Option<TcpCounts>], later: &[Option<TcpCounts>]) -> Option<[u64; 4]> {
    if earlier.is_empty() || earlier.len() != later.len() {
        return None;
    }
    earlier
        .iter()
        .zip(later)
        .try_fold([0u64; 4], |sum, (a, b)| {
            let (a, b) = ((*a)?, (*b)?);
            Some([
                sum[0] + u64::from(b.data_segs_out.wrapping_sub(a.data_segs_out)),
                sum[1] + b.bytes_sent.saturating_sub(a.bytes_sent),
                sum[2] + u64::from(b.total_retrans.wrapping_sub(a.total_retrans)),
                sum[3] + b.limited_us.saturating_sub(a.limited_us),
            ])
        })
}

/// One side's counts over a window: each thread's estimate, summed.
fn side_window(groups: &[GroupSpec], earlier: &[ThreadReading], later: &[ThreadReading]) -> Counts {
    earlier
        .iter()
        .zip(later)
        .map(|(a, b)| window(groups, a, b))
        .fold(Counts::default(), |sum, c| sum.plus(&c))
}

/// The counts of the pinned CPUs hosting `part` over a window (`--count cpu`), summed;
/// `None` where no pinned CPU hosts it.
pub(crate) fn cpu_part_window(
    cpus: &[CpuCounters],
    part: CpuPart,
    earlier: &[ThreadReading],
    later: &[ThreadReading],
) -> Option<Counts> {
    cpus.iter()
        .zip(earlier.iter().zip(later))
        .filter(|(c, _)| c.part == part)
        .map(|(c, (a, b))| cpu_window(&c.groups, c.cpu, a, b))
        .reduce(|sum, c| sum.plus(&c))
}

impl Snapshot {
    fn since(&self, earlier: &Snapshot, probe: &Probe, zc: ZcKinds) -> Measured {
        let groups = &probe.groups;
        let per_cpu = |part| cpu_part_window(&probe.cpus, part, &earlier.cpus, &self.cpus);
        let mut tx = if probe.cpus.is_empty() {
            side_window(groups, &earlier.tx, &self.tx)
        } else {
            per_cpu(CpuPart::Senders).unwrap_or_default()
        };
        if let Some([segs, bytes, retrans, limited]) = tcp_window(&earlier.tcp, &self.tcp) {
            (tx.tcp_segs, tx.tcp_bytes, tx.tcp_retrans) = (Some(segs), Some(bytes), Some(retrans));
            tx.tcp_limited_us = Some(limited);
        }
        let rx = if self.sink {
            // No receiver threads: the receiving side costs nothing of ours, and a
            // figure the senders have is not made unknown by their absence.
            nothing_like(&tx)
        } else if probe.cpus.is_empty() {
            side_window(groups, &earlier.rx, &self.rx)
        } else {
            per_cpu(CpuPart::Receivers).unwrap_or_default()
        };
        let both = per_cpu(CpuPart::Both);
        Measured {
            seconds: (self.at - earlier.at).as_secs_f64(),
            bytes: self.bytes - earlier.bytes,
            messages: self.messages - earlier.messages,
            tx,
            rx,
            both,
            zc: zc.send.then(|| self.zc.minus(&earlier.zc)),
            rx_zc: zc.receive.then(|| self.rx_zc.minus(&earlier.rx_zc)),
            profile: self
                .profile
                .zip(earlier.profile)
                .map(|(later, earlier)| later.minus(&earlier)),
            memcpy_ns_per_byte: probe.memcpy_ns_per_byte,
            noise: probe
                .sentinel
                .as_ref()
                .zip(earlier.sentinel.as_ref().zip(self.sentinel.as_ref()))
                .and_then(|(s, (a, b))| s.window(a, b)),
            rtt: self
                .rtt
                .as_ref()
                .zip(earlier.rtt.as_ref())
                .map(|(later, earlier)| later.minus(earlier)),
            fixed_messages: None,
        }
    }
}

/// Which zero-copy figures a configuration has.
#[derive(Clone, Copy)]
struct ZcKinds {
    send: bool,
    receive: bool,
}

impl ZcKinds {
    fn of(c: &Config) -> ZcKinds {
        ZcKinds {
            send: c.strategy.uses_zerocopy(),
            receive: c.recv == super::config::RecvMode::ZeroCopy,
        }
    }
}

/// Reads all threads' counters; owned by the sampler thread.
pub(crate) struct Probe {
    pub tx_stats: Vec<Arc<ThreadStats>>,
    pub rx_stats: Vec<Arc<ThreadStats>>,
    /// The groups every thread was asked to open (none: perf refused, nothing counted).
    pub groups: Vec<GroupSpec>,
    pub tx_counters: Vec<ThreadCounters>,
    pub rx_counters: Vec<ThreadCounters>,
    /// `--count cpu`: the pinned CPUs' groups, read instead of the threads'.
    pub cpus: Vec<CpuCounters>,
    /// Nothing receives (sink topology): bytes are what the senders pushed, in
    /// messages of this size.
    pub sent_messages_of: Option<usize>,
    /// The sampling profiler's ring buffers, drained here and nowhere else.
    pub profile: Option<ProfileProbe>,
    /// Duplicates of the sender sockets, for TCP_INFO at window edges: read here, the
    /// senders' loop never pays for it.
    pub tx_sockets: Vec<socket2::Socket>,
    /// The machine's in-cache memcpy cost (the copy roofline), carried in every window.
    pub memcpy_ns_per_byte: Option<f64>,
    /// The noise sentinel, over the worker threads (the sampler adds itself).
    pub sentinel: Option<Sentinel>,
    /// `--peer`: the far half, whose figures of each interval join ours.
    pub far: Option<Arc<dyn crate::far::FarSide>>,
    /// `--workload rr`: the requesters' round-trip histograms.
    pub rtt: Option<RttProbe>,
}

impl Probe {
    fn snapshot(&mut self) -> Snapshot {
        // Taken beside the byte counts, so transactions and messages cover one span.
        if let Some(r) = &mut self.rtt {
            r.take();
        }
        let zc = self
            .tx_stats
            .iter()
            .fold(ZcStats::default(), |a, s| a.plus(&s.zc()));
        let (bytes, messages) = match self.sent_messages_of {
            Some(size) => {
                let sent: u64 = self.tx_stats.iter().map(|s| s.bytes.load(Relaxed)).sum();
                (sent, sent / size.max(1) as u64)
            }
            None => (
                self.rx_stats.iter().map(|s| s.bytes.load(Relaxed)).sum(),
                self.rx_stats.iter().map(|s| s.messages.load(Relaxed)).sum(),
            ),
        };
        Snapshot {
            at: Instant::now(),
            bytes,
            messages,
            tx: self.tx_counters.iter_mut().map(|c| c.read()).collect(),
            rx: self.rx_counters.iter_mut().map(|c| c.read()).collect(),
            cpus: self.cpus.iter_mut().map(|c| c.read()).collect(),
            sink: self.sent_messages_of.is_some(),
            zc,
            rx_zc: self
                .rx_stats
                .iter()
                .fold(RxZcStats::default(), |a, s| a.plus(&s.rx_zc())),
            profile: self.profile.as_mut().map(ProfileProbe::drain),
            tcp: self
                .tx_sockets
                .iter()
                .map(|s| sys::tcp_counts(s.as_fd()).ok().flatten())
                .collect(),
            sentinel: self.sentinel.as_ref().and_then(|s| s.read().ok()),
            // Last: merging is the slow part, after every instant-bound reading.
            rtt: self.rtt.as_mut().map(RttProbe::merged),
        }
    }

    /// Empties the profiler's ring buffers into its totals (between snapshots, so a
    /// long interval cannot overflow them).
    fn drain(&mut self) {
        if let Some(p) = &mut self.profile {
            p.drain();
        }
    }
}

/// Zero wherever `c` has a figure, unknown where it has none.
fn nothing_like(c: &Counts) -> Counts {
    let zero = |v: Option<u64>| v.map(|_| 0);
    Counts {
        cycles: zero(c.cycles),
        instructions: zero(c.instructions),
        l1d_misses: zero(c.l1d_misses),
        llc_misses: zero(c.llc_misses),
        cache_misses: zero(c.cache_misses),
        context_switches: zero(c.context_switches),
        cpu_ns: zero(c.cpu_ns),
        // No threads of its own: coverage and hybrid split stay the senders'.
        ..Counts::default()
    }
}

/// When and how long the sampler measures.
pub(crate) struct Window {
    pub warmup: Duration,
    pub interval: Duration,
    /// Ends the window by itself after this long (headless runs); `None`: until stopped.
    pub length: Option<Duration>,
}

/// The sampler: waits out the warm-up, takes a baseline, publishes one sample per
/// interval and returns the whole window when told to stop, when its length is up, or
/// when a worker failed (then the window is void: no sample covers the failure).
/// The window is timed here, not by the caller, so a starved caller cannot shorten it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn spawn_sampler(
    config: Config,
    mut probe: Probe,
    window: Window,
    stop: Receiver<()>,
    shared: Arc<RunShared>,
    events: Sender<EngineEvent>,
    dropped: Arc<std::sync::atomic::AtomicU64>,
    done: Sender<()>,
) -> std::io::Result<JoinHandle<Measured>> {
    std::thread::Builder::new()
        .name("netio-sampler".into())
        .spawn(move || {
            // Dropped when the window ends: wakes whoever waits for it.
            let _done = done;
            // `--messages`: the workers that made their amount end once this does.
            let _close = CloseFixed(&shared);
            // The sampler sleeps almost always; when it wakes it must run at once, or a
            // machine saturated by workers would stretch the window it times. Best effort.
            let _ = super::sys::make_thread_realtime();
            if let Some(s) = &mut probe.sentinel {
                s.add_calling_thread();
            }
            let zerocopy = ZcKinds::of(&config);
            // `--messages`: no warm-up; the baseline comes before the workers start.
            let fixed = shared.fixed.as_ref();
            let early = fixed.map(|f| {
                let b = probe.snapshot();
                f.open();
                b
            });
            // Warm-up: excluded from every figure. A stop during warm-up yields an empty window.
            if early.is_none() && (stop.recv_timeout(window.warmup).is_ok() || shared.failed()) {
                return Measured {
                    zc: zerocopy.send.then(ZcStats::default),
                    rx_zc: zerocopy.receive.then(RxZcStats::default),
                    memcpy_ns_per_byte: probe.memcpy_ns_per_byte,
                    ..Default::default()
                };
            }
            let baseline = early.unwrap_or_else(|| probe.snapshot());
            // The top functions count the measured window, as every other figure.
            if let Some(p) = &mut probe.profile {
                p.restart_functions();
            }
            // An amount ends when the last connection has made it, not at a time.
            let end = window
                .length
                .filter(|_| fixed.is_none())
                .map(|l| baseline.at + l);
            let whole = |now: &Snapshot, probe: &Probe| Measured {
                // Only where every connection made it (a stop may come first).
                fixed_messages: fixed
                    .filter(|_| shared.all_finished())
                    .map(|f| f.per_connection),
                ..now.since(&baseline, probe, zerocopy)
            };
            let mut prev = baseline.clone();
            let mut seq = 0u64;
            let mut next_tick = baseline.at + window.interval;
            loop {
                // A failing worker wakes the sampler through the stop channel.
                let mut wake = end.map_or(next_tick, |e| e.min(next_tick));
                // Ring buffers are emptied often enough not to overflow at long intervals.
                if probe.profile.is_some() {
                    wake = wake.min(Instant::now() + super::profile::DRAIN_PERIOD);
                }
                let stopped = stop
                    .recv_timeout(wake.saturating_duration_since(Instant::now()))
                    .is_ok();
                // A failed window is void (the result is the failure): no sample, no snapshot.
                if shared.failed() {
                    return prev.since(&baseline, &probe, zerocopy);
                }
                let at = Instant::now();
                let tick = at >= next_tick;
                let timed_out = end.is_some_and(|e| at >= e);
                if !(tick || timed_out || stopped) {
                    probe.drain();
                    continue;
                }
                let now = probe.snapshot();
                // A caller's stop mid-interval publishes no partial sample: Finished covers it.
                if (tick || timed_out) && !stopped {
                    let mut interval = now.since(&prev, &probe, zerocopy);
                    if let Some(far) = &probe.far {
                        match crate::far::join_interval(
                            far.as_ref(),
                            seq,
                            &interval,
                            window.interval,
                        ) {
                            Ok(joined) => interval = joined,
                            Err(f) => {
                                let _ = shared.failure.set(f);
                                shared.stop.store(true, Relaxed);
                                return prev.since(&baseline, &probe, zerocopy);
                            }
                        }
                    }
                    let sample = Sample {
                        config,
                        seq,
                        elapsed_s: (now.at - baseline.at).as_secs_f64(),
                        interval,
                        top: probe.profile.as_mut().map(ProfileProbe::top_functions),
                    };
                    // A slow consumer never slows the measurement: drop and count.
                    if events.try_send(EngineEvent::Sample(sample)).is_err() {
                        dropped.fetch_add(1, Relaxed);
                    }
                    seq += 1;
                    prev = now.clone();
                }
                if stopped || timed_out {
                    return whole(&now, &probe);
                }
                if tick {
                    next_tick += window.interval;
                    if next_tick < Instant::now() {
                        next_tick = Instant::now() + window.interval;
                    }
                }
            }
        })
        .map_err(super::sys::no_thread)
}

/// Closes the window of an amount (`--messages`) when dropped, on every way out.
struct CloseFixed<'a>(&'a RunShared);

impl Drop for CloseFixed<'_> {
    fn drop(&mut self) {
        self.0.close_fixed();
    }
}

/// A configuration being measured.
pub struct Measurement {
    pub(crate) config: Config,
    pub(crate) shared: Arc<RunShared>,
    pub(crate) workers: Vec<JoinHandle<()>>,
    pub(crate) sampler: Option<JoinHandle<Measured>>,
    pub(crate) sampler_stop: Sender<()>,
    /// Disconnects when the measured window has ended.
    pub(crate) window_done: Receiver<()>,
    pub(crate) tx_stats: Vec<Arc<ThreadStats>>,
    pub(crate) rx_stats: Vec<Arc<ThreadStats>>,
    /// Receiver index paired with each sender index.
    pub(crate) pairing: Vec<usize>,
    pub(crate) events: Sender<EngineEvent>,
    pub(crate) verify: bool,
    pub(crate) dropped: Arc<std::sync::atomic::AtomicU64>,
    /// `--peer`: the far half of every connection.
    pub(crate) far: Option<Arc<dyn crate::far::FarSide>>,
    /// The window's figures once it ended ([`Measurement::end_window`]).
    pub(crate) window_total: Option<Measured>,
}

impl Measurement {
    pub fn config(&self) -> Config {
        self.config
    }

    /// Becomes ready (disconnected) when the window has ended: a timed window ran its
    /// length, or the measurement was stopped. Select on it with the event stream.
    pub fn window_done(&self) -> &Receiver<()> {
        &self.window_done
    }

    /// True once a worker failed; the configuration should be finished.
    pub fn failed(&self) -> bool {
        self.shared.failed()
    }

    /// Ends the measured window, stops and joins the workers, checks that every byte
    /// sent arrived, and publishes and returns the result — or why there is none.
    /// Ends the measured window (the sampler's last snapshot, workers still running)
    /// and returns it; [`Measurement::finish`] then stops the workers. `--peer` needs
    /// the two apart: each host's window must end before either host's workers do.
    pub(crate) fn end_window(&mut self) -> Measured {
        let _ = self.sampler_stop.send(());
        if let Some(h) = self.sampler.take() {
            self.window_total = Some(h.join().unwrap_or_default());
        }
        self.window_total.clone().unwrap_or_default()
    }

    pub fn finish(mut self) -> Result<ConfigResult, Failure> {
        let total = self.end_window();
        // The far window ends too (its last snapshot taken while every worker of both
        // hosts still runs); then the workers stop: senders end, receivers drain to EOF.
        if let Some(far) = &self.far {
            far.stop();
        }
        self.shared.stop.store(true, Relaxed);
        self.shared.close_fixed();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        let bytes_sent: u64 = self.tx_stats.iter().map(|s| s.bytes.load(Relaxed)).sum();
        let bytes_received: u64 = self.rx_stats.iter().map(|s| s.bytes.load(Relaxed)).sum();
        let dropped = self.dropped.load(Relaxed);
        if dropped > 0 {
            self.publish(EngineEvent::SamplesDropped {
                config: self.config,
                count: dropped,
            });
        }
        let outcome = match self.far.clone() {
            Some(far) => {
                let stats = if far.local_sends() {
                    &self.tx_stats
                } else {
                    &self.rx_stats
                };
                let ours = crate::far::OurHalf {
                    config: self.config,
                    total,
                    stats,
                    shared: &self.shared,
                    verify: self.verify,
                };
                crate::far::judge(far.as_ref(), ours, |ev| self.publish(ev))
            }
            None => self.judge(total, bytes_sent, bytes_received),
        };
        self.publish(match &outcome {
            Ok(r) => EngineEvent::Finished(r.clone()),
            Err(f) => EngineEvent::Failed {
                config: self.config,
                failure: f.clone(),
            },
        });
        outcome
    }

    /// A window is a measurement only if no worker failed, every byte arrived intact,
    /// and data moved.
    fn judge(
        &self,
        total: Measured,
        bytes_sent: u64,
        bytes_received: u64,
    ) -> Result<ConfigResult, Failure> {
        // A worker's failure is the cause; the byte counts after it mean nothing.
        if let Some(f) = self.shared.failure.get() {
            return Err(f.clone());
        }
        if let Some(e) = self.shared.corrupt.get() {
            return Err(Failure::Corrupt { message: e.clone() });
        }
        for (tx, &rx) in self.pairing.iter().enumerate() {
            let (sent, received) = (
                self.tx_stats[tx].bytes.load(Relaxed),
                self.rx_stats[rx].bytes.load(Relaxed),
            );
            if sent != received {
                return Err(Failure::Lost {
                    connection: tx,
                    sent,
                    received,
                });
            }
        }
        if total.seconds > 0.0 && total.bytes == 0 {
            return Err(Failure::NoData);
        }
        Ok(ConfigResult {
            config: self.config,
            total,
            bytes_sent,
            bytes_received,
            verified: self.verify,
        })
    }

    pub(crate) fn publish(&self, ev: EngineEvent) {
        let _ = self.events.send_timeout(ev, Duration::from_secs(1));
    }
}

impl Drop for Measurement {
    /// An unfinished measurement (error path, panic) still stops and joins its threads.
    fn drop(&mut self) {
        let _ = self.sampler_stop.send(());
        self.shared.stop.store(true, Relaxed);
        self.shared.close_fixed();
        if let Some(h) = self.sampler.take() {
            let _ = h.join();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(segs: u32, bytes: u64, retrans: u32, limited: u64) -> Option<TcpCounts> {
        Some(TcpCounts {
            data_segs_out: segs,
            bytes_sent: bytes,
            total_retrans: retrans,
            limited_us: limited,
        })
    }

    #[test]
    fn tcp_figures_sum_connections_and_survive_a_wrapping_segment_counter() {
        let a = [tcp(u32::MAX - 1, 100, 0, 5), tcp(10, 1000, 1, 0)];
        let b = [tcp(3, 600, 0, 7), tcp(20, 2000, 2, 0)];
        // 5 segments across the wrap, plus 10.
        assert_eq!(tcp_window(&a, &b), Some([15, 1500, 1, 2]));
        // One socket unreadable at an edge: no figure rather than a partial sum.
        assert_eq!(tcp_window(&a, &[b[0], None]), None);
        assert_eq!(tcp_window(&[], &[]), None);
    }
}
