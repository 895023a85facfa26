//! `--messages N`: each connection ends after N messages (stream) or N transactions
//! (rr) instead of at the end of a duration; the window ends when the last connection
//! has finished, and lasts the time that took.

use super::RunShared;
use crossbeam_channel::{Receiver, Sender};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

/// The amount every connection of one configuration makes, and who has made it.
pub struct FixedAmount {
    /// Messages (stream) or transactions (rr) per connection.
    pub per_connection: u64,
    connections: usize,
    finished: AtomicUsize,
    /// The sampler says here that it has its baseline: the workers may start (nothing
    /// of the N is sent before the window opens, so the window holds all of it).
    opened: (Sender<()>, Receiver<()>),
    /// Dropped when the window is over: until then a worker that made its amount
    /// waits, alive, so the sampler's last reading still finds its counters.
    open_window: Mutex<Option<Sender<()>>>,
    closed: Receiver<()>,
}

impl FixedAmount {
    pub fn new(per_connection: u64, connections: usize) -> FixedAmount {
        let (open_window, closed) = crossbeam_channel::bounded(0);
        FixedAmount {
            per_connection,
            connections,
            finished: AtomicUsize::new(0),
            opened: crossbeam_channel::bounded(1),
            open_window: Mutex::new(Some(open_window)),
            closed,
        }
    }

    /// The window is over (or abandoned): waiting workers may end.
    pub(crate) fn close(&self) {
        self.open_window
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }

    /// A worker that made its amount waits here until the window is over.
    pub(crate) fn wait_closed(&self) {
        let _ = self.closed.recv();
    }

    /// The sampler has its baseline.
    pub(crate) fn open(&self) {
        let _ = self.opened.0.try_send(());
    }

    /// Waits until the sampler has its baseline (false: it ended without one).
    pub(crate) fn wait_open(&self) -> bool {
        self.opened.1.recv_timeout(Duration::from_secs(10)).is_ok()
    }
}

impl RunShared {
    /// Whether a connection that has made `done` messages or transactions may make
    /// another: always, unless `--messages` set an amount and it is reached.
    pub fn may_continue(&self, done: u64) -> bool {
        done < self.amount()
    }

    /// How many messages or transactions each connection makes: `--messages N`, or no
    /// end (`u64::MAX`) without one. Read once before a loop, not per message.
    pub fn amount(&self) -> u64 {
        self.fixed.as_ref().map_or(u64::MAX, |f| f.per_connection)
    }

    /// A connection has made its amount (the receiver of a stream at EOF, the
    /// requester of rr after its last answer): the last one ends the window.
    pub fn connection_finished(&self) {
        let Some(f) = &self.fixed else {
            return;
        };
        if f.finished.fetch_add(1, Relaxed) + 1 == f.connections {
            if let Some(w) = self.wake_sampler.get() {
                let _ = w.try_send(());
            }
        }
    }

    /// Ends the window of an amount (no-op without one).
    pub(crate) fn close_fixed(&self) {
        if let Some(f) = &self.fixed {
            f.close();
        }
    }

    /// Whether every connection has made its amount.
    pub fn all_finished(&self) -> bool {
        self.fixed
            .as_ref()
            .is_some_and(|f| f.finished.load(Relaxed) >= f.connections)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_connection_to_finish_wakes_the_sampler_once() {
        let shared = RunShared {
            fixed: Some(FixedAmount::new(3, 2)),
            ..Default::default()
        };
        let (tx, rx) = crossbeam_channel::bounded(1);
        let _ = shared.wake_sampler.set(tx);
        assert!(shared.may_continue(2) && !shared.may_continue(3));
        shared.connection_finished();
        assert!(rx.try_recv().is_err() && !shared.all_finished());
        shared.connection_finished();
        assert!(rx.try_recv().is_ok() && shared.all_finished());
        // Without an amount: every connection goes on, nothing is woken.
        let timed = RunShared::default();
        assert!(timed.may_continue(u64::MAX - 1));
        timed.connection_finished();
        assert!(!timed.all_finished());
    }

    #[test]
    fn a_finished_worker_waits_until_the_window_is_closed() {
        let shared = std::sync::Arc::new(RunShared {
            fixed: Some(FixedAmount::new(1, 1)),
            ..Default::default()
        });
        let s = shared.clone();
        let waiter = std::thread::spawn(move || s.fixed.as_ref().unwrap().wait_closed());
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "ended before the window closed");
        shared.close_fixed();
        waiter.join().unwrap();
    }
}
