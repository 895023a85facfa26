//! A clap error as one or two lines saying what is wrong and what is allowed (clap's
//! own text has a usage block and a "try --help" line).

use super::Cli;

/// What a clap error becomes: one or two lines saying what is wrong and what is
/// allowed (clap's own text has a usage block and a "try --help" line).
pub fn short_error(e: &clap::Error, args: &[String]) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use clap::CommandFactory;
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    let cli = Cli::command();
    let sub_names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    // The subcommand the user gave: the first word that names one.
    let sub = args
        .iter()
        .skip(1)
        .find(|a| sub_names.contains(&a.as_str()))
        .and_then(|a| cli.find_subcommand(a));
    let (who, cmd) = match sub {
        Some(c) => (c.get_name().to_string(), c),
        None => ("the explorer (no subcommand)".to_string(), &cli),
    };
    let options = || {
        cmd.get_arguments()
            .filter(|a| !a.is_positional() && !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let first_word = |s: String| s.split_whitespace().next().unwrap_or("").to_string();
    let rendered = e.render().to_string();
    let first_line = rendered
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    match e.kind() {
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            let arg = ctx(ContextKind::InvalidArg)
                .map(first_word)
                .unwrap_or_default();
            match std::error::Error::source(e) {
                Some(why) => format!("{arg}: {why}"),
                None => match ctx(ContextKind::ValidValue) {
                    Some(valid) if !valid.trim().is_empty() => {
                        format!("{first_line}; allowed: {valid}")
                    }
                    _ => first_line,
                },
            }
        }
        ErrorKind::UnknownArgument => {
            let arg = ctx(ContextKind::InvalidArg).unwrap_or_default();
            // A value that starts with '-' ("--size -inf", "--pin -1") is taken for an
            // option: say what is wrong with it as that option's value.
            if let Some(said) = negative_value(cmd, args, &arg) {
                return said;
            }
            let hint = ctx(ContextKind::SuggestedArg)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            format!(
                "{arg} cannot be used with {who}{hint}\n{who} accepts: {}",
                options()
            )
        }
        ErrorKind::ArgumentConflict => {
            let Some(arg) = ctx(ContextKind::InvalidArg).map(first_word) else {
                return first_line;
            };
            match ctx(ContextKind::PriorArg) {
                Some(prior) if first_word(prior.clone()) != arg => {
                    let prior = first_word(prior);
                    if sub_names.contains(&prior.as_str()) || sub_names.contains(&arg.as_str()) {
                        format!(
                            "{arg} cannot be used with {prior}; options go after the subcommand, \
                             e.g. netio-tui run --no-netns"
                        )
                    } else {
                        format!("{arg} cannot be used with {prior}; give one or the other")
                    }
                }
                _ => format!("{arg} was given more than once; give each option once"),
            }
        }
        ErrorKind::InvalidSubcommand => format!(
            "'{}' is not a subcommand; allowed: {} (or none, for the explorer)",
            ctx(ContextKind::InvalidSubcommand).unwrap_or_default(),
            sub_names.join(", ")
        ),
        ErrorKind::MissingRequiredArgument => format!(
            "{who} needs {}; see netio-tui {} --help",
            ctx(ContextKind::InvalidArg).unwrap_or_default(),
            sub.map_or("", |c| c.get_name())
        ),
        _ => format!("{first_line}\nsee netio-tui --help"),
    }
}

/// When `unknown` (what clap took for an option) is really the value of the option
/// before it, e.g. "-i" out of "--size -inf": that option's own message for the value.
fn negative_value(cmd: &clap::Command, args: &[String], unknown: &str) -> Option<String> {
    let i = args
        .iter()
        .position(|a| a.starts_with(unknown) && !a.starts_with("--"))?;
    let option = args.get(i.checked_sub(1)?)?.strip_prefix("--")?;
    let arg = cmd.get_arguments().find(|a| a.get_long() == Some(option))?;
    if !arg.get_action().takes_values() {
        return None;
    }
    // The same command line with the value joined to its option, which clap reads
    // as a value whatever it starts with: its error is the option's own message.
    let mut joined = args.to_vec();
    joined[i - 1] = format!("--{option}={}", args[i]);
    joined.remove(i);
    match super::parse_from(joined.iter()) {
        Err(e) if e.kind() != clap::error::ErrorKind::UnknownArgument => {
            Some(short_error(&e, &joined))
        }
        _ => Some(format!(
            "--{option}: '{}' starts with '-'; write it as --{option}={}",
            args[i], args[i]
        )),
    }
}
