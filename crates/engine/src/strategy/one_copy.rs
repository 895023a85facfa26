//! A2 — one `sendmsg()` with an `iovec[8]`: the kernel gathers the fields in one copy.

use super::{field_slices, send_iov_all, Message, SendStrategy, Transport, SEND_FLAGS};
use std::io;

pub struct OneCopySender;

impl SendStrategy for OneCopySender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        let (mut iov, n) = field_slices(msg);
        send_iov_all(t, &mut iov[..n], SEND_FLAGS)
    }
}
