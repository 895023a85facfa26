//! The engine: the private network and the counter plan, built once and reused for
//! every configuration.

use crate::config::{self, Config};
use crate::counters::{self, CounterPlan};
use crate::error::{Error, Result};
use crate::netns::{self, NetnsPair};
use crate::sample::{self, MachineInfo};
use crate::worker::receive_zc;
use crate::worker::{self, Net, IO_TIMEOUT};
use crate::{machine, profile, sys};
use socket2::{Domain, Socket, Type};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

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
    pub(crate) net: Net,
    pub(crate) listener: Socket,
    pub(crate) server: SocketAddr,
    pub(crate) plan: Arc<CounterPlan>,
    pub(crate) profile: Option<profile::ProfilePlan>,
    pub(crate) machine: MachineInfo,
    pub(crate) opts: EngineOptions,
    /// The CPUs this process may use, for pinning.
    pub(crate) cpus: Arc<Vec<usize>>,
    /// Namespace setup time, when namespaces were built.
    pub setup_time: Option<Duration>,
    /// The veth pair's MTU now: raised only while `--recv zerocopy` is measured.
    pub(crate) mtu: std::sync::atomic::AtomicU32,
    /// `--peer`: the other half of every connection runs on a far host.
    pub(crate) far: Option<Arc<dyn crate::far::FarSide>>,
    /// `--messages N`: each connection's amount; `None`: windows are timed.
    pub(crate) fixed_messages: Option<u64>,
}

impl Engine {
    /// Builds the private network (or uses loopback), probes the counters, and opens the
    /// one listening socket every configuration connects to.
    pub fn new(opts: EngineOptions) -> Result<Engine> {
        raise_fd_limit();
        let (net, setup_time) = build_network(&opts)?;
        let (listener, server) = listen(&net)?;
        let plan = Arc::new(probe_counters(&opts));
        let mut machine = describe_machine(&net, &opts, &plan);
        let profile = probe_profiler(&opts, &mut machine);
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
            far: None,
            fixed_messages: None,
        })
    }

    pub fn machine(&self) -> &MachineInfo {
        &self.machine
    }

    pub fn options(&self) -> &EngineOptions {
        &self.opts
    }

    /// `--messages N` (run, sweep): every window ends when each connection has made N
    /// messages (stream) or N transactions (rr), and lasts the time that took; no
    /// warm-up. `None`: windows are timed.
    pub fn set_fixed_messages(&mut self, n: Option<u64>) {
        self.fixed_messages = n;
    }
}

impl Engine {
    /// Zero-copy receive wants segments of one page of payload: the veth pair gets
    /// [`receive_zc::page_mtu`] while it is measured, Ethernet's 1500 otherwise, so no
    /// other figure is measured at another MTU. (The sink keeps its own MTU.)
    pub(crate) fn set_mtu_for(&self, config: Config) -> Result<()> {
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

/// The private veth network in two namespaces (the sink's three), or loopback; and
/// how long building it took.
fn build_network(opts: &EngineOptions) -> Result<(Net, Option<Duration>)> {
    Ok(if opts.use_netns {
        let pair = if opts.sink {
            NetnsPair::create_sink()?
        } else {
            NetnsPair::create()?
        };
        let t = pair.setup_time;
        (Net::Veth(Arc::new(pair)), Some(t))
    } else {
        (Net::Loopback, None)
    })
}

/// The one listening socket every configuration connects to, in the server namespace.
fn listen(net: &Net) -> Result<(Socket, SocketAddr)> {
    let server_ip = match net {
        Net::Veth(_) => netns::SERVER_ADDR,
        Net::Loopback => Ipv4Addr::LOCALHOST,
    };
    let listener = in_server_ns(net, move || {
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
    Ok((listener, server))
}

/// The counters this machine offers; the syscall tracepoint only when asked for.
fn probe_counters(opts: &EngineOptions) -> CounterPlan {
    let mut plan = CounterPlan::probe(&machine::cpu_vendor());
    if !opts.syscalls {
        plan.drop_metric(
            counters::Metric::Syscalls,
            "off by default: while the raw_syscalls tracepoint is open every system call takes \
             the kernel's slow entry path (~12 % throughput at two-copy 64 B); --syscalls counts them",
        );
    }
    plan
}

/// What this machine offers: network, counters, roofline, strategies it refuses.
fn describe_machine(net: &Net, opts: &EngineOptions, plan: &CounterPlan) -> MachineInfo {
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
    let mut machine = machine::describe(&network, plan);
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
    machine
}

/// The sampling profiler, when `--profile` asks for it; why not, said in `machine`.
fn probe_profiler(opts: &EngineOptions, machine: &mut MachineInfo) -> Option<profile::ProfilePlan> {
    match opts.profile_hz {
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
    }
}

/// Runs `f` on a thread inside the server namespace (sockets keep the namespace they
/// were created in, whichever thread uses them later).
pub(crate) fn in_server_ns<T: Send + 'static>(
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
        note: note.map(sample::Note::Says),
    }
}

/// Whether this kernel offers MSG_ZEROCOPY on TCP sockets at all.
pub(crate) fn probe_zerocopy() -> io::Result<()> {
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
