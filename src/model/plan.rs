//! Which configurations a sweep measures: the cross product of its axes.

use crate::engine::config::{BufOffset, Config, Count, Pin, RecvMode, Strategy};

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

/// The axes a sweep crosses beyond strategy, size and threads.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisPlan {
    pub nodelay: Vec<bool>,
    pub recv: Vec<RecvMode>,
    pub pin: Vec<Pin>,
    pub count: Vec<Count>,
    pub buf_offset: Vec<BufOffset>,
}

impl Default for AxisPlan {
    fn default() -> Self {
        AxisPlan {
            nodelay: vec![false],
            recv: vec![RecvMode::Message],
            pin: vec![Pin::Off],
            count: vec![Count::Thread],
            buf_offset: vec![BufOffset::DEFAULT],
        }
    }
}

/// Every combination of `base` with the axes, axes innermost.
pub fn cross(base: &[Config], axes: &AxisPlan) -> Vec<Config> {
    let mut out = Vec::new();
    for &c in base {
        for &nodelay in &axes.nodelay {
            for &recv in &axes.recv {
                for &pin in &axes.pin {
                    for &count in &axes.count {
                        for &buf_offset in &axes.buf_offset {
                            let mut x = c;
                            x.nodelay = nodelay;
                            x.recv = recv;
                            x.pin = pin;
                            x.count = count;
                            x.buf_offset = buf_offset;
                            if !out.contains(&x) {
                                out.push(x);
                            }
                        }
                    }
                }
            }
        }
    }
    out
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
        let axes = AxisPlan {
            pin: vec![Pin::Off, Pin::Split],
            count: vec![Count::Thread, Count::Cpu],
            ..Default::default()
        };
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
