//! Copy the 8 fields into one contiguous buffer in user space, then one `send()`.

use super::info::{SentPages, StrategyInfo};
use super::message::PlacedBuf;
use super::{send_all, Message, SendStrategy, Transport};
use crate::config::BufOffset;
use std::io;

pub const INFO: StrategyInfo = StrategyInfo {
    name: "serialize",
    course: None,
    cost: "copy 8 fields into one buffer, then 1 send()",
    zerocopy: false,
    so_zerocopy: false,
    uring: false,
    sink: true,
    pages: SentPages::SocketFrags,
    rgb: [200, 60, 200],
};

pub struct SerializeSender {
    /// The contiguous message, placed as `--buf-offset` says.
    buf: PlacedBuf,
}

impl SerializeSender {
    pub fn new(msg_size: usize, place: BufOffset) -> Self {
        SerializeSender {
            buf: PlacedBuf::new(msg_size, 0, place),
        }
    }
}

impl SendStrategy for SerializeSender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        // The user-space copy is the point of this strategy: it is redone for every message.
        let mut at = 0;
        for field in msg.fields() {
            self.buf[at..at + field.len()].copy_from_slice(field);
            at += field.len();
        }
        send_all(t, &self.buf[..at])
    }
}
