//! Small display helpers.

/// `2026-11-22` for a Unix timestamp (UTC), without a date crate.
pub fn date(unix_secs: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = unix_secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `2026-11-22 14:05 UTC`.
pub fn date_time(unix_secs: i64) -> String {
    let secs = unix_secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        date(unix_secs),
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Percent-encodes a query-string value.
pub fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A server function's error as the person reads it.
pub fn server_error(e: crate::error::AppError) -> String {
    e.message().to_string()
}

/// `x` with one decimal (`1.3`), without the float formatting machinery
/// (which would grow the browser's WASM).
pub fn tenths(x: f32) -> String {
    let t = (x * 10.0 + if x < 0.0 { -0.5 } else { 0.5 }) as i32;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", t.abs() / 10, t.abs() % 10)
}

/// A max-tokens slider's value: `0` is the model's own limit.
pub fn tokens_label(n: i32) -> String {
    match n {
        0 => "the model's limit".to_string(),
        n => n.to_string(),
    }
}

/// `12,345 tokens` (`1 token`).
pub fn token_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    let sign = if n < 0 { "-" } else { "" };
    let unit = if n == 1 { "token" } else { "tokens" };
    format!("{sign}{out} {unit}")
}

/// A 0 to 1 slider as a percentage (`0.35` is `35%`).
pub fn percent(x: f32) -> String {
    format!("{}%", (x.clamp(0.0, 1.0) * 100.0 + 0.5) as u32)
}

/// A slider's value such as `1`, `0.7` or `0.05`, without the float parser
/// (which would grow the browser's WASM).
pub fn decimal(s: &str) -> Option<f32> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = &frac[..frac.len().min(4)];
    let mut value = whole as f32;
    if !frac.is_empty() {
        let digits: u32 = frac.parse().ok()?;
        value += digits as f32 / 10u32.pow(frac.len() as u32) as f32;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_of_day_follows_the_date() {
        assert_eq!(date_time(1_796_239_958), "2026-12-02 19:32 UTC");
    }

    #[test]
    fn token_counts_are_grouped_by_thousands() {
        assert_eq!(token_count(0), "0 tokens");
        assert_eq!(token_count(1), "1 token");
        assert_eq!(token_count(999), "999 tokens");
        assert_eq!(token_count(1_234_567), "1,234,567 tokens");
    }

    #[test]
    fn dates_and_queries() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_795_305_600), "2026-11-22");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(query_value("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }

    #[test]
    fn slider_numbers_without_floats_machinery() {
        for (x, want) in [
            (1.0, "1.0"),
            (0.7, "0.7"),
            (1.25, "1.3"),
            (0.04, "0.0"),
            (2.0, "2.0"),
            (-0.3, "-0.3"),
        ] {
            assert_eq!(tenths(x), want);
        }
        for (s, want) in [
            ("1", Some(1.0)),
            ("0.7", Some(0.7)),
            ("0.05", Some(0.05)),
            (".5", Some(0.5)),
            ("1.", Some(1.0)),
        ] {
            assert_eq!(decimal(s), want, "{s}");
        }
        for s in ["", ".", "x", "1.x", "-1", "1.éé"] {
            assert_eq!(decimal(s), None, "{s}");
        }
    }
}
