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
        let to = format!("{page}?next={}", query_value(next));
        let flash = Flash::error(form, e.field(), notice::sentence(e))
            .with_values(&[("username", username.trim())]);
        crate::server::flash::redirect(&to, flash);
    }

    pub async fn client_ip() -> Option<std::net::IpAddr> {
        leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .await
            .ok()
            .map(|c| c.0.ip())
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
    let ip = support::client_ip().await;
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
) -> Result<(), AppError> {
    use crate::server::auth::{accounts, next::safe_next};
    let state = state()?;
    let mut session = auth().await?;
    let next = safe_next(next.as_deref());
    match accounts::register(&state, &mut session, &username, &password).await {
        Ok(_) => leptos_axum::redirect(&next),
        Err(e) => support::back("/register", "register", &e, &username, &next),
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
