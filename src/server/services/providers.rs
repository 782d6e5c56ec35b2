//! LLM providers: CRUD with validation; API keys encrypted on the way in and
//! only ever shown as "has a key, ending in ...".

use super::validate;
use crate::error::AppError;
use crate::model::provider::{ApiFormat, NewProviderInput, ProviderPatch, ProviderView};
use crate::server::crypto::Cipher;
use crate::server::db::rows::{NewProvider, Provider, ProviderChanges, ProviderModel};
use crate::server::db::Conn;
use crate::server::db::{now, schema::provider_models, schema::providers};
use diesel::prelude::*;

/// Whose providers a call is about: the server's shared ones (the
/// admin's) or one account's own keys. A provider outside the scope is a
/// 404, as if it did not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Shared,
    Own(i64),
}

impl Scope {
    pub fn owner(self) -> Option<i64> {
        match self {
            Scope::Shared => None,
            Scope::Own(user) => Some(user),
        }
    }

    pub fn of(p: &Provider) -> Scope {
        match p.owner_id {
            None => Scope::Shared,
            Some(user) => Scope::Own(user),
        }
    }
}

pub const NAME_MAX: usize = 64;
/// Providers of its own one account may have.
pub const OWN_PROVIDERS_MAX: i64 = 20;
pub const SLUG_MAX: usize = 32;
pub const API_KEY_MAX: usize = 4096;

fn format(value: &str) -> Result<ApiFormat, AppError> {
    ApiFormat::parse(value.trim()).ok_or_else(|| {
        AppError::invalid(
            "api_format",
            "api_format must be \"openai\" or \"anthropic\".",
        )
    })
}

pub fn base_url(value: Option<&str>) -> Result<Option<String>, AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => validate::http_url("base_url", v).map(Some),
    }
}

/// A logo: a path on this server (`/logos/x.svg`) or an http(s) URL.
fn image_url(value: Option<&str>) -> Result<Option<String>, AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.starts_with('/') && !v.starts_with("//") => {
            validate::text("image_url", v, validate::URL_MAX).and_then(|v| {
                if v.chars().any(char::is_whitespace) {
                    Err(AppError::invalid(
                        "image_url",
                        "image_url must not contain spaces.",
                    ))
                } else {
                    Ok(Some(v))
                }
            })
        }
        Some(v) => validate::http_url("image_url", v).map(Some),
    }
}

fn encrypt_key(cipher: &Cipher, key: &str) -> Result<Option<Vec<u8>>, AppError> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(None);
    }
    if key.len() > API_KEY_MAX || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::invalid(
            "api_key",
            format!("api_key must be one token of at most {API_KEY_MAX} characters."),
        ));
    }
    cipher.encrypt(key).map(Some).map_err(|e| {
        tracing::error!("encrypting an API key failed: {e}");
        AppError::Internal
    })
}

/// The plaintext key, for calling the provider. A key that no longer
/// decrypts (the secret key changed) is a clear 409, never a panic.
pub fn api_key(cipher: &Cipher, provider: &Provider) -> Result<Option<String>, AppError> {
    provider
        .api_key
        .as_deref()
        .map(|stored| {
            cipher.decrypt(stored).map_err(|_| {
                AppError::conflict(format!(
                    "The API key stored for {} cannot be decrypted (the server's secret key changed). Enter the key again.",
                    provider.name
                ))
            })
        })
        .transpose()
}

