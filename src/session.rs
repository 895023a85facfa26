//! What the explorer, `run` and `sweep` share before and around the engine: one
//! preflight (every check that needs no engine, in one order) and one startup order
//! (preflight → signals → engine → recorder → frontend), so a refusal always comes
//! before anything is built and always reads the same.

use crate::engine::config::{Config, Count, Pin, RecvMode};
use crate::engine::{Engine, EngineOptions};
use crate::error::{usage, Result};
use crate::model::files;
use crate::model::recording::Recorder;
use crossbeam_channel::{unbounded, Receiver};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a user without the privileges gets: what needs root, and what works without.
pub const NEEDS_ROOT: &str = "this needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN): the explorer, \
run and sweep build a private network of two namespaces joined by a veth pair. Run it with sudo (sudo netio-tui …), \
or add --no-netns to measure over loopback in the current namespace. Without root you can also \
use: netio-tui replay FILE, netio-tui plot FILE.csv, netio-tui --help; netio-tui doctor checks this \
machine and says what root would add";

/// Where the measured traffic goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topology {
    Veth,
    Sink,
}

/// How every measuring command measures (the options they share).
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureSettings {
    /// Loopback in the current namespace instead of a private veth network.
    pub no_netns: bool,
    pub topology: Topology,
    /// Where to record every event, if anywhere.
    pub record: Option<PathBuf>,
    pub verbose: bool,
    /// Sample interval and warm-up, in seconds.
    pub interval: f64,
    pub warmup: f64,
    /// The sampling profiler's rate, when it is asked for.
    pub profile_hz: Option<u32>,
    pub syscalls: bool,
    /// `--peer`: the other half runs on a far host, over ssh.
    pub peer: Option<crate::peer::PeerSettings>,
}

impl MeasureSettings {
    /// What the far half of a `--peer` session measures with: the same options.
    pub fn agent_options(&self, verify: bool) -> crate::engine::peer::protocol::AgentOptions {
        crate::engine::peer::protocol::AgentOptions {
            interval_ms: (self.interval * 1e3).round() as u64,
            warmup_ms: (self.warmup * 1e3).round() as u64,
            verify,
            profile_hz: self.profile_hz,
            syscalls: self.syscalls,
        }
    }

    pub fn engine_options(&self, verify: bool) -> EngineOptions {
        EngineOptions {
            use_netns: !self.no_netns,
            sink: self.topology == Topology::Sink,
            interval: Duration::from_secs_f64(self.interval),
            warmup: Duration::from_secs_f64(self.warmup),
            verify,
            verbose: self.verbose,
            profile_hz: self.profile_hz,
            syscalls: self.syscalls,
        }
    }
}

/// What a command is about to measure and write: everything the preflight checks.
#[derive(Clone, Debug, Default)]
pub struct Request<'a> {
    /// The configurations, in the order they will be measured.
    pub configs: &'a [Config],
    pub verify: bool,
    /// A sweep's CSV file (`--out`).
    pub out: Option<&'a Path>,
    /// The explorer's export directory (`--export-dir`).
    pub export_dir: Option<&'a Path>,
    /// Several configurations crossed from axes (a sweep): a refusal names the crossing.
    pub crossed: bool,
}

/// Every check that needs no engine, in one order: settings that contradict each
/// other, privilege, the files to write, then each configuration against this machine
/// (CPUs, counting, payload checks, the sink, memory).
pub fn preflight(m: &MeasureSettings, request: &Request) -> Result<()> {
    if m.no_netns && m.topology == Topology::Sink {
        return Err(usage(
            "--topology sink builds its own namespaces; it cannot be combined with --no-netns",
        ));
    }
    if m.peer.is_some() && (m.no_netns || m.topology == Topology::Sink) {
        return Err(usage(
            "--peer measures between this host and the peer over their own network; it cannot be combined with --no-netns or --topology sink",
        ));
    }
    if m.topology == Topology::Sink && request.verify {
        return Err(usage(
            "--topology sink has no receiver (its datagrams go to a blackhole route): --verify has nothing to check; leave it out",
        ));
    }
    // With a peer no namespace is made: nothing here needs root.
    if !(m.no_netns || m.peer.is_some() || may_create_namespaces()) {
        return Err(usage(NEEDS_ROOT));
    }
    if let Some(dir) = request.export_dir {
        files::check_dir(dir, "--export-dir")?;
    }
    if let Some(out) = request.out {
        files::check_output(out, "--out", true)?;
    }
    check_record(m.record.as_deref(), request.out)?;
    let allowed = crate::engine::worker::allowed_cpus();
    for &c in request.configs {
        check_config(&c, request.verify, &allowed).map_err(|why| match why {
            Refusal::CountNeedsPin if request.crossed => usage(format!(
                "{}; this sweep crosses --count cpu with --pin {p}: leave {p} out of --pin, or sweep --count cpu on its own",
                crate::engine::config::COUNT_CPU_NEEDS_PIN,
                p = c.pin
            )),
            why => usage(why.to_string()),
        })?;
        if let Some(why) = c.rr_refuses() {
            return Err(usage(why));
        }
        if m.topology == Topology::Sink {
            if let Some(why) = crate::engine::sink_refuses(c) {
                return Err(usage(why));
            }
        }
        // The engine says it is the user's (ErrorKind::Usage: exit 2).
        crate::engine::check_memory(c)?;
        crate::engine::check_memlock(c, m.topology != Topology::Sink)?;
    }
    Ok(())
}

