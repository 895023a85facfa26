//! The explorer's keyboard: a thread that waits on the terminal and the window-size
//! signal, hands crossterm's events to the main loop, and ends when the terminal is
//! gone.
//!
//! It waits with poll(2) itself instead of in crossterm: crossterm's reader loops
//! without end on a terminal that reads 0 bytes or fails (a closed terminal, a killed
//! tmux), so it is only asked to read once the terminal has something to read and is
//! not hung up. A hang-up (POLLHUP, POLLERR), a terminal that is no terminal any more,
//! or a read error ends the thread, and the main loop then quits as for a signal.
//!
//! It runs at real-time priority (root; best effort) and asleep but for a key, so it
//! costs the workers nothing; before it hands anything on it raises the main loop's
//! thread above the workers too, so a key, or the terminal closing, is answered within
//! moments however many busy workers share the cores.

use crossbeam_channel::{unbounded, Receiver, Sender};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use ratatui::crossterm::event::{self, Event};
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the input thread looks up from the keyboard to see if it should stop.
const INPUT_POLL: Duration = Duration::from_millis(1000);

/// What the keyboard thread sends: an event, or that the terminal is gone.
pub(super) struct InputThread {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
    pub(super) rx: Receiver<Event>,
}

impl InputThread {
    /// Starts reading; `main` is the kernel id of the thread that answers (raised
    /// above the workers before each event, and when the terminal closes).
    pub(super) fn spawn(main: i32) -> anyhow::Result<InputThread> {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = unbounded();
        let s = stop.clone();
        let (winch_rx, winch_tx) = UnixStream::pair()?;
        winch_rx.set_nonblocking(true)?;
        let winch =
            signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, winch_tx)?;
        let handle = std::thread::Builder::new()
            .name("netio-input".into())
            .spawn(move || {
                let _ = crate::engine::sys::make_thread_realtime();
                read_keys(&s, &tx, winch_rx, main);
                signal_hook::low_level::unregister(winch);
                // Whatever ended it, the main loop answers next: let it run now.
                let _ = crate::engine::sys::make_realtime(main);
            })?;
        Ok(InputThread {
            stop,
            handle: Some(handle),
            rx,
        })
    }
}

impl Drop for InputThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Not joined: nothing may keep the explorer from stopping its workers, and the
        // thread looks up at least every INPUT_POLL. It ends with the process.
        drop(self.handle.take());
    }
}

/// The terminal crossterm reads: stdin if it is one, else /dev/tty (as crossterm).
enum Tty {
    Stdin(std::io::Stdin),
    Dev(File),
}

impl Tty {
    fn open() -> Option<Tty> {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            Some(Tty::Stdin(stdin))
        } else {
            File::open("/dev/tty").ok().map(Tty::Dev)
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Tty::Stdin(s) => s.as_fd(),
            Tty::Dev(f) => f.as_fd(),
        }
    }
}

/// What waiting on the terminal found.
#[derive(Debug, PartialEq)]
enum Ready {
    /// Nothing within the wait (or a signal interrupted it).
    Idle,
    /// A key (or more) to read, or the window changed size.
    Input,
    /// The terminal hung up or failed: no key will ever come.
    Closed,
}

/// Waits up to `timeout` for the terminal or the window-size pipe.
fn wait(tty: BorrowedFd<'_>, winch: BorrowedFd<'_>, timeout: Duration) -> Ready {
    let mut fds = [
        PollFd::new(tty, PollFlags::POLLIN),
        PollFd::new(winch, PollFlags::POLLIN),
    ];
    let ms = PollTimeout::try_from(timeout).unwrap_or(PollTimeout::MAX);
    match poll(&mut fds, ms) {
        Ok(0) | Err(nix::errno::Errno::EINTR) => return Ready::Idle,
        Ok(_) => {}
        Err(_) => return Ready::Closed,
    }
    let hung_up = PollFlags::POLLHUP | PollFlags::POLLERR | PollFlags::POLLNVAL;
    if fds[0].revents().is_some_and(|r| r.intersects(hung_up)) {
        return Ready::Closed;
    }
    Ready::Input
}

/// The thread's life: wait, read what crossterm parses, hand it on; return when the
/// terminal is gone, the main loop is gone, or it is told to stop.
fn read_keys(stop: &AtomicBool, tx: &Sender<Event>, mut winch: UnixStream, main: i32) {
    let Some(tty) = Tty::open() else { return };
    while !stop.load(Ordering::Relaxed) {
        match wait(tty.fd(), winch.as_fd(), INPUT_POLL) {
            Ready::Closed => return,
            Ready::Idle => continue,
            Ready::Input => {}
        }
        // Drain the size-change pipe; crossterm has its own note of the signal.
        let mut buf = [0u8; 64];
        while matches!(winch.read(&mut buf), Ok(n) if n > 0) {}
        // A terminal that is no terminal any more (hung up between the wait and now)
        // is never handed to crossterm's reader.
        let still = match &tty {
            Tty::Stdin(s) => s.is_terminal(),
            Tty::Dev(f) => f.is_terminal(),
        };
        if !still {
            return;
        }
        loop {
            match event::poll(Duration::ZERO) {
                Ok(true) => match event::read() {
                    Ok(ev) => {
                        let _ = crate::engine::sys::make_realtime(main);
                        if tx.send(ev).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) => break,
                Err(_) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pty_is_closed_and_a_key_is_input() {
        use nix::pty::openpty;
        let (winch, _w) = UnixStream::pair().unwrap();
        let pty = openpty(None, None).unwrap();
        let master = File::from(pty.master);
        let slave = File::from(pty.slave);
        // Nothing typed: idle.
        assert_eq!(
            wait(slave.as_fd(), winch.as_fd(), Duration::from_millis(10)),
            Ready::Idle
        );
        // A key: input.
        std::io::Write::write_all(&mut &master, b"q\n").unwrap();
        assert_eq!(
            wait(slave.as_fd(), winch.as_fd(), Duration::from_millis(500)),
            Ready::Input
        );
        // The far end closed (tmux killed): closed, at once and for good (the read
        // would return 0 or fail for ever, which is what crossterm loops on).
        drop(master);
        for _ in 0..3 {
            assert_eq!(
                wait(slave.as_fd(), winch.as_fd(), Duration::from_millis(500)),
                Ready::Closed
            );
        }
    }
}
