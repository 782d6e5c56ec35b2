//! `/api/usage`, `/api/usage.csv`, `/api/limits` and the admin's
//! `/api/admin/limits` and `/api/admin/users/{id}/limits`.

use super::download::attachment;
use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
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
use utoipa_axum::routes;

/// Usage report
///
/// Tokens, replies and cost per day, model or account over up to 400 days
/// (UTC), with their total. An admin may ask for anyone's or everyone's.
#[utoipa::path(get, path = "/api/usage", tag = "usage",
    params(UsageQuery),
    responses((status = 200, body = UsageReport), Failures))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> Result<Json<UsageReport>, AppError> {
    Ok(Json(usage::report(&state, &caller, q).await?))
}

/// Usage report as CSV
///
/// The same report as `GET /api/usage` (same parameters), as a CSV file
/// named `usage.csv`, without the total row.
#[utoipa::path(get, path = "/api/usage.csv", tag = "usage",
    params(UsageQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String,
            description = "Header `day|model|user,prompt_tokens,completion_tokens,replies,cost_usd,own_key_tokens`, then one line per row"),
        Failures))]
pub async fn csv(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> Result<Response, AppError> {
    let body = usage::csv(&state, &caller, q).await?;
    Ok(attachment(body, "text/csv; charset=utf-8", "usage", "csv"))
}

/// Your limits and what is used
///
/// Only the limits that apply to you, each with what is used and when it
/// resets.
#[utoipa::path(get, path = "/api/limits", tag = "usage",
    responses((status = 200, body = MyLimits), Failures))]
pub async fn mine(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MyLimits>, AppError> {
    Ok(Json(usage::mine(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/admin/limits", tag = "usage",
    summary = "Default limits of every account (admin)",
    responses((status = 200, body = Limits), Failures))]
pub async fn defaults(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<Limits>, AppError> {
    Ok(Json(usage::defaults(&state, &caller).await?))
}

/// Set the default limits (admin)
///
/// Replaces all the defaults: a field left out or `null` is no limit.
/// Written to the audit log.
#[utoipa::path(put, path = "/api/admin/limits", tag = "usage",
    request_body = Limits,
    responses((status = 200, body = Limits, description = "The defaults as saved"), Failures))]
pub async fn set_defaults(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(body): ApiJson<Limits>,
) -> Result<Json<Limits>, AppError> {
    Ok(Json(usage::set_defaults(&state, &caller, body).await?))
}

#[utoipa::path(get, path = "/api/admin/users/{id}/limits", tag = "usage",
    summary = "An account's limits (admin)",
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 200, body = AccountLimits), Failures))]
pub async fn account(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<AccountLimits>, AppError> {
    Ok(Json(usage::account(&state, &caller, id).await?))
}

/// Set an account's limits (admin)
///
/// Replaces the account's overrides: a field present (even `null`, no
/// limit) overrides the default, a field left out follows it. Written to
/// the audit log.
#[utoipa::path(put, path = "/api/admin/users/{id}/limits", tag = "usage",
    params(("id" = i64, Path, description = "The account's id")),
    request_body = LimitsOverride,
    responses((status = 200, body = AccountLimits), Failures))]
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
    OpenApiRouter::new()
        .routes(routes!(defaults, set_defaults))
        .routes(routes!(account, set_account))
        .routes(routes!(mine))
        .routes(routes!(report))
        .routes(routes!(csv))
}
