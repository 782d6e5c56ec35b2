//! Server functions behind the Agents pages. Form posts answer with a
//! redirect and a flash (errors name the field and keep what was typed).

#![expect(clippy::too_many_arguments, reason = "one argument per form field")]

use crate::error::AppError;
use crate::model::agent::{AgentTemplate, AgentView};
use leptos::prelude::*;

pub const PAGE: &str = "/agents";

#[cfg(feature = "ssr")]
mod support {
    use crate::error::AppError;
    use crate::model::Flash;

    pub use crate::server::actions::agents;
    pub use crate::serverfns::support::caller;

    /// Ends a form post at `path` with the outcome.
    pub fn done(path: &str, result: Result<String, AppError>, values: &[(&str, &str)]) {
        let flash = match result {
            Ok(notice) => Flash::notice(notice),
            Err(e) => Flash::error("agent", e.field(), e.message()).with_values(values),
        };
        crate::server::flash::redirect(path, flash);
    }
}

/// The caller's agents, then those shared with everyone.
#[server(prefix = "/fn", endpoint = "agents/list")]
pub async fn load_agents() -> Result<Vec<AgentView>, AppError> {
    let (state, caller) = support::caller().await?;
    support::agents::list(&state, &caller).await
}

#[server(prefix = "/fn", endpoint = "agents/get")]
pub async fn load_agent(id: i64) -> Result<AgentView, AppError> {
    let (state, caller) = support::caller().await?;
    support::agents::get(&state, &caller, id).await
}

/// The documents on the caller's agent's knowledge shelf.
#[server(prefix = "/fn", endpoint = "agents/knowledge")]
pub async fn load_knowledge(
    id: i64,
) -> Result<Vec<crate::model::attachment::AttachmentView>, AppError> {
    let (state, caller) = support::caller().await?;
    crate::server::actions::attachments::knowledge(&state, &caller, id).await
}

#[server(prefix = "/fn", endpoint = "agents/templates")]
pub async fn load_agent_templates() -> Result<Vec<AgentTemplate>, AppError> {
    let (_, caller) = support::caller().await?;
    Ok(support::agents::templates(&caller))
}

/// The editor's form: creates (no `id`) or saves an agent. An empty
/// `model_id` is the default model; max tokens 0 is the model's own limit;
/// a custom emoji, when typed, wins over the picked one.
#[server(prefix = "/fn", endpoint = "agents/save")]
pub async fn save_agent(
    id: Option<i64>,
    name: String,
    description: Option<String>,
    avatar: Option<String>,
    avatar_custom: Option<String>,
    color: Option<String>,
    system_prompt: Option<String>,
    model_id: Option<String>,
    temperature: Option<f32>,
    max_tokens: Option<i32>,
    talkativeness: Option<f32>,
    shared: Option<String>,
) -> Result<(), AppError> {
    use crate::model::agent::{AgentInput, AgentPatch};
    use support::agents;
    let back = id.map_or_else(|| format!("{PAGE}/new"), |id| format!("{PAGE}/{id}"));
    let avatar = avatar_custom
        .filter(|a| !a.trim().is_empty())
        .or(avatar)
        .unwrap_or_default();
    let values = [
        ("name", name.as_str()),
        ("description", description.as_deref().unwrap_or("")),
        ("avatar", avatar.as_str()),
        ("color", color.as_deref().unwrap_or("")),
        ("system_prompt", system_prompt.as_deref().unwrap_or("")),
        ("model_id", model_id.as_deref().unwrap_or("")),
    ];
    let (state, who) = match support::caller().await {
        Ok(x) => x,
        Err(e) => {
            support::done(&back, Err(e), &values);
            return Ok(());
        }
    };
    let model = match model_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(m) => match m.parse::<i64>() {
            Ok(m) => Some(m),
            Err(_) => {
                let e = crate::error::AppError::invalid("model_id", "Pick a model from the list.");
                support::done(&back, Err(e), &values);
                return Ok(());
            }
        },
    };
    let patch = AgentPatch {
        name: Some(name.clone()),
        description: Some(description.clone().unwrap_or_default()),
        avatar: Some(avatar.clone()).filter(|a| !a.trim().is_empty()),
        color: color.clone(),
        system_prompt: Some(system_prompt.clone().unwrap_or_default()),
        model_id: Some(model),
        temperature,
        max_tokens: Some(max_tokens.filter(|n| *n > 0)),
        talkativeness,
        shared: Some(shared.is_some()),
    };
    let result = match id {
        Some(id) => agents::update(&state, &who, id, patch).await,
        None => {
            let input = AgentInput {
                name: patch.name.clone().unwrap_or_default(),
                description: patch.description.clone(),
                avatar: patch.avatar.clone(),
                color: patch.color.clone(),
                system_prompt: patch.system_prompt.clone(),
                model_id: model,
                temperature: patch.temperature,
                max_tokens: patch.max_tokens.flatten(),
                talkativeness: patch.talkativeness,
                shared: patch.shared,
            };
            agents::create(&state, &who, input).await
        }
    };
    match result {
        Ok(a) => support::done(
            &format!("{PAGE}#agent-{}", a.id),
            Ok(format!("Saved {}.", a.name)),
            &[],
        ),
        Err(e) => support::done(&back, Err(e), &values),
    }
    Ok(())
}

/// The cards' buttons: `duplicate` or `delete`.
#[server(prefix = "/fn", endpoint = "agents/manage")]
pub async fn manage_agent(id: i64, action: String) -> Result<(), AppError> {
    use support::agents;
    let result = async {
        let (state, who) = support::caller().await?;
        match action.as_str() {
            "duplicate" => {
                let a = agents::duplicate(&state, &who, id).await?;
                Ok((Some(a.id), format!("Made {}.", a.name)))
            }
            "delete" => {
                agents::delete(&state, &who, id).await?;
                Ok((None, "Agent deleted.".to_string()))
            }
            _ => Err(crate::error::AppError::bad_request("Unknown action.")),
        }
    }
    .await;
    match result {
        Ok((Some(new_id), notice)) => {
            support::done(&format!("{PAGE}#agent-{new_id}"), Ok(notice), &[])
        }
        Ok((None, notice)) => support::done(PAGE, Ok(notice), &[]),
        Err(e) => support::done(PAGE, Err(e), &[]),
    }
    Ok(())
}
