//! The measuring engine of netio-tui. Knows nothing of any UI: it publishes
//! [`sample::EngineEvent`]s on a crossbeam channel and takes orders through plain method
//! calls. `unsafe` lives in [`sys`] only.

#![deny(unsafe_code)]

#[cfg(not(target_os = "linux"))]
compile_error!(
    "netio-tui is Linux only: it needs network namespaces, veth, MSG_ZEROCOPY and perf_event_open."
);

pub mod axis;
pub mod config;
pub mod counters;
pub mod error;
pub mod format;
pub mod live;
pub mod machine;
mod measurement;
pub mod metric;
pub mod netns;
pub mod profile;
mod receive_zc;
pub mod sample;
pub mod strategy;
#[allow(unsafe_code)]
pub mod sys;
pub mod timefmt;
pub mod worker;

pub use error::{Error, ErrorKind, Result};
pub use live::LiveRunner;
pub use measurement::Measurement;

use config::Config;
use counters::CounterPlan;
use crossbeam_channel::Sender;
use error::Context;
use measurement::Probe;
use netns::NetnsPair;
use sample::{EngineEvent, MachineInfo};
use socket2::{Domain, Socket, Type};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use worker::{Net, RunShared, ThreadStats, WorkerSpec, IO_TIMEOUT};

/// How the engine measures.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Private veth network in two anonymous namespaces (needs root) or loopback.
    pub use_netns: bool,
    /// The sink topology: UDP datagrams through a router namespace to a blackhole
    /// route; nothing receives them (see [`netns::NetnsPair::create_sink`]).
    pub sink: bool,
    pub interval: Duration,
    pub warmup: Duration,
    pub verify: bool,
    pub verbose: bool,
    /// Sampling profiler rate in Hz; `None`: off (the default; `--profile` turns it on).
    pub profile_hz: Option<u32>,
    /// Count system calls per message (`raw_syscalls:sys_enter`). Off by default: while
    /// that tracepoint is open every system call on the machine takes the slow entry
    /// path, which costs ~12 % throughput at two-copy 64 B.
    pub syscalls: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            use_netns: true,
            sink: false,
            interval: Duration::from_millis(250),
            warmup: Duration::from_millis(50),
            verify: false,
            verbose: false,
            profile_hz: None,
            syscalls: false,
        }
    }
}

/// Capacity of the event channel: a consumer may fall this far behind before samples drop.
pub const EVENT_CAPACITY: usize = 4096;

/// The network and counters, built once and reused for every configuration.
pub struct Engine {
    net: Net,
    listener: Socket,
    server: SocketAddr,
    plan: Arc<CounterPlan>,
    profile: Option<profile::ProfilePlan>,
    machine: MachineInfo,
    opts: EngineOptions,
    /// The CPUs this process may use, for pinning.
    cpus: Arc<Vec<usize>>,
    /// Namespace setup time, when namespaces were built.
    pub setup_time: Option<Duration>,
    /// The veth pair's MTU now: raised only while `--recv zerocopy` is measured.
    mtu: std::sync::atomic::AtomicU32,
}

