//! The usage pages' server functions: a report and the caller's limits.

use crate::error::AppError;
use crate::model::usage::{MyLimits, UsageGroup, UsageReport};
use leptos::prelude::*;

/// This month of the caller's usage (an admin may ask for everyone's with
/// `everyone`), grouped as asked.
#[server(prefix = "/fn", endpoint = "usage")]
pub async fn load_usage(group: UsageGroup, everyone: bool) -> Result<UsageReport, AppError> {
    use crate::server::actions::usage::{report, UsageQuery};
    let (state, caller) = crate::serverfns::support::caller().await?;
    let user = if everyone {
        caller.ensure_admin()?;
        None
    } else {
        Some(caller.id)
    };
    let q = UsageQuery {
        group,
        user,
        ..Default::default()
    };
    report(&state, &caller, q).await
}

#[server(prefix = "/fn", endpoint = "limits")]
pub async fn load_limits() -> Result<MyLimits, AppError> {
    let (state, caller) = crate::serverfns::support::caller().await?;
    crate::server::actions::usage::mine(&state, &caller).await
}
