//! The request/response workload (`--workload rr`): the sender of each connection is
//! its requester, the receiver its responder; both send with the configuration's
//! strategy. One transaction is in flight per connection. Each requester records its
//! round trips into its own HdrHistogram; the sampler swaps them out and merges them.

use super::{timeout_said, RunShared, ThreadStats};
use crate::config::{Config, Rate};
use crate::sample::{new_histogram, RoundTrips};
use crate::strategy::{with_sender, Message, PayloadCheck, PlacedBuf, SendStrategy, WithSender};
use hdrhistogram::Histogram;
use socket2::Socket;
use std::io::{self, Read};
use std::net::Shutdown;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One requester's round trips since the sampler last took them (`None`: not rr).
#[derive(Default)]
pub struct RttCell(Mutex<Option<Histogram<u64>>>);

impl RttCell {
    fn lock(&self) -> MutexGuard<'_, Option<Histogram<u64>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn start(&self) {
        *self.lock() = Some(new_histogram());
    }

    /// One round trip, ns. Held for one record: the sampler only ever swaps.
    pub fn record(&self, ns: u64) {
        if let Some(h) = self.lock().as_mut() {
            // Auto-resizing: only a value beyond u64's range could fail.
            let _ = h.record(ns.max(1));
        }
    }

    /// Swaps what was recorded into `spare` (which must be empty): O(1) under the lock,
    /// so taking never holds a requester up.
    fn take(&self, spare: &mut Histogram<u64>) {
        if let Some(h) = self.lock().as_mut() {
            std::mem::swap(h, spare);
        }
    }
}

/// The sampler's side: every requester's round trips so far, merged.
pub(crate) struct RttProbe {
    stats: Vec<Arc<ThreadStats>>,
    /// One per requester: what was taken from it, until merged.
    taken: Vec<Histogram<u64>>,
    total: RoundTrips,
}

impl RttProbe {
    pub(crate) fn new(requesters: Vec<Arc<ThreadStats>>) -> RttProbe {
        RttProbe {
            taken: requesters.iter().map(|_| new_histogram()).collect(),
            stats: requesters,
            total: RoundTrips::default(),
        }
    }

    /// Takes every requester's round trips at once (a swap each), so that they cover
    /// the same instant as the byte counts read beside them; [`RttProbe::merged`]
    /// then does the slow part.
    pub(crate) fn take(&mut self) {
        for (s, h) in self.stats.iter().zip(&mut self.taken) {
            s.rtt.take(h);
        }
    }

    /// All round trips taken so far (cumulative, like every other reading).
    pub(crate) fn merged(&mut self) -> RoundTrips {
        for h in &mut self.taken {
            if !h.is_empty() {
                self.total = self.total.merge(&RoundTrips::of(h));
                h.reset();
            }
        }
        self.total.clone()
    }
}

/// When each request is due: at once (closed loop), or on a fixed schedule from the
/// first (open loop), whatever happened to the ones before.
pub(crate) struct Schedule {
    start: Instant,
    period: Option<Duration>,
    sent: u32,
}

impl Schedule {
    pub(crate) fn new(rate: Rate, start: Instant) -> Schedule {
        Schedule {
            start,
            period: match rate {
                Rate::Closed => None,
                Rate::PerSecond(n) => Some(Duration::from_secs(1) / n),
            },
            sent: 0,
        }
    }

    /// The next request's due time; a round trip is measured from it, so one stuck
    /// behind a stall counts the stall (coordinated omission corrected, as wrk2).
    fn next(&mut self, now: Instant) -> Instant {
        match self.period {
            None => now,
            Some(p) => {
                let due = self.start + p * self.sent;
                self.sent = self.sent.wrapping_add(1);
                due
            }
        }
    }
}

/// Sleeps until `due`; false if told to stop first.
fn wait_until(due: Instant, stop: &AtomicBool) -> bool {
    loop {
        if stop.load(Relaxed) {
            return false;
        }
        let left = due.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        // Short naps, so a stop is seen within 10 ms at any rate.
        std::thread::sleep(left.min(Duration::from_millis(10)));
    }
}

/// The requester's loop: `transact` makes one round trip; each is recorded from its
/// due time. Returns the transactions made. (Kept for callers without an amount.)
#[allow(dead_code)]
pub(crate) fn run_requests(
    rate: Rate,
    stop: &AtomicBool,
    rtt: &RttCell,
    transact: impl FnMut() -> io::Result<()>,
) -> io::Result<u64> {
    run_requests_upto(rate, stop, rtt, u64::MAX, transact)
}

