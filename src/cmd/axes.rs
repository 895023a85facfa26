//! The axes' options, written from the engine's axis table: `--recv stream` on run
//! and the explorer ([`AxisArgs`]), `--recv message,stream` on sweep ([`AxisLists`]).
//! Hand-written `clap::Args`, so a new axis needs no edit here.

use crate::engine::axis::{Axis, AXES};
use crate::engine::config::Config;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

/// One value per axis (its CSV text).
#[derive(Debug, Clone, PartialEq)]
pub struct AxisArgs {
    values: Vec<(&'static Axis, String)>,
}

impl AxisArgs {
    /// Sets every axis of `c` as the options say.
    pub fn apply(&self, c: &mut Config) {
        for (a, v) in &self.values {
            (a.set)(c, v).unwrap_or_else(|e| unreachable!("{} was parsed: {e}", a.name));
        }
    }
}

fn value_arg(a: &'static Axis) -> Arg {
    let o = &a.option;
    if o.switch {
        return Arg::new(a.name)
            .long(o.long)
            .help(o.help)
            .action(ArgAction::SetTrue);
    }
    Arg::new(a.name)
        .long(o.long)
        .help(o.help)
        .value_name(o.value_name)
        .default_value(o.default)
        .allow_negative_numbers(o.numeric)
        .action(ArgAction::Set)
        .value_parser(move |s: &str| a.parse(s))
}

impl Args for AxisArgs {
    fn augment_args(cmd: Command) -> Command {
        AXES.into_iter().fold(cmd, |cmd, a| cmd.arg(value_arg(a)))
    }
    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for AxisArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let values = AXES
            .into_iter()
            .map(|a| {
                let v = if a.option.switch {
                    if m.get_flag(a.name) { "on" } else { "off" }.to_string()
                } else {
                    m.get_one::<String>(a.name)
                        .cloned()
                        .unwrap_or_else(|| a.option.default.to_string())
                };
                (a, v)
            })
            .collect();
        Ok(AxisArgs { values })
    }
    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

/// The values a sweep measures, per axis (CSV texts, as given: repeats kept).
#[derive(Debug, Clone, PartialEq)]
pub struct AxisLists {
    lists: Vec<(&'static Axis, Vec<String>)>,
}

fn list_arg(a: &'static Axis) -> Arg {
    let o = &a.option;
    Arg::new(a.name)
        .long(o.long)
        .help(o.list_help)
        .value_name(o.list_value_name)
        .default_value(o.default)
        .allow_negative_numbers(o.numeric)
        .action(if o.one_item.is_some() {
            ArgAction::Append
        } else {
            ArgAction::Set
        })
        .value_parser(move |s: &str| a.parse_list(s))
}

impl Args for AxisLists {
    fn augment_args(cmd: Command) -> Command {
        AXES.into_iter().fold(cmd, |cmd, a| cmd.arg(list_arg(a)))
    }
    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for AxisLists {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let lists = AXES
            .into_iter()
            .map(|a| {
                let given: Vec<String> = m
                    .get_many::<Vec<String>>(a.name)
                    .map(|lists| lists.flatten().cloned().collect())
                    .unwrap_or_else(|| vec![a.option.default.to_string()]);
                (a, given)
            })
            .collect();
        Ok(AxisLists { lists })
    }
    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl AxisLists {
    /// Each axis's values as given (CSV texts, repeats kept), in table order.
    pub fn lists(&self) -> &[(&'static Axis, Vec<String>)] {
        &self.lists
    }
}
