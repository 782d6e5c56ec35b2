//! Provider models, the one global default, and the registry pickers read.

use super::validate;
use crate::error::AppError;
use crate::model::provider::{
    upstream_id, ImportResult, ModelPatch, ModelRegistry, ModelView, NewModelInput, RegistryModel,
    RegistryProvider,
};
use crate::server::db::rows::{ModelChanges, NewProviderModel, Provider, ProviderModel};
use crate::server::db::Conn;
use crate::server::db::{now, schema::provider_models, schema::providers};
use crate::server::services::providers::{self as provider_service, Scope};
use crate::server::services::settings;
use diesel::prelude::*;

/// The largest `max_tokens` a thread or agent may ask for.
pub const MAX_TOKENS_LIMIT: i32 = 1_000_000;

/// A model `user` may use: it exists, it and its provider are enabled,
/// and the provider is shared or `user`'s own key (while the server allows
/// own keys). Anyone else's own key is "not an available model".
pub fn usable_model(
    conn: &mut Conn,
    user: i64,
    id: i64,
) -> Result<(ProviderModel, Provider), AppError> {
    let found = provider_models::table
        .inner_join(providers::table)
        .filter(provider_models::id.eq(id))
        .select((ProviderModel::as_select(), Provider::as_select()))
        .first::<(ProviderModel, Provider)>(conn)
        .optional()?;
    match found {
        Some((m, p)) if m.is_enabled && p.is_enabled && p.owner_id.is_none_or(|o| o == user) => {
            if p.owner_id.is_some() && !settings::own_keys(conn)?.allowed {
                return Err(AppError::invalid(
                    "model_id",
                    "Own keys are turned off on this server: pick one of the server's models.",
                ));
            }
            Ok((m, p))
        }
        _ => Err(AppError::invalid(
            "model_id",
            "model_id is not an available model.",
        )),
    }
}

/// The model `user` knows as `sdk_id` (`openai:gpt-4o`), while usable.
pub fn usable_by_sdk_id(
    conn: &mut Conn,
    user: i64,
    sdk_id: &str,
) -> Result<(ProviderModel, Provider), AppError> {
    let id = provider_models::table
        .inner_join(providers::table)
        .filter(provider_models::model_sdk_id.eq(sdk_id))
        .filter(
            providers::owner_id
                .is_null()
                .or(providers::owner_id.eq(user)),
        )
        .select(provider_models::id)
        .first::<i64>(conn)
        .optional()?;
    match id {
        Some(id) => usable_model(conn, user, id),
        None => Err(AppError::invalid(
            "model",
            format!("The model {sdk_id} does not exist here: GET /v1/models lists yours."),
        )),
    }
}

pub const NAME_MAX: usize = 128;
pub const UPSTREAM_ID_MAX: usize = 256;

/// `gpt-4o-mini` or `openai:gpt-4o-mini` -> `openai:gpt-4o-mini`.
pub fn full_sdk_id(provider_slug: &str, raw: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    let upstream = raw
        .strip_prefix(provider_slug)
        .and_then(|r| r.strip_prefix(':'))
        .unwrap_or(raw);
    if upstream.is_empty()
        || upstream.len() > UPSTREAM_ID_MAX
        || upstream
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AppError::invalid(
            "model_sdk_id",
            format!("model_sdk_id must be the provider's model id (1-{UPSTREAM_ID_MAX} characters, no spaces)."),
        ));
    }
    Ok(format!("{provider_slug}:{upstream}"))
}

/// A model of a provider in `scope`; any other is a 404.
pub fn get_row(conn: &mut Conn, scope: Scope, id: i64) -> Result<ProviderModel, AppError> {
    provider_models::table
        .inner_join(providers::table)
        .filter(provider_models::id.eq(id))
        .select((ProviderModel::as_select(), providers::owner_id))
        .first::<(ProviderModel, Option<i64>)>(conn)
        .optional()?
        .filter(|(_, owner)| *owner == scope.owner())
        .map(|(m, _)| m)
        .ok_or_else(|| AppError::not_found("No such model."))
}

fn exists(conn: &mut Conn, provider_id: i64, sdk_id: &str, except: i64) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        provider_models::table
            .filter(provider_models::provider_id.eq(provider_id))
            .filter(provider_models::model_sdk_id.eq(sdk_id))
            .filter(provider_models::id.ne(except)),
    ))
    .get_result(conn)?)
}