impl Engine {
    /// Builds the private network (or uses loopback), probes the counters, and opens the
    /// one listening socket every configuration connects to.
    pub fn new(opts: EngineOptions) -> Result<Engine> {
        raise_fd_limit();
        let (net, setup_time) = if opts.use_netns {
            let pair = if opts.sink {
                NetnsPair::create_sink()?
            } else {
                NetnsPair::create()?
            };
            let t = pair.setup_time;
            (Net::Veth(Arc::new(pair)), Some(t))
        } else {
            (Net::Loopback, None)
        };
        let server_ip = match net {
            Net::Veth(_) => netns::SERVER_ADDR,
            Net::Loopback => Ipv4Addr::LOCALHOST,
        };
        let listener = in_server_ns(&net, move || {
            let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
            s.set_reuse_address(true)?;
            s.bind(&SocketAddr::from((server_ip, 0)).into())?;
            s.listen(4096)?;
            // accept() gives up instead of hanging if a receiver never connects.
            s.set_read_timeout(Some(IO_TIMEOUT))?;
            Ok(s)
        })?;
        let server = listener
            .local_addr()?
            .as_socket()
            .ok_or_else(|| Error::Fault("the listening socket has no address".into()))?;
        let mut plan = CounterPlan::probe(&machine::cpu_vendor());
        if !opts.syscalls {
            plan.drop_metric(
                counters::Metric::Syscalls,
                "off by default: while the raw_syscalls tracepoint is open every system call takes \
                 the kernel's slow entry path (~12 % throughput at two-copy 64 B); --syscalls counts them",
            );
        }
        let plan = Arc::new(plan);
        let network = match net {
            Net::Veth(_) if opts.sink => format!(
                "sink: UDP from {} through a router namespace (MTU {}) to a blackhole route for {}; nothing receives, throughput is what the sender pushed",
                netns::SERVER_ADDR,
                netns::SINK_MTU,
                netns::SINK_ADDR
            ),
            Net::Veth(_) => format!(
                "veth {} <-> {} in two private namespaces",
                netns::SERVER_ADDR,
                netns::CLIENT_ADDR
            ),
            Net::Loopback => "loopback 127.0.0.1 in the current namespace".to_string(),
        };
        let mut machine = machine::describe(&network, &plan);
        machine.roofline = Some(machine::measure_roofline());
        machine.counters.push(tcp_info_status());
        machine.zerocopy_error = probe_zerocopy()
            .err()
            .map(|e| format!("SO_ZEROCOPY refused by this kernel ({e})"));
        if let Some(e) = &machine.zerocopy_error {
            machine
                .unavailable
                .insert(config::Strategy::ZeroCopy, e.clone());
        }
        for (strategy, zc) in [
            (config::Strategy::Uring, false),
            (config::Strategy::UringZc, true),
        ] {
            if let Some(why) = sys::probe_uring(zc) {
                machine.unavailable.insert(strategy, why);
            }
        }
        let profile = match opts.profile_hz {
            Some(hz) => match profile::ProfilePlan::probe(hz, &worker::allowed_cpus()) {
                Ok(p) => {
                    machine.profile_note = Some(p.note.clone());
                    Some(p)
                }
                Err(e) => {
                    machine.profile_error = Some(e);
                    None
                }
            },
            None => {
                machine.profile_error =
                    Some("not sampled (off by default; --profile samples it)".into());
                None
            }
        };
        Ok(Engine {
            net,
            listener,
            server,
            plan,
            profile,
            machine,
            opts,
            cpus: Arc::new(worker::allowed_cpus()),
            setup_time,
            mtu: std::sync::atomic::AtomicU32::new(netns::DEFAULT_MTU),
        })
    }

    pub fn machine(&self) -> &MachineInfo {
        &self.machine
    }

    pub fn options(&self) -> &EngineOptions {
        &self.opts
    }

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
        if let Some(why) = self.machine.unavailable(config.strategy) {
            return Err(Error::Unavailable(format!(
                "{} unavailable: {why}",
                config.strategy
            )));
        }
        if self.opts.sink {
            if let Some(why) = sink_refuses(config) {
                return Err(Error::Usage(why));
            }
        }
        check_memory(config)?;
        let n = config.threads;
        // --count cpu: the pinned CPUs are counted system-wide, no thread opens a group.
        let per_cpu = match config.count {
            config::Count::Thread => None,
            config::Count::Cpu => Some(
                config
                    .pin
                    .cpu_sides(n, !self.opts.sink, &self.cpus)
                    .ok_or_else(|| Error::Usage(config::COUNT_CPU_NEEDS_PIN.into()))?,
            ),
        };
        if per_cpu.is_none() {
            if let Some(notice) = self.budget_counters(n) {
                let _ = events.send_timeout(
                    EngineEvent::Notice { message: notice },
                    Duration::from_secs(1),
                );
            }
        }
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
        let shared = Arc::new(RunShared::default());
        let (go, start) = crossbeam_channel::bounded(2 * n);
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
        let rx_stats: Vec<Arc<ThreadStats>> = (0..n).map(|_| Arc::default()).collect();
        let tx_stats: Vec<Arc<ThreadStats>> = (0..n).map(|_| Arc::default()).collect();
        let mut launch = Launch {
            workers: Vec::with_capacity(2 * n),
            go: Some(go),
        };
        let rx_stats = if self.opts.sink { Vec::new() } else { rx_stats };
        for (i, stats) in rx_stats.iter().enumerate() {
            let h = worker::spawn_receiver(&spec, i, self.server, stats.clone());
            launch
                .workers
                .push(h.with_context(|| format!("starting receiver {i}"))?);
        }
        let (rx_counters, rx_local, rx_tids) =
            collect_ready(&ready_rx, rx_stats.len(), "receivers")?;
        // Accept every connection and pair it with its receiver by address.
        let mut pairing = Vec::with_capacity(n);
        let mut tx_sockets = Vec::with_capacity(n);
        for (i, stats) in tx_stats.iter().enumerate() {
            if self.opts.sink {
                let sock = in_server_ns(&self.net, || {
                    let s = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
                    s.connect(&SocketAddr::from((netns::SINK_ADDR, SINK_PORT)).into())?;
                    Ok(s)
                })
                .with_context(|| format!("opening UDP socket {i}"))?;
                let h = worker::spawn_sender(&spec, i, sock, stats.clone());
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
            tx_sockets.push(
                sock.try_clone()
                    .with_context(|| format!("duplicating connection {i}'s socket"))?,
            );
            let h = worker::spawn_sender(&spec, i, sock, stats.clone());
            launch
                .workers
                .push(h.with_context(|| format!("starting sender {i}"))?);
        }
        let (tx_counters, _, tx_tids) = collect_ready(&ready_rx, n, "senders")?;
        let profile = self.open_profilers(&tx_tids, &rx_tids, events);
        let probe = Probe {
            tx_stats: tx_stats.clone(),
            rx_stats: rx_stats.clone(),
            groups: match per_cpu {
                None => self.plan.groups.clone(),
                Some(_) => Vec::new(),
            },
            tx_counters,
            rx_counters,
            cpus: per_cpu
                .as_ref()
                .map_or_else(Vec::new, |sides| self.plan.open_cpus(sides)),
            // Nothing receives in the sink: its figures are what the senders pushed.
            sent_messages_of: self.opts.sink.then_some(config.msg_size),
            profile,
            tx_sockets,
            memcpy_ns_per_byte: self.machine.roofline.map(|r| r.cache_ns_per_byte),
        };
        let (stop_tx, stop_rx) = crossbeam_channel::bounded(1);
        let _ = shared.wake_sampler.set(stop_tx.clone());
        let dropped = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (done_tx, window_done) = crossbeam_channel::bounded(0);
        let window = measurement::Window {
            warmup: self.opts.warmup,
            interval: self.opts.interval,
            length,
        };
        let _ = events.send_timeout(EngineEvent::Started { config }, Duration::from_secs(1));
        let started = Instant::now();
        let workers = launch.release();
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
        let mut measurement = Measurement {
            config,
            shared,
            workers,
            sampler: None,
            sampler_stop: stop_tx,
            window_done,
            tx_stats,
            rx_stats,
            pairing,
            events: events.clone(),
            verify: self.opts.verify && !self.opts.sink,
            started,
            dropped,
        };
        // Without a sampler, dropping the measurement stops and joins the workers.
        measurement.sampler = Some(sampler.context("starting the sampler thread")?);
        Ok(measurement)
    }
}