/// [`run_requests`], ending after `limit` transactions (`--messages`).
pub(crate) fn run_requests_upto(
    rate: Rate,
    stop: &AtomicBool,
    rtt: &RttCell,
    limit: u64,
    mut transact: impl FnMut() -> io::Result<()>,
) -> io::Result<u64> {
    // Timers wake within a few µs instead of the default 50 µs slack (best effort).
    let _ = nix::sys::prctl::set_timerslack(1);
    let mut schedule = Schedule::new(rate, Instant::now());
    let mut done = 0u64;
    while done < limit && !stop.load(Relaxed) {
        let due = schedule.next(Instant::now());
        if !wait_until(due, stop) {
            break;
        }
        transact()?;
        rtt.record(due.elapsed().as_nanos() as u64);
        done += 1;
    }
    Ok(done)
}

/// Reads one whole message of `buf.len()` bytes; false at EOF before its first byte.
fn read_whole(
    sock: &Socket,
    buf: &mut PlacedBuf,
    check: &mut PayloadCheck,
    verify: bool,
    shared: &RunShared,
) -> io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        let n = match (&*sock).read(&mut buf[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("connection closed {got} bytes into a message"),
                ))
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(timeout_said(e)),
        };
        if verify {
            if let Some(err) = check.feed(&buf[got..got + n]) {
                let _ = shared.corrupt.set(err);
            }
        } else {
            check.advance(n);
        }
        got += n;
    }
    Ok(true)
}

/// The requester: a request of `msg_size` bytes with the strategy, then the whole
/// response, until told to stop; then it closes its half.
pub(super) fn request(
    mut sock: Socket,
    config: Config,
    verify: bool,
    stats: &ThreadStats,
    shared: &RunShared,
) -> io::Result<()> {
    stats.rtt.start();
    let msg = Message::for_strategy(config.strategy, config.msg_size, config.buf_offset)?;
    let work = Requester {
        sock: &mut sock,
        msg: &msg,
        config,
        verify,
        stats,
        shared,
    };
    let result = with_sender(config.strategy, config.msg_size, config.buf_offset, work);
    let _ = sock.shutdown(Shutdown::Write);
    result
}

struct Requester<'a> {
    sock: &'a mut Socket,
    msg: &'a Message,
    config: Config,
    verify: bool,
    stats: &'a ThreadStats,
    shared: &'a RunShared,
}

impl WithSender for Requester<'_> {
    type Output = io::Result<()>;

    fn run<S: SendStrategy>(self, mut strategy: S) -> io::Result<()> {
        let Requester {
            sock,
            msg,
            config,
            verify,
            stats,
            shared,
        } = self;
        let response = config.response_size.bytes(config.msg_size);
        let mut buf = PlacedBuf::new(response, 0, config.buf_offset);
        let mut check = PayloadCheck::new(response);
        let size = msg.size() as u64;
        let mut sent = 0u64;
        let limit = shared.amount();
        let result = run_requests_upto(config.rate, &shared.stop, &stats.rtt, limit, || {
            strategy.send_message(sock, msg)?;
            sent += 1;
            stats.bytes.store(sent * size, Relaxed);
            if !read_whole(sock, &mut buf, &mut check, verify, shared)? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the responder closed the connection",
                ));
            }
            if let Some(z) = strategy.zc_stats() {
                stats.publish_zc(&z);
            }
            Ok(())
        })
        .and_then(|done| {
            // Its amount made (`--messages`): the answers are all in.
            if done == limit {
                shared.connection_finished();
            }
            strategy.finish(sock)
        });
        if let Some(z) = strategy.zc_stats() {
            stats.publish_zc(&z);
        }
        result
    }
}

/// The responder: reads each whole request and answers it with the strategy, until
/// the requester closes its half.
pub(super) fn respond(
    mut sock: Socket,
    config: Config,
    verify: bool,
    stats: &ThreadStats,
    shared: &RunShared,
) -> io::Result<()> {
    let response = config.response_size.bytes(config.msg_size);
    let msg = Message::for_strategy(config.strategy, response, config.buf_offset)?;
    let work = Responder {
        sock: &mut sock,
        msg: &msg,
        config,
        verify,
        stats,
        shared,
    };
    let result = with_sender(config.strategy, response, config.buf_offset, work);
    let _ = sock.shutdown(Shutdown::Write);
    result
}

struct Responder<'a> {
    sock: &'a mut Socket,
    msg: &'a Message,
    config: Config,
    verify: bool,
    stats: &'a ThreadStats,
    shared: &'a RunShared,
}

impl WithSender for Responder<'_> {
    type Output = io::Result<()>;

    fn run<S: SendStrategy>(self, mut strategy: S) -> io::Result<()> {
        let Responder {
            sock,
            msg,
            config,
            verify,
            stats,
            shared,
        } = self;
        let size = config.msg_size;
        let mut buf = PlacedBuf::new(size, 0, config.buf_offset);
        let mut check = PayloadCheck::new(size);
        let mut received = 0u64;
        while read_whole(sock, &mut buf, &mut check, verify, shared)? {
            received += size as u64;
            stats.bytes.store(received, Relaxed);
            stats.messages.store(check.messages(), Relaxed);
            strategy.send_message(sock, msg)?;
        }
        strategy.finish(sock)
    }
}

#[cfg(test)]
mod tests;
