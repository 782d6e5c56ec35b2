//! Server functions behind Settings > Providers and the model picker.
//! Form posts answer with a redirect and a flash (errors name the field and
//! keep what was typed, except API keys); the islands' calls return data.

// A server function takes one argument per form field, and the provider
// form simply has that many fields.
#![expect(clippy::too_many_arguments, reason = "one argument per form field")]

use crate::error::AppError;
use crate::model::provider::{ConnectionTest, ModelRegistry, ModelView, ProviderView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE: &str = "/settings/providers";

/// Everything the providers page shows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProviderSettings {
    pub providers: Vec<(ProviderView, Vec<ModelView>)>,
}

#[cfg(feature = "ssr")]
mod support {
    use super::PAGE;
    use crate::error::AppError;
    use crate::model::Flash;

    pub use crate::server::actions::{models, providers};
    pub use crate::serverfns::support::admin;

    /// Ends a form post: back to the page (at `anchor`) with the outcome.
    pub fn done(anchor: &str, result: Result<String, (String, AppError)>, values: &[(&str, &str)]) {
        let flash = match result {
            Ok(notice) => Flash::notice(notice),
            Err((form, e)) => Flash::error(&form, e.field(), e.message()).with_values(values),
        };
        crate::server::flash::redirect(&format!("{PAGE}{anchor}"), flash);
    }
}

#[server(prefix = "/fn", endpoint = "providers/settings")]
pub async fn load_provider_settings() -> Result<ProviderSettings, AppError> {
    let (state, caller) = support::admin().await?;
    let providers = support::providers::list_with_models(&state, &caller).await?;
    Ok(ProviderSettings { providers })
}

/// Any signed-in user: what the model pickers offer.
#[server(prefix = "/fn", endpoint = "models/registry")]
pub async fn load_model_registry() -> Result<ModelRegistry, AppError> {
    let (state, caller) = crate::serverfns::support::caller().await?;
    support::models::registry(&state, &caller).await
}

#[server(prefix = "/fn", endpoint = "providers/create")]
pub async fn create_provider(
    preset: Option<String>,
    name: String,
    provider_sdk_id: String,
    api_format: String,
    base_url: Option<String>,
    api_key: Option<String>,
    image_url: Option<String>,
) -> Result<(), AppError> {
    use crate::model::provider::NewProviderInput;
    let preset = preset.unwrap_or_else(|| "custom".into());
    let values = [
        ("name", name.as_str()),
        ("provider_sdk_id", provider_sdk_id.as_str()),
        ("api_format", api_format.as_str()),
        ("base_url", base_url.as_deref().unwrap_or("")),
        ("image_url", image_url.as_deref().unwrap_or("")),
    ];
    let anchor = format!("?add={}#add", crate::text::format::query_value(&preset));
    let (state, caller) = match support::admin().await {
        Ok(s) => s,
        Err(e) => {
            support::done(&anchor, Err(("add".into(), e)), &values);
            return Ok(());
        }
    };
    let input = NewProviderInput {
        name: name.clone(),
        provider_sdk_id: provider_sdk_id.clone(),
        api_format: api_format.clone(),
        base_url: base_url.clone(),
        api_key,
        image_url: image_url.clone(),
        is_enabled: Some(true),
    };
    match support::providers::create(&state, &caller, input).await {
        Ok(p) => support::done(
            &format!("#provider-{}", p.id),
            Ok(format!("Added {}.", p.name)),
            &[],
        ),
        Err(e) => support::done(&anchor, Err(("add".into(), e)), &values),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "providers/update")]
pub async fn update_provider(
    id: i64,
    name: String,
    provider_sdk_id: String,
    api_format: String,
    base_url: Option<String>,
    api_key: Option<String>,
    clear_key: Option<String>,
    image_url: Option<String>,
    is_enabled: Option<String>,
) -> Result<(), AppError> {
    use crate::model::provider::ProviderPatch;
    let form = format!("edit-{id}");
    let anchor = format!("#provider-{id}");
    let values = [
        ("name", name.as_str()),
        ("provider_sdk_id", provider_sdk_id.as_str()),
        ("api_format", api_format.as_str()),
        ("base_url", base_url.as_deref().unwrap_or("")),
        ("image_url", image_url.as_deref().unwrap_or("")),
    ];
    let (state, caller) = match support::admin().await {
        Ok(s) => s,
        Err(e) => {
            support::done(&anchor, Err((form, e)), &values);
            return Ok(());
        }
    };
    // A blank key field keeps the stored key; the box clears it.
    let api_key = if clear_key.is_some() {
        Some(String::new())
    } else {
        api_key.filter(|k| !k.trim().is_empty())
    };
    let patch = ProviderPatch {
        name: Some(name.clone()),
        provider_sdk_id: Some(provider_sdk_id.clone()),
        api_format: Some(api_format.clone()),
        base_url: Some(base_url.clone().unwrap_or_default()),
        api_key,
        image_url: Some(image_url.clone().unwrap_or_default()),
        is_enabled: Some(is_enabled.is_some()),
    };
    match support::providers::update(&state, &caller, id, patch).await {
        Ok(p) => support::done(&anchor, Ok(format!("Saved {}.", p.name)), &[]),
        Err(e) => support::done(&anchor, Err((form, e)), &values),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "providers/delete")]
