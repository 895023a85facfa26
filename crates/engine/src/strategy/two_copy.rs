//! A1 — one `send()` per field: 8 system calls, 8 copies into the kernel.

use super::{send_all, Message, SendStrategy, Transport};
use std::io;

pub struct TwoCopySender;

impl SendStrategy for TwoCopySender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        for field in msg.fields() {
            send_all(t, field)?;
        }
        Ok(())
    }
}
