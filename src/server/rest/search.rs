//! `GET /api/search?q=&offset=`: the caller's own messages and titles.

use crate::error::AppError;
use crate::model::search::SearchPage;
use crate::server::actions::search;
use crate::server::auth::caller::Caller;
use crate::server::rest::query::ApiQuery;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

#[derive(Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: i64,
}

pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<Params>,
) -> Result<Json<SearchPage>, AppError> {
    Ok(Json(search::search(&state, &caller, p.q, p.offset).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get};
    OpenApiRouter::new()
        .route("/api/search", get(search))
}
