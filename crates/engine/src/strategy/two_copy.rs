//! A1 — one `send()` per field: 8 system calls, 8 copies into the kernel.

use super::info::{SentPages, StrategyInfo};
use super::{send_all, Message, SendStrategy, Transport};
use std::io;

pub const INFO: StrategyInfo = StrategyInfo {
    name: "two-copy",
    course: Some("A1"),
    cost: "8 send() calls, one per field",
    zerocopy: false,
    so_zerocopy: false,
    uring: false,
    sink: false,
    pages: SentPages::SocketFrags,
    rgb: [214, 39, 40],
};

pub struct TwoCopySender;

impl SendStrategy for TwoCopySender {
    fn send_message<T: Transport + ?Sized>(&mut self, t: &mut T, msg: &Message) -> io::Result<()> {
        for field in msg.fields() {
            send_all(t, field)?;
        }
        Ok(())
    }
}
