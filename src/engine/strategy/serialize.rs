//! Copy the 8 fields into one contiguous buffer in user space, then one `send()`.

use super::{send_all, Message, SendStrategy, Transport};
use std::io;

pub struct SerializeSender {
    buf: Vec<u8>,
}

impl SerializeSender {
    pub fn new(msg_size: usize) -> Self {
        SerializeSender {
            buf: Vec::with_capacity(msg_size),
        }
    }
}

impl SendStrategy for SerializeSender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        // The user-space copy is the point of this strategy: it is redone for every message.
        self.buf.clear();
        for field in msg.fields() {
            self.buf.extend_from_slice(field);
        }
        send_all(t, &self.buf)
    }
}
