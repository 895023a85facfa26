//! Physical ranges every reader checks (CSV and recording): a file is data from
//! outside, and a value no measurement can have (a negative time, throughput or byte
//! count; zero threads; a size beyond what the engine sends) is refused with the line
//! and the field, never shown as a measurement.

use crate::engine::config::{Config, MAX_MSG_SIZE, MAX_THREADS};

/// Larger than any figure a measurement here can reach (bytes of a day at 100 Gb/s are
/// ~1e15, cycles of a day ~1e15), and small enough that every figure derived from it
/// stays finite when written again (1e308 became "inf" in a report's own rows.csv).
pub const MAX_FIGURE: f64 = 1e18;

/// A configuration's message size and thread count, as the command line allows them.
pub fn check_config(c: &Config) -> Result<(), String> {
    if c.msg_size == 0 || c.msg_size > MAX_MSG_SIZE {
        return Err(format!(
            "msg_size {} is out of range; a configuration has 1 byte to 64M",
            c.msg_size
        ));
    }
    if c.threads == 0 || c.threads > MAX_THREADS {
        return Err(format!(
            "threads {} is out of range; a configuration has 1 to {MAX_THREADS} pairs",
            c.threads
        ));
    }
    Ok(())
}

/// A measured figure: finite, 0 or more, at most [`MAX_FIGURE`].
pub fn check_figure(name: &str, v: f64) -> Result<(), String> {
    let shown = if v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        format!("{v}")
    };
    if !v.is_finite() {
        Err(format!("{name} is {v}, not a finite number"))
    } else if v < 0.0 {
        Err(format!("{name} is {shown}; no measured figure is negative"))
    } else if v > MAX_FIGURE {
        Err(format!(
            "{name} is {shown}, beyond any measurement (at most {MAX_FIGURE:e})"
        ))
    } else {
        Ok(())
    }
}

/// Every number in a recorded event (any depth), checked as a figure; the error names
/// the field by its path, e.g. `event.total.seconds`.
pub fn check_json_figures(v: &serde_json::Value, path: &str) -> Result<(), String> {
    use serde_json::Value;
    match v {
        Value::Number(n) => check_figure(path, n.as_f64().unwrap_or(f64::INFINITY)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| check_json_figures(x, &format!("{path}[{i}]"))),
        Value::Object(o) => o.iter().try_for_each(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            check_json_figures(x, &p)
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Strategy;

    #[test]
    fn ranges() {
        assert!(check_config(&Config::new(Strategy::OneCopy, 64, 1)).is_ok());
        assert!(check_config(&Config::new(Strategy::OneCopy, 0, 1)).is_err());
        assert!(check_config(&Config::new(Strategy::OneCopy, 64, 0)).is_err());
        assert!(check_config(&Config::new(Strategy::OneCopy, 64, MAX_THREADS + 1)).is_err());
        assert!(check_figure("x", 0.0).is_ok());
        assert!(check_figure("x", -3.0).unwrap_err().contains("negative"));
        assert!(check_figure("x", 1e308).is_err());
        let v: serde_json::Value =
            serde_json::from_str(r#"{"a":{"b":[1,{"seconds":-3.0}]}}"#).unwrap();
        let e = check_json_figures(&v, "event").unwrap_err();
        assert!(e.starts_with("event.a.b[1].seconds is -3"), "{e}");
    }
}
