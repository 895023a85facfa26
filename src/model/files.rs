//! Every file the tool writes or reads goes through here: one atomic writer (CSV,
//! SVG), one way to create a recording, one bounded reader, and the checks that run
//! before anything is measured. The tool runs as root in shared directories such as
//! /tmp: it never writes through a link it did not expect, never opens a FIFO or a
//! device, and never reads more than it can hold.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Largest CSV `plot` reads (a sweep of thousands of configurations is well under 1 MiB).
pub const MAX_CSV_BYTES: u64 = 64 << 20;
/// Largest recording `replay` reads (a day of samples at 4 per second is ~100 MiB).
pub const MAX_RECORDING_BYTES: u64 = 512 << 20;

/// Writes `bytes` to `path` via a temporary file created exclusively, under an
/// unpredictable name, in the same directory, then renamed over `path`: a reader never
/// sees half a file, and a link planted at `path` is replaced, never written through.
/// The error names `path` (never the temporary file) and the cause.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let why = |e: &dyn std::fmt::Display| format!("cannot write {}: {}", path.display(), plain(e));
    let dir = parent_dir(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".netio-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| why(&e))?;
    tmp.write_all(bytes).map_err(|e| why(&e))?;
    // Temporary files are created 0600; a result file gets what any tool's new file
    // gets: 0666 less the umask.
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(new_file_mode()))
        .map_err(|e| why(&e))?;
    // No fsync: the rename already makes the file appear whole to every reader, and a
    // sweep rewrites it after each configuration (fsync costs tens of ms on VM disks).
    // On failure the temporary file is removed when `tmp`/the error is dropped.
    tmp.persist(path).map_err(|e| why(&e.error))?;
    Ok(())
}

/// Creates `path` anew for appending a recording: a new file, created exclusively
/// under an unpredictable name beside it and renamed into place, so whatever was at
/// `path` is replaced, never written through (a hard link planted there keeps its
/// content). Refuses a symbolic link at `path` and anything that is not a regular file
/// (a FIFO, a device), as every output. Its mode is 0666 less the umask.
pub fn create_recording_file(path: &Path) -> Result<File, String> {
    let cannot = |e: &dyn std::fmt::Display| {
        format!(
            "cannot write recording {} ({}); choose a writable path for --record",
            path.display(),
            plain(e)
        )
    };
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let t = meta.file_type();
        if t.is_symlink() {
            return Err(format!(
                "--record {} is a symbolic link; refusing to write through it. Remove it or \
                 choose another file",
                path.display()
            ));
        }
        if !t.is_file() {
            return Err(not_regular(path, kind(&t), "--record"));
        }
    }
    let tmp = tempfile::Builder::new()
        .prefix(".netio-")
        .suffix(".tmp")
        .tempfile_in(parent_dir(path))
        .map_err(|e| cannot(&e))?;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(new_file_mode()))
        .map_err(|e| cannot(&e))?;
    tmp.persist(path).map_err(|e| cannot(&e.error))
}

/// The mode of a new file: 0666 less this process's umask (read from /proc, which
/// does not change it; 022 if it cannot be read).
pub fn new_file_mode() -> u32 {
    let umask = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022);
    0o666 & !umask
}

/// Creates the output directory `dir` (given with `flag`) and its parents if missing.
/// A symbolic link at `dir` is refused, never followed: the program's files go in a
/// directory it made or the user made, not wherever a planted link points. Returns
/// whether it was created now (so a failure after it can take it away again).
pub fn create_output_dir(dir: &Path, flag: &str) -> Result<bool, String> {
    let shown = dir.display();
    let refuse_link = || {
        format!(
            "{flag}: {shown} is a symbolic link; refusing to write through it. Remove it or \
             choose another {flag}"
        )
    };
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => return Err(refuse_link()),
        Ok(m) if m.is_dir() => return Ok(false),
        Ok(m) => {
            return Err(format!(
                "{flag}: {shown} is {}, not a directory",
                kind(&m.file_type())
            ))
        }
        Err(_) => {}
    }
    let cannot = |e: std::io::Error| {
        format!("cannot create output directory {shown} ({e}); choose a writable {flag}")
    };
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    // Not create_dir_all: it would accept a link planted at `dir` as "already there".
    match std::fs::create_dir(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            match std::fs::symlink_metadata(dir) {
                Ok(m) if m.is_dir() => Ok(false),
                Ok(m) if m.file_type().is_symlink() => Err(refuse_link()),
                _ => Err(cannot(e)),
            }
        }
        Err(e) => Err(cannot(e)),
    }
}

