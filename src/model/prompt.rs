//! Prompt templates: a user's saved prompts, inserted from the composer by
//! typing `/`.

use serde::{Deserialize, Serialize};

/// A saved prompt. `updated_at` is Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PromptView {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

/// `POST /api/prompts` and `PUT /api/prompts/{id}`: absent fields stay as
/// they are (both are required to create one).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PromptInput {
    /// One line of at most 100 characters.
    #[serde(default)]
    pub title: Option<String>,
    /// The text inserted, at most 20 KB, not empty.
    #[serde(default)]
    pub body: Option<String>,
}
