//! The agent: the far half of `--peer`, serving the control protocol on its stdin
//! and stdout with the same engine as the local side. It ends when its stdin closes,
//! so it never outlives the session that started it.

use super::protocol::{
    read_line, write_line, AgentOptions, Configure, FromAgent, ToAgent, PROTOCOL,
};
use crate::datalink::{self as data, Token};
use crate::error::{ErrorKind, Result};
use crate::half::Prepared;
use crate::sample::{EngineEvent, Failure};
use crate::worker::{ThreadStats, IO_TIMEOUT};
use crate::{Engine, EngineOptions, Measurement, EVENT_CAPACITY};
use crossbeam_channel::{never, select, Receiver, Sender};
use std::io::{self, BufRead, Write};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the agent says it is in its hello.
#[derive(Clone, Debug)]
pub struct AgentIdentity {
    pub version: String,
    pub build: String,
}

/// One configuration on the agent's side.
enum Window {
    Idle,
    /// Connections accepted, workers ready, waiting for `start`.
    Ready(Box<Prepared>, u64),
    Running(Box<Running>),
}

struct Running {
    measurement: Measurement,
    /// The workers' stats by connection index, read for the total.
    stats: Vec<Arc<ThreadStats>>,
    refused: u64,
}

struct Agent {
    out: Box<dyn Write + Send>,
    engine: Option<Engine>,
    window: Window,
    events: (Sender<EngineEvent>, Receiver<EngineEvent>),
}

/// Serves one session: hello, then commands until `bye` or the end of `input`.
pub fn serve(
    input: Box<dyn BufRead + Send>,
    output: Box<dyn Write + Send>,
    id: AgentIdentity,
) -> Result<()> {
    let commands = spawn_reader(input)?;
    let mut agent = Agent {
        out: output,
        engine: None,
        window: Window::Idle,
        events: crossbeam_channel::bounded(EVENT_CAPACITY),
    };
    agent.say(&FromAgent::Hello {
        protocol: PROTOCOL,
        version: id.version,
        build: id.build,
    })?;
    let events = agent.events.1.clone();
    loop {
        let done = match &agent.window {
            Window::Running(r) => r.measurement.window_done().clone(),
            _ => never(),
        };
        select! {
            recv(commands) -> c => match c {
                Ok(Ok(ToAgent::Bye)) => return Ok(()),
                Ok(Ok(cmd)) => agent.handle(cmd)?,
                // The session is gone (stdin closed) or speaks something else: end now.
                // The process ends with it: its threads and sockets go with it, and
                // nothing waits for a peer that will not answer.
                Ok(Err(_)) | Err(_) => {
                    std::mem::forget(agent);
                    return Ok(());
                }
            },
            recv(events) -> ev => {
                match ev {
                    Ok(EngineEvent::Sample(s)) => agent.say(&FromAgent::Interval {
                        seq: s.seq,
                        interval: Box::new(s.interval),
                    })?,
                    Ok(EngineEvent::Notice { message }) => agent.say(&FromAgent::Notice { message })?,
                    _ => {}
                }
            },
            // The window ended without a stop: a worker failed.
            recv(done) -> _ => agent.finish()?,
        }
    }
}

