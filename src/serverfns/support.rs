//! What the server functions share: who is asking (the same `Caller` the
//! REST handlers extract) and whether the post came from a plain HTML form
//! (JavaScript off).

use crate::error::AppError;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;

/// The app state and who is asking (401 when signed out).
pub async fn caller() -> Result<(AppState, Caller), AppError> {
    let state = crate::serverfns::account::state()?;
    let session = crate::serverfns::account::auth().await?;
    Ok((state, Caller::signed_in(&session)?))
}

/// The same for an admin (401 signed out, 403 for other users).
pub async fn admin() -> Result<(AppState, Caller), AppError> {
    let (state, caller) = caller().await?;
    Ok((state, caller.admin()?))
}

/// The streaming server functions' framing: each item one JSON line
/// (items that map to `None` are left out).
pub fn json_lines<F, L>(
    frames: futures::stream::BoxStream<'static, F>,
    line: fn(F) -> Option<L>,
) -> leptos::server_fn::codec::TextStream<AppError>
where
    F: Send + 'static,
    L: serde::Serialize + 'static,
{
    use futures::StreamExt;
    let lines = frames.filter_map(move |f| {
        let text = line(f).and_then(|l| serde_json::to_string(&l).ok());
        futures::future::ready(text.map(|mut t| {
            t.push('\n');
            Ok(t)
        }))
    });
    leptos::server_fn::codec::TextStream::new(lines)
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
