//! The JSON REST API under `/api`, for the pages' scripts and external tools.

pub mod admin;
pub mod agents;
pub mod archive;
pub mod attachments;
pub mod auth;
pub mod backrooms;
pub mod chat;
pub mod download;
pub mod folders;
pub mod id;
pub mod json;
pub mod keys;
pub mod models;
pub mod notes;
pub mod openapi;
pub mod prompts;
pub mod providers;
pub mod public_rooms;
pub mod query;
pub mod search;
pub mod sessions;
pub mod sse;
pub mod tags;
pub mod threads;
pub mod tokens;
pub mod upload;
pub mod usage;
pub mod users;
pub mod v1;

use crate::error::AppError;
use crate::server::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

/// Account and config bodies are tiny; a chat message may be up to 100k
/// characters (up to 4 bytes each). Anything bigger is refused early.
const BODY_LIMIT: usize = 512 * 1024;
/// An avatar image (512 KB) plus the multipart framing around it; the
/// handler itself refuses images over the limit with a clear message.
pub const UPLOAD_LIMIT: usize = 600 * 1024;

/// Every REST and `/v1` route with its documentation: the router and the
/// OpenAPI document come from this one list, so neither can miss a route.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(v1::routes())
        .merge(auth::routes())
        .merge(users::routes())
        .merge(admin::routes())
        .merge(usage::routes())
        .merge(sessions::routes())
        .merge(providers::routes())
        .merge(models::routes())
        .merge(tokens::routes())
        .merge(keys::routes())
        .merge(threads::routes())
        .merge(agents::routes())
        .merge(backrooms::routes())
        .merge(public_rooms::routes())
        .merge(search::routes())
        .merge(notes::routes())
        .merge(folders::routes())
        .merge(tags::routes())
        .merge(prompts::routes())
        .merge(archive::routes())
        .merge(chat::routes())
        .merge(attachments::routes())
}

pub fn routes() -> Router<AppState> {
    let (router, mut doc) = api().split_for_parts();
    openapi::name_operations(&mut doc);
    router
        .merge(openapi::routes(doc))
        .route("/api/{*rest}", axum::routing::any(unknown))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The OpenAPI 3.1 document of the whole API, as served at
/// `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = api().into_openapi();
    openapi::name_operations(&mut doc);
    doc
}

/// Unknown API paths answer JSON 404, not the HTML not-found page.
async fn unknown() -> AppError {
    AppError::not_found("No such API endpoint.")
}
