//! `netio-tui completions SHELL` and `netio-tui man`: generated from the one command
//! line definition ([`super::Cli`]), so they never drift from it.

use super::{Cli, VERSION};
use crate::error::Result;
use clap::{Args, CommandFactory};

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write netio-tui.1 and a page per subcommand (netio-tui-run.1, …) into this
    /// directory instead of printing netio-tui.1
    #[arg(long, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for (bash: source it or put it in
    /// /usr/share/bash-completion/completions/netio-tui; zsh: a file _netio-tui in $fpath;
    /// fish: ~/.config/fish/completions/netio-tui.fish)
    pub shell: clap_complete::Shell,
}

/// The completion script for `shell`, written to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "netio-tui", &mut script);
    if shell == clap_complete::Shell::Bash {
        // clap_complete spells a hyphenated binary's state two ways in bash
        // (netio__tui__subcmd__run in the loop, netio__subcmd__tui__subcmd__run in the
        // arms), so no subcommand's options complete: clap-rs/clap#6421, #6529. The
        // arms are respelt as the loop spells them.
        let text = String::from_utf8_lossy(&script).replace("netio__subcmd__tui", "netio__tui");
        script = text.into_bytes();
    }
    out.write_all(&script)?;
    Ok(())
}

/// The man page (roff), written to `out`.
pub fn man(out: &mut dyn std::io::Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command())
        .source(format!("netio-tui {VERSION}"))
        .render(out)?;
    Ok(())
}

/// `netio-tui man [--out DIR]`.
pub fn run_man(a: &ManArgs) -> Result<()> {
    let Some(dir) = &a.out else {
        return man(&mut std::io::stdout());
    };
    crate::model::files::check_dir(dir, "--out")?;
    let mut cmd = Cli::command();
    // Built: each subcommand knows its display name (netio-tui-run), its page's title.
    cmd.build();
    let pages = std::iter::once(cmd.clone())
        .chain(cmd.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    for page in pages {
        let man = clap_mangen::Man::new(page).source(format!("netio-tui {VERSION}"));
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        // Temp file + rename: never written through a link planted at the name.
        let path = dir.join(man.get_filename());
        crate::model::files::write_atomically(&path, &roff).map_err(crate::error::fault)?;
    }
    println!("man pages written to {}", dir.display());
    Ok(())
}

/// The names of every subcommand (what completions and the man page must mention).
pub fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_and_the_man_page_name_every_subcommand() {
        let names = subcommands();
        for want in ["run", "sweep", "doctor", "completions", "man"] {
            assert!(names.contains(&want.to_string()), "{names:?}");
        }
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let mut out = Vec::new();
            completions(shell, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            for n in &names {
                assert!(text.contains(n.as_str()), "{shell}: no {n}");
            }
        }
        let mut out = Vec::new();
        man(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH"), "roff");
        for n in &names {
            assert!(
                text.contains(&format!("netio\\-tui\\-{}", n.replace('-', "\\-"))),
                "man: no {n}"
            );
        }
    }
}
