//! `/api/usage`, `/api/usage.csv`, `/api/limits` and the admin's
//! `/api/admin/limits` and `/api/admin/users/{id}/limits`.

use super::download::attachment;
use super::id::Id;
use super::json::ApiJson;
use super::query::ApiQuery;
use crate::error::AppError;
use crate::model::usage::{AccountLimits, Limits, LimitsOverride, MyLimits, UsageReport};
use crate::server::actions::usage::{self, UsageQuery};
use crate::server::auth::caller::{Admin, Caller};
use crate::server::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> Result<Json<UsageReport>, AppError> {
    Ok(Json(usage::report(&state, &caller, q).await?))
}

pub async fn csv(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> Result<Response, AppError> {
    let body = usage::csv(&state, &caller, q).await?;
    Ok(attachment(body, "text/csv; charset=utf-8", "usage", "csv"))
}

pub async fn mine(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MyLimits>, AppError> {
    Ok(Json(usage::mine(&state, &caller).await?))
}

pub async fn defaults(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<Limits>, AppError> {
    Ok(Json(usage::defaults(&state, &caller).await?))
}

pub async fn set_defaults(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(body): ApiJson<Limits>,
) -> Result<Json<Limits>, AppError> {
    Ok(Json(usage::set_defaults(&state, &caller, body).await?))
}

pub async fn account(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<AccountLimits>, AppError> {
    Ok(Json(usage::account(&state, &caller, id).await?))
}

pub async fn set_account(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(body): ApiJson<LimitsOverride>,
) -> Result<Json<AccountLimits>, AppError> {
    Ok(Json(usage::set_account(&state, &caller, id, body).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, put};
    OpenApiRouter::new()
        .route("/api/admin/limits", get(defaults).put(set_defaults))
        .route("/api/admin/users/{id}/limits", get(account).put(set_account))
        .route("/api/limits", get(mine))
        .route("/api/usage", get(report))
        .route("/api/usage.csv", get(csv))
}