pub fn create(conn: &mut Conn, scope: Scope, input: &NewModelInput) -> Result<ModelView, AppError> {
    conn.immediate_transaction(|conn| {
        let provider = provider_service::get_row(conn, scope, input.provider_id).map_err(|_| {
            AppError::invalid("provider_id", "provider_id is not a known provider.")
        })?;
        let sdk_id = full_sdk_id(&provider.provider_sdk_id, &input.model_sdk_id)?;
        let name = match input.name.as_deref().map(str::trim) {
            None | Some("") => upstream_id(&sdk_id).to_string(),
            Some(n) => validate::text("name", n, NAME_MAX)?,
        };
        if exists(conn, provider.id, &sdk_id, -1)? {
            return Err(AppError::conflict(format!(
                "{sdk_id} already exists for this provider."
            )));
        }
        let ts = now();
        let row = diesel::insert_into(provider_models::table)
            .values(NewProviderModel {
                provider_id: provider.id,
                name,
                vision: input
                    .vision
                    .unwrap_or_else(|| crate::model::provider::sees_pictures(&sdk_id)),
                model_sdk_id: sdk_id,
                is_enabled: input.is_enabled.unwrap_or(true),
                created_at: ts,
                updated_at: ts,
            })
            .returning(crate::server::db::all::<ProviderModel>())
            .get_result::<ProviderModel>(conn)?;
        Ok(default_when_none(conn, row, &provider)?.view())
    })
}

/// The first usable shared model becomes the default when there is none,
/// so a fresh server answers its first message without a trip to Models.
/// An own key's model never becomes everyone's default.
fn default_when_none(
    conn: &mut Conn,
    row: ProviderModel,
    provider: &Provider,
) -> Result<ProviderModel, AppError> {
    if !row.is_enabled || !provider.is_enabled || provider.owner_id.is_some() {
        return Ok(row);
    }
    let any: bool = diesel::select(diesel::dsl::exists(
        provider_models::table.filter(provider_models::is_default.eq(true)),
    ))
    .get_result(conn)?;
    if any {
        return Ok(row);
    }
    // In a savepoint of its own: on PostgreSQL a refused write ends the
    // transaction around it otherwise.
    match conn.transaction(|c| {
        diesel::update(provider_models::table.find(row.id))
            .set(provider_models::is_default.eq(true))
            .returning(crate::server::db::all::<ProviderModel>())
            .get_result::<ProviderModel>(c)
    }) {
        Ok(row) => Ok(row),
        // Another model became the default meanwhile (on PostgreSQL two
        // such writes may run at once): that one stays it.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(row),
        Err(e) => Err(e.into()),
    }
}

pub fn list_for_provider(
    conn: &mut Conn,
    scope: Scope,
    provider_id: i64,
) -> Result<Vec<ModelView>, AppError> {
    provider_service::get_row(conn, scope, provider_id)?;
    Ok(provider_models::table
        .filter(provider_models::provider_id.eq(provider_id))
        .order((provider_models::name.asc(), provider_models::id.asc()))
        .select(ProviderModel::as_select())
        .load(conn)?
        .iter()
        .map(ProviderModel::view)
        .collect())
}

pub fn get(conn: &mut Conn, scope: Scope, id: i64) -> Result<ModelView, AppError> {
    Ok(get_row(conn, scope, id)?.view())
}

/// Disabling the default model leaves no default: never a silent pick.
/// Highest price per million tokens an admin may set (USD).
pub const PRICE_MAX: f64 = 10_000.0;

pub fn update(
    conn: &mut Conn,
    scope: Scope,
    id: i64,
    patch: &ModelPatch,
) -> Result<ModelView, AppError> {
    conn.immediate_transaction(|conn| {
        let model = get_row(conn, scope, id)?;
        let provider = provider_service::get_row(conn, scope, model.provider_id)?;
        let name = patch
            .name
            .as_deref()
            .map(|n| validate::text("name", n, NAME_MAX))
            .transpose()?;
        let sdk_id = patch
            .model_sdk_id
            .as_deref()
            .map(|s| full_sdk_id(&provider.provider_sdk_id, s))
            .transpose()?;
        if let Some(sdk_id) = &sdk_id {
            if exists(conn, provider.id, sdk_id, id)? {
                return Err(AppError::conflict(format!(
                    "{sdk_id} already exists for this provider."
                )));
            }
        }
        for (field, price) in [
            ("input_price", patch.input_price),
            ("output_price", patch.output_price),
        ] {
            if let Some(Some(p)) = price {
                if !(p.is_finite() && (0.0..=PRICE_MAX).contains(&p)) {
                    return Err(AppError::invalid(
                        field,
                        format!("A price is 0 to {PRICE_MAX} USD per million tokens."),
                    ));
                }
            }
        }
        let row = diesel::update(provider_models::table.find(id))
            .set(ModelChanges {
                name,
                model_sdk_id: sdk_id,
                is_enabled: patch.is_enabled,
                is_default: (patch.is_enabled == Some(false)).then_some(false),
                input_price: patch.input_price,
                output_price: patch.output_price,
                vision: patch.vision,
                updated_at: now(),
            })
            .returning(crate::server::db::all::<ProviderModel>())
            .get_result::<ProviderModel>(conn)?;
        Ok(row.view())
    })
}

