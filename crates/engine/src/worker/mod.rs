//! Worker threads: per connection one sender in the server namespace and one receiver
//! in the client namespace. They count into per-thread atomics; the sampler reads them.

pub(crate) mod fixed;
mod locked;
pub(crate) mod receive_zc;
pub(crate) mod rr;
mod silence;

pub use locked::{locked_bytes, locked_bytes_with};

pub use crate::affinity::allowed_cpus;

use super::config::{Config, Count, RecvMode};
use super::counters::{CounterPlan, ThreadCounters};
use super::netns::{self, NetnsPair};
use super::sample::{Failure, RxZcStats, Side, ZcStats};
use super::strategy::{with_sender, Message, PayloadCheck, PlacedBuf, SendStrategy, WithSender};
use super::sys;
use crossbeam_channel::Sender;
use crossbeam_utils::CachePadded;
use socket2::{Domain, Socket, Type};
use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

pub use silence::{crowded_advice, silent_is_failure, CROWD_PAIRS_PER_CPU, PROGRESS_STEP_SHIFT};

/// Read size for what is still in flight after the window (see `receive`).
const DRAIN_CHUNK: usize = 256 << 10;

/// A stuck peer turns into an error after this long instead of a hang.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a sender's send may block: a backstop only. A run that stands still ends
/// first by the receivers' no-data rule ([`silent_is_failure`]): the receiver's
/// socket closes and the blocked send fails at once. At 1,024 pairs on 2 CPUs a
/// receiver can be kept from reading for more than [`IO_TIMEOUT`] while the run moves,
/// and its sender's send blocks that long.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the threads run.
#[derive(Clone)]
pub enum Net {
    Veth(Arc<NetnsPair>),
    Loopback,
}

impl Net {
    pub fn enter_server(&self) -> io::Result<()> {
        match self {
            Net::Veth(p) => netns::enter(p.server()),
            Net::Loopback => Ok(()),
        }
    }
    fn enter_client(&self) -> io::Result<()> {
        match self {
            Net::Veth(p) => netns::enter(p.client()),
            Net::Loopback => Ok(()),
        }
    }
}

/// Counters of one thread, written by it and read by the sampler. Padded so that
/// threads never share a cache line.
#[repr(align(128))]
#[derive(Default)]
pub struct ThreadStats {
    pub bytes: AtomicU64,
    /// Whole messages received (receivers only).
    pub messages: AtomicU64,
    pub zc_sends: AtomicU64,
    pub zc_completions: AtomicU64,
    pub zc_copied: AtomicU64,
    pub zc_enobufs: AtomicU64,
    /// Receivers with `--recv zerocopy`: bytes mapped and bytes copied.
    pub rx_mapped: AtomicU64,
    pub rx_copied: AtomicU64,
    /// Requesters (`--workload rr`): round trips since the sampler last took them.
    pub rtt: rr::RttCell,
}

impl ThreadStats {
    pub fn zc(&self) -> ZcStats {
        ZcStats {
            sends: self.zc_sends.load(Relaxed),
            completions: self.zc_completions.load(Relaxed),
            copied: self.zc_copied.load(Relaxed),
            enobufs: self.zc_enobufs.load(Relaxed),
        }
    }

    pub fn rx_zc(&self) -> RxZcStats {
        RxZcStats {
            mapped: self.rx_mapped.load(Relaxed),
            copied: self.rx_copied.load(Relaxed),
        }
    }

    fn publish_zc(&self, z: &ZcStats) {
        self.zc_sends.store(z.sends, Relaxed);
        self.zc_completions.store(z.completions, Relaxed);
        self.zc_copied.store(z.copied, Relaxed);
        self.zc_enobufs.store(z.enobufs, Relaxed);
    }
}

/// State shared by all threads of one configuration.
#[derive(Default)]
pub struct RunShared {
    /// Read by every worker before every send and read: alone on its cache line, so no
    /// other write ever invalidates it.
    pub stop: CachePadded<AtomicBool>,
    /// The first failure any worker hit; it ends the configuration.
    pub failure: OnceLock<Failure>,
    /// Wakes the sampler, so a failure ends the window at once (no polling).
    pub wake_sampler: OnceLock<crossbeam_channel::Sender<()>>,
    /// First payload mismatch (`--verify`).
    pub corrupt: OnceLock<String>,
    /// `--messages N`: the amount each connection makes (`None`: until stopped).
    pub fixed: Option<fixed::FixedAmount>,
    /// Bumped by a receiver each time its byte count crosses a [`PROGRESS_STEP`]
    /// boundary: whether the run as a whole still moves (see [`silent_is_failure`]).
    pub progress: CachePadded<AtomicU64>,
    /// What a silent connection's failure adds where the run is crowded (see
    /// [`crowded_advice`]); `None` where it is not.
    pub crowded: Option<String>,
}

