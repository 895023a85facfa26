//! `--recv zerocopy`: the receiver asks the kernel (`TCP_ZEROCOPY_RECEIVE`) to map
//! the pages of received data into a window it mmap'ed on the socket, and reads with
//! a plain copy only what the kernel says it could not map (`recv_skip_hint`).
//! Mapped and copied bytes are counted apart; `--verify` checks both.
//!
//! The kernel maps a piece of a packet only when it is a whole page of its own: a
//! fragment of exactly one page at offset 0, of a page that is not part of a compound
//! (multi-page) allocation and belongs to no file or process. Everything else is
//! copied, which is why the share mapped depends on the sender (see [`fallback_note`]).

use super::{timeout_said, RunShared, ThreadStats};
use crate::config::Config;
use crate::strategy::PayloadCheck;
use crate::strategy::SentPages;
use crate::sys::{self, ZcRecvWindow};
use socket2::Socket;
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::sync::atomic::Ordering::Relaxed;

/// The mapped receive window (the kernel maps at most this much per call).
pub const WINDOW: usize = 512 << 10;
/// Largest plain read of what could not be mapped.
pub(super) const COPY_CHUNK: usize = 256 << 10;
/// TCP timestamp option bytes in every segment.
const TCP_TIMESTAMP_LEN: u32 = 12;

/// The MSS a zero-copy receiver advertises: one page of payload per segment (plus the
/// timestamp option), so that segment boundaries fall on page boundaries. It takes
/// effect where the link's MTU allows segments that large.
pub fn page_mss() -> u32 {
    sys::page_size() as u32 + TCP_TIMESTAMP_LEN
}

/// IPv4 (20) and TCP (20) headers.
const IP_TCP_HEADERS: u32 = 40;

/// The veth MTU while zero-copy receive is measured: segments of [`page_mss`].
pub fn page_mtu() -> u32 {
    page_mss() + IP_TCP_HEADERS
}

/// Prepares the receiver's socket before it connects: it advertises [`page_mss`].
pub fn before_connect(sock: &Socket) -> io::Result<()> {
    sock.set_tcp_mss(page_mss())
        .map_err(|e| io::Error::new(e.kind(), format!("setting TCP_MAXSEG {}: {e}", page_mss())))
}

/// Why the kernel copies (part of) what `config`'s sender sends instead of mapping it:
/// one line for the notes, from what the kernel's `can_map_frag` accepts.
/// `veth_mtu`: the MTU raised for it, on the veth network (loopback keeps its own).
pub fn fallback_note(config: Config, veth_mtu: Option<u32>) -> String {
    let why = match config.strategy.info().pages {
        SentPages::PinnedUser => {
            "delivering the sender's pinned user pages to a local socket copies them into fresh single pages, which the kernel can map; it copies the part of each packet that does not fill a whole page"
        }
        SentPages::File => {
            "the packets carry the memfd's page-cache pages, which belong to a file: the kernel never maps them, it copies"
        }
        SentPages::Spliced => {
            "the packets carry the sender's own (vmspliced) pages, which belong to a process: the kernel never maps them, it copies"
        }
        SentPages::SocketFrags => {
            "the sender copies into its socket's page fragments, pieces of 32 KiB compound pages: the kernel never maps those, it copies"
        }
    };
    let mtu = veth_mtu.map_or(String::new(), |m| {
        format!(" (veth MTU {m} for it, one page of payload per segment)")
    });
    format!("{config}: zero-copy receive maps only whole pages of their own{mtu}; {why}")
}

