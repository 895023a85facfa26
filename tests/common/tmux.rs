//! The explorer in a tmux pane, for the end-to-end tests: start it, send keys, read
//! the screen, and check what it leaves behind. Included with `#[path]` by the tmux
//! test files only.

use super::common::{is_root, HostState, BIN};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// None when the test can run; Some(reason) to skip.
pub fn skip_reason() -> Option<String> {
    if !have_tmux() {
        if std::env::var_os("CI").is_some() {
            panic!("tmux is missing on CI: install it (apt-get install tmux)");
        }
        return Some("tmux is not installed".into());
    }
    if !is_root() {
        return Some("needs root (the explorer builds network namespaces)".into());
    }
    None
}

/// A detached tmux session running the explorer; killed on drop, pass or fail. Its
/// working directory is a scratch directory of its own, removed after the session, so
/// whatever the explorer saves without `--export-dir` lands nowhere else.
pub struct Session {
    name: String,
    _cwd: tempfile::TempDir,
}

impl Session {
    pub fn start(tag: &str, args: &str) -> Session {
        Session::start_with_env(tag, "", args)
    }

    /// Like `start`, with `env` (e.g. "VAR=1") set for the explorer.
    pub fn start_with_env(tag: &str, env: &str, args: &str) -> Session {
        Session::start_sized(tag, env, (120, 40), args)
    }

    /// Like `start_with_env`, in a pane of `size` (columns, rows).
    pub fn start_sized(tag: &str, env: &str, size: (u16, u16), args: &str) -> Session {
        // After the explorer ends, the shell prints its exit status and waits, so the
        // pane can still be inspected.
        Session::start_raw_sized(
            tag,
            size,
            &format!("{env} {BIN} {args}; echo EXITED:$?; sleep 120"),
        )
    }

    /// A session running the shell command `cmd` as it is.
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn start_raw(tag: &str, cmd: &str) -> Session {
        Session::start_raw_sized(tag, (120, 40), cmd)
    }

    /// `start_raw` in a pane of `size` (columns, rows).
    pub fn start_raw_sized(tag: &str, size: (u16, u16), cmd: &str) -> Session {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("netio-test-{tag}-{}-{nanos}", std::process::id());
        let cwd = tempfile::tempdir().expect("a scratch directory for the session");
        // When the previous test's session was the server's last, its kill leaves the
        // server exiting while this new-session connects to it ("server exited
        // unexpectedly"): a race of tmux's, so try again once that server has gone.
        let mut errors = Vec::new();
        for _ in 0..10 {
            let o = Command::new("tmux")
                .args([
                    "new-session",
                    "-d",
                    "-s",
                    &name,
                    "-x",
                    &size.0.to_string(),
                    "-y",
                    &size.1.to_string(),
                    "-c",
                    &cwd.path().to_string_lossy(),
                    cmd,
                ])
                .output()
                .expect("tmux new-session");
            let err = String::from_utf8_lossy(&o.stderr).trim().to_string();
            // The name is this test's own (pid and nanoseconds): a duplicate is the
            // session an attempt made before its server's reply was lost.
            if o.status.success() || err.contains("duplicate session") {
                return Session { name, _cwd: cwd };
            }
            errors.push(err);
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("tmux new-session failed 10 times: {errors:?}");
    }

    pub fn capture(&self) -> String {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn display(&self, fmt: &str) -> String {
        let o = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.name, fmt])
            .output()
            .expect("tmux display-message");
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    pub fn keys(&self, keys: &[&str]) {
        let st = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .expect("tmux send-keys");
        assert!(st.success());
    }

    /// Waits until `pred` holds for the pane's text; panics with the screen if it never does.
    pub fn wait_for(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.capture();
            if pred(&s) {
                return s;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Pid of the explorer (the child of the pane's shell).
    pub fn explorer_pid(&self) -> u32 {
        let shell = self.display("#{pane_pid}");
        let o = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no child of the pane shell {shell}"))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The pane's shell and its children, waited for after the kill (a closed terminal
        // makes the explorer save its rows) before the scratch directory is removed.
        let shell = self.display("#{pane_pid}");
        let children = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let pids: Vec<String> = std::iter::once(shell)
            .chain(children.split_whitespace().map(str::to_string))
            .filter(|p| !p.is_empty())
            .collect();
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end
            && pids
                .iter()
                .any(|p| Path::new(&format!("/proc/{p}")).exists())
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Nothing of the explorer left: its process gone, the host as it was `before`.
pub fn assert_nothing_left(pid: u32, before: &HostState) {
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "explorer process {pid} still exists"
    );
    before.assert_restored();
}

pub fn assert_terminal_restored(s: &Session) {
    assert_eq!(
        s.display("#{alternate_on}"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(s.display("#{cursor_flag}"), "1", "cursor still hidden");
}
