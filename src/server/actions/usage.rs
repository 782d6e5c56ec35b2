//! Usage reports and limits. A user reads their own; an admin anyone's or
//! everyone's, and sets the limits (written to the audit log).

use crate::error::AppError;
use crate::model::community::AuditAction;
use crate::model::usage::{
    AccountLimits, Limits, LimitsOverride, MyLimits, UsageGroup, UsageReport,
};
use crate::server::auth::caller::Caller;
use crate::server::db::now;
use crate::server::services::{accounts, audit, limits, usage};
use crate::server::state::AppState;

/// What `GET /api/usage` was asked.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// `YYYY-MM-DD`; the first of this month when left out.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive; today when left out.
    #[serde(default)]
    pub to: Option<String>,
    /// How the rows are grouped; `day` when left out.
    #[serde(default)]
    pub group: UsageGroup,
    /// An account's id. An admin sees everyone's when it is left out;
    /// anyone else only their own (another id answers 403).
    #[serde(default)]
    pub user: Option<i64>,
}

pub async fn report(
    state: &AppState,
    caller: &Caller,
    q: UsageQuery,
) -> Result<UsageReport, AppError> {
    let t = now();
    let from = match q.from.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => usage::parse_day("from", s)?,
        None => accounts::month_start(t).div_euclid(usage::DAY),
    };
    let to = match q.to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => usage::parse_day("to", s)?,
        None => t.div_euclid(usage::DAY),
    };
    let whose = match (caller.is_admin(), q.user) {
        (true, who) => who,
        (false, None) => Some(caller.id),
        (false, Some(id)) if id == caller.id => Some(id),
        (false, Some(_)) => return Err(AppError::forbidden("Only an admin can do that.")),
    };
    state
        .db
        .run(move |c| usage::report(c, whose, from, to, q.group))
        .await
}

pub async fn csv(state: &AppState, caller: &Caller, q: UsageQuery) -> Result<String, AppError> {
    Ok(usage::csv(&report(state, caller, q).await?))
}

/// The caller's limits with what is used and when each resets.
pub async fn mine(state: &AppState, caller: &Caller) -> Result<MyLimits, AppError> {
    state.quotas.status(&state.db, caller.id).await
}

pub async fn defaults(state: &AppState, caller: &Caller) -> Result<Limits, AppError> {
    caller.ensure_admin()?;
    state.db.run(limits::defaults).await
}

pub async fn set_defaults(
    state: &AppState,
    caller: &Caller,
    input: Limits,
) -> Result<Limits, AppError> {
    caller.ensure_admin()?;
    let who = caller.clone();
    state
        .db
        .run(move |c| {
            let saved = limits::set_defaults(c, &input)?;
            let detail = serde_json::to_string(&saved).unwrap_or_default();
            audit::write(
                c,
                audit::Record {
                    actor: (who.id, &who.name),
                    action: AuditAction::Limits,
                    target: None,
                    detail: &format!("defaults {detail}"),
                },
            )?;
            Ok(saved)
        })
        .await
}

pub async fn account(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<AccountLimits, AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| {
            accounts::get(c, id)?;
            limits::account(c, id)
        })
        .await
}

pub async fn set_account(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: LimitsOverride,
) -> Result<AccountLimits, AppError> {
    caller.ensure_admin()?;
    let who = caller.clone();
    state
        .db
        .run(move |c| {
            let user = accounts::get(c, id)?;
            let saved = limits::set_overrides(c, id, &input)?;
            let detail = serde_json::to_string(&saved.overrides).unwrap_or_default();
            super::accounts::record(c, &who, AuditAction::Limits, &user, &detail)?;
            Ok(saved)
        })
        .await
}
