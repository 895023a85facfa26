//! `--peer`: the other half of every connection on a far host. The control protocol
//! (versioned JSON lines), the agent that serves it and the local side's link to it. Knows nothing of ssh: it speaks over any pair of byte
//! streams (the binary hands it ssh's pipes, the agent its own stdin and stdout).

mod agent;
mod link;
pub mod protocol;

pub use agent::{serve, AgentIdentity};
pub use link::{Channel, FarHalf, PeerSetup, Reconnect, Transport};
