//! Server functions for prompt templates: the composer loads them when `/`
//! is typed; `/prompts` manages them with plain forms.

use crate::error::AppError;
use crate::model::prompt::PromptView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod support {
    pub use crate::server::actions::prompts;
    pub use crate::serverfns::support::caller;
}

#[server(prefix = "/fn", endpoint = "prompts/list")]
pub async fn load_prompts() -> Result<Vec<PromptView>, AppError> {
    let (state, caller) = support::caller().await?;
    support::prompts::list(&state, &caller).await
}

/// Create, save or delete a prompt; back to `/prompts` with the outcome.
#[server(prefix = "/fn", endpoint = "prompts/manage")]
pub async fn manage_prompt(
    action: String,
    id: Option<i64>,
    title: Option<String>,
    body: Option<String>,
) -> Result<(), AppError> {
    use crate::error::AppError;
    use crate::model::prompt::PromptInput;
    use crate::model::Flash;
    use support::prompts;
    let (state, caller) = support::caller().await?;
    let input = PromptInput {
        title: title.clone(),
        body: body.clone(),
    };
    let result = match (action.as_str(), id) {
        ("create", _) => prompts::create(&state, &caller, input)
            .await
            .map(|_| "Prompt saved."),
        ("save", Some(id)) => prompts::update(&state, &caller, id, input)
            .await
            .map(|_| "Prompt saved."),
        ("delete", Some(id)) => prompts::delete(&state, &caller, id)
            .await
            .map(|()| "Prompt deleted."),
        _ => Err(AppError::bad_request("Unknown action.")),
    };
    // Errors go back to the form they came from, with what was typed.
    let form = id.map_or("prompt-new".to_string(), |id| format!("prompt-{id}"));
    let flash = match result {
        Ok(notice) => Flash::notice(notice),
        Err(e) => Flash::error(&form, e.field(), e.message()).with_values(&[
            ("title", title.as_deref().unwrap_or("")),
            ("body", body.as_deref().unwrap_or("")),
        ]),
    };
    crate::server::flash::redirect("/prompts", flash);
    Ok(())
}
