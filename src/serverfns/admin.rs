//! The admin pages' server functions: settings, accounts, invitations and
//! the audit log. Each plain form posts here and comes back to its page
//! with the outcome in the flash cookie.

use crate::error::AppError;
use crate::model::community::{AccountPage, AuditPage, Invite};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod support {
    pub use crate::serverfns::support::admin;

    /// The server's public address as the request shows it.
    pub async fn origin(state: &crate::server::state::AppState) -> String {
        let headers = leptos_axum::extract::<axum::http::HeaderMap>()
            .await
            .unwrap_or_default();
        crate::server::site::origin(&state.config, &headers)
    }

    /// Back to `page` with `done` or the error (shown in `form`).
    pub fn back(page: &str, form: &str, done: Result<String, crate::error::AppError>) {
        use crate::model::Flash;
        let flash = match done {
            Ok(notice) => Flash::notice(notice),
            Err(e) => Flash::error(form, e.field(), e.message()),
        };
        crate::server::flash::redirect(page, flash);
    }
}

#[server(prefix = "/fn", endpoint = "set_registration")]
pub async fn set_registration(mode: String) -> Result<(), AppError> {
    use crate::model::community::{Registration, SettingsInput};
    use crate::server::actions::admin;
    use crate::text::notice;
    let done = async {
        let (state, caller) = support::admin().await?;
        let mode = Registration::parse(&mode)
            .ok_or_else(|| AppError::invalid("mode", "Choose closed, invite or open."))?;
        let input = SettingsInput {
            registration: Some(mode),
            ..SettingsInput::default()
        };
        admin::save_settings(&state, &caller, input).await?;
        Ok(notice::SETTINGS_SAVED.to_string())
    }
    .await;
    support::back("/admin", "settings", done);
    Ok(())
}

/// The own-key switches (checkboxes: present is on).
#[server(prefix = "/fn", endpoint = "set_own_keys")]
pub async fn set_own_keys(
    allowed: Option<String>,
    private_addresses: Option<String>,
) -> Result<(), AppError> {
    use crate::model::community::SettingsInput;
    use crate::server::actions::admin;
    use crate::text::notice;
    let done = async {
        let (state, caller) = support::admin().await?;
        let input = SettingsInput {
            own_keys: Some(allowed.is_some()),
            own_keys_private_addresses: Some(private_addresses.is_some()),
            ..SettingsInput::default()
        };
        admin::save_settings(&state, &caller, input).await?;
        Ok(notice::SETTINGS_SAVED.to_string())
    }
    .await;
    support::back("/admin#own-keys", "own-keys", done);
    Ok(())
}

#[server(prefix = "/fn", endpoint = "admin/invites")]
pub async fn load_invites() -> Result<Vec<Invite>, AppError> {
    let (state, caller) = support::admin().await?;
    let origin = support::origin(&state).await;
    crate::server::actions::admin::invites(&state, &caller, origin).await
}

/// `create` (with `max_uses`, `expires_in_days`) or `revoke` (with `id`).
#[server(prefix = "/fn", endpoint = "admin/invite")]
pub async fn manage_invite(
    action: String,
    id: Option<i64>,
    max_uses: Option<String>,
    expires_in_days: Option<String>,
) -> Result<(), AppError> {
    use crate::model::community::NewInvite;
    use crate::server::actions::admin;
    // An empty box means "left out"; anything else must be a number.
    fn number(field: &str, raw: Option<String>) -> Result<Option<i64>, AppError> {
        match raw.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid(field, "Enter a whole number.")),
        }
    }
    let done = async {
        let (state, caller) = support::admin().await?;
        match (action.as_str(), id) {
            ("create", _) => {
                let input = NewInvite {
                    max_uses: number("max_uses", max_uses)?,
                    expires_in_days: number("expires_in_days", expires_in_days)?,
                };
                let origin = support::origin(&state).await;
                let invite = admin::create_invite(&state, &caller, input, origin).await?;
                Ok(format!("Invitation ready: {}", invite.link))
            }
            ("revoke", Some(id)) => {
                admin::revoke_invite(&state, &caller, id).await?;
                Ok("Invitation revoked.".to_string())
            }
            _ => Err(AppError::bad_request("Unknown action.")),
        }
    }
    .await;
    support::back("/admin#invites", "invites", done);
    Ok(())
}

#[server(prefix = "/fn", endpoint = "admin/users")]
pub async fn load_accounts(q: String, offset: i64) -> Result<AccountPage, AppError> {
    let (state, caller) = support::admin().await?;
    crate::server::actions::accounts::list(&state, &caller, q, offset).await
}

