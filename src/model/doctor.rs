//! What `doctor` prints: one screen of checks (level, name, what was found, what to
//! do), what root would add, and whether the explorer can run; or the same as JSON.

use crate::engine::readiness::{Level, Readiness};

/// Text wider than this wraps under its column.
const WIDTH: usize = 100;
/// Where the found text starts: after the level and the name.
const NAME_WIDTH: usize = 20;

/// `text` in lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().unwrap();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// The doctor's screen for `who` (e.g. "root", "nobody (not root)").
pub fn text(r: &Readiness, who: &str, version: &str) -> String {
    let indent = " ".repeat(6 + NAME_WIDTH + 1);
    let room = WIDTH - indent.len();
    let mut out = format!("netio-tui {version} doctor, as {who}\n\n");
    for c in &r.checks {
        let found = wrap(&c.found, room);
        out.push_str(&format!(
            "{:<6}{:<w$} {}\n",
            c.level.word(),
            c.name,
            found[0],
            w = NAME_WIDTH
        ));
        for l in &found[1..] {
            out.push_str(&format!("{indent}{l}\n"));
        }
        if let Some(a) = &c.advice {
            for (i, l) in wrap(&format!("→ {a}"), room - 2).iter().enumerate() {
                let pad = if i == 0 { "" } else { "  " };
                out.push_str(&format!("{indent}{pad}{l}\n"));
            }
        }
    }
    let adds = r.root_would_add();
    if !adds.is_empty() {
        out.push_str("\nAs root you would also get:\n");
        for (name, what) in adds {
            for (i, l) in wrap(&format!("{name}: {what}"), WIDTH - 4)
                .iter()
                .enumerate()
            {
                out.push_str(&format!("{}{l}\n", if i == 0 { "  - " } else { "    " }));
            }
        }
    }
    let count = |l: Level| r.checks.iter().filter(|c| c.level == l).count();
    out.push_str(&format!(
        "\n{} ok, {} warn, {} fail: {}\n",
        count(Level::Ok),
        count(Level::Warn),
        count(Level::Fail),
        if r.explorer_can_run {
            "the explorer can run here (netio-tui)"
        } else {
            "the explorer cannot run as this user until each fail above is fixed"
        }
    ));
    out
}

/// The same as one JSON object, for scripts.
pub fn json(r: &Readiness, user: &str, version: &str) -> serde_json::Value {
    serde_json::json!({
        "version": version,
        "user": user,
        "root": r.root,
        "explorer_can_run": r.explorer_can_run,
        "checks": r.checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_under_its_column_and_keeps_every_word() {
        let long = "word ".repeat(60);
        let lines = wrap(&long, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" ").split(' ').count(), 60);
    }
}
