//! io_uring: one `IORING_OP_SEND` (`uring`) or `IORING_OP_SEND_ZC` (`uring-zc`) of
//! the message per message, from a buffer registered once, on a ring of the sender
//! thread's own. SEND_ZC asks for usage reports: each notification says whether the
//! kernel copied after all, counted like MSG_ZEROCOPY's completions.

use super::info::{SentPages, StrategyInfo};
use super::{Message, SendStrategy, Transport, SEND_FLAGS};
use crate::sample::ZcStats;
use crate::sys::{SendRing, IORING_NOTIF_USAGE_ZC_COPIED, RING_ENTRIES};
use io_uring::{cqueue, types};
use std::io;
use std::time::{Duration, Instant};

pub const INFO: StrategyInfo = StrategyInfo {
    name: "uring",
    course: None,
    cost: "1 io_uring SEND of the message from a registered buffer",
    zerocopy: false,
    so_zerocopy: false,
    uring: true,
    sink: true,
    pages: SentPages::SocketFrags,
    rgb: [80, 110, 230],
};
/// `uring-zc`: SEND_ZC, whose notifications say whether the kernel copied.
pub const ZC_INFO: StrategyInfo = StrategyInfo {
    name: "uring-zc",
    course: None,
    cost: "1 io_uring SEND_ZC from a registered buffer, notifications report copies",
    zerocopy: true,
    so_zerocopy: false,
    uring: true,
    sink: true,
    pages: SentPages::PinnedUser,
    rgb: [200, 160, 0],
};

/// User data of send completions (notifications carry the same, flagged NOTIF).
const SEND_TAG: u64 = 1;
/// At most this many notifications outstanding, so they always fit in the
/// completion queue (twice the submission entries) beside the send's own.
const MAX_OUTSTANDING: u64 = RING_ENTRIES as u64;
/// A send that makes no progress for this long is an error, not a hang.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `finish` waits for the last notifications.
const FINISH_TIMEOUT: Duration = Duration::from_secs(5);

pub struct UringSender {
    zc: bool,
    ring: Option<SendRing>,
    stats: ZcStats,
}

impl UringSender {
    pub fn plain() -> Self {
        UringSender {
            zc: false,
            ring: None,
            stats: ZcStats::default(),
        }
    }

    pub fn zero_copy() -> Self {
        UringSender {
            zc: true,
            ..Self::plain()
        }
    }
}

/// Waits up to `timeout` for at least one completion; false when none came.
fn wait(ring: &mut SendRing, timeout: Duration) -> io::Result<bool> {
    let ts = types::Timespec::from(timeout);
    let args = types::SubmitArgs::new().timespec(&ts);
    match ring.ring().submitter().submit_with_args(1, &args) {
        Ok(_) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::ETIME) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(true),
        Err(e) => Err(e),
    }
}

/// Takes every completion there is: notifications are counted into `stats`; the
/// send's own result, if among them, is returned.
fn reap(ring: &mut SendRing, stats: &mut ZcStats) -> Option<i32> {
    let mut result = None;
    for cqe in ring.ring().completion() {
        if cqueue::notif(cqe.flags()) {
            stats.completions += 1;
            if cqe.result() as u32 & IORING_NOTIF_USAGE_ZC_COPIED != 0 {
                stats.copied += 1;
            }
        } else {
            if cqueue::more(cqe.flags()) {
                // A notification will follow for this send.
                stats.sends += 1;
            }
            result = Some(cqe.result());
        }
    }
    result
}

impl SendStrategy for UringSender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        let sock = t.socket_fd()?;
        let ring = match &mut self.ring {
            Some(r) => r,
            None => self.ring.insert(SendRing::new(&msg.fields().concat())?),
        };
        let len = ring.len();
        let mut from = 0;
        while from < len {
            ring.submit_send(sock, from, SEND_FLAGS, self.zc, SEND_TAG)?;
            let deadline = Instant::now() + SEND_TIMEOUT;
            let res = loop {
                if let Some(r) = reap(ring, &mut self.stats) {
                    break r;
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() || !wait(ring, left)? {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "io_uring send made no progress for {}s",
                            SEND_TIMEOUT.as_secs()
                        ),
                    ));
                }
            };
            match res {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n if n > 0 => from += n as usize,
                e if -e == libc::EINTR || -e == libc::EAGAIN => {}
                e if -e == libc::ENOBUFS => {
                    self.stats.enobufs += 1;
                    wait(ring, Duration::from_millis(50))?;
                }
                e => return Err(io::Error::from_raw_os_error(-e)),
            }
        }
        // Keep the notifications within the completion queue.
        while self.zc && self.stats.sends - self.stats.completions >= MAX_OUTSTANDING {
            if !wait(ring, FINISH_TIMEOUT)? {
                return Err(io::Error::other(format!(
                    "no io_uring zero-copy notification within {}s",
                    FINISH_TIMEOUT.as_secs()
                )));
            }
            reap(ring, &mut self.stats);
        }
        Ok(())
    }

    fn finish<T: Transport + ?Sized>(&mut self, _t: &mut T) -> io::Result<()> {
        let deadline = Instant::now() + FINISH_TIMEOUT;
        let Some(ring) = self.ring.as_mut() else {
            return Ok(());
        };
        loop {
            reap(ring, &mut self.stats);
            if self.stats.sends == self.stats.completions {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::other(format!(
                    "{} io_uring zero-copy notifications did not arrive within {}s",
                    self.stats.sends - self.stats.completions,
                    FINISH_TIMEOUT.as_secs()
                )));
            }
            wait(ring, left.min(Duration::from_millis(100)))?;
        }
        Ok(())
    }

    fn zc_stats(&self) -> Option<ZcStats> {
        self.zc.then_some(self.stats)
    }
}