/// One button or form of a row on `/admin/users`: `promote`, `demote`,
/// `disable`, `enable`, `end_sessions`, `password` (with `new_password`)
/// or `delete` (with `confirm`). Back to the same search and page.
#[server(prefix = "/fn", endpoint = "admin/user")]
pub async fn manage_account(
    action: String,
    id: i64,
    new_password: Option<String>,
    confirm: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::model::community::AccountChange;
    use crate::model::Role;
    use crate::server::actions::accounts;
    let done = async {
        let (state, caller) = support::admin().await?;
        let change = |f: fn(&mut AccountChange)| {
            let mut c = AccountChange::default();
            f(&mut c);
            c
        };
        let (change, notice) = match action.as_str() {
            "promote" => (change(|c| c.role = Some(Role::Admin)), "Now an admin."),
            "demote" => (change(|c| c.role = Some(Role::User)), "Now a user."),
            "disable" => (
                change(|c| c.disabled = Some(true)),
                "Disabled: every session of the account has ended.",
            ),
            "enable" => (change(|c| c.disabled = Some(false)), "Enabled."),
            "password" => {
                let c = AccountChange {
                    new_password: Some(new_password.clone().unwrap_or_default()),
                    ..Default::default()
                };
                (
                    c,
                    "Password set. They choose their own at their next sign-in.",
                )
            }
            "end_sessions" => {
                let n = accounts::end_sessions(&state, &caller, id).await?;
                return Ok(format!("{n} session(s) ended."));
            }
            "delete" => {
                let confirm = confirm.clone().unwrap_or_default();
                accounts::delete(&state, &caller, id, confirm).await?;
                return Ok("Account deleted with all its data.".to_string());
            }
            _ => return Err(AppError::bad_request("Unknown action.")),
        };
        accounts::change(&state, &caller, id, change).await?;
        Ok(notice.to_string())
    }
    .await;
    support::back(&back_to_users(back), &format!("user-{id}"), done);
    Ok(())
}

/// One account's limits over the defaults, from `/admin/users`: a blank
/// box follows the default, `none` is no limit, a number is the limit.
#[server(prefix = "/fn", endpoint = "admin/users/limits")]
pub async fn set_account_limits(
    id: i64,
    back: Option<String>,
    tokens_per_day: Option<String>,
    tokens_per_month: Option<String>,
    cost_per_month: Option<String>,
    concurrent: Option<String>,
    requests_per_minute: Option<String>,
) -> Result<(), AppError> {
    use crate::model::usage::LimitsOverride;
    fn parsed<T: std::str::FromStr>(
        field: &str,
        raw: Option<String>,
    ) -> Result<Option<Option<T>>, AppError> {
        match raw.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) if s.eq_ignore_ascii_case("none") => Ok(Some(None)),
            Some(s) => s.parse().map(|n| Some(Some(n))).map_err(|_| {
                AppError::invalid(
                    field,
                    format!("{field}: a number, \"none\" for no limit, or empty for the default."),
                )
            }),
        }
    }
    let done = async {
        let (state, caller) = support::admin().await?;
        let limits = LimitsOverride {
            tokens_per_day: parsed("tokens_per_day", tokens_per_day)?,
            tokens_per_month: parsed("tokens_per_month", tokens_per_month)?,
            cost_per_month: parsed("cost_per_month", cost_per_month)?,
            concurrent: parsed("concurrent", concurrent)?,
            requests_per_minute: parsed("requests_per_minute", requests_per_minute)?,
        };
        crate::server::actions::usage::set_account(&state, &caller, id, limits).await?;
        Ok("Limits saved.".to_string())
    }
    .await;
    support::back(&back_to_users(back), &format!("user-{id}"), done);
    Ok(())
}

/// Only a path of `/admin/users` (a search, a page of it) is a place to
/// return to.
#[cfg(feature = "ssr")]
fn back_to_users(back: Option<String>) -> String {
    back.filter(|b| b.starts_with("/admin/users") && !b.contains("//"))
        .unwrap_or_else(|| "/admin/users".into())
}

#[server(prefix = "/fn", endpoint = "admin/audit")]
pub async fn load_audit(before: Option<i64>) -> Result<AuditPage, AppError> {
    let (state, caller) = support::admin().await?;
    crate::server::actions::admin::audit(&state, &caller, before).await
}

#[server(prefix = "/fn", endpoint = "admin/limits/load")]
pub async fn load_default_limits() -> Result<crate::model::usage::Limits, AppError> {
    let (state, caller) = support::admin().await?;
    crate::server::actions::usage::defaults(&state, &caller).await
}

/// The defaults form: an empty box is "no limit".
#[server(prefix = "/fn", endpoint = "admin/limits")]
pub async fn set_default_limits(
    tokens_per_day: Option<String>,
    tokens_per_month: Option<String>,
    cost_per_month: Option<String>,
    concurrent: Option<String>,
    requests_per_minute: Option<String>,
) -> Result<(), AppError> {
    use crate::model::usage::Limits;
    fn parsed<T: std::str::FromStr>(
        field: &str,
        raw: Option<String>,
    ) -> Result<Option<T>, AppError> {
        match raw.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s.parse().map(Some).map_err(|_| {
                AppError::invalid(
                    field,
                    format!("{field}: enter a number, or leave it empty for no limit."),
                )
            }),
        }
    }
    let done = async {
        let (state, caller) = support::admin().await?;
        let limits = Limits {
            tokens_per_day: parsed("tokens_per_day", tokens_per_day)?,
            tokens_per_month: parsed("tokens_per_month", tokens_per_month)?,
            cost_per_month: parsed("cost_per_month", cost_per_month)?,
            concurrent: parsed("concurrent", concurrent)?,
            requests_per_minute: parsed("requests_per_minute", requests_per_minute)?,
        };
        crate::server::actions::usage::set_defaults(&state, &caller, limits).await?;
        Ok("Limits saved.".to_string())
    }
    .await;
    support::back("/admin#limits", "limits", done);
    Ok(())
}
