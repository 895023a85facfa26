//! `vmsplice()` the 8 fields into a pipe, then `splice()` the pipe into the socket:
//! the pipe and then the socket hold references to the sender's pages, so no byte is
//! copied on the way out. The fields are copied once, at the first message, into
//! pages of our own ([`PageBuf`]): pages the kernel may still reference after the
//! sender is gone must never be reused by the heap.
//!
//! `SPLICE_F_GIFT` is not used: since Linux 2.6.21 the kernel ignores a gift unless
//! the pages are later moved into a file, which a socket never does.

use super::info::{SentPages, StrategyInfo};
use super::{move_all, Message, SendStrategy, Transport};
use crate::sys::PageBuf;
use nix::fcntl::{fcntl, vmsplice, FcntlArg, SpliceFFlags};
use std::io::{self, IoSlice};
use std::os::fd::{AsFd, OwnedFd};

pub const INFO: StrategyInfo = StrategyInfo {
    name: "splice",
    course: None,
    cost: "vmsplice 8 fields into a pipe, splice the pipe to the socket",
    zerocopy: false,
    so_zerocopy: false,
    uring: false,
    sink: false,
    pages: SentPages::Spliced,
    rgb: [160, 100, 230],
};

/// The pipe grows to hold a whole message up to this size (the default
/// `fs.pipe-max-size`); larger messages go through in pipe-sized parts.
const MAX_PIPE: usize = 1 << 20;
/// Never smaller than the default 16 pages: each field takes at least one of the
/// pipe's page slots, so 8 fields always go in one round.
const MIN_PIPE: usize = 64 << 10;

#[derive(Default)]
pub struct SpliceSender {
    state: Option<Spliced>,
}

struct Spliced {
    /// The 8 fields, one after the other, at `bounds[i]..bounds[i + 1]`.
    pages: PageBuf,
    bounds: Vec<usize>,
    read: OwnedFd,
    write: OwnedFd,
}

impl Spliced {
    fn new(msg: &Message) -> io::Result<Spliced> {
        let pages = PageBuf::copy_of(&msg.fields().concat())?;
        let mut bounds = vec![0];
        for f in msg.fields().iter().filter(|f| !f.is_empty()) {
            bounds.push(bounds.last().copied().unwrap_or(0) + f.len());
        }
        let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let want = msg.size().clamp(MIN_PIPE, MAX_PIPE) as i32;
        // A smaller pipe only means more rounds; the kernel may refuse a larger one.
        let _ = fcntl(&write, FcntlArg::F_SETPIPE_SZ(want));
        Ok(Spliced {
            pages,
            bounds,
            read,
            write,
        })
    }
}

impl SendStrategy for SpliceSender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        let s = match &self.state {
            Some(s) => s,
            None => self.state.insert(Spliced::new(msg)?),
        };
        let mut slots = [IoSlice::new(&[]); 8];
        let n = s.bounds.len() - 1;
        for (i, slot) in slots[..n].iter_mut().enumerate() {
            *slot = IoSlice::new(&s.pages[s.bounds[i]..s.bounds[i + 1]]);
        }
        let mut iov: &mut [IoSlice<'_>] = &mut slots[..n];
        while !iov.is_empty() {
            // The pipe is empty here, so this takes what fits and never blocks.
            let taken = match vmsplice(s.write.as_fd(), iov, SpliceFFlags::empty()) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(k) => k,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            };
            IoSlice::advance_slices(&mut iov, taken);
            move_all(taken, |in_pipe| t.splice_from(s.read.as_fd(), in_pipe))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::mock::MockTransport;
    use super::*;

    #[test]
    fn short_splices_drain_the_pipe_before_the_next_round() {
        for size in [1, 9, 1000, 3 * MAX_PIPE + 5] {
            let msg = Message::new(size);
            let mut t = MockTransport {
                max_per_call: Some(700),
                ..Default::default()
            };
            let mut s = SpliceSender::default();
            s.send_message(&mut t, &msg).unwrap();
            s.send_message(&mut t, &msg).unwrap();
            assert_eq!(t.wire, msg.fields().concat().repeat(2), "size {size}");
        }
    }
}
