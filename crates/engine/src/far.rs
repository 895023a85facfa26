//! What measuring needs of a far half (`--peer`), whatever carries it: the seam
//! between this host's workers, sampler and result and the control protocol
//! (the `peer` module), so the measuring modules never name the protocol.

use crate::config::{Config, Strategy};
use crate::error::Result;
use crate::sample::{ConfigResult, Counts, EngineEvent, Failure, Measured};
use crate::worker::{RunShared, ThreadStats, IO_TIMEOUT};
use std::net::IpAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

/// The other half of every connection, on another host.
pub(crate) trait FarSide: Send + Sync {
    /// The host as the user named it.
    fn host(&self) -> &str;
    /// Where the data connections go.
    fn addr(&self) -> IpAddr;
    /// This host sends (the default); `false`: the far host does (`--reverse`).
    fn local_sends(&self) -> bool;
    /// Why the far host cannot run `strategy`, if it cannot.
    fn unavailable(&self, strategy: Strategy) -> Option<String>;
    /// The far half listens for `config`'s connections (token in hex); its port.
    fn configure(&self, config: Config, token: &str) -> Result<u16>;
    /// Waits until every connection presented the token and its worker is ready.
    fn ready(&self) -> Result<()>;
    /// Releases the far workers: its window begins with ours.
    fn start(&self) -> std::result::Result<(), Failure>;
    /// The far figures of interval `seq`.
    fn interval(&self, seq: u64, timeout: Duration) -> std::result::Result<Measured, Failure>;
    /// Ends the far window.
    fn stop(&self);
    /// The far window's total, after [`FarSide::stop`].
    fn total(&self) -> std::result::Result<FarTotal, Failure>;
    /// What the far side said that does not stop the measurement.
    fn take_notices(&self) -> Vec<String>;
}

/// The far total of one window.
pub(crate) struct FarTotal {
    pub total: Measured,
    /// Each connection's bytes on the far side, by index.
    pub bytes: Vec<u64>,
    pub verified: bool,
    /// Connections to its data port that did not present the token.
    pub refused: u64,
}

/// "; 2 connections without the run's token were refused", where there were any.
pub(crate) fn refused_note(refused: u64) -> String {
    match refused {
        0 => String::new(),
        1 => "; 1 connection without the run's token was refused".into(),
        n => format!("; {n} connections without the run's token were refused"),
    }
}

/// Our interval `seq` joined with the far half's: waits for the far figures (the
/// far sampler started with ours); a lost or failed peer fails the window.
pub(crate) fn join_interval(
    far: &dyn FarSide,
    seq: u64,
    ours: &Measured,
    interval: Duration,
) -> std::result::Result<Measured, Failure> {
    let theirs = far.interval(seq, interval + IO_TIMEOUT)?;
    Ok(join(ours, &theirs, far.local_sends()))
}

/// One window of both halves: the senders' counts from the sending host, the
/// receivers' from the other; bytes, messages and seconds from the receiving host,
/// so the rate is one host's bytes over that host's own clock.
pub(crate) fn join(ours: &Measured, theirs: &Measured, local_sends: bool) -> Measured {
    let (s, r) = if local_sends {
        (ours, theirs)
    } else {
        (theirs, ours)
    };
    let (mut tx, mut rx) = (s.tx, r.rx);
    counted_on_both(&mut tx, &mut rx);
    Measured {
        seconds: r.seconds,
        bytes: r.bytes,
        messages: r.messages,
        tx,
        rx,
        both: None,
        zc: s.zc,
        rx_zc: r.rx_zc,
        // A breakdown of both sides or none: half of one would misstate the shares.
        profile: match (s.profile, r.profile) {
            (Some(sp), Some(rp)) => Some(crate::profile::Profile {
                rx: rp.rx,
                unresolved: sp.unresolved || rp.unresolved,
                ..sp
            }),
            _ => None,
        },
        memcpy_ns_per_byte: ours.memcpy_ns_per_byte,
        noise: ours.noise,
        // Round trips are the requester's (the sending host's), merged there.
        rtt: s.rtt.clone(),
        // --messages is refused with --peer.
        fixed_messages: None,
    }
}