/// Effective root, or both capabilities that creating namespaces and veth links needs.
fn may_create_namespaces() -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    const CAP_NET_ADMIN: u32 = 12;
    const CAP_SYS_ADMIN: u32 = 21;
    status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|h| u64::from_str_radix(h.trim(), 16).ok())
        .is_some_and(|caps| caps & (1 << CAP_NET_ADMIN) != 0 && caps & (1 << CAP_SYS_ADMIN) != 0)
}

/// `--record`: a path that can be created, no link, no special file, and not the same
/// file as the CSV `out` (the recording would be lost).
fn check_record(record: Option<&Path>, out: Option<&Path>) -> Result<()> {
    let Some(rec) = record else {
        return Ok(());
    };
    files::check_output(rec, "--record", false)?;
    if let Some(out) = out {
        if files::same_file(rec, out) {
            return Err(usage(format!(
                "--record {} and --out {} are the same file; one would overwrite the other. \
                 Give two different files",
                rec.display(),
                out.display()
            )));
        }
    }
    Ok(())
}

/// Why a configuration cannot run on this machine.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// `--pin` names a CPU this process may not use.
    CpuNotAllowed { cpu: usize, allowed: Vec<usize> },
    /// `--count cpu` without pinned CPUs to count.
    CountNeedsPin,
    /// `--verify` with a receive mode that discards the payload.
    VerifyTrunc,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::CpuNotAllowed { cpu, allowed } => write!(
                f,
                "--pin names CPU {cpu}, which this process may not use; allowed CPUs: {}",
                allowed
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Refusal::CountNeedsPin => f.write_str(crate::engine::config::COUNT_CPU_NEEDS_PIN),
            Refusal::VerifyTrunc => f.write_str(
                "--verify cannot check payloads with --recv trunc (the kernel discards them); use message, stream or zerocopy",
            ),
        }
    }
}

/// A configuration against this machine: pinned CPUs must exist and be allowed,
/// `--count cpu` needs pinned CPUs to count (receivers or not, pinning decides), and a
/// payload cannot be verified when the kernel discards it.
pub fn check_config(
    c: &Config,
    verify: bool,
    allowed: &[usize],
) -> std::result::Result<(), Refusal> {
    if let Pin::List(l) = c.pin {
        if let Some(cpu) = l.cpus().into_iter().find(|x| !allowed.contains(x)) {
            return Err(Refusal::CpuNotAllowed {
                cpu,
                allowed: allowed.to_vec(),
            });
        }
    }
    if c.count == Count::Cpu && c.pin.cpu_sides(c.threads, true, allowed).is_none() {
        return Err(Refusal::CountNeedsPin);
    }
    if verify && c.recv == RecvMode::Trunc {
        return Err(Refusal::VerifyTrunc);
    }
    Ok(())
}

/// What the startup order hands the frontend: the signal channel (taken first, so a
/// Ctrl-C during setup is not lost), the engine and the recorder.
pub struct Started {
    pub signals: Signals,
    pub engine: Engine,
    pub recorder: Option<Recorder>,
}

/// The one startup order after the preflight: signals, engine, recorder.
pub fn start(m: &MeasureSettings, verify: bool) -> Result<Started> {
    let signals = Signals::spawn()?;
    let engine = match &m.peer {
        None => Engine::new(m.engine_options(verify))?,
        Some(p) => {
            let far = crate::peer::connect(p, m.agent_options(verify))?;
            Engine::with_far(m.engine_options(verify), far)?
        }
    };
    let recorder = match &m.record {
        Some(path) => Some(Recorder::create(path, engine.machine())?),
        None => None,
    };
    // The namespaces exist: from here on this thread, and every thread it starts
    // (the runner, the workers, the sampler), keeps only the capabilities the engine
    // still uses, with no_new_privs (no program started later gains a privilege by
    // exec, as trippy does once its sockets are open). The signal thread dropped to
    // its own one when it started.
    crate::engine::sys::drop_capabilities(&crate::engine::sys::ENGINE_KEEPS)
        .map_err(|e| crate::error::fault(format!("dropping capabilities: {e}")))?;
    Ok(Started {
        signals,
        engine,
        recorder,
    })
}

