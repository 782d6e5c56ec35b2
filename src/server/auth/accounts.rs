//! Account flows shared by the REST API and the pages' server functions:
//! each validates, hashes off the runtime, calls the users service and
//! updates the session.

use super::backend::{AuthSession, Backend, Credentials};
use super::{password, throttle};
use crate::error::AppError;
use crate::model::community::Registration;
use crate::model::UserProfile;
use crate::server::services::{settings, users};
use crate::server::state::AppState;
use std::net::IpAddr;

fn auth_err(e: axum_login::Error<Backend>) -> AppError {
    match e {
        axum_login::Error::Backend(e) => e,
        axum_login::Error::Session(e) => e.into(),
    }
}

/// Signs `user` in under a session id never seen before. axum-login only
/// renews the id of a session that is not signed in yet, so a session an
/// attacker planted (already signed in as them) would otherwise be shared
/// with the victim after the victim signs in. The old id's row is deleted.
async fn sign_in(
    auth: &mut AuthSession,
    user: &crate::server::db::rows::User,
) -> Result<(), AppError> {
    auth.session.cycle_id().await?;
    auth.login(user).await.map_err(auth_err)
}

/// The signed-in user, or 401.
pub fn require_user(auth: &AuthSession) -> Result<&crate::server::db::rows::User, AppError> {
    auth.user
        .as_ref()
        .ok_or_else(|| AppError::unauthorized("Please sign in."))
}

pub async fn register(
    state: &AppState,
    auth: &mut AuthSession,
    username: &str,
    password: &str,
    invite: Option<&str>,
) -> Result<UserProfile, AppError> {
    let username = username.trim().to_string();
    users::validate_username(&username)?;
    users::validate_password("password", password)?;
    let invite = invite
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    // Refuse before spending a hash on a closed instance (the account's
    // own transaction decides again, invitation included).
    if state.db.run(settings::registration).await? == Registration::Closed {
        return Err(AppError::forbidden(
            "Registration is closed. Ask an admin for an account.",
        ));
    }
    let hash = password::hash(password.to_string()).await?;
    let user = state
        .db
        .run(move |conn| users::create(conn, &username, &hash, invite.as_deref()))
        .await?;
    sign_in(auth, &user).await?;
    tracing::info!(user.id = user.id, role = user.role, "account created");
    Ok(user.profile())
}

/// One answer for an unknown user and a wrong password; repeated failures
/// are refused for a while (429 with the wait).
pub async fn login(
    state: &AppState,
    auth: &mut AuthSession,
    client: Option<IpAddr>,
    username: &str,
    password: &str,
) -> Result<UserProfile, AppError> {
    let username = username.trim();
    let client = client.map(|ip| ip.to_string());
    let (name, addr) = (username.to_string(), client.clone());
    let allowed = state
        .db
        .run(move |c| throttle::check(c, &name, addr.as_deref()))
        .await?;
    if let Err(wait) = allowed {
        return Err(AppError::TooManyRequests {
            message: format!(
                "Too many failed sign-ins. Try again in {} seconds.",
                wait.as_secs() + 1
            ),
            retry_after: wait.as_secs() + 1,
        });
    }
    let plausible = username.len() <= users::USERNAME_MAX
        && (1..=users::PASSWORD_MAX * 4).contains(&password.len());
    let user = if plausible {
        auth.authenticate(Credentials {
            username: username.to_string(),
            password: password.to_string(),
        })
        .await
        .map_err(auth_err)?
    } else {
        None
    };
    let name = username.to_string();
    let Some(user) = user else {
        state
            .db
            .run(move |c| throttle::record_failure(c, &name, client.as_deref()))
            .await?;
        return Err(AppError::unauthorized("Wrong username or password."));
    };
    state
        .db
        .run(move |c| throttle::record_success(c, &name))
        .await?;
    if user.disabled {
        return Err(AppError::forbidden(
            "This account is disabled. Ask an admin of this server.",
        ));
    }
    sign_in(auth, &user).await?;
    Ok(user.profile())
}

/// Ends this session: its row is deleted, so the cookie is worthless.
pub async fn logout(auth: &mut AuthSession) -> Result<(), AppError> {
    auth.logout().await.map_err(auth_err)?;
    Ok(())
}

/// Checks the current password, stores the new one, ends every other
/// session of the user and keeps this one signed in.
pub async fn change_password(
    state: &AppState,
    auth: &mut AuthSession,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let user = require_user(auth)?.clone();
    let name = user.username.clone();
    let allowed = state
        .db
        .run(move |c| throttle::check(c, &name, None))
        .await?;
    if let Err(wait) = allowed {
        return Err(AppError::TooManyRequests {
            message: "Too many wrong passwords. Try again later.".into(),
            retry_after: wait.as_secs() + 1,
        });
    }
    users::validate_password("new_password", new)?;
    if user.must_change_password && new == current {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password of your own, not the one an admin set.",
        ));
    }
    if current.len() > users::PASSWORD_MAX * 4
        || !password::verify(current.to_string(), Some(user.password_hash.clone())).await?
    {
        let name = user.username.clone();
        state
            .db
            .run(move |c| throttle::record_failure(c, &name, None))
            .await?;
        return Err(AppError::invalid(
            "current_password",
            "The current password is not correct.",
        ));
    }
    let hash = password::hash(new.to_string()).await?;
    let keep = auth.session.id().map(|id| id.to_string());
    let updated = state
        .db
        .run(move |conn| users::set_password(conn, user.id, &hash, keep.as_deref()))
        .await?;
    auth.login(&updated).await.map_err(auth_err)?;
    tracing::info!(
        user.id = updated.id,
        "password changed; other sessions ended"
    );
    Ok(())
}
