//! The sink topology's rules: one UDP datagram per message, to a blackhole route.

use crate::config::{self, Config};

/// The sink's datagrams go to this (discard) port of [`netns::SINK_ADDR`].
pub(crate) const SINK_PORT: u16 = 9;
/// Largest UDP payload in one IPv4 datagram.
const MAX_DATAGRAM: usize = 65507;

/// Why the sink topology cannot measure `config`, if it cannot.
pub fn sink_refuses(config: Config) -> Option<String> {
    if config.is_rr() {
        return Some(
            "--topology sink has no far side to answer: --workload rr needs veth or --no-netns"
                .into(),
        );
    }
    if !config.strategy.info().sink {
        let sink: Vec<&str> = config::Strategy::ALL
            .into_iter()
            .filter(|s| s.info().sink)
            .map(|s| s.name())
            .collect();
        return Some(format!(
            "--topology sink sends one UDP datagram per message; {} does not; allowed: {}",
            config.strategy,
            sink.join(", ")
        ));
    }
    // Nothing receives and nothing is TCP: options about either cannot apply, and a
    // row must not claim them.
    if config.recv != config::RecvMode::Message {
        return Some(format!(
            "--topology sink has no receiver (its datagrams go to a blackhole route): --recv {} cannot apply; leave --recv out",
            config.recv
        ));
    }
    if config.nodelay {
        return Some(
            "--topology sink sends UDP datagrams: --nodelay (a TCP option) cannot apply; leave it out".into(),
        );
    }
    if config.msg_size > MAX_DATAGRAM {
        return Some(format!(
            "--topology sink sends one UDP datagram per message: size {} is too large; allowed: 1 to {MAX_DATAGRAM} bytes",
            config.msg_size
        ));
    }
    None
}
