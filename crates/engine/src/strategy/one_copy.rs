//! A2 — one `sendmsg()` with an `iovec[8]`: the kernel gathers the fields in one copy.

use super::info::{SentPages, StrategyInfo};
use super::{field_slices, send_iov_all, Message, SendStrategy, Transport, SEND_FLAGS};
use std::io;

pub const INFO: StrategyInfo = StrategyInfo {
    name: "one-copy",
    course: Some("A2"),
    cost: "1 sendmsg() with iovec[8]",
    zerocopy: false,
    so_zerocopy: false,
    uring: false,
    sink: true,
    pages: SentPages::SocketFrags,
    rgb: [0, 160, 200],
};

pub struct OneCopySender;

impl SendStrategy for OneCopySender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        let (mut iov, n) = field_slices(msg);
        send_iov_all(t, &mut iov[..n], SEND_FLAGS)
    }
}
