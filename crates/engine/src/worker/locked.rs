//! `--mlock on`: which buffers a configuration locks, how much that is, and locking
//! them. Each sender locks its message's fields, each receiver the buffer it reads
//! into, as soon as it has allocated them (before its first send or read, within the
//! warm-up); each unlocks them when it ends, before freeing them.

use super::receive_zc::COPY_CHUNK;
use super::STREAM_CHUNK;
use crate::config::{BufOffset, Config, RecvMode};
use crate::strategy::{field_layout, pages_spanned, Message, PLACE_SPAN};
use crate::sys::{self, LockedPages};
use std::io;

/// The buffer a receiver of `config` reads into (where it starts, its length);
/// `None` with `--recv trunc`, whose reads the kernel discards without writing any.
fn receive_buffer(config: Config) -> Option<(BufOffset, usize)> {
    match config.recv {
        RecvMode::Message => Some((config.buf_offset, config.msg_size)),
        RecvMode::Stream => Some((config.buf_offset, STREAM_CHUNK)),
        RecvMode::Trunc => None,
        // The copy buffer for what the kernel cannot map (a plain heap vector); the
        // mapped window holds the kernel's own pages.
        RecvMode::ZeroCopy => Some((BufOffset::Heap, COPY_CHUNK)),
    }
}

/// Pages of `page` bytes that `len` bytes placed at `at` lock: exact where the place
/// in the page is known, the most they can touch where it is not (the heap).
fn pages(at: BufOffset, len: usize, page: usize) -> usize {
    let offset = match at {
        BufOffset::Page(n) if page == PLACE_SPAN => n as usize,
        _ => page - 1,
    };
    pages_spanned(offset, len, page)
}

/// Bytes `config` locks with `--mlock on` (0 with it off): every connection's send
/// fields and, with `receivers`, its receive buffer, in whole pages. Exact where the
/// buffers' places in their pages are known (`--buf-offset N` on 4 KiB pages, the
/// page-aligned fields of MSG_ZEROCOPY), otherwise the most they can take.
pub fn locked_bytes_with(config: Config, receivers: bool) -> u64 {
    if !config.mlock.is_on() {
        return 0;
    }
    let page = sys::page_size();
    let size = config.msg_size;
    let fields: usize = if config.strategy.needs_so_zerocopy() {
        // Message::page_aligned: every field on pages of its own.
        field_layout(size, BufOffset::Heap)
            .map(|(_, len)| pages_spanned(0, len, page))
            .sum()
    } else {
        field_layout(size, config.buf_offset)
            .map(|(at, len)| pages(at, len, page))
            .sum()
    };
    let receive = receive_buffer(config)
        .filter(|_| receivers)
        .map_or(0, |(at, len)| pages(at, len, page));
    ((fields + receive) * page * config.threads) as u64
}

/// [`locked_bytes_with`] receivers: what a configuration over TCP locks.
pub fn locked_bytes(config: Config) -> u64 {
    locked_bytes_with(config, true)
}

fn said(e: io::Error, what: &str, bytes: usize) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "locking {what} in memory (mlock, {} KiB) failed: {e}; RLIMIT_MEMLOCK (ulimit -l) must hold every locked buffer",
            bytes >> 10
        ),
    )
}

/// Locks a sender's fields (`--mlock on`; nothing otherwise). Hold the locks while
/// the message lives and drop them first.
pub(super) fn lock_fields(config: Config, msg: &Message) -> io::Result<Vec<LockedPages>> {
    if !config.mlock.is_on() {
        return Ok(Vec::new());
    }
    msg.fields()
        .iter()
        .map(|f| LockedPages::lock(f).map_err(|e| said(e, "a send field", f.len())))
        .collect()
}

/// Locks a receiver's buffer (`--mlock on`, and only the buffer
/// [`receive_buffer`] names: none with `--recv trunc`).
pub(super) fn lock_receive(config: Config, buf: &[u8]) -> io::Result<Option<LockedPages>> {
    if !config.mlock.is_on() || receive_buffer(config).is_none() {
        return Ok(None);
    }
    LockedPages::lock(buf)
        .map(Some)
        .map_err(|e| said(e, "the receive buffer", buf.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mlock, Strategy};
    use crate::strategy::PlacedBuf;

    fn on(strategy: Strategy, size: usize, threads: usize) -> Config {
        Config {
            mlock: Mlock::On,
            ..Config::new(strategy, size, threads)
        }
    }

    #[test]
    fn what_a_configuration_locks_follows_its_buffers() {
        if sys::page_size() != PLACE_SPAN {
            eprintln!("skipped: the figures below are for 4 KiB pages");
            return;
        }
        assert_eq!(locked_bytes(Config::new(Strategy::OneCopy, 65536, 4)), 0);
        // 64K at page+2048: 8 fields of 8K, 3 pages each; the receive buffer 17 pages.
        assert_eq!(
            locked_bytes(on(Strategy::OneCopy, 65536, 1)),
            (8 * 3 + 17) * 4096
        );
        assert_eq!(
            locked_bytes(on(Strategy::OneCopy, 65536, 3)),
            3 * (8 * 3 + 17) * 4096
        );
        // Zero-copy's fields are page-aligned: 2 pages each.
        assert_eq!(
            locked_bytes(on(Strategy::ZeroCopy, 65536, 1)),
            (8 * 2 + 17) * 4096
        );
        // No receivers (the sink), trunc (no buffer written), stream (256 KiB).
        assert_eq!(
            locked_bytes_with(on(Strategy::ZeroCopy, 65536, 1), false),
            8 * 2 * 4096
        );
        let trunc = Config {
            recv: RecvMode::Trunc,
            ..on(Strategy::OneCopy, 65536, 1)
        };
        assert_eq!(locked_bytes(trunc), 8 * 3 * 4096);
        let stream = Config {
            recv: RecvMode::Stream,
            ..on(Strategy::OneCopy, 64, 1)
        };
        // 8-byte fields from 2048 on one page each; 256 KiB from 2048: 65 pages.
        assert_eq!(locked_bytes(stream), (8 + 65) * 4096);
        // The heap: the most 8 bytes can touch (2 pages) per field.
        let heap = Config {
            buf_offset: BufOffset::Heap,
            ..on(Strategy::OneCopy, 64, 1)
        };
        assert_eq!(locked_bytes(heap), (8 * 2 + 2) * 4096);
    }

    #[test]
    fn the_locks_cover_what_the_figure_says() {
        if sys::page_size() != PLACE_SPAN
            || sys::memlock_limit().unwrap().is_some_and(|l| l < 1 << 20)
        {
            eprintln!("skipped: needs 4 KiB pages and RLIMIT_MEMLOCK of 1 MiB");
            return;
        }
        for strategy in [Strategy::OneCopy, Strategy::ZeroCopy] {
            let c = on(strategy, 65536, 1);
            let msg = Message::for_strategy(strategy, c.msg_size, c.buf_offset).unwrap();
            let buf = PlacedBuf::new(c.msg_size, 0, c.buf_offset);
            let fields = lock_fields(c, &msg).unwrap();
            let receive = lock_receive(c, &buf).unwrap().unwrap();
            let total: usize = fields.iter().map(|l| l.len()).sum::<usize>() + receive.len();
            assert_eq!(total as u64, locked_bytes(c), "{c}");
        }
        let off = Config::new(Strategy::OneCopy, 65536, 1);
        let msg = Message::new(64);
        assert!(lock_fields(off, &msg).unwrap().is_empty());
        assert!(lock_receive(off, &[0u8; 8]).unwrap().is_none());
    }
}
