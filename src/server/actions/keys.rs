//! Own keys (BYOK): an account's personal providers and their models,
//! seen and used by that account alone (anyone else's id is a 404). While
//! the admin has own keys off, they can be read and removed, not added,
//! changed or called. A base URL may not point at private addresses
//! unless the admin allows that too (`llm::guard`).

use crate::error::AppError;
use crate::model::provider::{
    ConnectionTest, ImportRequest, ImportResult, ModelPatch, ModelView, NewModelInput, NewOwnModel,
    NewProviderInput, OwnKey, OwnKeysPage, ProviderPatch,
};
use crate::server::auth::caller::Caller;
use crate::server::db::Conn;
use crate::server::llm::{guard, upstream};
use crate::server::services::providers::Scope;
use crate::server::services::{models, providers, settings};
use crate::server::state::AppState;

/// 403 while own keys are off; else whether private addresses are allowed.
async fn allowed(state: &AppState) -> Result<bool, AppError> {
    let own = state.db.run(settings::own_keys).await?;
    if !own.allowed {
        return Err(AppError::forbidden(
            "Own keys are turned off on this server. Ask an admin to allow them.",
        ));
    }
    Ok(own.private_addresses)
}

/// Refuses a base URL that reaches an off-limits address (after DNS).
async fn check_base(state: &AppState, base_url: Option<&str>) -> Result<(), AppError> {
    let private_ok = allowed(state).await?;
    let Some(url) = providers::base_url(base_url)? else {
        return Ok(());
    };
    if private_ok {
        return Ok(());
    }
    guard::check_url(&url)
        .await
        .map_err(|refused| AppError::invalid("base_url", refused.0))
}

fn with_models(
    c: &mut Conn,
    state_cipher: &crate::server::crypto::Cipher,
    scope: Scope,
    id: i64,
) -> Result<OwnKey, AppError> {
    Ok(OwnKey {
        provider: providers::get(c, state_cipher, scope, id)?,
        models: models::list_for_provider(c, scope, id)?,
    })
}

/// The admin's switches and the caller's own providers, for "Your keys".
pub async fn page(state: &AppState, caller: &Caller) -> Result<OwnKeysPage, AppError> {
    let policy = state.db.run(settings::own_keys).await?;
    Ok(OwnKeysPage {
        policy,
        keys: list(state, caller).await?,
    })
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<OwnKey>, AppError> {
    let cipher = state.cipher.clone();
    let scope = Scope::Own(caller.id);
    state
        .db
        .run(move |c| {
            let list = providers::list_with_models(c, &cipher, scope)?;
            Ok(list
                .into_iter()
                .map(|(provider, models)| OwnKey { provider, models })
                .collect())
        })
        .await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<OwnKey, AppError> {
    let cipher = state.cipher.clone();
    let scope = Scope::Own(caller.id);
    state
        .db
        .run(move |c| with_models(c, &cipher, scope, id))
        .await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewProviderInput,
) -> Result<OwnKey, AppError> {
    check_base(state, input.base_url.as_deref()).await?;
    let cipher = state.cipher.clone();
    let user = caller.id;
    state
        .db
        .run(move |c| {
            let view = providers::create(c, &cipher, Scope::Own(user), &input)?;
            Ok(OwnKey {
                provider: view,
                models: Vec::new(),
            })
        })
        .await
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: ProviderPatch,
) -> Result<OwnKey, AppError> {
    match patch.base_url.as_deref() {
        Some(url) => check_base(state, Some(url)).await?,
        None => {
            allowed(state).await?;
        }
    }
    let cipher = state.cipher.clone();
    let scope = Scope::Own(caller.id);
    state
        .db
        .run(move |c| {
            providers::update(c, &cipher, scope, id, &patch)?;
            with_models(c, &cipher, scope, id)
        })
        .await
}

/// The provider and its models go; threads that used them keep their
/// messages and pick another model next time.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    let scope = Scope::Own(caller.id);
    state
        .db
        .run(move |c| providers::delete(c, scope, id, true))
        .await
}

pub async fn test_connection(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<ConnectionTest, AppError> {
    allowed(state).await?;
    upstream::test_connection(state, Scope::Own(caller.id), id).await
}

pub async fn import_models(
    state: &AppState,
    caller: &Caller,
    id: i64,
    req: ImportRequest,
) -> Result<ImportResult, AppError> {
    allowed(state).await?;
    upstream::import_models(state, Scope::Own(caller.id), id, req).await
}

pub async fn add_model(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: NewOwnModel,
) -> Result<ModelView, AppError> {
    allowed(state).await?;
    let scope = Scope::Own(caller.id);
    let input = NewModelInput {
        provider_id: id,
        name: input.name,
        model_sdk_id: input.model_sdk_id,
        is_enabled: Some(true),
        vision: None,
    };
    state
        .db
        .run(move |c| {
            // A provider of someone else is a 404, not a bad field.
            providers::get_row(c, scope, id)?;
            models::create(c, scope, &input)
        })
        .await
}

pub async fn update_model(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: ModelPatch,
) -> Result<ModelView, AppError> {
    allowed(state).await?;
    let scope = Scope::Own(caller.id);
    state
        .db
        .run(move |c| models::update(c, scope, id, &patch))
        .await
}

pub async fn delete_model(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    let scope = Scope::Own(caller.id);
    state.db.run(move |c| models::delete(c, scope, id)).await
}
