//! Send strategies: one small file each, behind [`SendStrategy`], with its
//! [`StrategyInfo`] (name, cost, flags, colour) as that file's `INFO`. They talk to the
//! socket through [`Transport`] so their loops are unit-tested with a mock. Both are
//! static: [`with_sender`] compiles the caller once per strategy, so a send costs no
//! virtual call.

mod info;
mod message;
mod one_copy;
mod sendfile;
mod serialize;
mod splice;
mod two_copy;
mod uring;
mod zero_copy;

pub use info::{SentPages, StrategyInfo};
pub use message::{
    field_layout, pages_spanned, Field, Message, PayloadCheck, PlacedBuf, PLACE_SPAN,
};
pub use one_copy::OneCopySender;
pub use sendfile::SendfileSender;
pub use serialize::SerializeSender;
pub use splice::SpliceSender;
pub use two_copy::TwoCopySender;
pub use uring::UringSender;
pub use zero_copy::ZeroCopySender;

use super::config::{BufOffset, Strategy};
use super::sample::ZcStats;
use super::sys::{self, ZcRange};
use std::io::{self, IoSlice};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

/// What a strategy needs from a connected socket.
pub trait Transport {
    fn send(&mut self, buf: &[u8], flags: i32) -> io::Result<usize>;
    fn send_vectored(&mut self, bufs: &[IoSlice<'_>], flags: i32) -> io::Result<usize>;
    /// Appends pending zero-copy completions without blocking.
    fn read_completions(&mut self, out: &mut Vec<ZcRange>) -> io::Result<usize>;
    /// Blocks until completions may be pending or `timeout` passes.
    fn wait_completions(&mut self, timeout: Duration) -> io::Result<bool>;
    /// `sendfile()` of up to `len` bytes of `file` from `*offset`, which advances.
    fn send_file(
        &mut self,
        file: BorrowedFd<'_>,
        offset: &mut i64,
        len: usize,
    ) -> io::Result<usize>;
    /// `splice()` of up to `len` bytes from the pipe `pipe` into the socket.
    fn splice_from(&mut self, pipe: BorrowedFd<'_>, len: usize) -> io::Result<usize>;
    /// The socket's descriptor, for paths that hand it to the kernel themselves
    /// (io_uring); a transport without one says so.
    fn socket_fd(&self) -> io::Result<BorrowedFd<'_>>;
}

impl Transport for socket2::Socket {
    fn send(&mut self, buf: &[u8], flags: i32) -> io::Result<usize> {
        self.send_with_flags(buf, flags)
    }
    fn send_vectored(&mut self, bufs: &[IoSlice<'_>], flags: i32) -> io::Result<usize> {
        self.send_vectored_with_flags(bufs, flags)
    }
    fn read_completions(&mut self, out: &mut Vec<ZcRange>) -> io::Result<usize> {
        sys::read_zerocopy_completions(self.as_fd(), out)
    }
    fn wait_completions(&mut self, timeout: Duration) -> io::Result<bool> {
        sys::wait_error_queue(self.as_fd(), timeout)
    }
    fn send_file(
        &mut self,
        file: BorrowedFd<'_>,
        offset: &mut i64,
        len: usize,
    ) -> io::Result<usize> {
        Ok(nix::sys::sendfile::sendfile(
            &*self,
            file,
            Some(offset),
            len,
        )?)
    }
    fn splice_from(&mut self, pipe: BorrowedFd<'_>, len: usize) -> io::Result<usize> {
        use nix::fcntl::{splice, SpliceFFlags};
        Ok(splice(
            pipe,
            None,
            &*self,
            None,
            len,
            SpliceFFlags::SPLICE_F_MOVE,
        )?)
    }
    fn socket_fd(&self) -> io::Result<BorrowedFd<'_>> {
        Ok(self.as_fd())
    }
}

/// How one message goes from its 8 fields into the kernel.
pub trait SendStrategy: Send {
    /// Sends the whole message; short writes are finished, never dropped.
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()>;
    /// Called once after the last message (zero-copy waits for its completions).
    fn finish<T: Transport + ?Sized>(&mut self, _t: &mut T) -> io::Result<()> {
        Ok(())
    }
    fn zc_stats(&self) -> Option<ZcStats> {
        None
    }
}

/// Work to do with a strategy's sender, whatever its type (a closure cannot be
/// generic, so the work is a type with a generic method).
pub trait WithSender {
    type Output;
    fn run<S: SendStrategy>(self, sender: S) -> Self::Output;
}

/// Hands `work` the sender of `strategy`. The one place a strategy becomes a sender
/// type: each arm compiles `work` for that type, so its loop calls the strategy
/// directly. A new strategy is one arm here and one in [`Strategy::info`]. `place` is where buffers a strategy
/// copies into in user space start (serialize's contiguous message).
pub fn with_sender<W: WithSender>(
    strategy: Strategy,
    msg_size: usize,
    place: BufOffset,
    work: W,
) -> W::Output {
    match strategy {
        Strategy::TwoCopy => work.run(TwoCopySender),
        Strategy::Serialize => work.run(SerializeSender::new(msg_size, place)),
        Strategy::OneCopy => work.run(OneCopySender),
        Strategy::ZeroCopy => work.run(ZeroCopySender::default()),
        Strategy::Uring => work.run(UringSender::plain()),
        Strategy::UringZc => work.run(UringSender::zero_copy()),
        Strategy::Sendfile => work.run(SendfileSender::default()),
        Strategy::Splice => work.run(SpliceSender::default()),
    }
}

impl Strategy {
    /// The strategy's description, from its sender's file. With [`with_sender`], the
    /// one other place that names every strategy.
    pub const fn info(self) -> &'static StrategyInfo {
        match self {
            Strategy::TwoCopy => &two_copy::INFO,
            Strategy::Serialize => &serialize::INFO,
            Strategy::OneCopy => &one_copy::INFO,
            Strategy::ZeroCopy => &zero_copy::INFO,
            Strategy::Uring => &uring::INFO,
            Strategy::UringZc => &uring::ZC_INFO,
            Strategy::Sendfile => &sendfile::INFO,
            Strategy::Splice => &splice::INFO,
        }
    }
}

/// Flags of every send: a vanished peer is an error, not a SIGPIPE.
pub const SEND_FLAGS: i32 = libc::MSG_NOSIGNAL;

/// Moves `len` bytes with `step(left)`, which moves some and says how many: short
/// moves are finished, EINTR retried, a zero-byte move is an error (never a hang).
pub fn move_all(
    mut len: usize,
    mut step: impl FnMut(usize) -> io::Result<usize>,
) -> io::Result<()> {
    while len > 0 {
        match step(len) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => len -= n.min(len),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Sends all of `buf`, finishing short writes.
pub fn send_all<T: Transport + ?Sized>(t: &mut T, buf: &[u8]) -> io::Result<()> {
    move_all(buf.len(), |left| {
        t.send(&buf[buf.len() - left..], SEND_FLAGS)
    })
}

/// Sends all of `iov` with one sendmsg per call, advancing past what was written.
pub fn send_iov_all<T: Transport + ?Sized>(
    t: &mut T,
    mut iov: &mut [IoSlice<'_>],
    flags: i32,
) -> io::Result<()> {
    IoSlice::advance_slices(&mut iov, 0);
    while !iov.is_empty() {
        match t.send_vectored(iov, flags) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut iov, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The fields of `msg` as an iovec (empty fields of tiny messages left out).
pub fn field_slices(msg: &Message) -> ([IoSlice<'_>; 8], usize) {
    let mut iov = [IoSlice::new(&[]); 8];
    let mut n = 0;
    for f in msg.fields().iter().filter(|f| !f.is_empty()) {
        iov[n] = IoSlice::new(f);
        n += 1;
    }
    (iov, n)
}

#[cfg(test)]
pub(crate) mod mock {
    //! A transport that records what was sent and misbehaves on request.
    use super::*;
    use std::collections::VecDeque;

    #[derive(Default)]
    pub struct MockTransport {
        pub wire: Vec<u8>,
        /// At most this many bytes per call (short writes).
        pub max_per_call: Option<usize>,
        /// Errors to return, in order, before accepting data.
        pub errors: VecDeque<io::ErrorKind>,
        /// Raw errno values (e.g. ENOBUFS) to return on zero-copy sends.
        pub zc_errnos: VecDeque<i32>,
        pub calls: usize,
        pub flags_seen: Vec<i32>,
        /// Zero-copy sends accepted so far (the kernel's 32-bit counter).
        pub zc_next: u32,
        /// Completions not yet read.
        pub pending: Vec<ZcRange>,
        /// Mark completions as copied.
        pub copied: bool,
        /// Complete every zero-copy send immediately.
        pub auto_complete: bool,
    }

    impl MockTransport {
        fn take(&mut self, total: usize) -> Result<usize, io::Error> {
            self.calls += 1;
            if let Some(k) = self.errors.pop_front() {
                return Err(k.into());
            }
            Ok(self.max_per_call.map_or(total, |m| m.min(total)))
        }
    }

    impl Transport for MockTransport {
        fn send(&mut self, buf: &[u8], flags: i32) -> io::Result<usize> {
            self.flags_seen.push(flags);
            let n = self.take(buf.len())?;
            self.wire.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn send_vectored(&mut self, bufs: &[IoSlice<'_>], flags: i32) -> io::Result<usize> {
            self.flags_seen.push(flags);
            if flags & libc::MSG_ZEROCOPY != 0 {
                if let Some(e) = self.zc_errnos.pop_front() {
                    self.calls += 1;
                    return Err(io::Error::from_raw_os_error(e));
                }
            }
            let total: usize = bufs.iter().map(|b| b.len()).sum();
            let mut n = self.take(total)?;
            let sent = n;
            for b in bufs {
                let k = n.min(b.len());
                self.wire.extend_from_slice(&b[..k]);
                n -= k;
            }
            if flags & libc::MSG_ZEROCOPY != 0 && sent > 0 {
                let id = self.zc_next;
                self.zc_next = self.zc_next.wrapping_add(1);
                if self.auto_complete {
                    self.pending.push(ZcRange {
                        lo: id,
                        hi: id,
                        copied: self.copied,
                    });
                }
            }
            Ok(sent)
        }
        fn read_completions(&mut self, out: &mut Vec<ZcRange>) -> io::Result<usize> {
            let n = self.pending.len();
            out.append(&mut self.pending);
            Ok(n)
        }
        fn wait_completions(&mut self, timeout: Duration) -> io::Result<bool> {
            if self.pending.is_empty() {
                std::thread::sleep(timeout.min(Duration::from_millis(10)));
            }
            Ok(!self.pending.is_empty())
        }
        fn send_file(
            &mut self,
            file: BorrowedFd<'_>,
            offset: &mut i64,
            len: usize,
        ) -> io::Result<usize> {
            self.flags_seen.push(SEND_FLAGS);
            let n = self.take(len)?;
            let mut buf = vec![0; n];
            let got = nix::sys::uio::pread(file, &mut buf, *offset)?;
            self.wire.extend_from_slice(&buf[..got]);
            *offset += got as i64;
            Ok(got)
        }
        fn splice_from(&mut self, pipe: BorrowedFd<'_>, len: usize) -> io::Result<usize> {
            self.flags_seen.push(SEND_FLAGS);
            let n = self.take(len)?;
            let mut buf = vec![0; n];
            let got = nix::unistd::read(pipe, &mut buf)?;
            self.wire.extend_from_slice(&buf[..got]);
            Ok(got)
        }
        fn socket_fd(&self) -> io::Result<BorrowedFd<'_>> {
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "the mock transport has no socket",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mock::MockTransport;
    use super::*;

    /// Sends `count` messages of `strategy` over `t`, then `finish`es if asked; returns
    /// the sender's zero-copy figures.
    fn send<T: Transport>(
        strategy: Strategy,
        t: &mut T,
        msg: &Message,
        count: usize,
        finish: bool,
    ) -> io::Result<Option<ZcStats>> {
        struct Sending<'a, T> {
            t: &'a mut T,
            msg: &'a Message,
            count: usize,
            finish: bool,
        }
        impl<T: Transport> WithSender for Sending<'_, T> {
            type Output = io::Result<Option<ZcStats>>;
            fn run<S: SendStrategy>(self, mut s: S) -> Self::Output {
                for _ in 0..self.count {
                    s.send_message(self.t, self.msg)?;
                }
                if self.finish {
                    s.finish(self.t)?;
                }
                Ok(s.zc_stats())
            }
        }
        let work = Sending {
            t,
            msg,
            count,
            finish,
        };
        with_sender(strategy, msg.size(), BufOffset::DEFAULT, work)
    }

    fn expected_wire(msg: &Message, count: usize) -> Vec<u8> {
        let one: Vec<u8> = msg.fields().concat();
        one.repeat(count)
    }

    #[test]
    fn every_strategy_puts_the_same_bytes_on_the_wire_despite_short_writes() {
        // io_uring sends through the kernel's ring, not the transport: its short
        // writes are covered by the loopback test below.
        for strategy in Strategy::ALL.into_iter().filter(|s| !s.uses_uring()) {
            for size in [1, 7, 8, 64, 1000, 4096 + 3] {
                let msg = Message::new(size);
                let mut t = MockTransport {
                    max_per_call: Some(5),
                    errors: [io::ErrorKind::Interrupted].into(),
                    auto_complete: true,
                    ..Default::default()
                };
                send(strategy, &mut t, &msg, 3, true).unwrap();
                assert_eq!(t.wire, expected_wire(&msg, 3), "{strategy} size {size}");
                assert!(t.flags_seen.iter().all(|f| f & libc::MSG_NOSIGNAL != 0));
            }
        }
    }

    #[test]
    fn call_counts_match_the_strategy() {
        let msg = Message::new(4096);
        let count = |strategy| {
            let mut t = MockTransport {
                auto_complete: true,
                ..Default::default()
            };
            send(strategy, &mut t, &msg, 1, false).unwrap();
            t.calls
        };
        assert_eq!(count(Strategy::TwoCopy), 8);
        assert_eq!(count(Strategy::Serialize), 1);
        assert_eq!(count(Strategy::OneCopy), 1);
        assert_eq!(count(Strategy::ZeroCopy), 1);
        assert_eq!(count(Strategy::Sendfile), 1);
        assert_eq!(count(Strategy::Splice), 1);
    }

    #[test]
    fn hard_errors_are_reported_not_swallowed() {
        let msg = Message::new(64);
        for strategy in Strategy::ALL.into_iter().filter(|s| !s.uses_uring()) {
            let mut t = MockTransport {
                errors: [io::ErrorKind::BrokenPipe].into(),
                ..Default::default()
            };
            let err = send(strategy, &mut t, &msg, 1, false).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{strategy}");
        }
    }

    #[test]
    fn strategies_work_over_real_loopback_tcp() {
        for strategy in Strategy::ALL {
            if strategy.uses_uring() {
                if let Some(why) = sys::probe_uring(strategy == Strategy::UringZc) {
                    eprintln!("skipping {strategy} over loopback: {why}");
                    continue;
                }
            }
            loopback_roundtrip(strategy, 1500, 300);
            // Messages larger than the socket buffer: the kernel takes them in parts.
            loopback_roundtrip(strategy, (4 << 20) + 3, 4);
        }
    }

    fn loopback_roundtrip(strategy: Strategy, size: usize, count: usize) {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let reader = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            s.read_to_end(&mut got).unwrap();
            got
        });
        let mut sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        sock.connect(&addr.into()).unwrap();
        if strategy.needs_so_zerocopy() {
            sys::set_zerocopy(sock.as_fd()).unwrap();
        }
        let msg = Message::new(size);
        let zc = send(strategy, &mut sock, &msg, count, true).unwrap();
        if let Some(z) = zc {
            assert!(z.sends >= count as u64);
            assert_eq!(
                z.sends, z.completions,
                "every zero-copy send completed before finish returned"
            );
        }
        sock.shutdown(std::net::Shutdown::Write).unwrap();
        let got = reader.join().unwrap();
        assert_eq!(got.len(), size * count, "{strategy}");
        let mut check = PayloadCheck::new(size);
        assert_eq!(check.feed(&got), None, "{strategy}");
        assert_eq!(check.messages(), count as u64);
    }
}
