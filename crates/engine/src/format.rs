//! Numbers for people: significant digits, k/M/G suffixes. Shared by every output
//! that prints a figure (the CSV and JSON keep full values).

/// `v` with `n` significant digits, never fewer whole digits than it has:
/// sig(1234.5, 3) = "1235", sig(12.345, 3) = "12.3", sig(0.012345, 3) = "0.0123".
pub fn sig(v: f64, n: u32) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    let decimals = if a == 0.0 {
        0
    } else {
        (n as i32 - 1 - a.log10().floor() as i32).clamp(0, 9) as usize
    };
    let s = format!("{v:.decimals$}");
    // Rounding may add a digit (9.995 → "10.00"): drop the one decimal too many.
    if decimals > 0 && s.trim_start_matches('-').len() > n as usize + 1 && !s.starts_with("0.") {
        let d = decimals - 1;
        return format!("{v:.d$}");
    }
    s
}

/// Three significant digits: 123, 12.3, 1.23, 0.123.
pub fn sig3(v: f64) -> String {
    sig(v, 3)
}

/// 1234567 → "1.23M"; 3 significant digits with a k/M/G/T suffix; whole numbers
/// below 1000 as they are (a count of 3 is "3", not "3.00").
pub fn si(v: f64) -> String {
    if v.abs() < 1000.0 && v.fract() == 0.0 {
        return format!("{v:.0}");
    }
    let (d, suffix) = match v.abs() {
        a if a >= 1e12 => (v / 1e12, "T"),
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    format!("{}{suffix}", sig3(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits_never_cut_whole_digits() {
        assert_eq!(sig(1234.6, 3), "1235");
        assert_eq!(sig(99999.0, 3), "99999");
        assert_eq!(sig(12.345, 3), "12.3");
        assert_eq!(sig(1.2345, 3), "1.23");
        assert_eq!(sig(0.12345, 3), "0.123");
        assert_eq!(sig(0.0012345, 3), "0.00123");
        assert_eq!(sig(0.0, 3), "0");
        assert_eq!(sig(9.9951, 3), "10.0");
        assert_eq!(sig(-2.5, 2), "-2.5");
        assert_eq!(sig(0.0001, 3), "0.000100");
    }

    #[test]
    fn counts_get_suffixes() {
        assert_eq!(si(999.0), "999");
        assert_eq!(si(3.0), "3");
        assert_eq!(si(2.5), "2.50");
        assert_eq!(si(12_345.0), "12.3k");
        assert_eq!(si(1_234_567.0), "1.23M");
        assert_eq!(si(5e9), "5.00G");
    }
}