fn spawn_reader(mut input: Box<dyn BufRead + Send>) -> Result<Receiver<io::Result<ToAgent>>> {
    let (tx, rx) = crossbeam_channel::unbounded();
    std::thread::Builder::new()
        .name("netio-agent-rx".into())
        .spawn(move || loop {
            match read_line::<ToAgent>(&mut input) {
                Ok(Some(c)) => {
                    if tx.send(Ok(c)).is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        })
        .map_err(|e| crate::Error::Fault(format!("starting the agent's reader: {e}")))?;
    Ok(rx)
}

impl Agent {
    fn say(&mut self, m: &FromAgent) -> Result<()> {
        write_line(self.out.as_mut(), m).map_err(|e| crate::Error::Io {
            what: "writing to the local side".into(),
            source: e,
        })
    }

    fn handle(&mut self, cmd: ToAgent) -> Result<()> {
        match cmd {
            ToAgent::Open { options } => self.open(options),
            ToAgent::Configure(c) => {
                self.window = Window::Idle;
                self.configure(c)
            }
            ToAgent::Start => {
                if let Window::Ready(prepared, refused) =
                    std::mem::replace(&mut self.window, Window::Idle)
                {
                    let engine = self.engine.as_ref().expect("ready without an engine");
                    let stats = prepared.connection_stats();
                    match prepared.release(engine, &self.events.0) {
                        Ok(measurement) => {
                            self.window = Window::Running(Box::new(Running {
                                measurement,
                                stats,
                                refused,
                            }))
                        }
                        Err(e) => {
                            self.say(&FromAgent::Failed {
                                failure: Failure::Start {
                                    message: e.to_string(),
                                },
                                refused,
                            })?;
                        }
                    }
                }
                Ok(())
            }
            ToAgent::Stop => self.finish(),
            ToAgent::Bye => Ok(()),
        }
    }

    fn open(&mut self, o: AgentOptions) -> Result<()> {
        let opts = EngineOptions {
            use_netns: false,
            sink: false,
            interval: Duration::from_millis(o.interval_ms.max(1)),
            warmup: Duration::from_millis(o.warmup_ms),
            verify: o.verify,
            verbose: false,
            profile_hz: o.profile_hz,
            syscalls: o.syscalls,
        };
        match Engine::new(opts) {
            Ok(engine) => {
                let machine = Box::new(engine.machine().clone());
                self.engine = Some(engine);
                self.say(&FromAgent::Machine { machine })
            }
            Err(e) => self.say(&FromAgent::Refused {
                message: e.to_string(),
                usage: false,
            }),
        }
    }

    /// Listens, accepts the run's connections (token first), readies the workers.
    fn configure(&mut self, c: Configure) -> Result<()> {
        let refuse = |e: crate::Error| FromAgent::Refused {
            usage: e.kind() == ErrorKind::Usage,
            message: e.to_string(),
        };
        let Some(engine) = self.engine.as_ref() else {
            return self.say(&FromAgent::Refused {
                message: "configure before open".into(),
                usage: false,
            });
        };
        let Some(token) = Token::from_hex(&c.token) else {
            return self.say(&FromAgent::Refused {
                message: "a malformed token".into(),
                usage: false,
            });
        };
        let per_cpu = match engine
            .admit(c.config)
            .and_then(|()| engine.plan_counting(c.config, 1, &self.events.0))
        {
            Ok(p) => p,
            Err(e) => return self.say(&refuse(e)),
        };
        let listener = match data::listen(c.bind) {
            Ok(l) => l,
            Err(e) => {
                return self.say(&refuse(crate::Error::Unavailable(e.to_string())));
            }
        };
        // Zero-copy receive wants page-sized segments: accepted sockets inherit the MSS.
        if !c.agent_sends && c.config.recv == crate::config::RecvMode::ZeroCopy {
            if let Err(e) = crate::worker::receive_zc::before_connect(&listener) {
                return self.say(&refuse(crate::Error::Unavailable(e.to_string())));
            }
        }
        let port = listener
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map_or(0, |a| a.port());
        self.say(&FromAgent::Listening { port })?;
        let accepted = data::accept_run(
            &listener,
            &token,
            c.config.threads,
            Instant::now() + IO_TIMEOUT,
        );
        // Exactly the run's connections: nobody else gets in once they are here.
        drop(listener);
        let (sockets, refused) = match accepted {
            Ok(x) => x,
            Err(e) => {
                return self.say(&FromAgent::Failed {
                    failure: Failure::Start {
                        message: e.to_string(),
                    },
                    refused: 0,
                })
            }
        };
        let engine = self.engine.as_ref().expect("checked above");
        match engine.start_half(
            c.config,
            sockets,
            c.agent_sends,
            per_cpu,
            None,
            &self.events.0,
            None,
        ) {
            Ok(p) => {
                self.window = Window::Ready(Box::new(p), refused);
                self.say(&FromAgent::Ready)
            }
            Err(e) => self.say(&FromAgent::Failed {
                failure: Failure::Start {
                    message: e.to_string(),
                },
                refused,
            }),
        }
    }

    /// Ends the running window and reports its total (or why there is none).
    fn finish(&mut self) -> Result<()> {
        let Window::Running(r) = std::mem::replace(&mut self.window, Window::Idle) else {
            return Ok(());
        };
        let Running {
            mut measurement,
            stats,
            refused,
        } = *r;
        // The window ends while the local side's workers still run; then ours stop.
        measurement.end_window();
        self.say(&FromAgent::Stopped)?;
        let outcome = measurement.finish();
        // What finish published (its result) is said below; samples before it still go.
        for ev in self.events.1.clone().try_iter() {
            if let EngineEvent::Notice { message } = ev {
                self.say(&FromAgent::Notice { message })?;
            }
        }
        self.say(&match outcome {
            Ok(r) => FromAgent::Finished {
                total: Box::new(r.total),
                bytes: stats.iter().map(|s| s.bytes.load(Relaxed)).collect(),
                verified: r.verified,
                refused,
            },
            Err(failure) => FromAgent::Failed { failure, refused },
        })
    }
}

impl Prepared {
    /// The workers' stats by connection index (this half has one side).
    fn connection_stats(&self) -> Vec<Arc<ThreadStats>> {
        self.sides_stats()
    }
}
