//! Messages shown after a form post. Forms that work without JavaScript
//! redirect back with a short code in the query string; only codes known
//! here are ever displayed, so a crafted link cannot put words on our pages.

use crate::error::AppError;

pub const KNOWN: &[(&str, &str)] = &[
    ("credentials", "Wrong username or password."),
    (
        "throttled",
        "Too many failed attempts. Wait a minute and try again.",
    ),
    (
        "username",
        "Username must be 3 to 32 characters: letters, digits, '_', '.' or '-'.",
    ),
    ("password", "Password must be 8 to 256 characters long."),
    (
        "new_password",
        "The new password must be 8 to 256 characters long.",
    ),
    ("current_password", "The current password is not correct."),
    ("taken", "That username is taken."),
    (
        "closed",
        "Registration is closed. Ask an admin for an account.",
    ),
    ("forbidden", "Only an admin can do that."),
    (
        "server",
        "Something went wrong on the server. Please try again.",
    ),
    (
        "password_changed",
        "Password changed. Your other sessions were signed out.",
    ),
    ("settings_saved", "Settings saved."),
];

pub fn message(code: &str) -> Option<&'static str> {
    KNOWN.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// The code for an error from an account flow.
pub fn code_for(err: &AppError) -> &'static str {
    match err {
        AppError::BadRequest { field, .. } => match field.as_deref() {
            Some("username") => "username",
            Some("new_password") => "new_password",
            Some("current_password") => "current_password",
            _ => "password",
        },
        AppError::Unauthorized { .. } => "credentials",
        AppError::TooManyRequests { .. } => "throttled",
        AppError::Conflict { .. } => "taken",
        AppError::Forbidden { message } if message.starts_with("Registration") => "closed",
        AppError::Forbidden { .. } => "forbidden",
        _ => "server",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_an_error_maps_to_has_a_message() {
        let errors = [
            AppError::invalid("username", "x"),
            AppError::invalid("password", "x"),
            AppError::invalid("new_password", "x"),
            AppError::invalid("current_password", "x"),
            AppError::unauthorized("x"),
            AppError::conflict("x"),
            AppError::forbidden("Registration is closed."),
            AppError::forbidden("x"),
            AppError::Internal,
        ];
        for e in errors {
            assert!(message(code_for(&e)).is_some(), "{e:?}");
        }
        assert_eq!(message("<script>"), None);
    }
}
