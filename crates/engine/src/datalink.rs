//! `--peer`'s data connections between the two hosts: each presents the run's random
//! token and its index first; the listener accepts exactly the run's connections.

use socket2::{Domain, Socket, Type};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

pub const TOKEN_LEN: usize = 16;
/// What a connection sends first: the token, then its index (u32, big-endian).
const HELLO_LEN: usize = TOKEN_LEN + 4;
/// A connection that does not present its token within this long is refused.
const TOKEN_WAIT: Duration = Duration::from_secs(2);

/// A run's secret: 128 random bits from the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token(pub [u8; TOKEN_LEN]);

impl Token {
    pub fn random() -> io::Result<Token> {
        let mut t = [0u8; TOKEN_LEN];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut t)?;
        Ok(Token(t))
    }

    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(s: &str) -> Option<Token> {
        let mut t = [0u8; TOKEN_LEN];
        if s.len() != 2 * TOKEN_LEN {
            return None;
        }
        for (i, b) in t.iter_mut().enumerate() {
            *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Token(t))
    }
}

/// Opens connection `index` to the far listener and presents the token.
/// `before_connect` sets what must be set before the handshake (zero-copy receive's MSS).
pub fn dial(
    addr: SocketAddr,
    token: &Token,
    index: usize,
    timeout: Duration,
    before_connect: impl FnOnce(&Socket) -> io::Result<()>,
) -> io::Result<Socket> {
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    before_connect(&s)?;
    s.connect_timeout(&addr.into(), timeout)?;
    let mut hello = [0u8; HELLO_LEN];
    hello[..TOKEN_LEN].copy_from_slice(&token.0);
    hello[TOKEN_LEN..].copy_from_slice(&(index as u32).to_be_bytes());
    (&s).write_all(&hello)?;
    Ok(s)
}

/// The listener the far half accepts the run's connections on: `bind`, ephemeral port.
pub fn listen(bind: std::net::IpAddr) -> io::Result<Socket> {
    let addr = SocketAddr::new(bind, 0);
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    s.set_reuse_address(true)?;
    s.bind(&addr.into()).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("binding the data listener to {bind}: {e}"),
        )
    })?;
    s.listen(128)?;
    Ok(s)
}

/// Accepts until each of the `n` connections presented `token` with its own index,
/// or `deadline` passes. Any other connection (no token, a wrong one, an index out of
/// range or twice) is closed and counted. Returns the sockets by index and the count.
pub fn accept_run(
    listener: &Socket,
    token: &Token,
    n: usize,
    deadline: Instant,
) -> io::Result<(Vec<Socket>, u64)> {
    let mut got: Vec<Option<Socket>> = (0..n).map(|_| None).collect();
    let mut refused = 0u64;
    let mut left = n;
    while left > 0 {
        let wait = deadline.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "{left} of {n} data connections did not arrive with the run's token ({refused} refused)"
                ),
            ));
        }
        listener.set_read_timeout(Some(wait))?;
        let (s, _) = match listener.accept() {
            Ok(x) => x,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(e) => return Err(e),
        };
        match presented(&s, token, n) {
            Some(i) if got[i].is_none() => {
                s.set_read_timeout(None)?;
                got[i] = Some(s);
                left -= 1;
            }
            _ => refused += 1,
        }
    }
    Ok((got.into_iter().flatten().collect(), refused))
}

/// The index a new connection presents with the right token, if it does.
fn presented(s: &Socket, token: &Token, n: usize) -> Option<usize> {
    s.set_read_timeout(Some(TOKEN_WAIT)).ok()?;
    let mut hello = [0u8; HELLO_LEN];
    (&*s).read_exact(&mut hello).ok()?;
    // Compared in full whatever the first difference, so timing says nothing.
    let same = hello[..TOKEN_LEN]
        .iter()
        .zip(&token.0)
        .fold(0u8, |d, (a, b)| d | (a ^ b))
        == 0;
    let index = u32::from_be_bytes(hello[TOKEN_LEN..].try_into().ok()?) as usize;
    (same && index < n).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpStream};

    #[test]
    fn only_connections_with_the_token_are_accepted_and_the_rest_counted() {
        let token = Token::random().unwrap();
        let listener = listen(Ipv4Addr::LOCALHOST.into()).unwrap();
        let addr = listener.local_addr().unwrap().as_socket().unwrap();
        // No token at all (closes at once), a wrong token, an index out of range.
        drop(TcpStream::connect(addr).unwrap());
        let wrong = Token([7; TOKEN_LEN]);
        let _w = dial(addr, &wrong, 0, TOKEN_WAIT, |_| Ok(())).unwrap();
        let _x = dial(addr, &token, 5, TOKEN_WAIT, |_| Ok(())).unwrap();
        let a = dial(addr, &token, 1, TOKEN_WAIT, |_| Ok(())).unwrap();
        let _dup = dial(addr, &token, 1, TOKEN_WAIT, |_| Ok(())).unwrap();
        let b = dial(addr, &token, 0, TOKEN_WAIT, |_| Ok(())).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let (socks, refused) = accept_run(&listener, &token, 2, deadline).unwrap();
        assert_eq!(refused, 4);
        // Sockets by index: 0 is b's far end, 1 is a's.
        let peer = |s: &Socket| s.peer_addr().unwrap().as_socket();
        assert_eq!(peer(&socks[0]), b.local_addr().unwrap().as_socket());
        assert_eq!(peer(&socks[1]), a.local_addr().unwrap().as_socket());
        assert_eq!(Token::from_hex(&token.hex()), Some(token));
        assert_eq!(Token::from_hex("xy"), None);
        // Nobody else comes: the deadline ends the wait with what is missing.
        let e = accept_run(
            &listener,
            &token,
            1,
            Instant::now() + Duration::from_millis(50),
        )
        .unwrap_err();
        assert!(e.to_string().contains("1 of 1 data connections"), "{e}");
    }
}
