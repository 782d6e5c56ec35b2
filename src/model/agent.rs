//! Agents: a personality with its own prompt, model and settings.

use serde::{Deserialize, Serialize};

/// Where an uploaded avatar image is served.
pub fn avatar_url(id: &str) -> String {
    format!("/avatars/{id}")
}

/// An avatar value is an image's URL (else it is an emoji).
pub fn is_image(avatar: &str) -> bool {
    avatar.starts_with("/avatars/")
}

/// An agent as the API answers it. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentView {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// An emoji, or the URL of the uploaded image (`/avatars/...`).
    pub avatar: String,
    /// `#rrggbb`.
    pub color: String,
    pub system_prompt: String,
    /// `null`: the global default model at call time.
    pub model_id: Option<i64>,
    /// The agent's model was deleted; it uses the default until one is picked.
    pub model_missing: bool,
    /// 0 to 2.
    pub temperature: f32,
    /// `null`: the model's own limit.
    pub max_tokens: Option<i32>,
    /// 0 to 1: the chance it speaks next in a backroom with natural turn
    /// order when nobody is named.
    pub talkativeness: f32,
    /// Usable (read-only) by every user; only an admin can share.
    pub shared: bool,
    /// The caller owns it (else it is someone's shared agent: use or duplicate).
    pub mine: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl AgentView {
    pub fn badge(&self) -> AgentBadge {
        AgentBadge {
            id: self.id,
            name: self.name.clone(),
            avatar: self.avatar.clone(),
            color: self.color.clone(),
        }
    }
}

/// The name, face and colour shown on an agent's replies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentBadge {
    pub id: i64,
    pub name: String,
    pub avatar: String,
    pub color: String,
}

/// `POST /api/agents`: only `name` is required.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentInput {
    /// Up to 80 characters, not empty.
    pub name: String,
    /// Up to 500 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// An emoji (an image is uploaded with `POST /api/agents/{id}/avatar`). Default 🤖.
    #[serde(default)]
    pub avatar: Option<String>,
    /// `#rrggbb`.
    #[serde(default)]
    pub color: Option<String>,
    /// Up to 32 KB.
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// Absent: the default model at call time.
    #[serde(default)]
    pub model_id: Option<i64>,
    /// 0 to 2 (default 1).
    #[serde(default)]
    pub temperature: Option<f32>,
    /// 1 to 1 000 000; absent: the model's own limit.
    #[serde(default)]
    pub max_tokens: Option<i32>,
    /// 0 to 1 (default 0.5).
    #[serde(default)]
    pub talkativeness: Option<f32>,
    /// Share with every user (admins only).
    #[serde(default)]
    pub shared: Option<bool>,
}

/// `PUT /api/agents/{id}`: absent fields stay as they are; `model_id: null`
/// means the default model and `max_tokens: null` the model's own limit.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// An emoji (replacing an uploaded image), or the current image's URL
    /// to keep it.
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// `null`: the default model at call time.
    #[serde(default, deserialize_with = "super::present")]
    pub model_id: Option<Option<i64>>,
    #[serde(default)]
    pub temperature: Option<f32>,
    /// `null`: the model's own limit.
    #[serde(default, deserialize_with = "super::present")]
    pub max_tokens: Option<Option<i32>>,
    #[serde(default)]
    pub talkativeness: Option<f32>,
    #[serde(default)]
    pub shared: Option<bool>,
}

/// A built-in starting point for a new agent (its fields fill `POST /api/agents`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentTemplate {
    /// A word naming the template (e.g. `assistant`), not an agent id.
    pub id: String,
    pub name: String,
    pub description: String,
    pub avatar: String,
    pub color: String,
    pub system_prompt: String,
    pub temperature: f32,
    pub talkativeness: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_tells_null_from_absent() -> Result<(), serde_json::Error> {
        let p: AgentPatch = serde_json::from_str(r#"{"model_id":null}"#)?;
        assert_eq!(p.model_id, Some(None));
        assert_eq!(p.max_tokens, None);
        let p: AgentPatch = serde_json::from_str(r#"{"max_tokens":5}"#)?;
        assert_eq!(p.max_tokens, Some(Some(5)));
        assert!(serde_json::from_str::<AgentPatch>(r#"{"nmae":"x"}"#).is_err());
        Ok(())
    }
}