impl Engine {
    /// Zero-copy receive wants segments of one page of payload: the veth pair gets
    /// [`receive_zc::page_mtu`] while it is measured, Ethernet's 1500 otherwise, so no
    /// other figure is measured at another MTU. (The sink keeps its own MTU.)
    fn set_mtu_for(&self, config: Config) -> Result<()> {
        use std::sync::atomic::Ordering::Relaxed;
        let Net::Veth(pair) = &self.net else {
            return Ok(());
        };
        if self.opts.sink {
            return Ok(());
        }
        let want = if config.recv == config::RecvMode::ZeroCopy {
            receive_zc::page_mtu()
        } else {
            netns::DEFAULT_MTU
        };
        if self.mtu.load(Relaxed) != want {
            pair.set_mtu(want)?;
            self.mtu.store(want, Relaxed);
        }
        Ok(())
    }
}

/// Threads started so far. If starting fails midway, dropping this closes the start
/// channel (the waiting threads return) and joins them: nothing is left running.
struct Launch {
    workers: Vec<std::thread::JoinHandle<()>>,
    go: Option<Sender<()>>,
}

impl Launch {
    /// Starts every thread at once.
    fn release(mut self) -> Vec<std::thread::JoinHandle<()>> {
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

type ReadyGroups = (
    Vec<counters::ThreadCounters>,
    Vec<Option<SocketAddr>>,
    Vec<i32>,
);

/// Waits for `n` workers of one side to report ready; returns their counters and addresses.
fn collect_ready(
    ready: &crossbeam_channel::Receiver<io::Result<worker::Ready>>,
    n: usize,
    who: &str,
) -> Result<ReadyGroups> {
    let mut counters: Vec<Option<counters::ThreadCounters>> = (0..n).map(|_| None).collect();
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

/// Runs `f` on a thread inside the server namespace (sockets keep the namespace they
/// were created in, whichever thread uses them later).
fn in_server_ns<T: Send + 'static>(
    net: &Net,
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    let net = net.clone();
    std::thread::Builder::new()
        .name("netio-setup".into())
        .spawn(move || {
            net.enter_server()?;
            f()
        })?
        .join()
        .map_err(|_| io::Error::other("setup thread panicked"))?
}

/// The sink's datagrams go to this (discard) port of [`netns::SINK_ADDR`].
const SINK_PORT: u16 = 9;
/// Largest UDP payload in one IPv4 datagram.
pub const MAX_DATAGRAM: usize = 65507;
/// Why the sink topology cannot measure `config`, if it cannot.
pub fn sink_refuses(config: Config) -> Option<String> {
    if !config.strategy.info().sink {
        let sink: Vec<&str> = config::Strategy::ALL
            .into_iter()
            .filter(|s| s.info().sink)
            .map(|s| s.name())
            .collect();
        return Some(format!(
            "--topology sink sends one UDP datagram per message; {} does not; allowed: {}",
            config.strategy,
            sink.join(", ")
        ));
    }
    if config.msg_size > MAX_DATAGRAM {
        return Some(format!(
            "--topology sink sends one UDP datagram per message: size {} is too large; allowed: 1 to {MAX_DATAGRAM} bytes",
            config.msg_size
        ));
    }
    None
}

/// Whether the senders' TCP_INFO has the fields the segment figures need.
fn tcp_info_status() -> sample::CounterStatus {
    let read = Socket::new(Domain::IPV4, Type::STREAM, None)
        .and_then(|s| sys::tcp_counts(std::os::fd::AsFd::as_fd(&s)));
    let (available, note) = match read {
        Ok(Some(_)) => (true, None),
        Ok(None) => (
            false,
            Some(
                "this kernel's TCP_INFO has no tcpi_bytes_sent (Linux 4.19 or later needed)".into(),
            ),
        ),
        Err(e) => (false, Some(format!("getsockopt(TCP_INFO) failed: {e}"))),
    };
    sample::CounterStatus {
        metric: "tcp_info".into(),
        event: "TCP_INFO (tcpi_data_segs_out, tcpi_bytes_sent, tcpi_total_retrans)".into(),
        available,
        note,
    }
}

/// Whether this kernel offers MSG_ZEROCOPY on TCP sockets at all.
fn probe_zerocopy() -> io::Result<()> {
    let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    sys::set_zerocopy(std::os::fd::AsFd::as_fd(&s))
}

/// Raises the soft RLIMIT_NOFILE to the hard limit: every thread's counter groups take
/// descriptors (see [`Engine::budget_counters`]).
fn raise_fd_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        if soft < hard {
            let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
        }
    }
}