/// The receive loop of `--recv zerocopy`, until EOF.
pub fn receive(
    sock: Socket,
    config: Config,
    verify: bool,
    stats: &ThreadStats,
    shared: &RunShared,
) -> io::Result<()> {
    let mut window = ZcRecvWindow::new(sock.as_fd(), WINDOW)
        .map_err(|e| io::Error::new(e.kind(), format!("mapping the receive window: {e}")))?;
    let mut buf = crate::sys::try_zeroed(COPY_CHUNK)?;
    // Declared after the buffer: unlocked before it is freed.
    let _locked = super::locked::lock_receive(config, &buf)?;
    let mut check = PayloadCheck::new(config.msg_size);
    let (mut mapped, mut copied) = (0u64, 0u64);
    let feed = |check: &mut PayloadCheck, data: &[u8]| {
        if verify {
            if let Some(err) = check.feed(data) {
                let _ = shared.corrupt.set(err);
            }
        } else {
            check.advance(data.len());
        }
    };
    loop {
        let got = match window.receive(sock.as_fd()) {
            Ok(got) => got,
            // Nothing queued and the peer has closed: the kernel's end of stream.
            Err(e) if e.raw_os_error() == Some(libc::EIO) => return Ok(()),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("TCP_ZEROCOPY_RECEIVE failed: {e}"),
                ))
            }
        };
        if got.mapped > 0 {
            feed(&mut check, window.mapped());
            mapped += got.mapped as u64;
            window.release();
        }
        if got.skip > 0 {
            let want = got.skip.min(buf.len());
            match read_some(&sock, &mut buf[..want])? {
                0 => return Ok(()),
                n => {
                    feed(&mut check, &buf[..n]);
                    copied += n as u64;
                }
            }
        } else if got.mapped == 0 && !wait_for_data(&sock)? {
            return Ok(());
        }
        stats.bytes.store(mapped + copied, Relaxed);
        stats.messages.store(check.messages(), Relaxed);
        stats.rx_mapped.store(mapped, Relaxed);
        stats.rx_copied.store(copied, Relaxed);
    }
}

/// A plain read; a timeout is an error that says how long nothing came.
fn read_some(sock: &Socket, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match (&*sock).read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r.map_err(timeout_said),
        }
    }
}

/// Blocks until data is queued (true) or the peer closed (false), consuming nothing.
fn wait_for_data(sock: &Socket) -> io::Result<bool> {
    let mut one = [std::mem::MaybeUninit::<u8>::uninit(); 1];
    loop {
        match sock.peek(&mut one) {
            Ok(n) => return Ok(n > 0),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(timeout_said(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Strategy;

    #[test]
    fn every_sender_has_its_reason() {
        for s in Strategy::ALL {
            let note = fallback_note(Config::new(s, 65536, 1), None);
            assert!(note.starts_with(&format!("{s} 64K ×1")), "{note}");
            assert!(note.contains("copies"), "{note}");
        }
        assert_eq!(page_mss(), sys::page_size() as u32 + 12);
        let veth = fallback_note(Config::new(Strategy::ZeroCopy, 4096, 1), Some(page_mtu()));
        assert!(veth.contains(&format!("veth MTU {}", page_mtu())), "{veth}");
    }

    /// Over loopback, without root: a zero-copy receiver gets every byte, verified,
    /// whatever share the kernel maps.
    #[test]
    fn receives_every_byte_verified_over_loopback() {
        use crate::strategy::Message;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let size = 64 << 10;
        let count = 64;
        let sender = std::thread::spawn(move || {
            use std::io::Write;
            let (mut s, _) = listener.accept().unwrap();
            let one = Message::new(size).fields().concat();
            for _ in 0..count {
                s.write_all(&one).unwrap();
            }
        });
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        sock.set_read_timeout(Some(crate::worker::IO_TIMEOUT))
            .unwrap();
        before_connect(&sock).unwrap();
        sock.connect(&addr.into()).unwrap();
        let stats = ThreadStats::default();
        let shared = RunShared::default();
        let config = Config {
            recv: crate::config::RecvMode::ZeroCopy,
            ..Config::new(Strategy::OneCopy, size, 1)
        };
        receive(sock, config, true, &stats, &shared).unwrap();
        sender.join().unwrap();
        assert_eq!(shared.corrupt.get(), None);
        let z = stats.rx_zc();
        assert_eq!(z.mapped + z.copied, (size * count) as u64);
        assert_eq!(stats.messages.load(Relaxed), count as u64);
    }
}