pub fn delete(conn: &mut Conn, scope: Scope, id: i64) -> Result<(), AppError> {
    conn.immediate_transaction(|conn| {
        get_row(conn, scope, id)?;
        diesel::delete(provider_models::table.find(id)).execute(conn)?;
        Ok(())
    })
}

/// Makes `id` the one global default, atomically: clear, then set, in one
/// immediate transaction (the partial unique index backs this up).
pub fn set_default(conn: &mut Conn, id: i64) -> Result<ModelView, AppError> {
    conn.immediate_transaction(|conn| {
        let model = get_row(conn, Scope::Shared, id)?;
        let provider = provider_service::get_row(conn, Scope::Shared, model.provider_id)?;
        if !model.is_enabled || !provider.is_enabled {
            return Err(AppError::conflict(
                "Enable the model and its provider before making it the default.",
            ));
        }
        diesel::update(provider_models::table.filter(provider_models::is_default.eq(true)))
            .set(provider_models::is_default.eq(false))
            .execute(conn)?;
        let row = diesel::update(provider_models::table.find(id))
            .set((
                provider_models::is_default.eq(true),
                provider_models::updated_at.eq(now()),
            ))
            .returning(crate::server::db::all::<ProviderModel>())
            .get_result::<ProviderModel>(conn)?;
        Ok(row.view())
    })
}

/// Enabled shared providers with their enabled models, by name, then
/// `user`'s own keys (while the server allows them), and the default.
pub fn registry(conn: &mut Conn, user: i64) -> Result<ModelRegistry, AppError> {
    let own = settings::own_keys(conn)?.allowed;
    let rows: Vec<(Provider, ProviderModel)> = providers::table
        .inner_join(provider_models::table)
        // No account has the id -1: with own keys off, only shared ones.
        .filter(
            providers::owner_id
                .is_null()
                .or(providers::owner_id.eq(if own { user } else { -1 })),
        )
        .filter(providers::is_enabled.eq(true))
        .filter(provider_models::is_enabled.eq(true))
        .order((
            providers::owner_id.is_not_null().asc(),
            providers::name.asc(),
            provider_models::name.asc(),
            provider_models::id.asc(),
        ))
        .select((Provider::as_select(), ProviderModel::as_select()))
        .load(conn)?;
    let mut registry = ModelRegistry::default();
    for (p, m) in rows {
        if m.is_default {
            registry.default_model_id = Some(m.id);
        }
        if registry.providers.last().map(|last| last.id) != Some(p.id) {
            registry.providers.push(RegistryProvider {
                id: p.id,
                name: p.name.clone(),
                provider_sdk_id: p.provider_sdk_id.clone(),
                image_url: p.image_url.clone(),
                own_key: p.owner_id.is_some(),
                models: Vec::new(),
            });
        }
        if let Some(last) = registry.providers.last_mut() {
            last.models.push(RegistryModel {
                id: m.id,
                name: m.name,
                model_sdk_id: m.model_sdk_id,
                is_default: m.is_default,
                vision: m.vision,
            });
        }
    }
    Ok(registry)
}

/// Adds upstream models (id, display name) not already present.
pub fn import(
    conn: &mut Conn,
    scope: Scope,
    provider_id: i64,
    upstream: &[(String, String)],
) -> Result<ImportResult, AppError> {
    conn.immediate_transaction(|conn| {
        let provider = provider_service::get_row(conn, scope, provider_id)?;
        let mut result = ImportResult {
            imported: Vec::new(),
            skipped: Vec::new(),
        };
        for (id, name) in upstream {
            let sdk_id = full_sdk_id(&provider.provider_sdk_id, id)?;
            if exists(conn, provider.id, &sdk_id, -1)? {
                result.skipped.push(id.clone());
                continue;
            }
            let ts = now();
            let name = validate::text("name", name, NAME_MAX).unwrap_or_else(|_| id.clone());
            let row = diesel::insert_into(provider_models::table)
                .values(NewProviderModel {
                    provider_id: provider.id,
                    name,
                    vision: crate::model::provider::sees_pictures(&sdk_id),
                    model_sdk_id: sdk_id,
                    is_enabled: true,
                    created_at: ts,
                    updated_at: ts,
                })
                .returning(crate::server::db::all::<ProviderModel>())
                .get_result::<ProviderModel>(conn)?;
            let row = default_when_none(conn, row, &provider)?;
            result.imported.push(row.view());
        }
        Ok(result)
    })
}
