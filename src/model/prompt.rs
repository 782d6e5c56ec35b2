//! Prompt templates: a user's saved prompts, inserted from the composer by
//! typing `/`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
pub struct PromptInput {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
}