impl RunShared {
    fn fail(&self, side: Side, index: usize, e: &io::Error) {
        let message = match &self.crowded {
            Some(advice) if is_timeout(e) => format!("{e}: {advice}"),
            _ => e.to_string(),
        };
        let _ = self.failure.set(Failure::Worker {
            side,
            index,
            message,
            errno: e.raw_os_error(),
        });
        // One broken connection ends the configuration.
        self.stop.store(true, Relaxed);
        if let Some(w) = self.wake_sampler.get() {
            let _ = w.try_send(());
        }
    }

    pub fn failed(&self) -> bool {
        self.failure.get().is_some()
    }
}

/// What a starting worker hands to the coordinator.
pub struct Ready {
    pub side: Side,
    pub index: usize,
    pub counters: ThreadCounters,
    /// Receivers: their local address, to pair them with accepted connections.
    pub local: Option<SocketAddr>,
    /// The thread's id, for the sampling profiler.
    pub tid: i32,
}

pub struct WorkerSpec {
    pub config: Config,
    pub net: Net,
    pub counters: Arc<CounterPlan>,
    pub shared: Arc<RunShared>,
    /// One message per worker starts it; a closed channel means the start was abandoned.
    pub start: crossbeam_channel::Receiver<()>,
    pub ready: Sender<io::Result<Ready>>,
    pub verify: bool,
    /// The CPUs this process may run on, for pinning.
    pub cpus: Arc<Vec<usize>>,
}

/// Pins the calling thread to `cpu`.
fn pin_to(cpu: usize) -> io::Result<()> {
    use nix::sched::{sched_setaffinity, CpuSet};
    let mut set = CpuSet::new();
    set.set(cpu)
        .and_then(|()| sched_setaffinity(nix::unistd::Pid::from_raw(0), &set))
        .map_err(|e| io::Error::other(format!("pinning to CPU {cpu} failed ({e})")))
}

fn open_counters(plan: &CounterPlan) -> ThreadCounters {
    ThreadCounters::open(plan)
}

/// The life of every worker thread: enter its namespace and set up (`setup`), open its
/// counters, report ready, wait for the start signal, then run `body` until done.
fn spawn_worker<T: 'static>(
    spec: &WorkerSpec,
    side: Side,
    index: usize,
    stats: Arc<ThreadStats>,
    setup: impl FnOnce(&Net) -> io::Result<(T, Option<SocketAddr>)> + Send + 'static,
    body: impl FnOnce(T, &ThreadStats, &RunShared) -> io::Result<()> + Send + 'static,
) -> io::Result<JoinHandle<()>> {
    let (net, metrics, shared, start, ready) = (
        spec.net.clone(),
        spec.counters.clone(),
        spec.shared.clone(),
        spec.start.clone(),
        spec.ready.clone(),
    );
    let cpu = spec
        .config
        .pin
        .cpu_for(side == Side::Receiver, index, &spec.cpus);
    // --count cpu counts the pinned CPUs instead: no per-thread group, so nothing is
    // switched in and out with the thread at each context switch.
    let per_thread = spec.config.count == Count::Thread;
    let name = match side {
        Side::Sender => format!("netio-tx-{index}"),
        Side::Receiver => format!("netio-rx-{index}"),
    };
    std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            // Pinned before anything else, so the counters and the socket see the thread
            // where it will run.
            let set_up = cpu.map_or(Ok(()), pin_to).and_then(|()| setup(&net));
            let (endpoint, local) = match set_up {
                Ok(x) => x,
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            let counters = if per_thread {
                open_counters(&metrics)
            } else {
                ThreadCounters::none()
            };
            let _ = ready.send(Ok(Ready {
                side,
                index,
                counters,
                local,
                tid: nix::unistd::gettid().as_raw(),
            }));
            if start.recv().is_err() {
                return;
            }
            match body(endpoint, &stats, &shared) {
                Err(e) => shared.fail(side, index, &e),
                // `--messages`: alive until the window's last reading.
                Ok(()) => {
                    if let Some(f) = &shared.fixed {
                        f.wait_closed();
                    }
                }
            }
        })
        .map_err(crate::sys::no_thread)
}

