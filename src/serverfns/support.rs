//! What the server functions share: who is asking, how an error reads,
//! and whether the post came from a plain HTML form (JavaScript off).

use crate::error::AppError;
use crate::server::state::AppState;

/// The app state and the signed-in user's id (401 when signed out).
pub async fn user() -> Result<(AppState, i64), AppError> {
    let state = crate::serverfns::account::state()?;
    let session = crate::serverfns::account::auth().await?;
    let id = crate::server::auth::accounts::require_user(&session)?.id;
    Ok((state, id))
}

/// A plain HTML form post (JavaScript off) expects a page back.
pub async fn plain_form() -> bool {
    leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .ok()
        .and_then(|h| {
            h.get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}