pub fn view(cipher: &Cipher, p: &Provider) -> ProviderView {
    let (last4, key_error) = match api_key(cipher, p) {
        Ok(Some(key)) => {
            let chars: Vec<char> = key.chars().collect();
            let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
            (Some(tail), None)
        }
        Ok(None) => (None, None),
        Err(e) => (None, Some(e.message().to_string())),
    };
    ProviderView {
        id: p.id,
        name: p.name.clone(),
        provider_sdk_id: p.provider_sdk_id.clone(),
        api_format: ApiFormat::parse(&p.api_format).unwrap_or(ApiFormat::Openai),
        base_url: p.base_url.clone(),
        image_url: p.image_url.clone(),
        is_enabled: p.is_enabled,
        has_api_key: p.api_key.is_some(),
        api_key_last4: last4,
        api_key_error: key_error,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

pub fn get_row(conn: &mut Conn, scope: Scope, id: i64) -> Result<Provider, AppError> {
    providers::table
        .find(id)
        .select(Provider::as_select())
        .first(conn)
        .optional()?
        .filter(|p| Scope::of(p) == scope)
        .ok_or_else(|| AppError::not_found("No such provider."))
}

fn in_scope(scope: Scope) -> providers::BoxedQuery<'static, crate::server::db::MultiBackend> {
    match scope {
        Scope::Shared => providers::table
            .filter(providers::owner_id.is_null())
            .into_boxed(),
        Scope::Own(user) => providers::table
            .filter(providers::owner_id.eq(user))
            .into_boxed(),
    }
}

/// Friendly 409s before the database's own unique indexes. Names are
/// unique within a scope. A slug is also unique against the shared
/// providers (an account sees those too, so its model ids stay
/// unambiguous), and a shared slug against every account's own.
fn ensure_unique(
    conn: &mut Conn,
    scope: Scope,
    name: Option<&str>,
    slug: Option<&str>,
    except: Option<i64>,
) -> Result<(), AppError> {
    let except = except.unwrap_or(-1);
    if let Some(name) = name {
        let taken = in_scope(scope)
            .filter(providers::name.eq(name.to_string()))
            .filter(providers::id.ne(except))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if taken {
            return Err(AppError::conflict(format!(
                "A provider named {name} already exists."
            )));
        }
    }
    if let Some(slug) = slug {
        let clash = providers::table
            .filter(providers::provider_sdk_id.eq(slug))
            .filter(providers::id.ne(except))
            .select(providers::owner_id)
            .load::<Option<i64>>(conn)?;
        let taken = clash.iter().any(|owner| match scope {
            Scope::Shared => true,
            Scope::Own(user) => owner.is_none() || *owner == Some(user),
        });
        if taken {
            let whose = if scope == Scope::Shared && clash.iter().all(Option::is_some) {
                " (an account's own key uses it)"
            } else {
                ""
            };
            return Err(AppError::conflict(format!(
                "A provider with the id {slug} already exists{whose}."
            )));
        }
    }
    Ok(())
}

pub fn create(
    conn: &mut Conn,
    cipher: &Cipher,
    scope: Scope,
    input: &NewProviderInput,
) -> Result<ProviderView, AppError> {
    let name = validate::text("name", &input.name, NAME_MAX)?;
    let slug = validate::slug("provider_sdk_id", &input.provider_sdk_id, SLUG_MAX)?;
    let api_format = format(&input.api_format)?;
    let base_url = base_url(input.base_url.as_deref())?;
    let image_url = image_url(input.image_url.as_deref())?;
    let api_key = encrypt_key(cipher, input.api_key.as_deref().unwrap_or(""))?;
    conn.immediate_transaction(|conn| {
        ensure_unique(conn, scope, Some(&name), Some(&slug), None)?;
        if let Scope::Own(user) = scope {
            let count: i64 = providers::table
                .filter(providers::owner_id.eq(user))
                .count()
                .get_result(conn)?;
            if count >= OWN_PROVIDERS_MAX {
                return Err(AppError::conflict(format!(
                    "You can have at most {OWN_PROVIDERS_MAX} providers of your own."
                )));
            }
        }
        let ts = now();
        let row = diesel::insert_into(providers::table)
            .values(NewProvider {
                owner_id: scope.owner(),
                name,
                provider_sdk_id: slug,
                api_format: api_format.as_str().to_string(),
                base_url,
                api_key,
                image_url,
                is_enabled: input.is_enabled.unwrap_or(true),
                created_at: ts,
                updated_at: ts,
            })
            .returning(crate::server::db::all::<Provider>())
            .get_result::<Provider>(conn)?;
        Ok(view(cipher, &row))
    })
}

pub fn list(conn: &mut Conn, cipher: &Cipher, scope: Scope) -> Result<Vec<ProviderView>, AppError> {
    let rows = in_scope(scope)
        .order(providers::name.asc())
        .select(Provider::as_select())
        .load(conn)?;
    Ok(rows.iter().map(|p| view(cipher, p)).collect())
}

/// Every provider of `scope` with its models, as the providers page and
/// Your keys show them.
pub fn list_with_models(
    conn: &mut Conn,
    cipher: &Cipher,
    scope: Scope,
) -> Result<Vec<(ProviderView, Vec<crate::model::provider::ModelView>)>, AppError> {
    let list = list(conn, cipher, scope)?;
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        let m = super::models::list_for_provider(conn, scope, p.id)?;
        out.push((p, m));
    }
    Ok(out)
}

