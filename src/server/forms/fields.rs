//! Numbers typed into plain forms: blank is "none", anything else must
//! parse, or a clear error names the field.

use crate::error::AppError;

fn typed(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// A whole number.
pub fn whole(field: &str, v: Option<&str>) -> Result<Option<i64>, AppError> {
    typed(v)
        .map(|v| {
            v.parse()
                .map_err(|_| AppError::invalid(field, format!("{field} must be a whole number.")))
        })
        .transpose()
}

/// An amount of dollars (a leading `$` is fine).
pub fn amount(field: &str, v: Option<&str>) -> Result<Option<f64>, AppError> {
    typed(v)
        .map(|v| {
            v.trim_start_matches('$')
                .parse()
                .map_err(|_| AppError::invalid(field, format!("{field} must be an amount.")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_none_and_a_bad_number_names_its_field() {
        assert_eq!(whole("n", Some("  ")).ok(), Some(None));
        assert_eq!(whole("n", Some(" 12 ")).ok(), Some(Some(12)));
        assert_eq!(
            whole("n", Some("1.5"))
                .err()
                .and_then(|e| e.field().map(str::to_string)),
            Some("n".into())
        );
        assert_eq!(amount("c", Some("$0.25")).ok(), Some(Some(0.25)));
        assert!(amount("c", Some("lots")).is_err());
    }
}
