//! Server functions behind Settings > Providers (the admin's shared
//! providers), Your keys (an account's own, the same forms with `own` set)
//! and the model picker. Form posts answer with a redirect and a flash
//! (errors name the field and keep what was typed, except API keys); the
//! islands' calls return data.

// A server function takes one argument per form field, and the provider
// form simply has that many fields.
#![expect(clippy::too_many_arguments, reason = "one argument per form field")]

use crate::error::AppError;
use crate::model::provider::{ConnectionTest, ModelRegistry, ModelView, OwnKeysPage, ProviderView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE: &str = "/settings/providers";
/// An account's own keys.
pub const OWN_PAGE: &str = "/settings/keys";

/// Everything the providers page shows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProviderSettings {
    pub providers: Vec<(ProviderView, Vec<ModelView>)>,
}

#[cfg(feature = "ssr")]
mod support {
    use super::{OWN_PAGE, PAGE};
    use crate::error::AppError;
    use crate::model::Flash;
    use crate::server::auth::caller::Caller;
    use crate::server::state::AppState;

    pub use crate::server::actions::{keys, models, providers};
    pub use crate::serverfns::support::admin;

    /// Which forms posted: the admin's shared providers, or the caller's
    /// own keys (the hidden field `own`).
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Door {
        Shared,
        Own,
    }

    impl Door {
        pub fn of(own: &Option<String>) -> Door {
            if own.is_some() {
                Door::Own
            } else {
                Door::Shared
            }
        }

        /// Shared providers are the admin's; own keys anyone's.
        pub async fn enter(self) -> Result<(AppState, Caller), AppError> {
            match self {
                Door::Shared => admin().await,
                Door::Own => crate::serverfns::support::caller().await,
            }
        }

        /// Ends a form post: back to the page (at `anchor`) with the outcome.
        pub fn done(
            self,
            anchor: &str,
            result: Result<String, (String, AppError)>,
            values: &[(&str, &str)],
        ) {
            let flash = match result {
                Ok(notice) => Flash::notice(notice),
                Err((form, e)) => Flash::error(&form, e.field(), e.message()).with_values(values),
            };
            let page = match self {
                Door::Shared => PAGE,
                Door::Own => OWN_PAGE,
            };
            crate::server::flash::redirect(&format!("{page}{anchor}"), flash);
        }
    }
}

#[server(prefix = "/fn", endpoint = "providers/settings")]
pub async fn load_provider_settings() -> Result<ProviderSettings, AppError> {
    let (state, caller) = support::admin().await?;
    let providers = support::providers::list_with_models(&state, &caller).await?;
    Ok(ProviderSettings { providers })
}

