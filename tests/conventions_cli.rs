//! The ecosystem's conventions, from the one command line definition: shell
//! completions, man pages, and `--version` with the commit.

use assert_cmd::Command;

fn stdout(args: &[&str]) -> String {
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_for_each_shell_name_every_subcommand() {
    let subcommands = netio_tui::cmd::conventions::subcommands();
    assert!(subcommands.len() >= 8, "{subcommands:?}");
    for shell in ["bash", "zsh", "fish"] {
        let text = stdout(&["completions", shell]);
        for s in &subcommands {
            assert!(text.contains(s.as_str()), "{shell} completion has no {s}");
        }
    }
    let bad = Command::cargo_bin("netio-tui")
        .unwrap()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// What bash offers for `words` (the last one being completed), from the script.
fn bash_completes(script: &std::path::Path, words: &[&str]) -> String {
    let line = format!(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; _netio__tui netio-tui '{}' '{}'; echo \"${{COMPREPLY[*]}}\"",
        script.display(),
        words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &line])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bash_completes_subcommands_and_their_options() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("netio-tui.bash");
    std::fs::write(&script, stdout(&["completions", "bash"])).unwrap();
    assert_eq!(
        bash_completes(&script, &["netio-tui", "doc"]).trim(),
        "doctor"
    );
    // Past the subcommand: its own options (clap-rs/clap#6421 left these empty).
    let doctor = bash_completes(&script, &["netio-tui", "doctor", "--"]);
    assert!(doctor.contains("--json"), "{doctor:?}");
    let run = bash_completes(&script, &["netio-tui", "run", "--str"]);
    assert!(run.contains("--strategy"), "{run:?}");
}

#[test]
fn the_man_page_names_every_subcommand_and_each_has_its_own() {
    let subcommands = netio_tui::cmd::conventions::subcommands();
    let page = stdout(&["man"]);
    assert!(page.contains(".TH netio-tui 1"), "{}", &page[..200]);
    for s in &subcommands {
        let roff = format!("netio\\-tui\\-{}(1)", s.replace('-', "\\-"));
        assert!(page.contains(&roff), "the man page has no {roff}");
    }
    let dir = tempfile::tempdir().unwrap();
    let said = stdout(&["man", "--out", dir.path().to_str().unwrap()]);
    assert!(said.contains("man pages written"), "{said}");
    for s in &subcommands {
        let p = dir.path().join(format!("netio-tui-{s}.1"));
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(text.contains(".SH NAME"), "{}", p.display());
    }
    assert!(dir.path().join("netio-tui.1").exists());
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let v = stdout(&["--version"]);
    let commit = v
        .split("(commit ")
        .nth(1)
        .unwrap_or_else(|| panic!("no commit in {v}"));
    // A git checkout: the commit's first 12 hex digits; a tarball: "unknown".
    let hash: String = commit
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert!(hash.len() == 12 || commit.starts_with("unknown"), "{v}");
    if hash.len() == 12 {
        let head = std::process::Command::new("git")
            .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "HEAD"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        if !head.is_empty() {
            assert!(head.starts_with(&hash), "{v} vs HEAD {head}");
        }
    }
}

#[test]
fn fish_completes_options_and_zsh_reads_its_script_where_installed() {
    let dir = tempfile::tempdir().unwrap();
    let has = |sh: &str| {
        std::process::Command::new(sh)
            .arg("--version")
            .output()
            .is_ok()
    };
    if has("fish") {
        let script = dir.path().join("netio-tui.fish");
        std::fs::write(&script, stdout(&["completions", "fish"])).unwrap();
        let out = std::process::Command::new("fish")
            .arg("-c")
            .arg(format!(
                "source {}; complete -C 'netio-tui doctor --'",
                script.display()
            ))
            .output()
            .unwrap();
        let offered = String::from_utf8_lossy(&out.stdout);
        assert!(offered.contains("--json"), "{offered}");
    } else {
        eprintln!("fish not installed: its completion is checked by name only");
    }
    if has("zsh") {
        let script = dir.path().join("_netio-tui");
        std::fs::write(&script, stdout(&["completions", "zsh"])).unwrap();
        let out = std::process::Command::new("zsh")
            .arg("-n")
            .arg(&script)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    } else {
        eprintln!("zsh not installed: its completion is checked by name only");
    }
}
