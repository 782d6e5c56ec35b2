//! Model actions: what the pickers offer (anyone signed in) and the
//! admin's model configuration (admins only, checked here).

use crate::error::AppError;
use crate::model::provider::{ModelPatch, ModelRegistry, ModelView, NewModelInput};
use crate::server::auth::caller::Caller;
use crate::server::services::models;
use crate::server::services::providers::Scope;
use crate::server::state::AppState;

/// Every enabled model by provider (the caller's own keys last), and the
/// default.
pub async fn registry(state: &AppState, caller: &Caller) -> Result<ModelRegistry, AppError> {
    let user = caller.id;
    state.db.run(move |c| models::registry(c, user)).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewModelInput,
) -> Result<ModelView, AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| models::create(c, Scope::Shared, &input))
        .await
}

pub async fn list_for_provider(
    state: &AppState,
    caller: &Caller,
    provider_id: i64,
) -> Result<Vec<ModelView>, AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| models::list_for_provider(c, Scope::Shared, provider_id))
        .await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<ModelView, AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| models::get(c, Scope::Shared, id))
        .await
}

/// Rename, enable or disable.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: ModelPatch,
) -> Result<ModelView, AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| models::update(c, Scope::Shared, id, &patch))
        .await
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| models::delete(c, Scope::Shared, id))
        .await
}

/// The model every new thread starts with.
pub async fn set_default(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<ModelView, AppError> {
    caller.ensure_admin()?;
    state.db.run(move |c| models::set_default(c, id)).await
}
