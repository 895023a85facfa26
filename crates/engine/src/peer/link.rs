//! The local side's link to its agent: the handshake, and per configuration the
//! listener, the start, each interval's figures and the total.

use super::protocol::{
    read_line, write_line, AgentOptions, Configure, FromAgent, ToAgent, PROTOCOL,
};
use crate::config::{Config, Strategy};
use crate::error::{Error, Result};
use crate::far::{refused_note, FarSide, FarTotal};
use crate::sample::{Failure, MachineInfo, Measured};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::io::{self, BufRead, Write};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long the agent may take to say hello (ssh's login, a copied binary) and to
/// describe its machine (it measures its copy roofline).
const HANDSHAKE: Duration = Duration::from_secs(60);
/// How long a configuration's setup or total may take on the far side.
const ANSWER: Duration = Duration::from_secs(30);

/// What carries the control lines (ssh, for the binary): it can say why it ended.
pub trait Transport: Send + Sync {
    /// Why the link is gone, as the transport saw it (e.g. ssh's exit and last words).
    fn why_lost(&self) -> Option<String>;
}

/// Who the local side is talking to, and how.
pub struct PeerSetup {
    /// The host as the user named it (`[user@]host[:port]`).
    pub host: String,
    /// The address data connections go to (the far listener binds it).
    pub addr: IpAddr,
    /// The local side sends (the default); `false`: `--reverse`.
    pub local_sends: bool,
    pub version: String,
    pub build: String,
    /// A test's hold between the far listener coming up and the dialling (see the
    /// binary's test seams); `None` in every real run.
    pub hold_before_dial: Option<Duration>,
}

/// The byte streams to an agent and what carries them: ssh's pipes, for the binary.
pub struct Channel {
    pub reader: Box<dyn BufRead + Send>,
    pub writer: Box<dyn Write + Send>,
    pub transport: Box<dyn Transport>,
}

/// Starts another agent over a new channel (a new ssh connection) after the link to
/// the first was lost.
pub type Reconnect = Box<dyn Fn() -> Result<Channel> + Send + Sync>;

/// The far half of every connection: an agent on another host, over a byte stream.
pub struct FarHalf {
    // Dropped first: closing the agent's stdin ends it.
    writer: Mutex<Option<Box<dyn Write + Send>>>,
    lines: Mutex<Receiver<io::Result<FromAgent>>>,
    pub machine: MachineInfo,
    pub setup: PeerSetup,
    /// The agent's version and build id, from its hello.
    pub far_build: String,
    failed: Mutex<Option<Failure>>,
    notices: Mutex<Vec<String>>,
    transport: Mutex<Arc<dyn Transport>>,
    /// Set when the link broke (closed, unreadable, silent): the next configuration
    /// starts another agent first, if [`FarHalf::reconnect`] can.
    lost: AtomicBool,
    options: AgentOptions,
    reconnect: Option<Reconnect>,
}

/// Reads the agent's lines on a thread of their own.
fn spawn_reader(reader: Box<dyn BufRead + Send>) -> Result<Receiver<io::Result<FromAgent>>> {
    let (tx, lines) = crossbeam_channel::unbounded();
    std::thread::Builder::new()
        .name("netio-peer-rx".into())
        .spawn(move || {
            // It reads a pipe only: no capability (it may start before they are dropped).
            let _ = crate::sys::drop_capabilities(&[]);
            let mut reader = reader;
            loop {
                match read_line::<FromAgent>(&mut reader) {
                    Ok(Some(m)) => {
                        if tx.send(Ok(m)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
        })
        .map_err(|e| Error::Fault(format!("starting the peer reader: {e}")))?;
    Ok(lines)
}

impl FarHalf {
    /// Reads the agent's hello, checks it speaks this version, opens its engine with
    /// `options` and reads its machine. `reconnect`, where given, starts another agent
    /// when this one is lost (the explorer goes on with the next configuration).
    pub fn connect(
        channel: Channel,
        setup: PeerSetup,
        options: AgentOptions,
        reconnect: Option<Reconnect>,
    ) -> Result<FarHalf> {
        let Channel {
            reader,
            writer,
            transport,
        } = channel;
        let mut far = FarHalf {
            writer: Mutex::new(Some(writer)),
            lines: Mutex::new(spawn_reader(reader)?),
            machine: MachineInfo::default(),
            setup,
            far_build: String::new(),
            failed: Mutex::new(None),
            notices: Mutex::new(Vec::new()),
            transport: Mutex::new(Arc::from(transport)),
            lost: AtomicBool::new(false),
            options,
            reconnect,
        };
        let (build, machine) = far.handshake()?;
        far.far_build = build;
        far.machine = machine;
        Ok(far)
    }

    /// Hello (the same version), open, the agent's machine.
    fn handshake(&self) -> Result<(String, MachineInfo)> {
        let lost = |e: String| Error::Unavailable(e);
        let build = match self.next(HANDSHAKE).map_err(lost)? {
            FromAgent::Hello {
                protocol,
                version,
                build,
            } => {
                if protocol != PROTOCOL || version != self.setup.version {
                    return Err(Error::Unavailable(format!(
                        "--peer {}: the far host runs netio-tui {version} (control protocol {protocol}); this is {} (protocol {PROTOCOL}): install the same version there, or add --peer-copy to run this binary there",
                        self.setup.host, self.setup.version
                    )));
                }
                build
            }
            other => return Err(lost(format!("the agent did not say hello but {other:?}"))),
        };
        self.send(&ToAgent::Open {
            options: self.options.clone(),
        })
        .map_err(lost)?;
        loop {
            match self.next(HANDSHAKE).map_err(lost)? {
                FromAgent::Machine { machine } => return Ok((build, *machine)),
                FromAgent::Refused { message, .. } => {
                    return Err(Error::Unavailable(format!(
                        "--peer {}: the agent cannot measure there: {message}",
                        self.setup.host
                    )))
                }
                _ => {}
            }
        }
    }

    /// After a lost link: ends what is left of it and starts another agent over a new
    /// channel. Said in the notices, so the user sees the peer came back.
    fn relink(&self) -> Result<()> {
        let Some(reconnect) = &self.reconnect else {
            return Err(Error::Fault(format!(
                "the peer {} was lost earlier in this session",
                self.setup.host
            )));
        };
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Channel {
            reader,
            writer,
            transport,
        } = reconnect()?;
        *self.lines.lock().unwrap_or_else(|e| e.into_inner()) = spawn_reader(reader)?;
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = Some(writer);
        *self.transport.lock().unwrap_or_else(|e| e.into_inner()) = Arc::from(transport);
        self.lost.store(false, Ordering::SeqCst);
        self.handshake()?;
        self.notices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push("reconnected: the agent was started again over a new ssh connection".into());
        Ok(())
    }

    fn send(&self, m: &ToAgent) -> std::result::Result<(), String> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        match w.as_mut() {
            Some(w) => write_line(w.as_mut(), m)
                // The transport's reason says why the pipe broke (ssh, the agent).
                .map_err(|e| self.lost_because(&format!("writing to the agent failed ({e})"))),
            None => Err("the link to the agent is closed".into()),
        }
    }

    /// The next line, notices set aside; a lost link says why.
    fn next(&self, timeout: Duration) -> std::result::Result<FromAgent, String> {
        let lines = self.lines.lock().unwrap_or_else(|e| e.into_inner()).clone();
        loop {
            return match lines.recv_timeout(timeout) {
                Ok(Ok(FromAgent::Notice { message })) => {
                    self.notices
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(message);
                    continue;
                }
                Ok(Ok(m)) => Ok(m),
                Ok(Err(e)) => Err(self.lost(&format!("the agent sent {e}"))),
                // Why it closed, as the transport saw it (ssh dropped, the agent died),
                // says all; without it, that it closed.
                Err(RecvTimeoutError::Disconnected) => {
                    Err(self.lost_because("the agent closed the control connection"))
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.lost.store(true, Ordering::SeqCst);
                    Err(format!(
                        "the agent on {} did not answer within {} s",
                        self.setup.host,
                        timeout.as_secs()
                    ))
                }
            };
        }
    }

    /// Why the link is gone in the transport's words, or `what` where it has none.
    fn lost_because(&self, what: &str) -> String {
        self.mark_lost().unwrap_or_else(|| what.to_string())
    }

    /// Marks the link lost; the transport's reason, where it has one.
    fn mark_lost(&self) -> Option<String> {
        self.lost.store(true, Ordering::SeqCst);
        let transport = self
            .transport
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        transport.why_lost()
    }

    fn lost(&self, what: &str) -> String {
        match self.mark_lost() {
            Some(why) => format!("{what}: {why}"),
            None => what.to_string(),
        }
    }

    /// The network line of the header: which host runs the other half, and how.
    pub fn network_line(&self) -> String {
        let m = &self.machine;
        let path = crate::path::route_to(self.setup.addr)
            .map_or_else(|e| format!("path unknown ({e})"), |p| p.to_string());
        format!(
            "peer {} ({}): the other half runs there ({}, {} cores, kernel {}); {} sends; {path}",
            self.setup.host,
            self.setup.addr,
            m.cpu_model,
            m.cores,
            m.kernel,
            if self.setup.local_sends {
                "this host"
            } else {
                "the peer"
            }
        )
    }

    /// The agent's notices since the last call.
    fn take_notices_far(&self) -> Vec<String> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Asks the agent to listen for `config`'s connections; returns its port. A link
    /// lost before (or found lost now) is made again first, where it can be.
    fn configure_far(&self, config: Config, token: &str) -> Result<u16> {
        if self.lost.load(Ordering::SeqCst) {
            self.relink()?;
        }
        match self.configure_once(config, token) {
            Err(_) if self.lost.load(Ordering::SeqCst) && self.reconnect.is_some() => {
                self.relink()?;
                self.configure_once(config, token)
            }
            r => r,
        }
    }

    fn configure_once(&self, config: Config, token: &str) -> Result<u16> {
        *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let peer = |e: String| Error::Fault(format!("the peer was lost: {e}"));
        self.send(&ToAgent::Configure(Configure {
            config,
            agent_sends: !self.setup.local_sends,
            bind: self.setup.addr,
            token: token.to_string(),
        }))
        .map_err(peer)?;
        loop {
            match self.next(ANSWER).map_err(peer)? {
                FromAgent::Listening { port } => {
                    if let Some(hold) = self.setup.hold_before_dial {
                        std::thread::sleep(hold);
                    }
                    return Ok(port);
                }
                FromAgent::Refused { message, usage } => {
                    let m = format!("on the peer {}: {message}", self.setup.host);
                    return Err(if usage {
                        Error::Usage(m)
                    } else {
                        Error::Unavailable(m)
                    });
                }
                FromAgent::Failed { failure, .. } => {
                    return Err(Error::Fault(format!("on the peer: {failure}")))
                }
                _ => {}
            }
        }
    }

    /// Waits until the agent's workers are ready.
    fn ready_far(&self) -> Result<()> {
        let peer = |e: String| Error::Fault(format!("the peer was lost: {e}"));
        loop {
            match self.next(ANSWER).map_err(peer)? {
                FromAgent::Ready => return Ok(()),
                FromAgent::Failed { failure, refused } => {
                    return Err(Error::Fault(format!(
                        "on the peer: {failure}{}",
                        refused_note(refused)
                    )))
                }
                FromAgent::Refused { message, .. } => {
                    return Err(Error::Fault(format!("on the peer: {message}")))
                }
                _ => {}
            }
        }
    }

    fn start_far(&self) -> std::result::Result<(), Failure> {
        self.send(&ToAgent::Start).map_err(lost_failure)
    }

    /// The far half's figures of interval `seq` (its sampler's, started with ours).
    fn interval_far(&self, seq: u64, timeout: Duration) -> std::result::Result<Measured, Failure> {
        loop {
            match self.next(timeout) {
                Ok(FromAgent::Interval { seq: s, interval }) if s == seq => return Ok(*interval),
                Ok(FromAgent::Interval { .. }) => {}
                Ok(FromAgent::Failed { failure, .. }) => {
                    let f = Failure::Peer {
                        message: format!("on the peer: {failure}"),
                    };
                    *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(f.clone());
                    return Err(f);
                }
                Ok(_) => {}
                Err(message) => {
                    let f = lost_failure(message);
                    *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(f.clone());
                    return Err(f);
                }
            }
        }
    }

    /// Tells the agent to end its window (its senders stop, or its receivers drain).
    fn stop_far(&self) {
        let fail = |f: Failure| *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(f);
        if self
            .failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return;
        }
        if let Err(message) = self.send(&ToAgent::Stop) {
            return fail(lost_failure(message));
        }
        // Our workers keep running until the far window has ended.
        loop {
            match self.next(ANSWER) {
                Ok(FromAgent::Stopped) => return,
                Ok(FromAgent::Failed { failure, refused }) => {
                    return fail(Failure::Peer {
                        message: format!("on the peer: {failure}{}", refused_note(refused)),
                    })
                }
                Ok(_) => {}
                Err(message) => return fail(lost_failure(message)),
            }
        }
    }
    /// The far window's total, after [`FarHalf::stop`].
    fn total_far(&self) -> std::result::Result<FarTotal, Failure> {
        if let Some(f) = self
            .failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Err(f);
        }
        loop {
            match self.next(ANSWER) {
                Ok(FromAgent::Finished {
                    total,
                    bytes,
                    verified,
                    refused,
                }) => {
                    return Ok(FarTotal {
                        total: *total,
                        bytes,
                        verified,
                        refused,
                    })
                }
                Ok(FromAgent::Failed { failure, refused }) => {
                    return Err(Failure::Peer {
                        message: format!("on the peer: {failure}{}", refused_note(refused)),
                    })
                }
                Ok(_) => {}
                Err(message) => return Err(lost_failure(message)),
            }
        }
    }
}

fn lost_failure(message: String) -> Failure {
    Failure::Peer {
        message: format!("the peer was lost: {message}"),
    }
}

impl Drop for FarHalf {
    /// Says goodbye and closes the agent's stdin: it ends, whatever it was doing.
    fn drop(&mut self) {
        let _ = self.send(&ToAgent::Bye);
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

impl FarSide for FarHalf {
    fn host(&self) -> &str {
        &self.setup.host
    }
    fn addr(&self) -> IpAddr {
        self.setup.addr
    }
    fn local_sends(&self) -> bool {
        self.setup.local_sends
    }
    fn unavailable(&self, strategy: Strategy) -> Option<String> {
        self.machine.unavailable(strategy).map(str::to_string)
    }
    fn configure(&self, config: Config, token: &str) -> Result<u16> {
        self.configure_far(config, token)
    }
    fn ready(&self) -> Result<()> {
        self.ready_far()
    }
    fn start(&self) -> std::result::Result<(), Failure> {
        self.start_far()
    }
    fn interval(&self, seq: u64, timeout: Duration) -> std::result::Result<Measured, Failure> {
        self.interval_far(seq, timeout)
    }
    fn stop(&self) {
        self.stop_far()
    }
    fn total(&self) -> std::result::Result<FarTotal, Failure> {
        self.total_far()
    }
    fn take_notices(&self) -> Vec<String> {
        self.take_notices_far()
    }
}

impl crate::Engine {
    /// An engine for one half of every connection, in the current namespace; the
    /// other half is `far` (an agent on another host). No namespace is made.
    pub fn with_far(opts: crate::EngineOptions, far: FarHalf) -> Result<crate::Engine> {
        let opts = crate::EngineOptions {
            use_netns: false,
            sink: false,
            ..opts
        };
        let mut engine = crate::Engine::new(opts)?;
        engine.machine.network = far.network_line();
        engine.machine.peer = Some(Box::new(crate::sample::PeerMachine {
            host: far.setup.host.clone(),
            machine: far.machine.clone(),
        }));
        engine.far = Some(std::sync::Arc::new(far));
        Ok(engine)
    }
}
