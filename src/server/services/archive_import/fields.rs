//! The field rules every check uses, with errors that name the entry.

use crate::error::AppError;

pub(super) fn bad(field: String, message: impl Into<String>) -> AppError {
    let message = message.into();
    AppError::invalid(&field, format!("{field}: {message}"))
}

/// A short text: at most `max` characters (control characters such as a
/// tab are written as spaces, see `one_line`).
pub(super) fn line(field: &str, v: &str, max: usize, empty_ok: bool) -> Result<(), AppError> {
    if v.trim().is_empty() && !empty_ok {
        return Err(bad(field.into(), "must not be empty."));
    }
    if v.chars().count() > max {
        return Err(bad(
            field.into(),
            format!("must be at most {max} characters."),
        ));
    }
    Ok(())
}

/// Titles and names are one line here: control characters become spaces.
pub(super) fn one_line(v: &str) -> String {
    v.trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub(super) fn size(field: &str, v: &str, max: usize) -> Result<(), AppError> {
    if v.len() > max {
        return Err(bad(field.into(), format!("must be at most {max} bytes.")));
    }
    Ok(())
}

pub(super) fn range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    v: T,
    lo: T,
    hi: T,
) -> Result<(), AppError> {
    if !(v >= lo && v <= hi) {
        return Err(bad(field.into(), format!("must be between {lo} and {hi}.")));
    }
    Ok(())
}

pub(super) fn index(field: &str, v: Option<usize>, len: usize) -> Result<(), AppError> {
    match v {
        Some(i) if i >= len => Err(bad(
            field.into(),
            format!("refers to a missing entry ({i})."),
        )),
        _ => Ok(()),
    }
}
