//! `sendfile()` from a memfd that holds the message: the kernel hands the file's
//! pages to the socket by reference, so the sender copies nothing per message.

use super::info::{SentPages, StrategyInfo};
use super::{move_all, Message, SendStrategy, Transport};
use std::io::{self, Write};
use std::os::fd::{AsFd, OwnedFd};

pub const INFO: StrategyInfo = StrategyInfo {
    name: "sendfile",
    course: None,
    cost: "1 sendfile() from a memfd holding the message",
    zerocopy: false,
    so_zerocopy: false,
    uring: false,
    sink: false,
    pages: SentPages::File,
    rgb: [255, 127, 14],
};

#[derive(Default)]
pub struct SendfileSender {
    /// The message's bytes, written once (on the first message) and never again.
    file: Option<OwnedFd>,
}

fn message_file(msg: &Message) -> io::Result<OwnedFd> {
    use nix::sys::memfd::{memfd_create, MFdFlags};
    let fd = memfd_create("netio-message", MFdFlags::MFD_CLOEXEC)?;
    let mut f = std::fs::File::from(fd);
    for field in msg.fields() {
        f.write_all(field)?;
    }
    Ok(f.into())
}

impl SendStrategy for SendfileSender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        let file = match &self.file {
            Some(f) => f,
            None => self.file.insert(message_file(msg)?),
        };
        // sendfile advances `offset` itself; a short send resumes where it stopped.
        let mut offset = 0i64;
        move_all(msg.size(), |left| {
            t.send_file(file.as_fd(), &mut offset, left)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::mock::MockTransport;
    use super::*;

    #[test]
    fn short_sendfiles_resume_where_the_kernel_stopped() {
        let msg = Message::new(1000);
        let mut t = MockTransport {
            max_per_call: Some(300),
            ..Default::default()
        };
        let mut s = SendfileSender::default();
        s.send_message(&mut t, &msg).unwrap();
        s.send_message(&mut t, &msg).unwrap();
        assert_eq!(t.wire, msg.fields().concat().repeat(2));
        assert_eq!(t.calls, 8, "4 calls of at most 300 bytes per message");
    }
}