/// SIGTERM, SIGINT and SIGHUP as a channel, so a loop selecting on it wakes at once.
/// The thread that spawned it (the main loop) is raised above every worker the moment
/// a signal arrives, so it stops them within a second or two even when hundreds of
/// busy workers share two cores (root; best effort elsewhere, where none run).
///
/// The spawning thread, and every thread it starts afterwards (the engine, the
/// workers), blocks the three signals; only the signal thread takes them. The kernel
/// hands a process's signal to a thread that does not block it, and would otherwise
/// pick a runnable one (a worker, or the explorer's low-priority main thread) that may
/// not run for minutes under load, the signal pending all that time.
pub struct Signals {
    handle: signal_hook::iterator::Handle,
    thread: Option<JoinHandle<()>>,
    rx: Receiver<i32>,
    /// The spawning thread and its signal mask before, restored when dropped there.
    owner: (i32, nix::sys::signal::SigSet),
}

/// Called first thing in `main`: the three signals wait (blocked, pending) until the
/// command says whether it measures. A measuring command answers them from
/// [`Signals::spawn`] on (a signal in its first moments, before the engine exists, is
/// then an interruption like any other, not the default action's silent death); the
/// others call [`release_signals`] and a signal takes its default action as before.
/// The engine's ELF constructor (sys/early.rs) blocked them already, before the Rust
/// runtime started; this call keeps that true for an executable of another name.
/// Returns whether they were held before `main`.
pub fn hold_signals() -> bool {
    crate::engine::sys::block_answered()
}

/// For commands that measure nothing (replay, plot, report): signals take their
/// default action again; one that arrived since [`hold_signals`] takes it now.
pub fn release_signals() {
    use nix::sys::signal::{pthread_sigmask, SigmaskHow};
    let _ = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&answered()), None);
}

/// The signals the program answers (the rest keep their default action).
fn answered() -> nix::sys::signal::SigSet {
    use nix::sys::signal::{SigSet, Signal};
    let mut set = SigSet::empty();
    for s in crate::engine::sys::ANSWERED {
        set.add(Signal::try_from(s).expect("a signal number"));
    }
    set
}

impl Signals {
    pub fn spawn() -> std::io::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
        let handle = signals.handle();
        let (tx, rx) = unbounded();
        use nix::sys::signal::{pthread_sigmask, SigmaskHow};
        let main = crate::engine::sys::current_tid();
        let mut before = nix::sys::signal::SigSet::empty();
        pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&answered()), Some(&mut before))
            .map_err(std::io::Error::from)?;
        let thread = std::thread::Builder::new()
            .name("netio-signals".into())
            .spawn(move || {
                // The one thread that takes them (it inherited the block).
                let _ = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&answered()), None);
                // Asleep but for a signal: it costs the workers nothing, and it runs
                // the moment one arrives.
                let _ = crate::engine::sys::make_thread_realtime();
                // Least privilege: raising the main loop is all it does.
                let _ =
                    crate::engine::sys::drop_capabilities(&crate::engine::sys::SIGNAL_THREAD_KEEPS);
                for sig in signals.forever() {
                    let _ = crate::engine::sys::make_realtime(main);
                    if tx.send(sig).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Signals {
            handle,
            thread: Some(thread),
            rx,
            owner: (main, before),
        })
    }

    pub fn receiver(&self) -> &Receiver<i32> {
        &self.rx
    }

    /// Whether a signal has arrived (and not been taken yet).
    pub fn pending(&self) -> bool {
        !self.rx.is_empty()
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        // A signal after this takes its default action again, as before we answered.
        if crate::engine::sys::current_tid() == self.owner.0 {
            use nix::sys::signal::{pthread_sigmask, SigmaskHow};
            let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.owner.1), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Strategy;
    use crate::model::plan::{cross, AxisPlan};

    #[test]
    fn count_cpu_needs_pinned_cpus() {
        let allowed = crate::engine::worker::allowed_cpus();
        let mut c = Config::new(Strategy::OneCopy, 4096, 1);
        c.count = Count::Cpu;
        assert_eq!(
            check_config(&c, false, &allowed),
            Err(Refusal::CountNeedsPin)
        );
        assert_eq!(
            Refusal::CountNeedsPin.to_string(),
            crate::engine::config::COUNT_CPU_NEEDS_PIN
        );
        c.pin = Pin::Split;
        assert_eq!(check_config(&c, false, &allowed), Ok(()));
        let axes = AxisPlan::default()
            .with(&crate::engine::axis::PIN, &["off", "split"])
            .and_then(|p| p.with(&crate::engine::axis::COUNT, &["thread", "cpu"]))
            .unwrap();
        let all = cross(&[Config::new(Strategy::OneCopy, 64, 1)], &axes);
        assert_eq!(
            all.iter()
                .filter(|c| check_config(c, false, &allowed).is_err())
                .map(|c| (c.pin, c.count))
                .collect::<Vec<_>>(),
            vec![(Pin::Off, Count::Cpu)]
        );
    }
}