pub async fn delete_provider(id: i64, cascade: Option<String>) -> Result<(), AppError> {
    let result = match support::admin().await {
        Ok((state, caller)) => {
            support::providers::delete(&state, &caller, id, cascade.is_some()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => support::done("", Ok("Provider deleted.".into()), &[]),
        Err(e) => support::done(
            &format!("#provider-{id}"),
            Err((format!("delete-{id}"), e)),
            &[],
        ),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "models/create")]
pub async fn create_model(
    provider_id: i64,
    model_sdk_id: String,
    name: Option<String>,
) -> Result<(), AppError> {
    use crate::model::provider::NewModelInput;
    let form = format!("model-add-{provider_id}");
    let anchor = format!("#provider-{provider_id}");
    let values = [
        ("model_sdk_id", model_sdk_id.as_str()),
        ("name", name.as_deref().unwrap_or("")),
    ];
    let input = NewModelInput {
        provider_id,
        name: name.clone(),
        model_sdk_id: model_sdk_id.clone(),
        is_enabled: Some(true),
    };
    let result = match support::admin().await {
        Ok((state, caller)) => support::models::create(&state, &caller, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => support::done(&anchor, Ok(format!("Added {}.", m.model_sdk_id)), &[]),
        Err(e) => support::done(&anchor, Err((form, e)), &values),
    }
    Ok(())
}

/// One form per model action: `action` is `enable`, `disable`, `default`,
/// `rename` (with `name`) or `delete`.
#[server(prefix = "/fn", endpoint = "models/act")]
pub async fn model_action(
    id: i64,
    provider_id: i64,
    action: String,
    name: Option<String>,
) -> Result<(), AppError> {
    use crate::error::AppError;
    use crate::model::provider::ModelPatch;
    use support::models;
    let anchor = format!("#provider-{provider_id}");
    let form = format!("model-{id}");
    let (state, caller) = match support::admin().await {
        Ok(s) => s,
        Err(e) => {
            support::done(&anchor, Err((form, e)), &[]);
            return Ok(());
        }
    };
    let typed = name.clone().unwrap_or_default();
    let (state, caller) = (&state, &caller);
    let patch = |p: ModelPatch| async move { models::update(state, caller, id, p).await };
    let result = match action.as_str() {
        "enable" => patch(ModelPatch {
            is_enabled: Some(true),
            ..Default::default()
        })
        .await
        .map(|m| format!("{} enabled.", m.name)),
        "disable" => patch(ModelPatch {
            is_enabled: Some(false),
            ..Default::default()
        })
        .await
        .map(|m| format!("{} disabled.", m.name)),
        "rename" => patch(ModelPatch {
            name,
            ..Default::default()
        })
        .await
        .map(|m| format!("Renamed to {}.", m.name)),
        "default" => models::set_default(state, caller, id)
            .await
            .map(|m| format!("{} is now the global default.", m.name)),
        "delete" => models::delete(state, caller, id)
            .await
            .map(|()| "Model deleted.".to_string()),
        _ => Err(AppError::bad_request("Unknown action.")),
    };
    support::done(&anchor, result.map_err(|e| (form, e)), &[("name", &typed)]);
    Ok(())
}

/// For the "Test connection" island.
#[server(prefix = "/fn", endpoint = "providers/test")]
pub async fn test_provider(id: i64) -> Result<ConnectionTest, AppError> {
    let (state, caller) = support::admin().await?;
    support::providers::test_connection(&state, &caller, id).await
}

/// For the "Import models" island: how many were added.
#[server(prefix = "/fn", endpoint = "providers/import")]
pub async fn import_models(id: i64, models: Vec<String>) -> Result<usize, AppError> {
    use crate::model::provider::ImportRequest;
    let (state, caller) = support::admin().await?;
    let picked = ImportRequest {
        models: Some(models),
    };
    support::providers::import_models(&state, &caller, id, picked)
        .await
        .map(|r| r.imported.len())
}