/// Checks, before anything is measured, that `path` can be created as an output file
/// given with option `flag`: not a directory (nor a name ending in '/'), its directory
/// exists and accepts new files, and whatever is at `path` now is a regular file (or,
/// when `link_ok`, a link that the atomic writer will replace).
pub fn check_output(path: &Path, flag: &str, link_ok: bool) -> crate::Result<()> {
    check_output_text(path, flag, link_ok).map_err(crate::error::usage)
}

fn check_output_text(path: &Path, flag: &str, link_ok: bool) -> Result<(), String> {
    let shown = path.display();
    if path.as_os_str().is_empty() {
        return Err(format!("{flag} needs a file name, e.g. {flag} results.csv"));
    }
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") || path.is_dir() {
        return Err(format!(
            "{flag} {shown} is a directory; give a file name such as {}",
            if flag == "--record" {
                "session.jsonl"
            } else {
                "results.csv"
            }
        ));
    }
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let t = meta.file_type();
        if t.is_symlink() && !link_ok {
            return Err(format!(
                "{flag} {shown} is a symbolic link; refusing to write through it. Remove it or \
                 choose another file"
            ));
        }
        if !t.is_symlink() && !t.is_file() {
            return Err(not_regular(path, kind(&t), flag));
        }
    }
    let dir = parent_dir(path);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(format!(
                "{flag} {shown} cannot be written: {} is not a directory",
                dir.display()
            ))
        }
        Err(e) => {
            return Err(format!(
                "{flag} {shown} cannot be written ({e}); choose a writable directory"
            ))
        }
    }
    probe(&dir).map_err(|e| {
        format!(
            "{flag} {shown} cannot be written ({}); choose a writable directory",
            plain(&e)
        )
    })
}

/// Whether a new file can be created in `dir`: an unnamed one (O_TMPFILE, via
/// `tempfile::tempfile_in`), so a kill at any moment leaves no probe file behind.
fn probe(dir: &Path) -> std::io::Result<()> {
    tempfile::tempfile_in(dir).map(drop)
}

/// Checks that `dir` (given with `flag`) is an existing, writable directory.
pub fn check_dir(dir: &Path, flag: &str) -> crate::Result<()> {
    check_dir_text(dir, flag).map_err(crate::error::usage)
}

fn check_dir_text(dir: &Path, flag: &str) -> Result<(), String> {
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => probe(dir).map_err(|e| {
            format!(
                "{flag} {shown} is not writable ({}); choose another directory",
                plain(&e)
            )
        }),
        Ok(_) => Err(format!(
            "{flag} {shown} is not a directory; give an existing directory"
        )),
        Err(e) => Err(format!(
            "{flag} {shown} cannot be used ({e}); give an existing directory"
        )),
    }
}

