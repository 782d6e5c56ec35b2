//! Field rules shared by the services. Every error names its field.

use crate::error::AppError;

/// Trimmed, non-empty, at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(
            field,
            format!("{field} must not be empty."),
        ));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{field} must be at most {max} characters."),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            format!("{field} must be one line of text."),
        ));
    }
    Ok(v.to_string())
}

/// Empty means "none".
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

pub const URL_MAX: usize = 2048;

/// An absolute `http(s)://host...` URL without spaces; trailing `/` dropped.
pub fn http_url(field: &str, value: &str) -> Result<String, AppError> {
    let v = value.trim().trim_end_matches('/');
    let bad = || {
        AppError::invalid(
            field,
            format!(
                "{field} must be an http:// or https:// URL such as https://api.example.com/v1."
            ),
        )
    };
    if v.len() > URL_MAX {
        return Err(AppError::invalid(
            field,
            format!("{field} must be at most {URL_MAX} characters."),
        ));
    }
    let (scheme, rest) = v.split_once("://").ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if !matches!(scheme, "http" | "https")
        || host.is_empty()
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    Ok(v.to_string())
}

/// A lowercase slug: 1-`max` of `[a-z0-9_-]`, starting with a letter or digit.
pub fn slug(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    let ok = !v.is_empty()
        && v.len() <= max
        && v.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        return Err(AppError::invalid(
            field,
            format!("{field} must be 1-{max} lowercase letters, digits, '-' or '_'."),
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(text("name", "  OpenAI ", 64), Ok("OpenAI".to_string()));
        assert_eq!(text("name", "  ", 64).unwrap_err().field(), Some("name"));
        assert!(text("name", &"x".repeat(65), 64).is_err());
        assert!(text("name", "a\nb", 64).is_err());
        assert_eq!(
            http_url("base_url", "https://api.x.com/v1/"),
            Ok("https://api.x.com/v1".to_string())
        );
        for bad in [
            "ftp://x",
            "https://",
            "api.x.com",
            "https://a b",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                http_url("base_url", bad).unwrap_err().field(),
                Some("base_url"),
                "{bad}"
            );
        }
        assert!(slug("provider_sdk_id", "open-ai_2", 32).is_ok());
        for bad in ["", "OpenAI", "-x", "a:b", "a b"] {
            assert!(slug("provider_sdk_id", bad, 32).is_err(), "{bad}");
        }
    }
}