/// Spawns the receiver for connection `index`: connects to `server`, then reads until EOF.
pub fn spawn_receiver(
    spec: &WorkerSpec,
    index: usize,
    server: SocketAddr,
    stats: Arc<ThreadStats>,
) -> io::Result<JoinHandle<()>> {
    let (config, verify) = (spec.config, spec.verify);
    let setup = move |net: &Net| {
        net.enter_client()?;
        let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
        if config.is_rr() {
            // The responder sends too: the same Nagle setting as the requester.
            s.set_tcp_nodelay(config.nodelay)?;
            s.set_write_timeout(Some(IO_TIMEOUT))?;
            if config.strategy.needs_so_zerocopy() {
                sys::set_zerocopy(s.as_fd())?;
            }
        } else {
            // As the course's client: no effect on the data direction.
            s.set_tcp_nodelay(true)?;
        }
        s.set_read_timeout(Some(IO_TIMEOUT))?;
        if config.recv == RecvMode::ZeroCopy {
            receive_zc::before_connect(&s)?;
        }
        s.connect_timeout(&server.into(), IO_TIMEOUT)?;
        let local = s.local_addr().ok().and_then(|a| a.as_socket());
        Ok((s, local))
    };
    spawn_worker(
        spec,
        Side::Receiver,
        index,
        stats,
        setup,
        move |sock, stats, shared| match config.is_rr() {
            true => rr::respond(sock, config, verify, stats, shared),
            // At EOF a stream's connection has delivered all it sent.
            false => {
                receive(sock, config, verify, stats, shared).map(|()| shared.connection_finished())
            }
        },
    )
}

/// Spawns the receiver for connection `index` on a socket already connected (the far
/// half's data connections, `--peer`): reads until EOF, or answers each request (rr).
pub fn spawn_receiver_on(
    spec: &WorkerSpec,
    index: usize,
    sock: Socket,
    stats: Arc<ThreadStats>,
) -> io::Result<JoinHandle<()>> {
    let (config, verify) = (spec.config, spec.verify);
    let setup = move |_: &Net| {
        if config.is_rr() {
            // The responder sends too: as spawn_receiver sets it up.
            sock.set_tcp_nodelay(config.nodelay)?;
            sock.set_write_timeout(Some(IO_TIMEOUT))?;
            if config.strategy.needs_so_zerocopy() {
                sys::set_zerocopy(sock.as_fd())?;
            }
        } else {
            sock.set_tcp_nodelay(true)?;
        }
        sock.set_read_timeout(Some(IO_TIMEOUT))?;
        Ok((sock, None))
    };
    spawn_worker(
        spec,
        Side::Receiver,
        index,
        stats,
        setup,
        move |sock, stats, shared| match config.is_rr() {
            true => rr::respond(sock, config, verify, stats, shared),
            false => receive(sock, config, verify, stats, shared),
        },
    )
}

/// Read size of `--recv stream` and `trunc` (iperf3's default for TCP).
const STREAM_CHUNK: usize = 256 << 10;

