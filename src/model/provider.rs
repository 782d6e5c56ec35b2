//! Providers, their models and the registry the model pickers read.

use serde::{Deserialize, Serialize};

/// Which wire protocol a provider speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ApiFormat {
    /// Every OpenAI-compatible API (OpenAI, OpenRouter, Ollama, Gemini's
    /// compatible endpoint, Mistral, Groq, DeepSeek, llama.cpp, vLLM...).
    Openai,
    /// Anthropic's native Messages API.
    Anthropic,
}

impl ApiFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiFormat::Openai => "openai",
            ApiFormat::Anthropic => "anthropic",
        }
    }

    pub fn parse(s: &str) -> Option<ApiFormat> {
        match s {
            "openai" => Some(ApiFormat::Openai),
            "anthropic" => Some(ApiFormat::Anthropic),
            _ => None,
        }
    }

    /// Used when a provider has no base URL of its own.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ApiFormat::Openai => "https://api.openai.com/v1",
            ApiFormat::Anthropic => "https://api.anthropic.com",
        }
    }
}

/// The part after `slug:` of a `model_sdk_id`, as the provider's own API
/// knows the model.
pub fn upstream_id(model_sdk_id: &str) -> &str {
    model_sdk_id
        .split_once(':')
        .map(|(_, m)| m)
        .unwrap_or(model_sdk_id)
}

/// A provider as the API and the settings page show it: never the key,
/// only whether there is one and its last four characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderView {
    pub id: i64,
    pub name: String,
    /// The slug that prefixes its models' ids (`openai` in `openai:gpt-4o`).
    pub provider_sdk_id: String,
    pub api_format: ApiFormat,
    /// `null`: the format's default URL.
    pub base_url: Option<String>,
    /// A logo's URL or site path.
    pub image_url: Option<String>,
    pub is_enabled: bool,
    pub has_api_key: bool,
    /// The key's last four characters, when there is a key.
    pub api_key_last4: Option<String>,
    /// Set when the stored key cannot be decrypted (secret key changed).
    pub api_key_error: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// `POST /api/config/providers`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewProviderInput {
    pub name: String,
    /// A slug (lowercase letters, digits, `-`, `_`), unique: it
    /// prefixes the models' ids.
    pub provider_sdk_id: String,
    /// `openai` or `anthropic`.
    pub api_format: String,
    /// Absent or empty: the format's default URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Stored encrypted; never answered back.
    #[serde(default)]
    pub api_key: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub is_enabled: Option<bool>,
}

/// `PUT /api/config/providers/{id}`: absent fields stay as they are;
/// `api_key: ""` clears the key, `base_url`/`image_url: ""` clear those.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub provider_sdk_id: Option<String>,
    /// `openai` or `anthropic`.
    #[serde(default)]
    pub api_format: Option<String>,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub api_key: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub is_enabled: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ModelView {
    pub id: i64,
    pub provider_id: i64,
    pub name: String,
    /// `provider-slug:upstream-id`, e.g. `openai:gpt-4o-mini`.
    pub model_sdk_id: String,
    /// The model every new thread starts with.
    pub is_default: bool,
    pub is_enabled: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// USD per million prompt tokens, when the admin set a price.
    #[serde(default)]
    pub input_price: Option<f64>,
    /// USD per million completion tokens.
    #[serde(default)]
    pub output_price: Option<f64>,
    /// The model sees pictures: messages with image attachments may go to it.
    #[serde(default)]
    pub vision: bool,
}

/// `POST /api/config/models`. `model_sdk_id` may be the upstream id alone
/// (`gpt-4o-mini`) or already prefixed (`openai:gpt-4o-mini`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewModelInput {
    pub provider_id: i64,
    /// Absent or empty: the upstream id.
    #[serde(default)]
    pub name: Option<String>,
    pub model_sdk_id: String,
    #[serde(default)]
    pub is_enabled: Option<bool>,
    /// Whether the model sees pictures; absent: guessed from known ids
    /// (`gpt-4o`, `claude-3…`, `gemini`, `llava`, …).
    #[serde(default)]
    pub vision: Option<bool>,
}

