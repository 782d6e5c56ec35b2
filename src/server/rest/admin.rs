//! `/api/admin/*`: instance-wide switches, accounts, invitations and the
//! audit log, admins only.

use super::id::Id;
use super::json::ApiJson;
use super::query::ApiQuery;
use crate::error::AppError;
use crate::model::community::{
    AccountChange, AccountDelete, AccountPage, AuditPage, Invite, NewInvite, SettingsInput,
};
use crate::model::AdminSettings;
use crate::server::actions::{accounts, admin};
use crate::server::auth::caller::Admin;
use crate::server::site;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

pub async fn get_settings(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<AdminSettings>, AppError> {
    Ok(Json(admin::settings(&state, &caller).await?))
}

pub async fn put_settings(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(body): ApiJson<SettingsInput>,
) -> Result<Json<AdminSettings>, AppError> {
    Ok(Json(admin::save_settings(&state, &caller, body).await?))
}

#[derive(Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: i64,
}

pub async fn users(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiQuery(query): ApiQuery<UsersQuery>,
) -> Result<Json<AccountPage>, AppError> {
    Ok(Json(
        accounts::list(&state, &caller, query.q, query.offset).await?,
    ))
}

pub async fn update_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(body): ApiJson<AccountChange>,
) -> Result<StatusCode, AppError> {
    accounts::change(&state, &caller, id, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(body): ApiJson<AccountDelete>,
) -> Result<StatusCode, AppError> {
    accounts::delete(&state, &caller, id, body.confirm).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn end_user_sessions(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    accounts::end_sessions(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn invites(
    State(state): State<AppState>,
    Admin(caller): Admin,
    headers: HeaderMap,
) -> Result<Json<Vec<Invite>>, AppError> {
    let origin = site::origin(&state.config, &headers);
    Ok(Json(admin::invites(&state, &caller, origin).await?))
}

pub async fn create_invite(
    State(state): State<AppState>,
    Admin(caller): Admin,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewInvite>,
) -> Result<(StatusCode, Json<Invite>), AppError> {
    let origin = site::origin(&state.config, &headers);
    let invite = admin::create_invite(&state, &caller, body, origin).await?;
    Ok((StatusCode::CREATED, Json(invite)))
}

pub async fn revoke_invite(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    admin::revoke_invite(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    before: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(admin::audit(&state, &caller, query.before).await?))
}

/// `GET /api/admin/backup`: the database as it is now.
pub async fn backup(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<axum::response::Response, AppError> {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let (file, size) = admin::backup(&state, &caller).await?;
    let stamp = crate::text::format::date(crate::server::db::now());
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.sqlite3"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"backrooms-{stamp}.db\""))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/admin/settings", get(get_settings).put(put_settings))
        .route("/api/admin/users", get(users))
        .route("/api/admin/users/{id}", put(update_user).delete(delete_user))
        .route("/api/admin/users/{id}/sessions", delete(end_user_sessions))
        .route("/api/admin/invites", get(invites).post(create_invite))
        .route("/api/admin/invites/{id}", delete(revoke_invite))
        .route("/api/admin/audit", get(audit))
        .route("/api/admin/backup", get(backup))
}