pub fn get(
    conn: &mut Conn,
    cipher: &Cipher,
    scope: Scope,
    id: i64,
) -> Result<ProviderView, AppError> {
    Ok(view(cipher, &get_row(conn, scope, id)?))
}

pub fn update(
    conn: &mut Conn,
    cipher: &Cipher,
    scope: Scope,
    id: i64,
    patch: &ProviderPatch,
) -> Result<ProviderView, AppError> {
    let name = patch
        .name
        .as_deref()
        .map(|n| validate::text("name", n, NAME_MAX))
        .transpose()?;
    let slug = patch
        .provider_sdk_id
        .as_deref()
        .map(|s| validate::slug("provider_sdk_id", s, SLUG_MAX))
        .transpose()?;
    let api_format = patch.api_format.as_deref().map(format).transpose()?;
    let base_url = patch
        .base_url
        .as_deref()
        .map(|u| base_url(Some(u)))
        .transpose()?;
    let image_url = patch
        .image_url
        .as_deref()
        .map(|u| image_url(Some(u)))
        .transpose()?;
    let api_key = patch
        .api_key
        .as_deref()
        .map(|k| encrypt_key(cipher, k))
        .transpose()?;
    conn.immediate_transaction(|conn| {
        let old = get_row(conn, scope, id)?;
        ensure_unique(conn, scope, name.as_deref(), slug.as_deref(), Some(id))?;
        if let Some(new_slug) = slug.as_deref().filter(|s| *s != old.provider_sdk_id) {
            rename_model_prefixes(conn, id, &old.provider_sdk_id, new_slug)?;
        }
        if patch.is_enabled == Some(false) {
            // A disabled provider's model cannot stay the global default.
            diesel::update(provider_models::table.filter(provider_models::provider_id.eq(id)))
                .set(provider_models::is_default.eq(false))
                .execute(conn)?;
        }
        let row = diesel::update(providers::table.find(id))
            .set(ProviderChanges {
                name,
                provider_sdk_id: slug,
                api_format: api_format.map(|f| f.as_str().to_string()),
                base_url,
                api_key,
                image_url,
                is_enabled: patch.is_enabled,
                updated_at: now(),
            })
            .returning(crate::server::db::all::<Provider>())
            .get_result::<Provider>(conn)?;
        Ok(view(cipher, &row))
    })
}

/// Model ids carry the provider's slug (`openai:gpt-4o`); keep them in step.
fn rename_model_prefixes(
    conn: &mut Conn,
    provider_id: i64,
    old: &str,
    new: &str,
) -> Result<(), AppError> {
    let models = provider_models::table
        .filter(provider_models::provider_id.eq(provider_id))
        .select(ProviderModel::as_select())
        .load(conn)?;
    for m in models {
        let upstream = m
            .model_sdk_id
            .strip_prefix(&format!("{old}:"))
            .unwrap_or(&m.model_sdk_id);
        diesel::update(provider_models::table.find(m.id))
            .set(provider_models::model_sdk_id.eq(format!("{new}:{upstream}")))
            .execute(conn)?;
    }
    Ok(())
}

/// Refuses (409) while the provider still has models, unless `cascade`.
pub fn delete(conn: &mut Conn, scope: Scope, id: i64, cascade: bool) -> Result<(), AppError> {
    conn.immediate_transaction(|conn| {
        get_row(conn, scope, id)?;
        let models: i64 = provider_models::table
            .filter(provider_models::provider_id.eq(id))
            .count()
            .get_result(conn)?;
        if models > 0 && !cascade {
            return Err(AppError::conflict(format!(
                "This provider still has {models} model(s). Delete them first, or delete with cascade=true."
            )));
        }
        diesel::delete(providers::table.find(id)).execute(conn)?;
        Ok(())
    })
}