/// Any signed-in user: the admin's switches and their own providers.
#[server(prefix = "/fn", endpoint = "keys/page")]
pub async fn load_own_keys() -> Result<OwnKeysPage, AppError> {
    let (state, caller) = crate::serverfns::support::caller().await?;
    support::keys::page(&state, &caller).await
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
    own: Option<String>,
) -> Result<(), AppError> {
    use crate::model::provider::NewProviderInput;
    use support::Door;
    let door = Door::of(&own);
    let preset = preset.unwrap_or_else(|| "custom".into());
    let values = [
        ("name", name.as_str()),
        ("provider_sdk_id", provider_sdk_id.as_str()),
        ("api_format", api_format.as_str()),
        ("base_url", base_url.as_deref().unwrap_or("")),
        ("image_url", image_url.as_deref().unwrap_or("")),
    ];
    let anchor = format!("?add={}#add", crate::text::format::query_value(&preset));
    let (state, caller) = match door.enter().await {
        Ok(s) => s,
        Err(e) => {
            door.done(&anchor, Err(("add".into(), e)), &values);
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
    let created = match door {
        Door::Shared => support::providers::create(&state, &caller, input).await,
        Door::Own => support::keys::create(&state, &caller, input)
            .await
            .map(|k| k.provider),
    };
    match created {
        Ok(p) => door.done(
            &format!("#provider-{}", p.id),
            Ok(format!("Added {}.", p.name)),
            &[],
        ),
        Err(e) => door.done(&anchor, Err(("add".into(), e)), &values),
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
    own: Option<String>,
) -> Result<(), AppError> {
    use crate::model::provider::ProviderPatch;
    use support::Door;
    let door = Door::of(&own);
    let form = format!("edit-{id}");
    let anchor = format!("#provider-{id}");
    let values = [
        ("name", name.as_str()),
        ("provider_sdk_id", provider_sdk_id.as_str()),
        ("api_format", api_format.as_str()),
        ("base_url", base_url.as_deref().unwrap_or("")),
        ("image_url", image_url.as_deref().unwrap_or("")),
    ];
    let (state, caller) = match door.enter().await {
        Ok(s) => s,
        Err(e) => {
            door.done(&anchor, Err((form, e)), &values);
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
    let saved = match door {
        Door::Shared => support::providers::update(&state, &caller, id, patch).await,
        Door::Own => support::keys::update(&state, &caller, id, patch)
            .await
            .map(|k| k.provider),
    };
    match saved {
        Ok(p) => door.done(&anchor, Ok(format!("Saved {}.", p.name)), &[]),
        Err(e) => door.done(&anchor, Err((form, e)), &values),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "providers/delete")]
pub async fn delete_provider(
    id: i64,
    cascade: Option<String>,
    own: Option<String>,
) -> Result<(), AppError> {
    use support::Door;
    let door = Door::of(&own);
    let result = match door.enter().await {
        Ok((state, caller)) => match door {
            Door::Shared => {
                support::providers::delete(&state, &caller, id, cascade.is_some()).await
            }
            Door::Own => support::keys::delete(&state, &caller, id).await,
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => door.done("", Ok("Provider deleted.".into()), &[]),
        Err(e) => door.done(
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
    own: Option<String>,
) -> Result<(), AppError> {
    use crate::model::provider::{NewModelInput, NewOwnModel};
    use support::Door;
    let door = Door::of(&own);
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
        vision: None,
    };
    let result = match door.enter().await {
        Ok((state, caller)) => match door {
            Door::Shared => support::models::create(&state, &caller, input).await,
            Door::Own => {
                let own = NewOwnModel {
                    name: input.name,
                    model_sdk_id: input.model_sdk_id,
                };
                support::keys::add_model(&state, &caller, provider_id, own).await
            }
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => door.done(&anchor, Ok(format!("Added {}.", m.model_sdk_id)), &[]),
        Err(e) => door.done(&anchor, Err((form, e)), &values),
    }
    Ok(())
}

/// One form per model action: `action` is `enable`, `disable`, `default`, `vision` or `blind` (sees pictures or not),
/// `rename` (with `name`), `price` (with `input_price` and `output_price`,
/// USD per million tokens, blank for none) or `delete`.
#[server(prefix = "/fn", endpoint = "models/act")]
pub async fn model_action(
    id: i64,
    provider_id: i64,
    action: String,
    name: Option<String>,
    input_price: Option<String>,
    output_price: Option<String>,
    own: Option<String>,
) -> Result<(), AppError> {
    use crate::error::AppError;
    use crate::model::provider::ModelPatch;
    use support::{keys, models, Door};
    let door = Door::of(&own);
    let anchor = format!("#provider-{provider_id}");
    let form = format!("model-{id}");
    let (state, caller) = match door.enter().await {
        Ok(s) => s,
        Err(e) => {
            door.done(&anchor, Err((form, e)), &[]);
            return Ok(());
        }
    };
    let typed = name.clone().unwrap_or_default();
    let typed_in = input_price.clone().unwrap_or_default();
    let typed_out = output_price.clone().unwrap_or_default();
    let (state, caller) = (&state, &caller);
    let patch = |p: ModelPatch| async move {
        match door {
            Door::Shared => models::update(state, caller, id, p).await,
            Door::Own => keys::update_model(state, caller, id, p).await,
        }
    };
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
        "vision" => patch(ModelPatch {
            vision: Some(true),
            ..Default::default()
        })
        .await
        .map(|m| format!("{} now gets pictures.", m.name)),
        "blind" => patch(ModelPatch {
            vision: Some(false),
            ..Default::default()
        })
        .await
        .map(|m| format!("{} no longer gets pictures.", m.name)),
        "rename" => patch(ModelPatch {
            name,
            ..Default::default()
        })
        .await
        .map(|m| format!("Renamed to {}.", m.name)),
        "price" => match (
            price("input_price", input_price.as_deref()),
            price("output_price", output_price.as_deref()),
        ) {
            (Ok(input), Ok(output)) => patch(ModelPatch {
                input_price: Some(input),
                output_price: Some(output),
                ..Default::default()
            })
            .await
            .map(|m| format!("Saved the price of {}.", m.name)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        "default" if door == Door::Shared => models::set_default(state, caller, id)
            .await
            .map(|m| format!("{} is now the global default.", m.name)),
        "delete" => match door {
            Door::Shared => models::delete(state, caller, id).await,
            Door::Own => keys::delete_model(state, caller, id).await,
        }
        .map(|()| "Model deleted.".to_string()),
        _ => Err(AppError::bad_request("Unknown action.")),
    };
    // What was typed comes back with a refusal, for the form that sent it.
    let values: &[(&str, &str)] = if action == "price" {
        &[("input_price", &typed_in), ("output_price", &typed_out)]
    } else {
        &[("name", &typed)]
    };
    door.done(&anchor, result.map_err(|e| (form, e)), values);
    Ok(())
}

/// A price field: blank is "no price", else a number (the action checks
/// its range).
#[cfg(feature = "ssr")]
fn price(field: &str, typed: Option<&str>) -> Result<Option<f64>, AppError> {
    match typed.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<f64>().map(Some).map_err(|_| {
            AppError::invalid(field, "A price is a number of USD per million tokens.")
        }),
    }
}

/// For the "Test connection" island.
#[server(prefix = "/fn", endpoint = "providers/test")]
pub async fn test_provider(
    id: i64,
    #[server(default)] own: bool,
) -> Result<ConnectionTest, AppError> {
    if own {
        let (state, caller) = crate::serverfns::support::caller().await?;
        return support::keys::test_connection(&state, &caller, id).await;
    }
    let (state, caller) = support::admin().await?;
    support::providers::test_connection(&state, &caller, id).await
}

/// For the "Import models" island: how many were added.
#[server(prefix = "/fn", endpoint = "providers/import")]
pub async fn import_models(
    id: i64,
    models: Vec<String>,
    #[server(default)] own: bool,
) -> Result<usize, AppError> {
    use crate::model::provider::ImportRequest;
    let picked = ImportRequest {
        models: Some(models),
    };
    let imported = if own {
        let (state, caller) = crate::serverfns::support::caller().await?;
        support::keys::import_models(&state, &caller, id, picked).await
    } else {
        let (state, caller) = support::admin().await?;
        support::providers::import_models(&state, &caller, id, picked).await
    };
    imported.map(|r| r.imported.len())
}
