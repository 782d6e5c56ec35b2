//! Sign in, register, sign out, change password, pick a theme.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod support {
    use crate::error::AppError;
    use crate::server::auth::AuthSession;
    use crate::server::state::AppState;
    use leptos::prelude::*;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or(AppError::Internal)
    }

    pub async fn auth() -> Result<AuthSession, AppError> {
        leptos_axum::extract::<AuthSession>().await.map_err(|e| {
            tracing::error!("session unavailable: {e:?}");
            AppError::Internal
        })
    }

    /// A failed sign-in or registration: back to `page` (keeping `next`)
    /// with the reason and the typed username in the flash cookie.
    pub fn back(page: &str, form: &str, e: &AppError, username: &str, next: &str) {
        use crate::model::Flash;
        use crate::text::{format::query_value, notice};
        // `page` may carry a query already (ending in `&`).
        let sep = if page.ends_with('&') { "" } else { "?" };
        let to = format!("{page}{sep}next={}", query_value(next));
        let flash = Flash::error(form, e.field(), notice::sentence(e))
            .with_values(&[("username", username.trim())]);
        crate::server::flash::redirect(&to, flash);
    }

    pub async fn client_ip(state: &AppState) -> Option<std::net::IpAddr> {
        let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .await
            .ok()?
            .0
            .ip();
        let headers = leptos_axum::extract::<axum::http::HeaderMap>()
            .await
            .unwrap_or_default();
        Some(crate::server::client::address(
            peer,
            &headers,
            &state.config.trusted_proxies,
        ))
    }
}
#[cfg(feature = "ssr")]
pub(crate) use support::{auth, state};

#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::auth::{accounts, next::safe_next};
    let state = state()?;
    let mut session = auth().await?;
    let next = safe_next(next.as_deref());
    let ip = support::client_ip(&state).await;
    match accounts::login(&state, &mut session, ip, &username, &password).await {
        Ok(_) => leptos_axum::redirect(&next),
        Err(e) => support::back("/login", "login", &e, &username, &next),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "register")]
pub async fn register(
    username: String,
    password: String,
    next: Option<String>,
    invite: Option<String>,
) -> Result<(), AppError> {
    use crate::server::auth::{accounts, next::safe_next};
    use crate::text::format::query_value;
    let state = state()?;
    let mut session = auth().await?;
    let next = safe_next(next.as_deref());
    let invite = invite.unwrap_or_default();
    match accounts::register(&state, &mut session, &username, &password, Some(&invite)).await {
        Ok(_) => leptos_axum::redirect(&next),
        Err(e) => {
            // Back to the same invitation, so a taken name costs nothing.
            let page = if invite.trim().is_empty() {
                "/register".to_string()
            } else {
                format!("/register?invite={}&", query_value(invite.trim()))
            };
            support::back(&page, "register", &e, &username, &next)
        }
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::auth::accounts;
    let mut session = auth().await?;
    accounts::logout(&mut session).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::model::Flash;
    use crate::server::auth::accounts;
    use crate::server::flash;
    use crate::text::notice;
    let state = state()?;
    let mut session = auth().await?;
    if session.user.is_none() {
        leptos_axum::redirect("/login?next=/profile");
        return Ok(());
    }
    match accounts::change_password(&state, &mut session, &current_password, &new_password).await {
        Ok(()) => flash::redirect("/profile", Flash::notice(notice::PASSWORD_CHANGED)),
        Err(e) => flash::redirect(
            "/profile#password",
            Flash::error("password", e.field(), notice::sentence(&e)),
        ),
    }
    Ok(())
}

/// The no-JavaScript path of the theme picker (the island sets the cookie
/// itself). Answers by sending the browser back where it came from.
#[server(prefix = "/fn", endpoint = "set_theme")]
pub async fn set_theme(theme: String) -> Result<(), AppError> {
    use crate::model::Theme;
    use axum::http::{header, HeaderValue};
    let theme = Theme::parse(&theme).ok_or_else(|| AppError::invalid("theme", "Unknown theme."))?;
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        Theme::COOKIE,
        theme.as_str()
    );
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
    Ok(())
}

/// The signed-in user's own sessions, for the profile page.
#[server(prefix = "/fn", endpoint = "sessions")]
pub async fn load_sessions() -> Result<Vec<crate::model::community::SessionView>, AppError> {
    use crate::server::auth::caller::Caller;
    let state = state()?;
    let session = auth().await?;
    let caller = Caller::signed_in(&session)?;
    let current = session.session.id().map(|id| id.to_string());
    crate::server::actions::sessions::list(&state, &caller, current).await
}

/// Ends one of the user's sessions (the profile's "Sign out" buttons).
#[server(prefix = "/fn", endpoint = "sessions/end")]
pub async fn end_session(id: i64) -> Result<(), AppError> {
    use crate::model::Flash;
    let done = async {
        let (state, caller) = crate::serverfns::support::caller().await?;
        crate::server::actions::sessions::end(&state, &caller, id).await
    }
    .await;
    let flash = match done {
        Ok(()) => Flash::notice("That session is signed out."),
        Err(e) => Flash::error("sessions", None, e.message()),
    };
    crate::server::flash::redirect("/profile#sessions", flash);
    Ok(())
}
