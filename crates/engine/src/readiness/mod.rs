//! `netio-tui doctor`: whether this machine is ready for the explorer, check by check,
//! each ok / warn / fail with what to do, and what root would add. The checks are
//! pure functions of [`Facts`], so fake machines (a hybrid PMU, a PMU-less VM,
//! paranoid 4, io_uring disabled, kallsyms hidden) are tested without one.

mod checks;
mod facts;
mod self_check;

pub use facts::{CorePmus, Facts, Privilege};
pub use self_check::{agreement, parse_perf_stat, run_self_check, PerfCounts, SelfCheck};

use serde::Serialize;

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Works as the explorer needs it.
    Ok,
    /// Works, with figures missing or less exact; the advice says how to get them.
    Warn,
    /// The explorer cannot run (as this user) until this is fixed.
    Fail,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "fail",
        }
    }
}

/// One line of the doctor's screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Short stable name (scripts read it): `cpu`, `events:cpu_core`, `io_uring`, …
    pub name: String,
    pub level: Level,
    /// What was found.
    pub found: String,
    /// What to do about it (none where nothing needs doing).
    pub advice: Option<String>,
    /// What running as root would change here, when not root.
    pub with_root: Option<String>,
}

impl Check {
    fn new(name: impl Into<String>, level: Level, found: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            level,
            found: found.into(),
            advice: None,
            with_root: None,
        }
    }

    fn advice(mut self, advice: impl Into<String>) -> Check {
        self.advice = Some(advice.into());
        self
    }

    fn with_root(mut self, what: Option<String>) -> Check {
        self.with_root = what;
        self
    }
}

/// The doctor's answer for this machine and this user.
#[derive(Clone, Debug, Serialize)]
pub struct Readiness {
    pub root: bool,
    pub checks: Vec<Check>,
    /// No check failed: `netio-tui` (the explorer) runs here as this user.
    pub explorer_can_run: bool,
}

impl Readiness {
    /// Every check of `facts`, then the self-check's (run separately: it takes seconds).
    pub fn assess(facts: &Facts, self_check: Check) -> Readiness {
        let mut checks = checks::all(facts);
        checks.push(self_check);
        // The doctor is where those messages point: it does not point at itself.
        for c in &mut checks {
            c.found = c.found.replace(crate::error::SEE_DOCTOR, "");
        }
        Readiness {
            root: facts.privilege.root,
            explorer_can_run: checks.iter().all(|c| c.level != Level::Fail),
            checks,
        }
    }

    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// What root would add, check by check (empty as root).
    pub fn root_would_add(&self) -> Vec<(&str, &str)> {
        self.checks
            .iter()
            .filter_map(|c| Some((c.name.as_str(), c.with_root.as_deref()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests;
