use crate::model::agent::{is_image, AgentView};
use crate::serverfns::agents::ManageAgent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// An agent's face: its uploaded image, or its emoji on its colour.
#[component]
pub fn AgentAvatar(
    avatar: String,
    color: String,
    #[prop(default = 40)] size: u32,
) -> impl IntoView {
    let style = format!("--agent:{color};--size:{size}px");
    if is_image(&avatar) {
        view! { <img class="agent-avatar" src=avatar alt="" width=size height=size style=style /> }
            .into_any()
    } else {
        view! { <span class="agent-avatar" style=style aria-hidden="true">{avatar}</span> }
            .into_any()
    }
}

/// What the card says about the agent's model.
pub fn model_label(agent: &AgentView, name_of: impl Fn(i64) -> Option<String>) -> String {
    match agent.model_id {
        Some(id) => {
            name_of(id).unwrap_or_else(|| "Default model (its model is unavailable)".into())
        }
        None if agent.model_missing => "Default model (its model was deleted)".into(),
        None => "Default model".into(),
    }
}

/// One agent on the Agents page, with its actions.
#[component]
pub fn AgentCard(agent: AgentView, model: String) -> impl IntoView {
    let id = agent.id;
    let hidden = move |action: &'static str| {
        view! {
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="action" value=action />
        }
    };
    let warn = agent.model_missing;
    view! {
        <article class="agent-card" id=format!("agent-{id}") style=format!("--agent:{}", agent.color)>
            <header class="agent-card-head">
                <AgentAvatar avatar=agent.avatar.clone() color=agent.color.clone() size=48 />
                <div>
                    <h3 class="agent-name">{agent.name.clone()}</h3>
                    <p class="agent-model muted" class:warn=warn>{model}</p>
                </div>
                {agent.shared.then(|| view! { <span class="badge">"shared"</span> })}
            </header>
            <p class="agent-description">{agent.description.clone()}</p>
            <div class="agent-actions">
                <a class="btn btn-small btn-primary" href=format!("/?new=1&agent={id}")>
                    "Chat"
                </a>
                {agent
                    .mine
                    .then(|| view! { <a class="btn btn-small" href=format!("/agents/{id}")>"Edit"</a> })}
                <form method="post" action=ManageAgent::url()>
                    {hidden("duplicate")}
                    <button type="submit" class="btn btn-small">"Duplicate"</button>
                </form>
                {agent
                    .mine
                    .then(|| {
                        view! {
                            <details class="confirm">
                                <summary class="btn btn-small">"Delete…"</summary>
                                <form method="post" action=ManageAgent::url() class="confirm-box">
                                    {hidden("delete")}
                                    <p>"Delete " {agent.name.clone()} " for good? Its threads stay."</p>
                                    <button type="submit" class="btn btn-danger">"Delete agent"</button>
                                </form>
                            </details>
                        }
                    })}
            </div>
        </article>
    }
}
