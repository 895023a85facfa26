//! What the noise sentinel says about a whole set of rows: how many were measured
//! while other work took more than the stated share of the machine
//! ([`NOISY_CPUS`](crate::engine::sample::NOISY_CPUS)), for `report`.

use crate::engine::metric::{id, Figures, Registry};
use crate::engine::sample::{is_noisy, NOISY_CPUS};

/// The marked rows of a set, and the worst of them.
#[derive(Clone, Debug, PartialEq)]
pub struct NoiseCount {
    /// Rows the sentinel measured (not failed, the column not empty).
    pub measured: usize,
    /// Of those, the rows above the mark.
    pub marked: usize,
    /// Some row is the median of several trials (then a row is not one window).
    pub medians: bool,
    /// The busiest marked row: its cell and how busy the machine was, % of capacity.
    pub worst: Option<(String, f64)>,
}

/// `None` where no row has the sentinel's figures (files made before it existed).
pub fn count(reg: &Registry, rows: &[Figures]) -> Option<NoiseCount> {
    let measured: Vec<(&Figures, f64)> = rows
        .iter()
        .filter(|r| r.error.is_none())
        .filter_map(|r| Some((r, r.get(reg, id::NOISE_CPUS)?)))
        .collect();
    if measured.is_empty() {
        return None;
    }
    let marked: Vec<&(&Figures, f64)> = measured.iter().filter(|(_, c)| is_noisy(*c)).collect();
    let busy = |r: &Figures| {
        r.get(reg, id::OTHER_BUSY_PCT).unwrap_or(0.0) + r.get(reg, id::STEAL_PCT).unwrap_or(0.0)
    };
    let worst = marked
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, _)| (r.config.key(), busy(r).min(100.0)));
    Some(NoiseCount {
        measured: measured.len(),
        marked: marked.len(),
        medians: measured.iter().any(|(r, _)| r.trials > 1),
        worst,
    })
}

/// `report`'s line about the machine's noise ("- Machine noise: …\n"); empty where
/// the rows have no sentinel figures, so older files report as before.
pub fn summary_line(reg: &Registry, rows: &[Figures]) -> String {
    let Some(n) = count(reg, rows) else {
        return String::new();
    };
    let what = if n.medians {
        "rows (medians of their trials)"
    } else {
        "windows"
    };
    let worst = n
        .worst
        .map(|(cell, pct)| {
            format!("; the worst, {cell}: the machine was {pct:.0} % busy with other work")
        })
        .unwrap_or_default();
    format!(
        "- Machine noise: {} of {} {what} measured while other work and steal took more than {NOISY_CPUS} of a CPU (`noise_cpus`){worst}{}\n",
        n.marked,
        n.measured,
        if n.marked > 0 {
            "; their figures may be off: measure again on a quieter machine"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::{Config, Strategy};
    use crate::engine::metric::METRICS;

    fn row(size: usize, noise: Option<(f64, f64, f64)>) -> Figures {
        let mut f = Figures::failed(
            METRICS,
            Config::new(Strategy::OneCopy, size, 1),
            String::new(),
        );
        f.error = None;
        if let Some((other, steal, cpus)) = noise {
            for (name, v) in [
                (id::OTHER_BUSY_PCT, other),
                (id::STEAL_PCT, steal),
                (id::NOISE_CPUS, cpus),
            ] {
                let i = METRICS.iter().position(|m| m.name == name.name()).unwrap();
                f.values[i] = Some(v);
            }
        }
        f
    }

    #[test]
    fn counts_the_marked_windows_and_names_the_worst() {
        let rows = [
            row(64, Some((2.0, 0.0, 0.04))),
            row(1024, Some((30.0, 5.0, 0.7))),
            row(4096, Some((20.0, 0.0, 0.4))),
            row(8192, None),
        ];
        let n = count(METRICS, &rows).unwrap();
        assert_eq!((n.measured, n.marked, n.medians), (3, 2, false));
        let (cell, pct) = n.worst.unwrap();
        assert!(cell.contains("1K") || cell.contains("1024"), "{cell}");
        assert_eq!(pct, 35.0);
        let line = summary_line(METRICS, &rows);
        assert!(
            line.starts_with("- Machine noise: 2 of 3 windows measured while other work and steal took more than 0.25 of a CPU"),
            "{line}"
        );
        assert!(
            line.contains("the machine was 35 % busy with other work"),
            "{line}"
        );
        // A quarter CPU exactly is not marked.
        let quiet = [row(64, Some((12.5, 0.0, 0.25)))];
        assert_eq!(count(METRICS, &quiet).unwrap().marked, 0);
        assert!(summary_line(METRICS, &quiet).starts_with("- Machine noise: 0 of 1 windows"));
        // Rows of several trials are medians, not windows.
        let mut median = row(64, Some((40.0, 0.0, 0.8)));
        median.trials = 5;
        assert!(summary_line(METRICS, &[median]).contains("1 of 1 rows (medians of their trials)"));
        // Files without the sentinel's columns: nothing said, the report unchanged.
        assert_eq!(count(METRICS, &[row(64, None)]), None);
        assert_eq!(summary_line(METRICS, &[row(64, None)]), "");
        // A failed row is no window.
        let mut failed = row(64, Some((40.0, 0.0, 0.8)));
        failed.error = Some("x".into());
        assert_eq!(count(METRICS, &[failed]), None);
    }

    #[test]
    fn files_from_before_the_sentinel_load_without_its_figures_and_say_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for file in [
            "recordings/course-sweep.csv",
            "recordings/course-sweep.jsonl",
            "tests/fixtures/sweep-full.csv",
        ] {
            let input = crate::model::report::read_input(METRICS, &root.join(file)).unwrap();
            assert!(!input.rows.is_empty(), "{file}");
            for r in &input.rows {
                for name in [id::OTHER_BUSY_PCT, id::STEAL_PCT, id::NOISE_CPUS] {
                    assert_eq!(r.get(METRICS, name), None, "{file}: {name}");
                }
            }
            assert_eq!(summary_line(METRICS, &input.rows), "", "{file}");
        }
    }
}