/// Reads a whole regular file of at most `max` bytes. Opening never blocks (a FIFO
/// with no writer is refused, not waited on), devices and directories are refused, and
/// no more than `max` bytes are ever read, whatever the file claims. `what` names the
/// file in messages ("recording", "CSV").
pub fn read_bounded(path: &Path, max: u64, what: &str) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| format!("cannot read {what} {shown} ({e})"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read {what} {shown} ({e})"))?;
    if !meta.file_type().is_file() {
        return Err(format!(
            "{shown} is {}, not a regular file",
            kind(&meta.file_type())
        ));
    }
    let too_big = || {
        format!(
            "{shown} is larger than {} MiB, more than any {what} netio-tui writes; refusing to read it",
            max >> 20
        )
    };
    if meta.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {what} {shown} ({e})"))?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Whether two paths name the same file, also when neither exists yet (then their
/// directories are compared after resolving links, and their names).
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    let resolve = |p: &Path| {
        std::fs::canonicalize(parent_dir(p))
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    match (resolve(a), resolve(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// An error's text without the temporary file's name that `tempfile` appends: a
/// message names the file the user asked for, never a hidden one.
fn plain(e: &dyn std::fmt::Display) -> String {
    let s = e.to_string();
    match s.find(" at path ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn not_regular(path: &Path, kind: &str, flag: &str) -> String {
    format!(
        "{flag} {} is {kind}, not a regular file; give a file name",
        path.display()
    )
}

fn kind(t: &std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let out = dir.path().join("out.svg");
        symlink(&victim, &out).unwrap();
        write_atomically(&out, b"<svg/>").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(!std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&out).unwrap(), b"<svg/>");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn recordings_refuse_links_and_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let rec = dir.path().join("rec.jsonl");
        symlink(&victim, &rec).unwrap();
        let e = create_recording_file(&rec).unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(check_output(&rec, "--record", false).is_err());
        assert!(check_output(&rec, "--out", true).is_ok());
        let e = create_recording_file(Path::new("/dev/null")).unwrap_err();
        assert!(e.contains("character device"), "{e}");
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let e = create_recording_file(&fifo).unwrap_err();
        assert!(e.contains("FIFO"), "{e}");
        let e = read_bounded(&fifo, 10, "CSV").unwrap_err();
        assert!(e.contains("FIFO"), "{e}");
        assert!(check_output(&fifo, "--out", true).is_err());
    }

    #[test]
    fn a_hard_link_at_the_recording_keeps_its_content() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let decoy = dir.path().join("decoy");
        std::fs::write(&decoy, "DECOY").unwrap();
        let rec = dir.path().join("rec.jsonl");
        std::fs::hard_link(&decoy, &rec).unwrap();
        let mut f = create_recording_file(&rec).unwrap();
        f.write_all(b"{}\n").unwrap();
        assert_eq!(std::fs::read_to_string(&decoy).unwrap(), "DECOY");
        assert_eq!(std::fs::read_to_string(&rec).unwrap(), "{}\n");
        assert_eq!(std::fs::metadata(&decoy).unwrap().nlink(), 1);
        // Nothing else left beside them.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_link_at_an_output_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let decoy = dir.path().join("decoy");
        std::fs::create_dir(&decoy).unwrap();
        let plots = dir.path().join("rep-plots");
        symlink(&decoy, &plots).unwrap();
        let e = create_output_dir(&plots, "--out").unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
        let fresh = dir.path().join("a/b");
        assert!(create_output_dir(&fresh, "--out").unwrap());
        assert!(!create_output_dir(&fresh, "--out").unwrap());
        assert_eq!(std::fs::read_dir(&decoy).unwrap().count(), 0);
    }

    #[test]
    fn reads_are_bounded() {
        let e = read_bounded(Path::new("/dev/zero"), 1 << 20, "CSV").unwrap_err();
        assert!(e.contains("character device"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.csv");
        std::fs::write(&f, vec![b'x'; 2048]).unwrap();
        assert!(read_bounded(&f, 2047, "CSV")
            .unwrap_err()
            .contains("larger"));
        assert_eq!(read_bounded(&f, 2048, "CSV").unwrap().len(), 2048);
        let e = read_bounded(dir.path(), 10, "CSV").unwrap_err();
        assert!(
            e.contains("directory") || e.contains("Is a directory"),
            "{e}"
        );
    }

    #[test]
    fn outputs_are_checked_before_anything_runs() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_output(&dir.path().join("ok.csv"), "--out", true).is_ok());
        let slash = format!("{}/new/", dir.path().display());
        assert!(check_output(Path::new(&slash), "--out", true)
            .unwrap_err()
            .to_string()
            .contains("directory"));
        assert!(check_output(dir.path(), "--out", true).is_err());
        assert!(check_output(&dir.path().join("missing/x.csv"), "--out", true).is_err());
        assert!(check_output(Path::new("/proc/x"), "--record", false).is_err());
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(check_output(&file.join("x.csv"), "--out", true).is_err());
        assert!(check_dir(&file, "--export-dir").is_err());
        assert!(check_dir(&dir.path().join("missing"), "--export-dir").is_err());
        assert!(check_dir(dir.path(), "--export-dir").is_ok());
        let e = check_output(Path::new("/proc/x"), "--record", false)
            .unwrap_err()
            .to_string();
        assert!(!e.contains(".netio-probe"), "no temporary name: {e}");
        // Probes leave nothing behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
