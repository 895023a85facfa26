//! A3 — one `sendmsg(MSG_ZEROCOPY)` on a socket with `SO_ZEROCOPY`. The kernel pins
//! the pages and reports, on the error queue, when it is done with them — and whether
//! it had to copy after all (always, over loopback and veth).

use super::info::{SentPages, StrategyInfo};
use super::{field_slices, send_iov_all, Message, SendStrategy, Transport, SEND_FLAGS};
use crate::sample::ZcStats;
use crate::sys::ZcRange;
use std::io::{self, IoSlice};
use std::time::{Duration, Instant};

pub const INFO: StrategyInfo = StrategyInfo {
    name: "zero-copy",
    course: Some("A3"),
    cost: "1 sendmsg(MSG_ZEROCOPY), completions from the error queue",
    zerocopy: true,
    so_zerocopy: true,
    uring: false,
    sink: true,
    pages: SentPages::PinnedUser,
    rgb: [44, 160, 44],
};

/// Read the error queue after this many messages, so notifications never pile up.
const DRAIN_EVERY: u32 = 32;
/// How long `finish` waits for the last completions before calling it an error.
const FINISH_TIMEOUT: Duration = Duration::from_secs(5);
/// One wait for completions while the kernel refuses more sends (ENOBUFS).
const ENOBUFS_WAIT: Duration = Duration::from_millis(50);

#[derive(Default)]
pub struct ZeroCopySender {
    stats: ZcStats,
    ranges: Vec<ZcRange>,
    since_drain: u32,
}

impl ZeroCopySender {
    fn outstanding(&self) -> u64 {
        self.stats.sends - self.stats.completions
    }

    fn drain<T: Transport + ?Sized>(&mut self, t: &mut T) -> io::Result<()> {
        t.read_completions(&mut self.ranges)?;
        for r in self.ranges.drain(..) {
            self.stats.completions += r.sends();
            if r.copied {
                self.stats.copied += r.sends();
            }
        }
        Ok(())
    }
}

impl SendStrategy for ZeroCopySender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        let (mut slots, n) = field_slices(msg);
        let mut iov: &mut [IoSlice<'_>] = &mut slots[..n];
        while !iov.is_empty() {
            match t.send_vectored(iov, SEND_FLAGS | libc::MSG_ZEROCOPY) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(k) => {
                    // Every accepted call, even a short one, gets its own completion id.
                    self.stats.sends += 1;
                    IoSlice::advance_slices(&mut iov, k);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                    self.stats.enobufs += 1;
                    if self.outstanding() > 0 {
                        t.wait_completions(ENOBUFS_WAIT)?;
                        self.drain(t)?;
                    } else {
                        // Nothing in flight to wait for: the option-memory limit cannot hold even
                        // one notification. Copy this message rather than hang.
                        send_iov_all(t, iov, SEND_FLAGS)?;
                        break;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        self.since_drain += 1;
        if self.since_drain >= DRAIN_EVERY {
            self.since_drain = 0;
            self.drain(t)?;
        }
        Ok(())
    }

    fn finish<T: Transport + ?Sized>(&mut self, t: &mut T) -> io::Result<()> {
        let deadline = Instant::now() + FINISH_TIMEOUT;
        self.drain(t)?;
        while self.outstanding() > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::other(format!(
                    "{} zero-copy completions did not arrive within {}s",
                    self.outstanding(),
                    FINISH_TIMEOUT.as_secs()
                )));
            }
            t.wait_completions(left.min(Duration::from_millis(100)))?;
            self.drain(t)?;
        }
        Ok(())
    }

    fn zc_stats(&self) -> Option<ZcStats> {
        Some(self.stats)
    }
}

#[cfg(test)]
mod tests {
    use super::super::mock::MockTransport;
    use super::*;

    #[test]
    fn counts_sends_completions_and_copied_share() {
        let msg = Message::new(4096);
        let mut t = MockTransport {
            auto_complete: true,
            copied: true,
            ..Default::default()
        };
        let mut s = ZeroCopySender::default();
        for _ in 0..100 {
            s.send_message(&mut t, &msg).unwrap();
        }
        s.finish(&mut t).unwrap();
        let z = s.zc_stats().unwrap();
        assert_eq!(
            (z.sends, z.completions, z.copied, z.enobufs),
            (100, 100, 100, 0)
        );
        assert_eq!(z.copied_pct(), Some(100.0));
    }

    #[test]
    fn short_zero_copy_writes_each_get_a_completion() {
        let msg = Message::new(100);
        let mut t = MockTransport {
            auto_complete: true,
            max_per_call: Some(30),
            ..Default::default()
        };
        let mut s = ZeroCopySender::default();
        s.send_message(&mut t, &msg).unwrap();
        s.finish(&mut t).unwrap();
        assert_eq!(t.wire, msg.fields().concat());
        assert_eq!(s.zc_stats().unwrap().sends, 4);
        assert_eq!(s.zc_stats().unwrap().completions, 4);
    }

    #[test]
    fn enobufs_with_nothing_outstanding_falls_back_to_a_copying_send() {
        let msg = Message::new(64);
        let mut t = MockTransport {
            zc_errnos: [libc::ENOBUFS].into(),
            ..Default::default()
        };
        let mut s = ZeroCopySender::default();
        s.send_message(&mut t, &msg).unwrap();
        assert_eq!(t.wire, msg.fields().concat());
        let z = s.zc_stats().unwrap();
        assert_eq!((z.sends, z.enobufs), (0, 1));
        assert!(t.flags_seen.last().unwrap() & libc::MSG_ZEROCOPY == 0);
    }

    #[test]
    fn enobufs_with_sends_in_flight_drains_and_retries() {
        let msg = Message::new(64);
        let mut t = MockTransport {
            auto_complete: true,
            ..Default::default()
        };
        let mut s = ZeroCopySender::default();
        s.send_message(&mut t, &msg).unwrap();
        t.zc_errnos = [libc::ENOBUFS].into();
        s.send_message(&mut t, &msg).unwrap();
        let z = s.zc_stats().unwrap();
        // The first send's completion was drained, then the retry went out zero-copy.
        assert_eq!((z.sends, z.completions, z.enobufs), (2, 1, 1));
        assert!(t.flags_seen.last().unwrap() & libc::MSG_ZEROCOPY != 0);
        assert_eq!(t.wire, msg.fields().concat().repeat(2));
        s.finish(&mut t).unwrap();
        assert_eq!(s.zc_stats().unwrap().completions, 2);
    }

    #[test]
    fn completion_ranges_that_wrap_are_counted() {
        let mut t = MockTransport {
            pending: vec![ZcRange {
                lo: u32::MAX - 2,
                hi: 1,
                copied: true,
            }],
            ..Default::default()
        };
        let mut s = ZeroCopySender {
            stats: ZcStats {
                sends: 5,
                ..Default::default()
            },
            ..Default::default()
        };
        s.finish(&mut t).unwrap();
        assert_eq!(s.zc_stats().unwrap().completions, 5);
        assert_eq!(s.zc_stats().unwrap().copied, 5);
    }

    #[test]
    fn missing_completions_end_in_an_error_not_a_hang() {
        let msg = Message::new(64);
        let mut t = MockTransport::default(); // never completes
        let mut s = ZeroCopySender::default();
        s.send_message(&mut t, &msg).unwrap();
        let start = Instant::now();
        let err = s.finish(&mut t).unwrap_err();
        assert!(err.to_string().contains("did not arrive"), "{err}");
        assert!(start.elapsed() <= FINISH_TIMEOUT + Duration::from_secs(2));
    }
}
