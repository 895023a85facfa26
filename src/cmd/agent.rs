//! `netio-tui agent --stdio`: the far half of `--peer`. The local side starts it over
//! ssh; it speaks the control protocol on stdin and stdout and ends when stdin closes.

use crate::engine::peer::{serve, AgentIdentity};
use crate::error::{usage, Result};
use clap::Args;
use std::io::BufReader;

#[derive(Debug, Clone, Args)]
pub struct AgentArgs {
    /// Speak the control protocol on stdin/stdout (the only transport: ssh's)
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(a: &AgentArgs) -> Result<()> {
    if !a.stdio {
        return Err(usage(
            "netio-tui agent is started by --peer over ssh and speaks only on stdin/stdout: run it as `netio-tui agent --stdio`",
        ));
    }
    let id = AgentIdentity {
        version: crate::test_seam::agent_version(),
        build: String::new(),
    };
    serve(
        Box::new(BufReader::new(std::io::stdin())),
        Box::new(std::io::stdout()),
        id,
    )?;
    Ok(())
}
