//! Stamps the git commit the binary is built from into `--version`
//! (`NETIO_TUI_COMMIT`), and "unknown" where there is no git checkout (a tarball, a
//! vendored copy) or no git: the build never fails for want of either.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    // Only this package's own checkout counts: a tarball unpacked inside some other
    // repository must not take that repository's commit.
    let top = git(&["-C", &manifest, "rev-parse", "--show-toplevel"]);
    let ours = top
        .as_deref()
        .is_some_and(|t| std::fs::canonicalize(t).ok() == std::fs::canonicalize(&manifest).ok());
    let commit = ours
        .then(|| git(&["-C", &manifest, "rev-parse", "--short=12", "HEAD"]))
        .flatten();
    match &commit {
        Some(c) => {
            let dirty = git(&[
                "-C",
                &manifest,
                "status",
                "--porcelain",
                "--untracked-files=no",
            ])
            .is_some();
            println!(
                "cargo:rustc-env=NETIO_TUI_COMMIT={c}{}",
                if dirty { ", modified" } else { "" }
            );
            // Rebuilt when HEAD moves (a commit, a checkout) or the index changes.
            for path in ["HEAD", "index", "packed-refs"] {
                if let Some(p) = git(&["-C", &manifest, "rev-parse", "--git-path", path]) {
                    let p = std::path::Path::new(&manifest).join(p);
                    println!("cargo:rerun-if-changed={}", p.display());
                }
            }
            if let Some(r) = git(&["-C", &manifest, "symbolic-ref", "-q", "HEAD"]) {
                if let Some(p) = git(&["-C", &manifest, "rev-parse", "--git-path", &r]) {
                    let p = std::path::Path::new(&manifest).join(p);
                    println!("cargo:rerun-if-changed={}", p.display());
                }
            }
        }
        None => println!("cargo:rustc-env=NETIO_TUI_COMMIT=unknown: not built from a git checkout"),
    }
    // The sources too, so "modified" is said exactly when they differ from the commit.
    for path in ["build.rs", "Cargo.toml", "Cargo.lock", "src", "crates"] {
        println!("cargo:rerun-if-changed={path}");
    }
}
