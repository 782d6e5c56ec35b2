//! The sentences the account forms (sign in, register, change password,
//! admin switches) show after a post. They travel in the flash cookie like
//! every other form's outcome; an account error maps to one fixed sentence
//! here, so no internal detail (or anything an attacker typed) is shown.

use crate::error::AppError;

pub const PASSWORD_CHANGED: &str = "Password changed. Your other sessions were signed out.";
pub const SETTINGS_SAVED: &str = "Settings saved.";

/// What an account form says for `err`.
pub fn sentence(err: &AppError) -> &'static str {
    match err {
        AppError::BadRequest { field, message }
            if field.as_deref() == Some("new_password") && message.starts_with("Choose") =>
        {
            "Choose a password of your own, not the one an admin set."
        }
        AppError::BadRequest { field, .. } => match field.as_deref() {
            Some("username") => {
                "Username must be 3 to 32 characters: letters, digits, '_', '.' or '-'."
            }
            Some("new_password") => "The new password must be 8 to 256 characters long.",
            Some("current_password") => "The current password is not correct.",
            _ => "Password must be 8 to 256 characters long.",
        },
        AppError::Unauthorized { .. } => "Wrong username or password.",
        AppError::TooManyRequests { .. } => {
            "Too many failed attempts. Wait a minute and try again."
        }
        AppError::Conflict { .. } => "That username is taken.",
        AppError::Forbidden { message } if message.starts_with("Registration is by") => {
            "Registration is by invitation. Ask an admin for an invitation link."
        }
        AppError::Forbidden { message } if message.starts_with("Registration") => {
            "Registration is closed. Ask an admin for an account."
        }
        AppError::Forbidden { message } if message.starts_with("This account is disabled") => {
            "This account is disabled. Ask an admin of this server."
        }
        AppError::Forbidden { message }
            if message.starts_with("This invitation has been used up") =>
        {
            "This invitation has been used up. Ask an admin for a new one."
        }
        AppError::Forbidden { message } if message.starts_with("This invitation has expired") => {
            "This invitation has expired. Ask an admin for a new one."
        }
        AppError::Forbidden { message } if message.starts_with("This invitation was revoked") => {
            "This invitation was revoked. Ask an admin for a new one."
        }
        AppError::Forbidden { message } if message.starts_with("This invitation") => {
            "This invitation link is not valid. Ask an admin for a new one."
        }
        AppError::Forbidden { .. } => "Only an admin can do that.",
        _ => "Something went wrong on the server. Please try again.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_account_error_has_its_own_sentence() {
        let errors = [
            AppError::invalid("username", "x"),
            AppError::invalid("password", "x"),
            AppError::invalid("new_password", "x"),
            AppError::invalid("current_password", "x"),
            AppError::unauthorized("x"),
            AppError::conflict("x"),
            AppError::forbidden("Registration is closed."),
            AppError::forbidden("Registration is by invitation."),
            AppError::forbidden("This account is disabled."),
            AppError::forbidden("This invitation has been used up."),
            AppError::forbidden("This invitation has expired."),
            AppError::forbidden("This invitation was revoked."),
            AppError::forbidden("This invitation link is not valid."),
            AppError::invalid("new_password", "Choose a password of your own"),
            AppError::forbidden("x"),
            AppError::Internal,
        ];
        let said: std::collections::HashSet<&str> = errors.iter().map(sentence).collect();
        assert_eq!(said.len(), errors.len(), "{said:?}");
    }
}
