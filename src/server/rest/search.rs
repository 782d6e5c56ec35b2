//! `GET /api/search?q=&offset=`: the caller's own messages and titles.

use super::openapi::Failures;
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
use utoipa_axum::routes;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// The words to find, at most 200 characters: every word must appear,
    /// the last may be the start of a word. Quotes and operators are text.
    #[serde(default)]
    q: String,
    /// The previous page's `next_offset` (0 when absent).
    #[serde(default)]
    offset: i64,
}

/// Search your threads, backrooms and notes
///
/// Your chat messages, backroom turns and notes, and the titles of your
/// threads and backrooms. The first page starts with up to 5 title
/// matches and up to 5 note matches, then 20 message matches a page (those
/// of the branch each thread shows).
#[utoipa::path(get, path = "/api/search", tag = "library",
    params(Params),
    responses((status = 200, body = SearchPage), Failures))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<Params>,
) -> Result<Json<SearchPage>, AppError> {
    Ok(Json(search::search(&state, &caller, p.q, p.offset).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}
