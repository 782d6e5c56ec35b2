//! A provider's own model list: `GET {base}/models` (OpenAI-compatible,
//! bearer key) or `GET {base}/v1/models` (Anthropic, `x-api-key`). Used by
//! "Test connection" and "Import models".

use super::guard;
use super::redact;
use crate::error::AppError;
use crate::model::provider::{ApiFormat, ConnectionTest, ImportRequest, ImportResult};
use crate::server::db::rows::Provider;
use crate::server::services::providers::Scope;
use crate::server::services::{models, providers, settings};
use crate::server::state::AppState;
use std::time::{Duration, Instant};

/// Model lists are small; OpenRouter's, the largest known, is ~1 MB.
const MAX_BODY: usize = 8 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpstreamModel {
    pub id: String,
    pub name: String,
}

/// Calls the provider. `Err` carries a message fit for the admin to read:
/// the provider's own words, with the key redacted.
pub async fn list_models(
    http: &reqwest::Client,
    format: ApiFormat,
    base_url: Option<&str>,
    key: Option<&str>,
    timeout: Duration,
) -> Result<Vec<UpstreamModel>, String> {
    let base = base_url
        .unwrap_or(format.default_base_url())
        .trim_end_matches('/');
    let request = match format {
        ApiFormat::Openai => {
            let r = http.get(format!("{base}/models"));
            match key {
                Some(k) => r.bearer_auth(k),
                None => r,
            }
        }
        ApiFormat::Anthropic => {
            let r = http
                .get(format!("{base}/v1/models?limit=1000"))
                .header("anthropic-version", "2023-06-01");
            match key {
                Some(k) => r.header("x-api-key", k),
                None => r,
            }
        }
    };
    let mut response = request.timeout(timeout).send().await.map_err(|e| {
        let why = if let Some(refused) = guard::explain(&e) {
            refused
        } else if e.is_timeout() {
            format!("no answer within {} s", timeout.as_secs())
        } else if e.is_connect() {
            "cannot connect (is the base URL right and the server up?)".to_string()
        } else {
            "the request failed".to_string()
        };
        redact(&format!("{base}: {why}"), key)
    })?;
    let status = response.status();
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_BODY {
                    return Err("the provider's answer is too large".into());
                }
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                return Err(format!("no complete answer within {} s", timeout.as_secs()))
            }
            Err(_) => return Err("the provider's answer was cut off".into()),
        }
    }
    let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
    if !status.is_success() {
        let message = super::provider_message(&String::from_utf8_lossy(&body));
        return Err(redact(&format!("{status}: {}", message.trim()), key));
    }
    let json = json.ok_or("the provider did not answer with JSON")?;
    let list = json
        .get("data")
        .or_else(|| json.get("models"))
        .and_then(|v| v.as_array())
        .ok_or("the provider's answer has no model list")?;
    Ok(list
        .iter()
        .filter_map(|m| {
            let id = m.get("id").and_then(|v| v.as_str())?.to_string();
            let name = ["display_name", "name"]
                .iter()
                .find_map(|k| m.get(*k).and_then(|v| v.as_str()))
                .unwrap_or(&id)
                .to_string();
            Some(UpstreamModel { id, name })
        })
        .collect())
}

/// A provider of `scope`, its key, and whether the guard applies.
struct Loaded {
    provider: Provider,
    key: Option<String>,
    guarded: bool,
}

async fn load(state: &AppState, scope: Scope, id: i64) -> Result<Loaded, AppError> {
    let cipher = state.cipher.clone();
    state
        .db
        .run(move |conn| {
            let provider = providers::get_row(conn, scope, id)?;
            let key = providers::api_key(&cipher, &provider)?;
            let guarded =
                provider.owner_id.is_some() && !settings::own_keys(conn)?.private_addresses;
            Ok(Loaded {
                provider,
                key,
                guarded,
            })
        })
        .await
}

async fn fetch(state: &AppState, loaded: &Loaded) -> Result<Vec<UpstreamModel>, String> {
    let p = &loaded.provider;
    let format = ApiFormat::parse(&p.api_format).unwrap_or(ApiFormat::Openai);
    let http = if loaded.guarded {
        let base = p.base_url.as_deref().unwrap_or(format.default_base_url());
        guard::check_url(base).await.map_err(|refused| refused.0)?;
        &state.guarded_http
    } else {
        &state.http
    };
    list_models(
        http,
        format,
        p.base_url.as_deref(),
        loaded.key.as_deref(),
        state.config.provider_timeout,
    )
    .await
}

/// Never an error for a provider fault: `{"ok": false, "error"}` instead.
pub async fn test_connection(
    state: &AppState,
    scope: Scope,
    id: i64,
) -> Result<ConnectionTest, AppError> {
    let loaded = load(state, scope, id).await?;
    let started = Instant::now();
    Ok(match fetch(state, &loaded).await {
        Ok(list) => ConnectionTest {
            ok: true,
            latency_ms: Some(started.elapsed().as_millis() as u64),
            models: Some(list.into_iter().map(|m| m.id).collect()),
            error: None,
        },
        Err(error) => {
            tracing::info!(provider.id = id, "connection test failed: {error}");
            ConnectionTest {
                ok: false,
                latency_ms: None,
                models: None,
                error: Some(error),
            }
        }
    })
}

/// Adds the picked upstream models (or all) that are not here yet.
pub async fn import_models(
    state: &AppState,
    scope: Scope,
    id: i64,
    req: ImportRequest,
) -> Result<ImportResult, AppError> {
    let loaded = load(state, scope, id).await?;
    let upstream = fetch(state, &loaded)
        .await
        .map_err(|message| AppError::Upstream { message })?;
    let picked: Vec<(String, String)> = match &req.models {
        None => upstream.into_iter().map(|m| (m.id, m.name)).collect(),
        Some(wanted) => {
            let unknown: Vec<&str> = wanted
                .iter()
                .filter(|w| !upstream.iter().any(|m| &m.id == *w))
                .map(String::as_str)
                .collect();
            if !unknown.is_empty() {
                return Err(AppError::invalid(
                    "models",
                    format!("The provider does not offer: {}", unknown.join(", ")),
                ));
            }
            upstream
                .into_iter()
                .filter(|m| wanted.contains(&m.id))
                .map(|m| (m.id, m.name))
                .collect()
        }
    };
    state
        .db
        .run(move |conn| models::import(conn, scope, id, &picked))
        .await
}
