//! Termination signals held before the Rust runtime starts.
//!
//! The program answers SIGTERM, SIGINT and SIGHUP itself (exit 130/143/129 with its
//! line, nothing left behind); until it can, they must wait rather than take their
//! default action. `main` blocks them as its first act, but the dynamic loader and the
//! Rust runtime run before it. An ELF constructor (`.init_array`) runs after the
//! loader and before the runtime, so it narrows the window to the loader's own time.
//!
//! Only the program holds them: a process whose `argv[0]` names another executable
//! (the test harnesses that link this crate) keeps its signals as they were.

use std::ffi::{c_char, c_int, CStr};

/// The signals the program answers itself.
pub const ANSWERED: [c_int; 3] = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP];

/// The executable names the constructor holds the signals for.
const PROGRAM: &[u8] = b"netio-tui";

/// The constructor: glibc calls `.init_array` entries with (argc, argv, envp).
#[cfg(all(target_os = "linux", not(test)))]
#[used]
#[link_section = ".init_array"]
static HOLD_BEFORE_MAIN: extern "C" fn(c_int, *const *const c_char, *const *const c_char) =
    hold_before_main;

#[cfg_attr(test, allow(dead_code))]
extern "C" fn hold_before_main(argc: c_int, argv: *const *const c_char, _: *const *const c_char) {
    if argc < 1 || argv.is_null() {
        return;
    }
    // SAFETY: glibc passes the process's argv, argc >= 1 entries, each a C string.
    let first = unsafe { *argv };
    if first.is_null() {
        return;
    }
    // SAFETY: argv[0] is a NUL-terminated string that lives as long as the process.
    let name = unsafe { CStr::from_ptr(first) }.to_bytes();
    if is_program(name) {
        block_answered();
    }
}

/// Whether `argv0` (a path or a name) is this program's executable.
fn is_program(argv0: &[u8]) -> bool {
    let base = argv0.rsplit(|&b| b == b'/').next().unwrap_or_default();
    base == PROGRAM
}

/// Blocks [`ANSWERED`] in the calling thread; returns whether all of them were
/// blocked already (by the constructor, or an earlier call).
pub fn block_answered() -> bool {
    // SAFETY: sigset_t is plain data initialised by sigemptyset before use; the
    // calls get valid pointers to it and to `before`.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut before: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in ANSWERED {
            libc::sigaddset(&mut set, s);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut before);
        ANSWERED.iter().all(|&s| libc::sigismember(&before, s) == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_program_name_is_held() {
        assert!(is_program(b"netio-tui"));
        assert!(is_program(b"/usr/local/bin/netio-tui"));
        assert!(is_program(b"./target/debug/netio-tui"));
        assert!(!is_program(b"hostile_cli-0123abcd"));
        assert!(!is_program(b"/x/netio-tui/deps/netio_engine-55"));
        assert!(!is_program(b""));
    }
}
