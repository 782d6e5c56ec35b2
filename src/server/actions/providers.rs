//! Provider actions (admins only, checked here for every door): add,
//! read, change and remove providers, test a connection, import models.
//! API keys go in and are stored encrypted; no answer carries one.

use crate::error::AppError;
use crate::model::provider::{
    ConnectionTest, ImportRequest, ImportResult, ModelView, NewProviderInput, ProviderPatch,
    ProviderView,
};
use crate::server::auth::caller::Caller;
use crate::server::llm::upstream;
use crate::server::services::providers;
use crate::server::services::providers::Scope;
use crate::server::state::AppState;

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<ProviderView>, AppError> {
    caller.ensure_admin()?;
    let cipher = state.cipher.clone();
    state
        .db
        .run(move |c| providers::list(c, &cipher, Scope::Shared))
        .await
}

/// Every provider with its models, as the providers page shows them.
pub async fn list_with_models(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(ProviderView, Vec<ModelView>)>, AppError> {
    caller.ensure_admin()?;
    let cipher = state.cipher.clone();
    state
        .db
        .run(move |c| providers::list_with_models(c, &cipher, Scope::Shared))
        .await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<ProviderView, AppError> {
    caller.ensure_admin()?;
    let cipher = state.cipher.clone();
    state
        .db
        .run(move |c| providers::get(c, &cipher, Scope::Shared, id))
        .await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewProviderInput,
) -> Result<ProviderView, AppError> {
    caller.ensure_admin()?;
    let cipher = state.cipher.clone();
    state
        .db
        .run(move |c| providers::create(c, &cipher, Scope::Shared, &input))
        .await
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: ProviderPatch,
) -> Result<ProviderView, AppError> {
    caller.ensure_admin()?;
    let cipher = state.cipher.clone();
    state
        .db
        .run(move |c| providers::update(c, &cipher, Scope::Shared, id, &patch))
        .await
}

/// With `cascade`, its models go too; without, a provider with models is
/// refused.
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    id: i64,
    cascade: bool,
) -> Result<(), AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| providers::delete(c, Scope::Shared, id, cascade))
        .await
}

/// Never an error for a provider fault: `{"ok": false, "error"}` instead.
pub async fn test_connection(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<ConnectionTest, AppError> {
    caller.ensure_admin()?;
    upstream::test_connection(state, Scope::Shared, id).await
}

/// Adds the picked upstream models (or all) that are not here yet.
pub async fn import_models(
    state: &AppState,
    caller: &Caller,
    id: i64,
    req: ImportRequest,
) -> Result<ImportResult, AppError> {
    caller.ensure_admin()?;
    upstream::import_models(state, Scope::Shared, id, req).await
}
