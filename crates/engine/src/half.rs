//! `--peer`: one configuration across two hosts, this host's half of it: the
//! workers on the data connections (the agent's half is started the same way).

use crate::config::{self, Config, CpuSides};
use crate::datalink::{self, Token};
use crate::error::{Context, Error, Result};
use crate::far::FarSide;
use crate::launch::{collect_ready, Side, Started};
use crate::measurement::{self, Measurement, Probe};
use crate::sample::EngineEvent;
use crate::worker::{self, receive_zc, ThreadStats, IO_TIMEOUT};
use crate::Engine;
use crossbeam_channel::Sender;
use socket2::Socket;
use std::sync::Arc;
use std::time::Duration;

/// This host's half, started and ready, its workers waiting for the release.
pub(crate) struct Prepared {
    config: Config,
    probe: Probe,
    window: measurement::Window,
    started: Started,
}

impl Prepared {
    /// The stats of this half's workers by connection index.
    pub(crate) fn sides_stats(&self) -> Vec<Arc<ThreadStats>> {
        let (tx, rx) = (&self.started.tx.stats, &self.started.rx.stats);
        if tx.is_empty() {
            rx.clone()
        } else {
            tx.clone()
        }
    }

    /// Releases the workers and starts the sampler: the window begins.
    pub(crate) fn release(
        self,
        engine: &Engine,
        events: &Sender<EngineEvent>,
    ) -> Result<Measurement> {
        engine.start_sampler(self.config, self.probe, self.window, self.started, events)
    }
}

impl Engine {
    /// `--peer`: the far half listens, this host dials each connection with the run's
    /// token, both halves start together.
    pub(crate) fn start_far_window(
        &self,
        far: &Arc<dyn FarSide>,
        config: Config,
        events: &Sender<EngineEvent>,
        length: Option<Duration>,
    ) -> Result<Measurement> {
        self.admit(config)?;
        if let Some(why) = far.unavailable(config.strategy) {
            return Err(Error::Unavailable(format!(
                "{} unavailable on the peer {}: {why}",
                config.strategy,
                far.host()
            )));
        }
        // One side here; the far host plans its own.
        let per_cpu = self.plan_counting(config, 1, events)?;
        let token = Token::random().context("reading a random token")?;
        let port = far.configure(config, &token.hex())?;
        // A reconnect (the link was lost before) is said as soon as it happened.
        for message in far.take_notices() {
            let _ = events.send(EngineEvent::Notice {
                message: format!("peer {}: {message}", far.host()),
            });
        }
        let addr = std::net::SocketAddr::new(far.addr(), port);
        let sends = far.local_sends();
        let zc_receive = !sends && config.recv == config::RecvMode::ZeroCopy;
        let sockets = (0..config.threads)
            .map(|i| {
                datalink::dial(addr, &token, i, IO_TIMEOUT, |s| {
                    if zc_receive {
                        receive_zc::before_connect(s)
                    } else {
                        Ok(())
                    }
                })
                .with_context(|| format!("connecting data connection {i} to the peer at {addr}"))
            })
            .collect::<Result<Vec<_>>>()?;
        let prepared = self.start_half(
            config,
            sockets,
            sends,
            per_cpu,
            Some(far.clone()),
            events,
            length,
        )?;
        far.ready()?;
        far.start().map_err(|f| Error::Fault(f.to_string()))?;
        prepared.release(self, events)
    }

    /// Starts this host's half of `config` on its connected data sockets: the senders
    /// (`sends`) or the receivers, each ready and waiting for the release.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn start_half(
        &self,
        config: Config,
        sockets: Vec<Socket>,
        sends: bool,
        per_cpu: Option<CpuSides>,
        far: Option<Arc<dyn FarSide>>,
        events: &Sender<EngineEvent>,
        length: Option<Duration>,
    ) -> Result<Prepared> {
        let n = sockets.len();
        let crate::launch::Staged {
            shared,
            spec,
            mut launch,
            ready_rx,
        } = self.stage(config, events, n)?;
        let stats: Vec<Arc<ThreadStats>> = (0..n).map(|_| Arc::default()).collect();
        let mut duplicates = Vec::new();
        for (i, sock) in sockets.into_iter().enumerate() {
            let h = if sends {
                // The sampler reads TCP_INFO through a duplicate, at window edges only.
                duplicates.push(
                    sock.try_clone()
                        .with_context(|| format!("duplicating connection {i}'s socket"))?,
                );
                worker::spawn_sender(&spec, i, sock, stats[i].clone())
            } else {
                worker::spawn_receiver_on(&spec, i, sock, stats[i].clone())
            };
            launch
                .workers
                .push(h.with_context(|| format!("starting worker {i}"))?);
        }
        let who = if sends { "senders" } else { "receivers" };
        let (counters, local, tids) = collect_ready(&ready_rx, n, who)?;
        let side = Side {
            stats,
            counters,
            local,
            tids,
            pairing: Vec::new(),
            sockets: duplicates,
        };
        let none = Side {
            stats: Vec::new(),
            counters: Vec::new(),
            local: Vec::new(),
            tids: Vec::new(),
            pairing: Vec::new(),
            sockets: Vec::new(),
        };
        let (mut tx, mut rx) = if sends { (side, none) } else { (none, side) };
        let mut probe = self.probe(config, per_cpu.as_ref(), &mut tx, &mut rx, events);
        // Nothing of ours receives: our figures are what the senders pushed.
        if sends {
            probe.sent_messages_of = Some(config.msg_size);
        }
        probe.far = far;
        Ok(Prepared {
            config,
            probe,
            window: measurement::Window {
                warmup: self.opts.warmup,
                interval: self.opts.interval,
                length,
            },
            started: Started {
                launch,
                shared,
                tx,
                rx,
            },
        })
    }
}
