//! Starting a configuration: its workers, their counters and profilers, and the
//! sampler that measures its window.

use crate::config::{self, Config, CpuSides};
use crate::counters::ThreadCounters;
use crate::engine::in_server_ns;
use crate::error::{Context, Error, Result};
use crate::measurement::{self, Measurement, Probe};
use crate::netns;
use crate::sample::EngineEvent;
use crate::sink::{sink_refuses, SINK_PORT};
use crate::worker::receive_zc;
use crate::worker::{self, Net, RunShared, ThreadStats, WorkerSpec, IO_TIMEOUT};
use crate::{check_memlock, check_memory, profile, Engine};
use crossbeam_channel::Sender;
use socket2::{Domain, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

impl Engine {
    /// Starts worker threads for `config`; events go to `events`. Warm-up runs first;
    /// the window lasts until [`Measurement::finish`].
    pub fn start(&self, config: Config, events: &Sender<EngineEvent>) -> Result<Measurement> {
        self.start_window(config, events, None)
    }

    /// Like [`Engine::start`], but the window ends by itself after `length` (after the
    /// warm-up); wait for [`Measurement::window_done`], then finish.
    pub fn start_timed(
        &self,
        config: Config,
        events: &Sender<EngineEvent>,
        length: Duration,
    ) -> Result<Measurement> {
        self.start_window(config, events, Some(length))
    }

    fn start_window(
        &self,
        config: Config,
        events: &Sender<EngineEvent>,
        length: Option<Duration>,
    ) -> Result<Measurement> {
        if let Some(far) = self.far.clone() {
            return self.start_far_window(&far, config, events, length);
        }
        self.admit(config)?;
        // Both sides here (the sender alone into a sink).
        let sides = if self.opts.sink { 1 } else { 2 };
        let per_cpu = self.plan_counting(config, sides, events)?;
        let n = config.threads;
        let Staged {
            shared,
            spec,
            mut launch,
            ready_rx,
        } = self.stage(config, events, 2 * n)?;
        let mut rx = self.start_receivers(&spec, &mut launch, &ready_rx)?;
        let mut tx = self.start_senders(&spec, &mut launch, &ready_rx, &rx.local)?;
        let probe = self.probe(config, per_cpu.as_ref(), &mut tx, &mut rx, events);
        let window = measurement::Window {
            warmup: self.opts.warmup,
            interval: self.opts.interval,
            length,
        };
        let started = Started {
            launch,
            shared,
            tx,
            rx,
        };
        self.start_sampler(config, probe, window, started, events)
    }

    /// Refuses what this engine cannot measure: a strategy this machine lacks, what
    /// the sink cannot send, buffers that do not fit in memory or under RLIMIT_MEMLOCK.
    pub(crate) fn admit(&self, config: Config) -> Result<()> {
        if let Some(why) = self.machine.unavailable(config.strategy) {
            return Err(Error::Unavailable(format!(
                "{} unavailable: {why}",
                config.strategy
            )));
        }
        if let Some(why) = config.rr_refuses() {
            return Err(Error::Usage(why));
        }
        if self.opts.sink {
            if let Some(why) = sink_refuses(config) {
                return Err(Error::Usage(why));
            }
        }
        check_memory(config)?;
        check_memlock(config, !self.opts.sink)
    }

    /// `--count cpu`: the pinned CPUs, counted system-wide (no thread opens a group).
    /// Otherwise the threads' counters get the descriptors there are, and a notice
    /// says when that is not all of them; `sides` (1 or 2) of each connection run here,
    /// which decides how their tracepoints are counted.
    pub(crate) fn plan_counting(
        &self,
        config: Config,
        sides: usize,
        events: &Sender<EngineEvent>,
    ) -> Result<Option<CpuSides>> {
        let per_cpu = match config.count {
            config::Count::Thread => None,
            config::Count::Cpu => Some(
                config
                    .pin
                    .cpu_sides(config.threads, !self.opts.sink, &self.cpus)
                    .ok_or_else(|| Error::Usage(config::COUNT_CPU_NEEDS_PIN.into()))?,
            ),
        };
        if per_cpu.is_none() {
            self.plan
                .plan_tracepoints(config.is_rr(), sides * config.threads, self.cpus.len());
            if let Some(notice) = self.budget_counters(config.threads) {
                let _ = events.send_timeout(
                    EngineEvent::Notice { message: notice },
                    Duration::from_secs(1),
                );
            }
        }
        Ok(per_cpu)
    }

    /// The MTU the configuration is measured at, and what zero-copy receive falls
    /// back to at it.
    pub(crate) fn prepare_network(
        &self,
        config: Config,
        events: &Sender<EngineEvent>,
    ) -> Result<()> {
        self.set_mtu_for(config)?;
        if config.recv == config::RecvMode::ZeroCopy {
            let _ = events.send_timeout(
                EngineEvent::Notice {
                    message: receive_zc::fallback_note(
                        config,
                        matches!(self.net, Net::Veth(_)).then(receive_zc::page_mtu),
                    ),
                },
                Duration::from_secs(1),
            );
        }
        Ok(())
    }

    /// Starts the receivers (none in the sink) and waits until each is ready.
    fn start_receivers(
        &self,
        spec: &WorkerSpec,
        launch: &mut Launch,
        ready: &crossbeam_channel::Receiver<io::Result<worker::Ready>>,
    ) -> Result<Side> {
        let n = if self.opts.sink {
            0
        } else {
            spec.config.threads
        };
        let stats: Vec<Arc<ThreadStats>> = (0..n).map(|_| Arc::default()).collect();
        for (i, stats) in stats.iter().enumerate() {
            let h = worker::spawn_receiver(spec, i, self.server, stats.clone());
            launch
                .workers
                .push(h.with_context(|| format!("starting receiver {i}"))?);
        }
        let (counters, local, tids) = collect_ready(ready, n, "receivers")?;
        Ok(Side {
            stats,
            counters,
            local,
            tids,
            pairing: Vec::new(),
            sockets: Vec::new(),
        })
    }

    /// Starts the senders, each on its own connection (or UDP socket in the sink),
    /// and waits until each is ready. Every connection is accepted and paired with
    /// its receiver by address (`rx_local`).
    fn start_senders(
        &self,
        spec: &WorkerSpec,
        launch: &mut Launch,
        ready: &crossbeam_channel::Receiver<io::Result<worker::Ready>>,
        rx_local: &[Option<SocketAddr>],
    ) -> Result<Side> {
        let n = spec.config.threads;
        let stats: Vec<Arc<ThreadStats>> = (0..n).map(|_| Arc::default()).collect();
        let mut pairing = Vec::with_capacity(n);
        let mut sockets = Vec::with_capacity(n);
        for (i, stats) in stats.iter().enumerate() {
            if self.opts.sink {
                let sock = in_server_ns(&self.net, || {
                    let s = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
                    s.connect(&SocketAddr::from((netns::SINK_ADDR, SINK_PORT)).into())?;
                    Ok(s)
                })
                .with_context(|| format!("opening UDP socket {i}"))?;
                let h = worker::spawn_sender(spec, i, sock, stats.clone());
                launch
                    .workers
                    .push(h.with_context(|| format!("starting sender {i}"))?);
                continue;
            }
            let (sock, peer) = self
                .listener
                .accept()
                .with_context(|| format!("accepting connection {i}"))?;
            let peer = peer.as_socket();
            pairing.push(
                rx_local
                    .iter()
                    .position(|l| l.is_some() && *l == peer)
                    .unwrap_or(i),
            );
            // The sampler reads TCP_INFO through a duplicate, at window edges only.
            sockets.push(
                sock.try_clone()
                    .with_context(|| format!("duplicating connection {i}'s socket"))?,
            );
            let h = worker::spawn_sender(spec, i, sock, stats.clone());
            launch
                .workers
                .push(h.with_context(|| format!("starting sender {i}"))?);
        }
        let (counters, local, tids) = collect_ready(ready, n, "senders")?;
        Ok(Side {
            stats,
            counters,
            local,
            tids,
            pairing,
            sockets,
        })
    }

    /// What the sampler reads: both sides' stats and counters (or the pinned CPUs'),
    /// the profilers, the senders' sockets.
    pub(crate) fn probe(
        &self,
        config: Config,
        per_cpu: Option<&CpuSides>,
        tx: &mut Side,
        rx: &mut Side,
        events: &Sender<EngineEvent>,
    ) -> Probe {
        let profile = self.open_profilers(&tx.tids, &rx.tids, events);
        Probe {
            tx_stats: tx.stats.clone(),
            rx_stats: rx.stats.clone(),
            groups: match per_cpu {
                None => self.plan.groups.clone(),
                Some(_) => Vec::new(),
            },
            tx_counters: std::mem::take(&mut tx.counters),
            rx_counters: std::mem::take(&mut rx.counters),
            cpus: per_cpu.map_or_else(Vec::new, |sides| self.plan.open_cpus(sides)),
            // Nothing receives in the sink: its figures are what the senders pushed.
            sent_messages_of: self.opts.sink.then_some(config.msg_size),
            profile,
            tx_sockets: std::mem::take(&mut tx.sockets),
            memcpy_ns_per_byte: self.machine.roofline.as_ref().map(|r| r.cache_ns_per_byte),
            sentinel: crate::counters::Sentinel::new(tx.tids.iter().chain(&rx.tids).copied()),
            far: None,
            rtt: config
                .is_rr()
                .then(|| worker::rr::RttProbe::new(tx.stats.clone())),
        }
    }

    /// Releases the workers and starts the sampler: the window begins (warm-up first).
    pub(crate) fn start_sampler(
        &self,
        config: Config,
        probe: Probe,
        window: measurement::Window,
        started: Started,
        events: &Sender<EngineEvent>,
    ) -> Result<Measurement> {
        let Started {
            launch,
            shared,
            tx,
            rx,
        } = started;
        let (stop_tx, stop_rx) = crossbeam_channel::bounded(1);
        let _ = shared.wake_sampler.set(stop_tx.clone());
        let dropped = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (done_tx, window_done) = crossbeam_channel::bounded(0);
        let probe_far = probe.far.clone();
        let _ = events.send_timeout(EngineEvent::Started { config }, Duration::from_secs(1));
        // `--messages`: the sampler takes its baseline before the workers start, so the
        // window holds every one of their messages; otherwise the warm-up runs first.
        let (mut workers, later) = match shared.fixed {
            Some(_) => (Vec::new(), Some(launch)),
            None => (launch.release(), None),
        };
        let sampler = measurement::spawn_sampler(
            config,
            probe,
            window,
            stop_rx,
            shared.clone(),
            events.clone(),
            dropped.clone(),
            done_tx,
        );
        if let Some(launch) = later {
            if let (Ok(_), Some(f)) = (&sampler, &shared.fixed) {
                f.wait_open();
            }
            workers = launch.release();
        }
        let mut measurement = Measurement {
            config,
            shared,
            workers,
            sampler: None,
            sampler_stop: stop_tx,
            window_done,
            tx_stats: tx.stats,
            rx_stats: rx.stats,
            pairing: tx.pairing,
            events: events.clone(),
            verify: self.opts.verify && !self.opts.sink,
            dropped,
            far: probe_far,
            window_total: None,
        };
        // Without a sampler, dropping the measurement stops and joins the workers.
        measurement.sampler = Some(sampler.context("starting the sampler thread")?);
        Ok(measurement)
    }
}

/// One side's workers, once ready: their stats and counters, their sockets' local
/// addresses and thread ids; senders also their pairing with receivers and the
/// duplicates of their sockets the sampler reads TCP_INFO through.
pub(crate) struct Side {
    pub(crate) stats: Vec<Arc<ThreadStats>>,
    pub(crate) counters: Vec<ThreadCounters>,
    pub(crate) local: Vec<Option<SocketAddr>>,
    pub(crate) tids: Vec<i32>,
    pub(crate) pairing: Vec<usize>,
    pub(crate) sockets: Vec<Socket>,
}

/// Everything started that the measurement will own.
pub(crate) struct Started {
    pub(crate) launch: Launch,
    pub(crate) shared: Arc<RunShared>,
    pub(crate) tx: Side,
    pub(crate) rx: Side,
}

/// Threads started so far. If starting fails midway, dropping this closes the start
/// channel (the waiting threads return) and joins them: nothing is left running.
/// What every window starts from, on one host or half of it on each: the network
/// ready, the workers' spec, and the start gate for `slots` worker threads.
pub(crate) struct Staged {
    pub(crate) shared: Arc<RunShared>,
    pub(crate) spec: WorkerSpec,
    pub(crate) launch: Launch,
    pub(crate) ready_rx: crossbeam_channel::Receiver<io::Result<worker::Ready>>,
}

impl Engine {
    /// Prepares the network for `config` and stages the start of `slots` workers.
    pub(crate) fn stage(
        &self,
        config: Config,
        events: &Sender<EngineEvent>,
        slots: usize,
    ) -> Result<Staged> {
        self.prepare_network(config, events)?;
        let shared = Arc::new(RunShared {
            fixed: self
                .fixed_messages
                .map(|n| crate::worker::fixed::FixedAmount::new(n, config.threads)),
            crowded: crate::worker::crowded_advice(
                config.threads,
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ),
            ..RunShared::default()
        });
        let (go, start) = crossbeam_channel::bounded(slots.max(1));
        let (ready_tx, ready_rx) = crossbeam_channel::unbounded();
        let spec = WorkerSpec {
            config,
            net: self.net.clone(),
            counters: self.plan.clone(),
            shared: shared.clone(),
            start,
            ready: ready_tx,
            verify: self.opts.verify && config.recv != config::RecvMode::Trunc,
            cpus: self.cpus.clone(),
        };
        let launch = Launch {
            workers: Vec::with_capacity(slots),
            go: Some(go),
        };
        Ok(Staged {
            shared,
            spec,
            launch,
            ready_rx,
        })
    }
}

pub(crate) struct Launch {
    pub(crate) workers: Vec<std::thread::JoinHandle<()>>,
    pub(crate) go: Option<Sender<()>>,
}

impl Launch {
    /// Starts every thread at once.
    pub(crate) fn release(mut self) -> Vec<std::thread::JoinHandle<()>> {
        if let Some(go) = self.go.take() {
            for _ in 0..self.workers.len() {
                let _ = go.send(());
            }
        }
        std::mem::take(&mut self.workers)
    }
}

impl Drop for Launch {
    fn drop(&mut self) {
        self.go = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

type ReadyGroups = (Vec<ThreadCounters>, Vec<Option<SocketAddr>>, Vec<i32>);

/// Waits for `n` workers of one side to report ready; returns their counters and addresses.
pub(crate) fn collect_ready(
    ready: &crossbeam_channel::Receiver<io::Result<worker::Ready>>,
    n: usize,
    who: &str,
) -> Result<ReadyGroups> {
    let mut counters: Vec<Option<ThreadCounters>> = (0..n).map(|_| None).collect();
    let mut local = vec![None; n];
    let mut tids = vec![0; n];
    for _ in 0..n {
        let r = ready
            .recv_timeout(IO_TIMEOUT)
            .map_err(|_| {
                Error::Fault(format!(
                    "{who} did not start within {}s",
                    IO_TIMEOUT.as_secs()
                ))
            })?
            .with_context(|| format!("{who} could not start"))?;
        counters[r.index] = Some(r.counters);
        local[r.index] = r.local;
        tids[r.index] = r.tid;
    }
    let counters = counters
        .into_iter()
        .map(|c| c.ok_or_else(|| Error::Fault(format!("{who}: a worker reported ready twice"))))
        .collect::<Result<_>>()?;
    Ok((counters, local, tids))
}

impl Engine {
    /// Opens the sampling profiler on every worker thread of a configuration. A
    /// thread whose sampler cannot be opened leaves the breakdown out (a partial
    /// breakdown would misstate the shares), and a notice says why.
    fn open_profilers(
        &self,
        tx: &[i32],
        rx: &[i32],
        events: &Sender<EngineEvent>,
    ) -> Option<profile::ProfileProbe> {
        let plan = self.profile.as_ref()?;
        match plan.open(tx, rx) {
            Ok(p) => Some(p),
            Err(e) => {
                let _ = events.send_timeout(
                    EngineEvent::Notice {
                        message: format!("no CPU-time breakdown for this configuration: opening the sampling profiler failed ({e})"),
                    },
                    Duration::from_secs(1),
                );
                None
            }
        }
    }
}
