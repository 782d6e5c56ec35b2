//! The JSON REST API under `/api`, for the pages' scripts and external tools.

pub mod admin;
pub mod agents;
pub mod archive;
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
pub mod prompts;
pub mod providers;
pub mod query;
pub mod search;
pub mod sessions;
pub mod sse;
pub mod tags;
pub mod threads;
pub mod tokens;
pub mod usage;
pub mod users;
pub mod v1;

use crate::error::AppError;
use crate::server::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

/// Account and config bodies are tiny; a chat message may be up to 100k
/// characters (up to 4 bytes each). Anything bigger is refused early.
const BODY_LIMIT: usize = 512 * 1024;
/// An avatar image (512 KB) plus the multipart framing around it; the
/// handler itself refuses images over the limit with a clear message.
pub const UPLOAD_LIMIT: usize = 600 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(v1::routes())
        .route("/api/auth/register", post(auth::register))
        .route("/api/auth/login", post(auth::login))
        .route("/api/auth/logout", post(auth::logout))
        .route(
            "/api/users/profile",
            get(users::profile).put(users::change_password),
        )
        .route(
            "/api/admin/settings",
            get(admin::get_settings).put(admin::put_settings),
        )
        .route("/api/admin/users", get(admin::users))
        .route(
            "/api/admin/users/{id}",
            axum::routing::put(admin::update_user).delete(admin::delete_user),
        )
        .route(
            "/api/admin/users/{id}/sessions",
            axum::routing::delete(admin::end_user_sessions),
        )
        .route(
            "/api/admin/invites",
            get(admin::invites).post(admin::create_invite),
        )
        .route(
            "/api/admin/invites/{id}",
            axum::routing::delete(admin::revoke_invite),
        )
        .route("/api/admin/audit", get(admin::audit))
        .route("/api/admin/backup", get(admin::backup))
        .route(
            "/api/admin/limits",
            get(usage::defaults).put(usage::set_defaults),
        )
        .route(
            "/api/admin/users/{id}/limits",
            get(usage::account).put(usage::set_account),
        )
        .route("/api/limits", get(usage::mine))
        .route("/api/usage", get(usage::report))
        .route("/api/usage.csv", get(usage::csv))
        .route("/api/sessions", get(sessions::list))
        .route("/api/sessions/{id}", axum::routing::delete(sessions::end))
        .route(
            "/api/config/providers",
            post(providers::create).get(providers::list),
        )
        .route(
            "/api/config/providers/{id}",
            get(providers::get)
                .put(providers::update)
                .delete(providers::delete),
        )
        .route("/api/config/providers/{id}/test", post(providers::test))
        .route(
            "/api/config/providers/{id}/import-models",
            post(providers::import),
        )
        .route("/api/config/models", post(models::create))
        .route(
            "/api/config/models/provider/{id}",
            get(models::list_for_provider),
        )
        .route(
            "/api/config/models/{id}",
            get(models::get).put(models::update).delete(models::delete),
        )
        .route(
            "/api/config/models/{id}/set-default",
            post(models::set_default),
        )
        .route("/api/model-registry", get(providers::registry))
        .route("/api/tokens", get(tokens::list).post(tokens::create))
        .route("/api/tokens/{id}", axum::routing::delete(tokens::revoke))
        .route("/api/keys", get(keys::list).post(keys::create))
        .route(
            "/api/keys/models/{id}",
            axum::routing::put(keys::update_model).delete(keys::delete_model),
        )
        .route(
            "/api/keys/{id}",
            get(keys::get).put(keys::update).delete(keys::delete),
        )
        .route("/api/keys/{id}/models", post(keys::add_model))
        .route("/api/keys/{id}/test", post(keys::test))
        .route("/api/keys/{id}/import-models", post(keys::import))
        .route(
            "/api/conversations",
            get(threads::list).post(threads::create),
        )
        .route(
            "/api/conversations/{id}",
            get(threads::get)
                .put(threads::update)
                .delete(threads::delete),
        )
        .route("/api/agents", get(agents::list).post(agents::create))
        .route(
            "/api/agents/{id}",
            get(agents::get).put(agents::update).delete(agents::delete),
        )
        .route("/api/agents/{id}/duplicate", post(agents::duplicate))
        .route(
            "/api/agents/{id}/avatar",
            post(agents::upload_avatar).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/api/agent-templates", get(agents::templates))
        .route("/avatars/{id}", get(agents::avatar_image))
        .route(
            "/api/backrooms",
            get(backrooms::list).post(backrooms::create),
        )
        .route("/api/backrooms/import", post(backrooms::import))
        .route(
            "/api/backrooms/{id}",
            get(backrooms::get).delete(backrooms::delete),
        )
        .route("/api/backrooms/{id}/start", post(backrooms::start))
        .route("/api/backrooms/{id}/pause", post(backrooms::pause))
        .route("/api/backrooms/{id}/resume", post(backrooms::resume))
        .route("/api/backrooms/{id}/stop", post(backrooms::stop))
        .route("/api/backrooms/{id}/interject", post(backrooms::interject))
        .route("/api/backrooms/{id}/next", post(backrooms::next))
        .route("/api/backrooms/{id}/fork", post(backrooms::fork))
        .route("/api/backrooms/{id}/events", get(backrooms::events))
        .route("/api/backrooms/{id}/export", get(backrooms::export))
        .route("/api/conversations/{id}/export", get(threads::export))
        .route(
            "/api/conversations/{id}/share",
            post(threads::share).delete(threads::unshare),
        )
        .route("/api/search", get(search::search))
        .route("/api/notes", get(notes::list).post(notes::create))
        .route(
            "/api/notes/{id}",
            get(notes::get).put(notes::update).delete(notes::delete),
        )
        .route("/api/folders", get(folders::list).post(folders::create))
        .route(
            "/api/folders/{id}",
            axum::routing::put(folders::rename).delete(folders::delete),
        )
        .route("/api/tags", get(tags::list))
        .route("/api/prompts", get(prompts::list).post(prompts::create))
        .route(
            "/api/prompts/{id}",
            get(prompts::get)
                .put(prompts::update)
                .delete(prompts::delete),
        )
        .route("/api/export", get(archive::export))
        .route(
            "/api/import",
            post(archive::import).layer(DefaultBodyLimit::max(archive::BODY_LIMIT)),
        )
        .route("/api/chat/stream", post(chat::stream))
        .route("/api/chat/complete", post(chat::complete))
        .route("/api/messages/{id}/events", get(chat::events))
        .route("/api/messages/{id}/stop", post(chat::stop))
        .route("/api/messages/{id}/regenerate", post(chat::regenerate))
        .route("/api/messages/{id}/edit", post(chat::edit))
        .route("/api/messages/{id}/select", post(threads::select_version))
        .route("/api/{*rest}", axum::routing::any(unknown))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Unknown API paths answer JSON 404, not the HTML not-found page.
async fn unknown() -> AppError {
    AppError::not_found("No such API endpoint.")
}
