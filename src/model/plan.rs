//! Which configurations a sweep measures: the cross product of its axes.

use crate::engine::axis::{Axis, AXES};
use crate::engine::config::{Config, Strategy};

/// Every combination, strategies outermost, thread counts innermost.
pub fn plan(strategies: &[Strategy], sizes: &[usize], threads: &[usize]) -> Vec<Config> {
    strategies
        .iter()
        .flat_map(|&s| {
            sizes
                .iter()
                .flat_map(move |&b| threads.iter().map(move |&t| Config::new(s, b, t)))
        })
        .collect()
}

/// The axes a sweep crosses beyond strategy, size and threads: each axis's values,
/// as CSV text, in table order.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisPlan {
    pub values: Vec<(&'static Axis, Vec<String>)>,
}

impl Default for AxisPlan {
    /// Every axis at its default.
    fn default() -> Self {
        AxisPlan {
            values: AXES
                .into_iter()
                .map(|a| (a, vec![a.option.default.to_string()]))
                .collect(),
        }
    }
}

impl AxisPlan {
    /// Measures `axis` at these values (parsed as its option would).
    pub fn with(mut self, axis: &'static Axis, values: &[&str]) -> Result<AxisPlan, String> {
        let texts = values
            .iter()
            .map(|v| axis.parse(v))
            .collect::<Result<Vec<_>, _>>()?;
        match self.values.iter_mut().find(|(a, _)| *a == axis) {
            Some((_, v)) => *v = texts,
            None => self.values.push((axis, texts)),
        }
        Ok(self)
    }

    /// One axis's values as its value type.
    pub fn values<T: std::str::FromStr>(&self, axis: &Axis) -> Vec<T> {
        self.values
            .iter()
            .filter(|(a, _)| *a == axis)
            .flat_map(|(_, v)| v.iter().filter_map(|t| t.parse().ok()))
            .collect()
    }
}

/// Every combination of `base` with the axes, axes innermost.
pub fn cross(base: &[Config], axes: &AxisPlan) -> Vec<Config> {
    crate::engine::axis::cross(base, &axes.values)
        .unwrap_or_else(|e| unreachable!("the plan holds parsed values: {e}"))
}

/// The course matrix: two-copy, one-copy, zero-copy × 64, 256, 1K, 4K × 1, 2, 4, 8 threads.
pub fn course_plan() -> Vec<Config> {
    plan(&Strategy::COURSE, &COURSE_SIZES, &COURSE_THREADS)
}

pub const COURSE_SIZES: [usize; 4] = [64, 256, 1024, 4096];
pub const COURSE_THREADS: [usize; 4] = [1, 2, 4, 8];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::{Count, Pin};

    #[test]
    fn the_course_plan_is_48_configurations_in_matrix_order() {
        let p = course_plan();
        assert_eq!(p.len(), 48);
        assert_eq!(p[0], Config::new(Strategy::TwoCopy, 64, 1));
        assert_eq!(p[1], Config::new(Strategy::TwoCopy, 64, 2));
        assert_eq!(p[47], Config::new(Strategy::ZeroCopy, 4096, 8));
    }

    #[test]
    fn the_axes_cross_innermost_without_repeats() {
        let axes = AxisPlan::default()
            .with(&crate::engine::axis::PIN, &["off", "split"])
            .and_then(|p| p.with(&crate::engine::axis::COUNT, &["thread", "cpu"]))
            .unwrap();
        let all = cross(&[Config::new(Strategy::OneCopy, 64, 1)], &axes);
        assert_eq!(all.len(), 4);
        assert_eq!(
            all.iter().map(|c| (c.pin, c.count)).collect::<Vec<_>>(),
            vec![
                (Pin::Off, Count::Thread),
                (Pin::Off, Count::Cpu),
                (Pin::Split, Count::Thread),
                (Pin::Split, Count::Cpu)
            ]
        );
    }
}