/// `PUT` of a model: absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ModelPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub model_sdk_id: Option<String>,
    #[serde(default)]
    pub is_enabled: Option<bool>,
    /// USD per million prompt tokens; `null` removes the price.
    #[serde(default, deserialize_with = "super::present")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<f64>))]
    pub input_price: Option<Option<f64>>,
    /// USD per million completion tokens; `null` removes the price.
    #[serde(default, deserialize_with = "super::present")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<f64>))]
    pub output_price: Option<Option<f64>>,
    /// Whether the model sees pictures.
    #[serde(default)]
    pub vision: Option<bool>,
}

/// A model the pickers offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegistryModel {
    pub id: i64,
    pub name: String,
    pub model_sdk_id: String,
    pub is_default: bool,
    /// Sees pictures (the pickers mark it).
    #[serde(default)]
    pub vision: bool,
}

/// An enabled provider with its enabled models.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegistryProvider {
    pub id: i64,
    pub name: String,
    pub provider_sdk_id: String,
    pub image_url: Option<String>,
    /// The caller's own key ("Your keys" in the pickers).
    #[serde(default)]
    pub own_key: bool,
    pub models: Vec<RegistryModel>,
}

/// Enabled providers with their enabled models, and the global default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ModelRegistry {
    pub providers: Vec<RegistryProvider>,
    pub default_model_id: Option<i64>,
}

/// Answer of a connection test (`POST /api/config/providers/{id}/test`,
/// `POST /api/keys/{id}/test`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConnectionTest {
    /// Whether the provider listed its models.
    pub ok: bool,
    /// With `ok`: how long the listing took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// With `ok`: the upstream model ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
    /// Without `ok`: what went wrong, in the provider's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `POST /api/config/providers/{id}/import-models`: `models` absent = all.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportRequest {
    /// Upstream model ids to import; absent: all of them.
    #[serde(default)]
    pub models: Option<Vec<String>>,
}

/// What an import added and left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportResult {
    /// The models added (enabled).
    pub imported: Vec<ModelView>,
    /// Upstream ids that already existed here.
    pub skipped: Vec<String>,
}

/// A starting point for "Add provider".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProviderPreset {
    pub key: &'static str,
    pub name: &'static str,
    pub provider_sdk_id: &'static str,
    pub api_format: ApiFormat,
    pub base_url: &'static str,
    pub image_url: &'static str,
    pub needs_key: bool,
}

const fn preset(
    key: &'static str,
    name: &'static str,
    api_format: ApiFormat,
    base_url: &'static str,
    needs_key: bool,
) -> ProviderPreset {
    ProviderPreset {
        key,
        name,
        provider_sdk_id: key,
        api_format,
        base_url,
        image_url: match key.as_bytes() {
            b"openai" => "/logos/openai.svg",
            b"anthropic" => "/logos/anthropic.svg",
            b"openrouter" => "/logos/openrouter.svg",
            b"ollama" => "/logos/ollama.svg",
            b"gemini" => "/logos/gemini.svg",
            b"mistral" => "/logos/mistral.svg",
            b"groq" => "/logos/groq.svg",
            b"deepseek" => "/logos/deepseek.svg",
            _ => "/logos/custom.svg",
        },
        needs_key,
    }
}