pub(super) fn receive(
    sock: Socket,
    config: Config,
    verify: bool,
    stats: &ThreadStats,
    shared: &RunShared,
) -> io::Result<()> {
    if config.recv == RecvMode::ZeroCopy {
        return receive_zc::receive(sock, config, verify, stats, shared);
    }
    let size = config.msg_size;
    let whole_messages = config.recv == RecvMode::Message;
    // message: a message-size buffer, never read past the end of the current message.
    let place = config.buf_offset;
    let mut buf = PlacedBuf::try_new(if whole_messages { size } else { STREAM_CHUNK }, 0, place)?;
    let mut locked = locked::lock_receive(config, &buf)?;
    // trunc: the kernel discards what it "reads"; this buffer is never written.
    let mut discard = if config.recv == RecvMode::Trunc {
        let mut d = Vec::new();
        d.try_reserve_exact(STREAM_CHUNK)
            .map_err(|_| crate::sys::no_room(STREAM_CHUNK))?;
        d.resize(STREAM_CHUNK, std::mem::MaybeUninit::<u8>::uninit());
        d
    } else {
        Vec::new()
    };
    let mut check = PayloadCheck::new(size);
    // Counted here and published with a plain store: only this thread writes it.
    let mut received = 0u64;
    let mut draining = false;
    let mut progress_seen = shared.progress.load(Relaxed);
    loop {
        // Once the window is over, what is still in flight is read in large chunks:
        // it is counted and verified, but it is not measured, and at small message
        // sizes message-sized reads would make stopping take seconds.
        if !draining && shared.stop.load(Relaxed) && buf.len() < DRAIN_CHUNK {
            draining = true;
            // The window is over: its buffer is unlocked before it is freed.
            drop(locked.take());
            buf = PlacedBuf::try_new(DRAIN_CHUNK, 0, place)?;
        }
        let start = if draining || !whole_messages {
            0
        } else {
            size - check.remaining_in_message()
        };
        let got = if discard.is_empty() {
            (&sock).read(&mut buf[start..])
        } else {
            sock.recv_with_flags(&mut discard, libc::MSG_TRUNC)
        };
        let n = match got {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if is_timeout(&e)
                    && !silent_is_failure(shared.progress.load(Relaxed), &mut progress_seen) =>
            {
                continue
            }
            Err(e) => return Err(timeout_said(e)),
        };
        if (received + n as u64) >> PROGRESS_STEP_SHIFT != received >> PROGRESS_STEP_SHIFT {
            shared.progress.fetch_add(1, Relaxed);
        }
        if verify && discard.is_empty() {
            if let Some(err) = check.feed(&buf[start..start + n]) {
                let _ = shared.corrupt.set(err);
            }
        } else {
            check.advance(n);
        }
        received += n as u64;
        stats.bytes.store(received, Relaxed);
        stats.messages.store(check.messages(), Relaxed);
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A read that timed out says how long nothing came; other errors pass unchanged.
pub(super) fn timeout_said(e: io::Error) -> io::Error {
    if is_timeout(&e) {
        io::Error::new(e.kind(), format!("no data for {}s", IO_TIMEOUT.as_secs()))
    } else {
        e
    }
}

/// Spawns the sender for an accepted connection: sends messages until told to stop,
/// then waits for zero-copy completions and closes its half.
pub fn spawn_sender(
    spec: &WorkerSpec,
    index: usize,
    sock: Socket,
    stats: Arc<ThreadStats>,
) -> io::Result<JoinHandle<()>> {
    let (config, verify) = (spec.config, spec.verify);
    let setup = move |net: &Net| {
        net.enter_server()?;
        if sock.r#type()? == Type::STREAM {
            // Nagle stays on unless asked (the course's senders keep it on).
            sock.set_tcp_nodelay(config.nodelay)?;
        }
        sock.set_write_timeout(Some(SEND_TIMEOUT))?;
        if config.strategy.needs_so_zerocopy() {
            sys::set_zerocopy(sock.as_fd())?;
        }
        Ok((sock, None))
    };
    spawn_worker(
        spec,
        Side::Sender,
        index,
        stats,
        setup,
        move |sock, stats, shared| match config.is_rr() {
            true => rr::request(sock, config, verify, stats, shared),
            false => send_until_stopped(sock, config, stats, shared),
        },
    )
}

fn send_until_stopped(
    mut sock: Socket,
    config: Config,
    stats: &ThreadStats,
    shared: &RunShared,
) -> io::Result<()> {
    let msg = Message::for_strategy(config.strategy, config.msg_size, config.buf_offset)?;
    // Declared after the message: unlocked before it is freed.
    let _locked = locked::lock_fields(config, &msg)?;
    let work = SendLoop {
        sock: &mut sock,
        msg: &msg,
        stats,
        shared,
    };
    let result = with_sender(config.strategy, config.msg_size, config.buf_offset, work);
    // Always close our half so the receiver sees EOF and ends.
    let _ = sock.shutdown(Shutdown::Write);
    // SO_SNDTIMEO's EAGAIN only: a strategy's own timeout says its own words.
    result.map_err(|e| match e.raw_os_error() == Some(libc::EAGAIN) {
        true => io::Error::new(
            e.kind(),
            format!("a send blocked for {}s", SEND_TIMEOUT.as_secs()),
        ),
        false => e,
    })
}

/// The sender's loop, compiled once per strategy (see [`with_sender`]).
struct SendLoop<'a> {
    sock: &'a mut Socket,
    msg: &'a Message,
    stats: &'a ThreadStats,
    shared: &'a RunShared,
}

impl WithSender for SendLoop<'_> {
    type Output = io::Result<()>;

    fn run<S: SendStrategy>(self, mut strategy: S) -> io::Result<()> {
        let SendLoop {
            sock,
            msg,
            stats,
            shared,
        } = self;
        let size = msg.size() as u64;
        let mut sent = 0u64;
        let amount = shared.amount();
        let result = (|| {
            while !shared.stop.load(Relaxed) && sent < amount {
                strategy.send_message(sock, msg)?;
                sent += 1;
                stats.bytes.store(sent * size, Relaxed);
                // Compiled out for strategies without zero-copy figures.
                if let Some(z) = strategy.zc_stats() {
                    stats.publish_zc(&z);
                }
            }
            strategy.finish(sock)
        })();
        if let Some(z) = strategy.zc_stats() {
            stats.publish_zc(&z);
        }
        result
    }
}
