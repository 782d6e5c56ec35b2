//! Prompt template actions: the caller's own (others' ids answer 404).

use super::as_caller;
use crate::error::AppError;
use crate::model::prompt::{PromptInput, PromptView};
use crate::server::auth::caller::Caller;
use crate::server::services::prompts;
use crate::server::state::AppState;

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<PromptView>, AppError> {
    as_caller(state, caller, prompts::list).await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<PromptView, AppError> {
    as_caller(state, caller, move |c, uid| prompts::get(c, uid, id)).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: PromptInput,
) -> Result<PromptView, AppError> {
    as_caller(state, caller, move |c, uid| prompts::create(c, uid, &input)).await
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: PromptInput,
) -> Result<PromptView, AppError> {
    as_caller(state, caller, move |c, uid| {
        prompts::update(c, uid, id, &input)
    })
    .await
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| prompts::delete(c, uid, id)).await
}
