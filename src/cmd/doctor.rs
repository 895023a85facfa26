//! `netio-tui doctor [--json]`: is this machine ready for the explorer? No root needed;
//! says what root would add. Exit 0 when the explorer can run, 1 otherwise.

use crate::engine::readiness::{run_self_check, Facts, Readiness};
use crate::error::{fault, Result};
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// Print one JSON object instead of the screen of checks (for scripts)
    #[arg(long)]
    pub json: bool,
}

/// Seconds the self-check's threads work while perf stat counts them.
const SELF_CHECK_SECONDS: f64 = 2.0;

/// Who runs the doctor: the user's name, and whether root.
fn who(root: bool) -> String {
    let uid = nix::unistd::getuid();
    let name = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map_or_else(|| format!("uid {uid}"), |u| u.name);
    if root {
        name
    } else {
        format!("{name} (not root)")
    }
}

pub fn run(a: &DoctorArgs) -> Result<()> {
    let facts = Facts::gather();
    let self_check = run_self_check(&facts, SELF_CHECK_SECONDS);
    let r = Readiness::assess(&facts, self_check);
    let who = who(r.root);
    let version = super::VERSION;
    if a.json {
        println!("{}", crate::model::doctor::json(&r, &who, version));
    } else {
        print!("{}", crate::model::doctor::text(&r, &who, version));
    }
    if r.explorer_can_run {
        Ok(())
    } else {
        let failed: Vec<&str> = r
            .checks
            .iter()
            .filter(|c| c.level == crate::engine::readiness::Level::Fail)
            .map(|c| c.name.as_str())
            .collect();
        Err(fault(format!(
            "doctor: the explorer cannot run as {who}: {} failed (what to do is above)",
            failed.join(", ")
        )))
    }
}
