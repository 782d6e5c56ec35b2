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
pub fn server_error(e: leptos::prelude::ServerFnError) -> String {
    match e {
        leptos::prelude::ServerFnError::ServerError(m) => m,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_queries() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_795_305_600), "2026-11-22");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(query_value("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }
}
