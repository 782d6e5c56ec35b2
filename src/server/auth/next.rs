//! `next=`: where a sign-in or registration form sends people afterwards.

/// Where to go after sign-in: a local path only, read the way a browser
/// reads it. Browsers drop tab, CR and LF anywhere in a URL and trim C0
/// controls and spaces at its ends, so `/\t/evil.example` is
/// `//evil.example` to them: we normalise first, then check. Anything else
/// odd (other control characters, backslashes) sends people home, and the
/// result is percent-encoded so it is always a valid `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(raw) = next else {
        return "/".to_string();
    };
    let seen: String = raw
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let seen = seen.trim_matches(|c: char| c <= ' ');
    let local = seen.starts_with('/') && !seen.starts_with("//");
    if !local || seen.contains('\\') || seen.chars().any(char::is_control) {
        return "/".to_string();
    }
    let mut out = String::with_capacity(seen.len());
    for b in seen.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/profile?x=1")), "/profile?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        for evil in [
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\r\n/evil.example",
            "/x\u{0}y",
            "/x\u{b}y",
            "/x\u{85}y",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(Some("/notes\t/1")), "/notes/1");
        assert_eq!(safe_next(Some("/c/é x")), "/c/%C3%A9%20x");
        assert!(axum::http::HeaderValue::from_str(&safe_next(Some("/c/é x"))).is_ok());
    }
}