pub const PRESETS: [ProviderPreset; 9] = [
    preset(
        "openai",
        "OpenAI",
        ApiFormat::Openai,
        "https://api.openai.com/v1",
        true,
    ),
    preset(
        "anthropic",
        "Anthropic",
        ApiFormat::Anthropic,
        "https://api.anthropic.com",
        true,
    ),
    preset(
        "openrouter",
        "OpenRouter",
        ApiFormat::Openai,
        "https://openrouter.ai/api/v1",
        true,
    ),
    preset(
        "ollama",
        "Ollama",
        ApiFormat::Openai,
        "http://localhost:11434/v1",
        false,
    ),
    preset(
        "gemini",
        "Google Gemini",
        ApiFormat::Openai,
        "https://generativelanguage.googleapis.com/v1beta/openai",
        true,
    ),
    preset(
        "mistral",
        "Mistral",
        ApiFormat::Openai,
        "https://api.mistral.ai/v1",
        true,
    ),
    preset(
        "groq",
        "Groq",
        ApiFormat::Openai,
        "https://api.groq.com/openai/v1",
        true,
    ),
    preset(
        "deepseek",
        "DeepSeek",
        ApiFormat::Openai,
        "https://api.deepseek.com/v1",
        true,
    ),
    preset(
        "custom",
        "Custom (OpenAI-compatible)",
        ApiFormat::Openai,
        "",
        false,
    ),
];

pub fn preset_by_key(key: &str) -> Option<&'static ProviderPreset> {
    PRESETS.iter().find(|p| p.key == key)
}

impl ModelRegistry {
    /// Every offered model's id and name.
    pub fn models(&self) -> Vec<(i64, String)> {
        self.providers
            .iter()
            .flat_map(|p| p.models.iter().map(|m| (m.id, m.name.clone())))
            .collect()
    }

    pub fn name_of(&self, id: i64) -> Option<String> {
        self.providers
            .iter()
            .flat_map(|p| &p.models)
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
    }

    /// The name of the model with this SDK id (`openai:gpt-4o`), if offered.
    pub fn name_by_sdk(&self, sdk: &str) -> Option<String> {
        self.providers
            .iter()
            .flat_map(|p| &p.models)
            .find(|m| m.model_sdk_id == sdk)
            .map(|m| m.name.clone())
    }

    /// `id` if it is offered, else the default.
    pub fn offered_or_default(&self, id: Option<i64>) -> Option<i64> {
        id.filter(|id| self.name_of(*id).is_some())
            .or(self.default_model_id)
    }
}

/// An account's own provider (`/api/keys`): the provider's fields and its
/// models. Never the key itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnKey {
    #[serde(flatten)]
    pub provider: ProviderView,
    pub models: Vec<ModelView>,
}

/// `POST /api/keys/{id}/models`: a model of the account's own provider.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewOwnModel {
    /// Absent or empty: the upstream id.
    #[serde(default)]
    pub name: Option<String>,
    /// The upstream id (`gpt-4o-mini`) or already prefixed with the
    /// provider's slug.
    pub model_sdk_id: String,
}

/// Whether accounts may use their own keys, and whether those may reach
/// private addresses: the admin's two switches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnKeysPolicy {
    pub allowed: bool,
    pub private_addresses: bool,
}

/// What "Your keys" shows: the switches and the caller's own providers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnKeysPage {
    pub policy: OwnKeysPolicy,
    pub keys: Vec<OwnKey>,
}

/// A guess, for a model added without saying: does this id name a model
/// that sees pictures? Known families only; the admin can always set it.
pub fn sees_pictures(model_sdk_id: &str) -> bool {
    let id = upstream_id(model_sdk_id).to_ascii_lowercase();
    const SEEING: &[&str] = &[
        "gpt-4o",
        "gpt-4.1",
        "gpt-4-turbo",
        "gpt-4-vision",
        "gpt-5",
        "o1",
        "o3",
        "o4",
        "chatgpt-4o",
        "claude-3",
        "claude-sonnet-4",
        "claude-opus-4",
        "claude-haiku-4",
        "gemini",
        "gemma-3",
        "llava",
        "bakllava",
        "vision",
        "pixtral",
        "qwen-vl",
        "qwen2-vl",
        "qwen2.5-vl",
        "minicpm-v",
        "moondream",
        "grok-2-vision",
        "llama-4",
    ];
    SEEING.iter().any(|family| {
        id.starts_with(family)
            || id.contains(&format!("/{family}"))
            || (family.len() > 4 && id.contains(family))
    })
}