/// Descriptors a connection needs besides its counters: the two sockets, and what a
/// strategy may add on either side (memfd, pipe pair, io_uring ring, mmap window).
const FDS_PER_CONNECTION: usize = 2 + 4;
/// Kept free for everything else (recording, CSV, netlink, the terminal).
const FDS_RESERVED: usize = 32;

/// How many threads of a configuration can have their counters, given `limit`
/// descriptors with `open` already in use; `None`: all `threads` of them.
pub fn counter_budget(
    limit: usize,
    open: usize,
    connections: usize,
    fds_per_thread: usize,
) -> Option<usize> {
    if fds_per_thread == 0 {
        return None;
    }
    let free = limit
        .saturating_sub(open)
        .saturating_sub(FDS_RESERVED)
        .saturating_sub(connections * FDS_PER_CONNECTION);
    let threads = free / fds_per_thread;
    (threads < 2 * connections).then_some(threads)
}

impl Engine {
    /// Gives the counters of `connections` connections the descriptors that are left
    /// after their sockets; says so when that is not every thread.
    fn budget_counters(&self, connections: usize) -> Option<String> {
        use nix::sys::resource::{getrlimit, Resource};
        let per_thread = self.plan.fds_per_thread();
        let limit = getrlimit(Resource::RLIMIT_NOFILE).map_or(u64::MAX, |(soft, _)| soft);
        let open = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count());
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let budget = counter_budget(limit, open, connections, per_thread);
        self.plan.set_budget(budget);
        budget.map(|t| {
            format!(
                "{connections} connections need {} descriptors ({per_thread} counter descriptors per thread, {FDS_PER_CONNECTION} per connection) but the limit (ulimit -n) is {limit} with {open} open: counters on {t} of {} threads; raise ulimit -n to count them all",
                connections * (2 * per_thread + FDS_PER_CONNECTION) + FDS_RESERVED + open,
                2 * connections
            )
        })
    }
}

/// Refuses configurations whose buffers would not fit comfortably in memory.
pub fn check_memory(config: Config) -> Result<()> {
    // Sender fields + serialize buffer + receiver buffer, per connection.
    let need = (config.msg_size as u64) * 3 * config.threads as u64;
    let avail_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(u64::MAX / 1024);
    if need > avail_kb.saturating_mul(1024) / 2 {
        return Err(Error::Usage(format!(
            "{config} needs about {} MiB of buffers but only {} MiB of memory is available; use fewer threads or smaller messages",
            need >> 20,
            avail_kb >> 10
        )));
    }
    Ok(())
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
