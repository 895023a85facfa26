//! The shape of the code, checked: where the environment may be read, where `unsafe`
//! and clap may appear, what the engine crate may depend on, and how long a file may
//! grow. Each rule is one the redesign of issue 20 established; a test keeps it.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every Rust source file under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap().display().to_string()
}

/// The code of a file without its `#[cfg(test)]` module (tests may do what the
/// program may not).
fn program_text(p: &Path) -> String {
    let text = fs::read_to_string(p).unwrap();
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn all_program_sources() -> Vec<PathBuf> {
    let mut all = sources(&root().join("src"));
    all.extend(sources(&root().join("crates/engine/src")));
    all.retain(|p| {
        let r = rel(p);
        !r.ends_with("/tests.rs") && !r.contains("/tests/")
    });
    all
}

#[test]
fn the_environment_is_read_only_in_the_two_test_seams() {
    let allowed = ["src/test_seam.rs", "crates/engine/src/counters/fault.rs"];
    let readers: Vec<String> = all_program_sources()
        .into_iter()
        .filter(|p| {
            let t = program_text(p);
            t.contains("env::var(") || t.contains("env::var_os(") || t.contains("env::vars(")
        })
        .map(|p| rel(&p))
        .filter(|r| !allowed.contains(&r.as_str()))
        .collect();
    assert!(
        readers.is_empty(),
        "these files read the environment on a production path; put the hook behind \
         src/test_seam.rs or counters::fault::FaultSeam: {readers:?}"
    );
}

#[test]
fn unsafe_code_lives_only_in_the_engines_sys_module() {
    let offenders: Vec<String> = all_program_sources()
        .into_iter()
        .filter(|p| program_text(p).contains("unsafe "))
        .map(|p| rel(&p))
        .filter(|r| !r.starts_with("crates/engine/src/sys/"))
        .collect();
    assert!(offenders.is_empty(), "unsafe outside sys/: {offenders:?}");
    let lib = fs::read_to_string(root().join("crates/engine/src/lib.rs")).unwrap();
    assert!(
        lib.contains("#![deny(unsafe_code)]"),
        "the engine denies unsafe code"
    );
}

#[test]
fn only_the_command_line_module_sees_clap() {
    let offenders: Vec<String> = all_program_sources()
        .into_iter()
        .filter(|p| program_text(p).contains("clap::"))
        .map(|p| rel(&p))
        .filter(|r| !r.starts_with("src/cmd/") && r != "src/main.rs")
        .collect();
    assert!(offenders.is_empty(), "clap outside src/cmd/: {offenders:?}");
}

#[test]
fn the_engine_crate_depends_on_no_ui_or_cli_crate() {
    let manifest = fs::read_to_string(root().join("crates/engine/Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("the engine has a [dependencies] table");
    let deps = deps.split("\n[").next().unwrap();
    for ui in [
        "clap",
        "ratatui",
        "crossterm",
        "plotters",
        "indicatif",
        "anyhow",
    ] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(ui)),
            "crates/engine depends on {ui}"
        );
    }
    for p in sources(&root().join("crates/engine/src")) {
        let t = fs::read_to_string(&p).unwrap();
        for ui in ["netio_tui", "ratatui::", "crossterm::", "plotters::"] {
            assert!(!t.contains(ui), "{} names {ui}", rel(&p));
        }
    }
}

#[test]
fn no_source_file_grows_past_600_lines() {
    // Test-only files are held to the same bound: a long one hides which concern failed.
    let mut all = sources(&root().join("src"));
    all.extend(sources(&root().join("crates/engine/src")));
    let long: Vec<(String, usize)> = all
        .iter()
        .map(|p| (rel(p), fs::read_to_string(p).unwrap().lines().count()))
        .filter(|(_, n)| *n > 600)
        .collect();
    assert!(long.is_empty(), "split by concern: {long:?}");
}

/// The top-level modules a crate's program code (tests aside) names, per module:
/// `crate::x`, and `super::x` where `super` is the crate root.
fn module_graph(
    src: &Path,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut graph = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for p in sources(src) {
        let r = p.strip_prefix(src).unwrap().display().to_string();
        let parts: Vec<&str> = r.split('/').collect();
        let top = parts[0].trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" || r.ends_with("/tests.rs") || r.contains("/tests/") {
            continue;
        }
        let text = program_text(&p);
        let at_root = parts.len() == 1 || (parts.len() == 2 && parts[1] == "mod.rs");
        let mut prefixes = vec!["crate::"];
        if at_root {
            prefixes.push("super::");
        }
        for prefix in prefixes {
            for (i, _) in text.match_indices(prefix) {
                if i > 0 && text[..i].ends_with("::") {
                    continue; // super::super:: and the like: not the crate root
                }
                let name: String = text[i + prefix.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                    .collect();
                if !name.is_empty() && name != top {
                    graph.entry(top.clone()).or_default().insert(name);
                }
            }
        }
    }
    graph
}

/// A cycle through the graph, if there is one.
fn cycle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        g: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        node: &str,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut c = path[i..].to_vec();
            c.push(node.to_string());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in g.get(node).into_iter().flatten() {
            if let Some(c) = visit(g, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(graph, n, &mut Vec::new(), &mut done))
}

#[test]
fn neither_crate_has_a_module_cycle() {
    for src in ["crates/engine/src", "src"] {
        let graph = module_graph(&root().join(src));
        assert!(graph.len() > 5, "{src}: the graph was read ({graph:?})");
        assert_eq!(cycle(&graph), None, "{src}: modules in a cycle");
    }
    // The reader sees a cycle where there is one.
    let mut g = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("a".into());
    assert_eq!(cycle(&g), Some(vec!["a".into(), "b".into(), "a".into()]));
}