/// A counter both hosts count (each side's threads) that one host could not count is
/// missing on both: otherwise the sums would be one host's part shown as the whole.
/// The figure is n/a, and the metric registry says which host lacks it and why.
fn counted_on_both(tx: &mut Counts, rx: &mut Counts) {
    fn pair(a: &mut Option<u64>, b: &mut Option<u64>) {
        if a.is_none() || b.is_none() {
            (*a, *b) = (None, None);
        }
    }
    pair(&mut tx.cycles, &mut rx.cycles);
    pair(&mut tx.instructions, &mut rx.instructions);
    pair(&mut tx.l1d_misses, &mut rx.l1d_misses);
    pair(&mut tx.llc_misses, &mut rx.llc_misses);
    pair(&mut tx.cache_misses, &mut rx.cache_misses);
    pair(&mut tx.context_switches, &mut rx.context_switches);
    pair(&mut tx.cpu_ns, &mut rx.cpu_ns);
    pair(&mut tx.user_ns, &mut rx.user_ns);
    pair(&mut tx.syscalls, &mut rx.syscalls);
    pair(&mut tx.skb_copies, &mut rx.skb_copies);
}

/// What this host's half of a window needs judged against the far half.
pub(crate) struct OurHalf<'a> {
    pub config: Config,
    pub total: Measured,
    /// This host's workers' stats, by connection index.
    pub stats: &'a [Arc<ThreadStats>],
    pub shared: &'a RunShared,
    /// This host verified what it received.
    pub verify: bool,
}

/// `--peer`: the far total joined to ours; every connection's bytes must match
/// across the hosts. A lost or failed peer is the cause, before anything of ours.
pub(crate) fn judge(
    far: &dyn FarSide,
    ours: OurHalf,
    publish: impl Fn(EngineEvent),
) -> std::result::Result<ConfigResult, Failure> {
    let theirs = far.total();
    for message in far.take_notices() {
        publish(EngineEvent::Notice {
            message: format!("peer {}: {message}", far.host()),
        });
    }
    let theirs = theirs?;
    if theirs.refused > 0 {
        publish(EngineEvent::Notice {
            message: format!(
                "peer {}: data port:{}",
                far.host(),
                refused_note(theirs.refused).trim_start_matches(';')
            ),
        });
    }
    if let Some(f) = ours.shared.failure.get() {
        return Err(f.clone());
    }
    if let Some(e) = ours.shared.corrupt.get() {
        return Err(Failure::Corrupt { message: e.clone() });
    }
    let sends = far.local_sends();
    let (mut sent_total, mut received_total) = (0, 0);
    for (i, s) in ours.stats.iter().enumerate() {
        let here = s.bytes.load(Relaxed);
        let there = theirs.bytes.get(i).copied().unwrap_or(0);
        let (sent, received) = if sends { (here, there) } else { (there, here) };
        sent_total += sent;
        received_total += received;
        if sent != received {
            return Err(Failure::Lost {
                connection: i,
                sent,
                received,
            });
        }
    }
    let total = join(&ours.total, &theirs.total, sends);
    if total.seconds > 0.0 && total.bytes == 0 {
        return Err(Failure::NoData);
    }
    Ok(ConfigResult {
        config: ours.config,
        total,
        bytes_sent: sent_total,
        bytes_received: received_total,
        verified: if sends { theirs.verified } else { ours.verify },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{Counts, ZcStats};

    #[test]
    fn each_side_comes_from_the_host_that_ran_it() {
        let counts = |ns| Counts {
            cpu_ns: Some(ns),
            ..Default::default()
        };
        let sender = Measured {
            seconds: 1.0,
            bytes: 100,
            tx: counts(7),
            zc: Some(ZcStats {
                completions: 3,
                ..Default::default()
            }),
            ..Default::default()
        };
        let receiver = Measured {
            seconds: 1.01,
            bytes: 99,
            messages: 9,
            rx: counts(5),
            ..Default::default()
        };
        for (ours, theirs, local_sends) in [(&sender, &receiver, true), (&receiver, &sender, false)]
        {
            let j = join(ours, theirs, local_sends);
            assert_eq!((j.seconds, j.bytes, j.messages), (1.01, 99, 9));
            assert_eq!((j.tx.cpu_ns, j.rx.cpu_ns), (Some(7), Some(5)));
            assert_eq!(j.zc.unwrap().completions, 3);
        }
        // A figure the far side could not count stays n/a, never 0.
        let j = join(&sender, &Measured::default(), true);
        assert_eq!(j.rx.cpu_ns, None);
        // … and a sum of both sides is not one host's part: the figure is n/a on both.
        assert_eq!((j.tx.cpu_ns, j.counts().cpu_ns), (None, None));
    }
}
