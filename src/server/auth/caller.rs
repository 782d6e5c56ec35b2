//! `Caller`: who is asking, the one shape every action takes. REST handlers
//! extract it (401 when signed out; a personal access token counts as
//! signed in), admin-only handlers extract `Admin`
//! (403 for everyone else), and server functions get the same through
//! `leptos_axum::extract`.

use super::AuthSession;
use crate::error::AppError;
use crate::model::Role;
use crate::server::db::rows::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

pub const MUST_CHANGE_PASSWORD: &str =
    "An admin set a new password for this account. Choose your own on your profile first.";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

impl Caller {
    pub fn of(user: &User) -> Caller {
        Caller {
            id: user.id,
            name: user.username.clone(),
            role: user.role(),
        }
    }

    /// The signed-in user of `auth`, or 401; 403 while an admin-chosen
    /// password waits to be replaced (only the profile's password change
    /// and sign-out work then).
    pub fn signed_in(auth: &AuthSession) -> Result<Caller, AppError> {
        let user = auth
            .user
            .as_ref()
            .ok_or_else(|| AppError::unauthorized("Please sign in."))?;
        if user.must_change_password {
            return Err(AppError::forbidden(MUST_CHANGE_PASSWORD));
        }
        Ok(Caller::of(user))
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Nothing if an admin, otherwise 403: the first line of every
    /// admin-only action.
    pub fn ensure_admin(&self) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::forbidden("Only an admin can do that."))
        }
    }

    /// Itself if an admin, otherwise 403.
    pub fn admin(self) -> Result<Caller, AppError> {
        self.ensure_admin().map(|()| self)
    }
}

async fn session<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<AuthSession, AppError> {
    AuthSession::from_request_parts(parts, state)
        .await
        .map_err(|(_, why)| {
            tracing::error!("session unavailable: {why}");
            AppError::Internal
        })
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        // A personal access token, checked by `auth::tokens`, comes first.
        if let Some(super::tokens::TokenUser(user)) = parts.extensions.get() {
            return Ok(Caller::of(user));
        }
        Caller::signed_in(&session(parts, state).await?)
    }
}

/// A signed-in admin: 401 when signed out, 403 for other users.
pub struct Admin(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Caller::from_request_parts(parts, state)
            .await?
            .admin()
            .map(Admin)
    }
}
