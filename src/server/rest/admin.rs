//! `/api/admin/*`: instance-wide switches, accounts, invitations and the
//! audit log, admins only.

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use super::query::ApiQuery;
use crate::error::AppError;
use crate::error::ErrorBody;
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
use utoipa_axum::routes;

#[utoipa::path(get, path = "/api/admin/settings", tag = "admin",
    summary = "Instance-wide settings (admin)",
    responses((status = 200, body = AdminSettings), Failures))]
pub async fn get_settings(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<AdminSettings>, AppError> {
    Ok(Json(admin::settings(&state, &caller).await?))
}

/// Change instance-wide settings (admin)
///
/// Changes each field given; the rest stay. A change is written to the
/// audit log.
#[utoipa::path(put, path = "/api/admin/settings", tag = "admin",
    request_body = SettingsInput,
    responses((status = 200, body = AdminSettings, description = "The settings as they are now"), Failures))]
pub async fn put_settings(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(body): ApiJson<SettingsInput>,
) -> Result<Json<AdminSettings>, AppError> {
    Ok(Json(admin::save_settings(&state, &caller, body).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Part of a username, at most 64 characters; every account when empty.
    #[serde(default)]
    q: String,
    /// Accounts to skip (`next` of the previous page); 0 when left out.
    #[serde(default)]
    offset: i64,
}

/// List or search accounts (admin)
///
/// Accounts in creation order, 50 a page.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin",
    params(UsersQuery),
    responses((status = 200, body = AccountPage), Failures))]
pub async fn users(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiQuery(query): ApiQuery<UsersQuery>,
) -> Result<Json<AccountPage>, AppError> {
    Ok(Json(
        accounts::list(&state, &caller, query.q, query.offset).await?,
    ))
}

/// Change an account's role, state or password (admin)
///
/// Applies each field present, in the order role, disabled, new password;
/// the first refusal stops the rest (what came before it stays done).
/// Disabling or setting a password ends every session of the account, and
/// disabling stops its replies and pauses its backrooms. Each change is
/// written to the audit log.
#[utoipa::path(put, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = i64, Path, description = "The account's id")),
    request_body = AccountChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 409, body = ErrorBody, description = "It is the last enabled admin: it cannot be demoted or disabled"),
        Failures))]
pub async fn update_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(body): ApiJson<AccountChange>,
) -> Result<StatusCode, AppError> {
    accounts::change(&state, &caller, id, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete an account and all its data (admin)
///
/// Deletes the account and everything it owns (threads, backrooms,
/// agents, notes, folders, prompts, sessions, tokens), after stopping its
/// replies and backrooms. The body must repeat its username exactly (400
/// on `confirm` otherwise). Written to the audit log.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = i64, Path, description = "The account's id")),
    request_body = AccountDelete,
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, body = ErrorBody, description = "It is the last enabled admin"),
        Failures))]
pub async fn delete_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(body): ApiJson<AccountDelete>,
) -> Result<StatusCode, AppError> {
    accounts::delete(&state, &caller, id, body.confirm).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every session of an account (admin)
///
/// Signs the account out everywhere (its tokens keep working). Written to
/// the audit log.
#[utoipa::path(delete, path = "/api/admin/users/{id}/sessions", tag = "admin",
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 204, description = "Ended"), Failures))]
pub async fn end_user_sessions(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    accounts::end_sessions(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invitations, newest first (admin)
///
/// The newest 200 invitations, whatever their state, each with its full
/// link.
#[utoipa::path(get, path = "/api/admin/invites", tag = "admin",
    responses((status = 200, body = Vec<Invite>), Failures))]
pub async fn invites(
    State(state): State<AppState>,
    Admin(caller): Admin,
    headers: HeaderMap,
) -> Result<Json<Vec<Invite>>, AppError> {
    let origin = site::origin(&state.config, &headers);
    Ok(Json(admin::invites(&state, &caller, origin).await?))
}

/// Create an invitation (admin)
///
/// A new invitation link: 1 to 100 uses (1 by default), expiring after 1
/// to 365 days or never. Written to the audit log.
#[utoipa::path(post, path = "/api/admin/invites", tag = "admin",
    request_body = NewInvite,
    responses((status = 201, body = Invite), Failures))]
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

/// Revoke an invitation (admin)
///
/// The link stops working; accounts it created stay. Written to the audit
/// log.
#[utoipa::path(delete, path = "/api/admin/invites/{id}", tag = "admin",
    params(("id" = i64, Path, description = "The invitation's id")),
    responses((status = 204, description = "Revoked"), Failures))]
pub async fn revoke_invite(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    admin::revoke_invite(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries older than this id (`older` of the previous page).
    #[serde(default)]
    before: Option<i64>,
}

#[utoipa::path(get, path = "/api/admin/audit", tag = "admin",
    summary = "The audit log, newest first (admin)",
    params(AuditQuery),
    responses((status = 200, body = AuditPage), Failures))]
pub async fn audit(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(admin::audit(&state, &caller, query.before).await?))
}

/// Download a backup of the database (admin)
///
/// `GET /api/admin/backup`: the database as it is now.
///
/// A consistent snapshot of the whole SQLite database, downloaded as
/// `backrooms-YYYY-MM-DD.db`. It holds every account's data and password
/// hashes: keep it safe. Written to the audit log.
#[utoipa::path(get, path = "/api/admin/backup", tag = "admin",
    responses(
        (status = 200, content_type = "application/vnd.sqlite3",
            description = "The SQLite database file, as an attachment"),
        Failures))]
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
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(users))
        .routes(routes!(update_user, delete_user))
        .routes(routes!(end_user_sessions))
        .routes(routes!(invites, create_invite))
        .routes(routes!(revoke_invite))
        .routes(routes!(audit))
        .routes(routes!(backup))
}
