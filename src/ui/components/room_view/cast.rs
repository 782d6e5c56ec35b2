use crate::model::backroom::ParticipantView;
use crate::ui::components::agent_card::AgentAvatar;
use leptos::prelude::*;

/// The participant list under a room: who is who, on which model.
#[component]
pub fn Cast(participants: Vec<ParticipantView>) -> impl IntoView {
    view! {
        <ul class="cast">
            {participants
                .into_iter()
                .map(|p| {
                    view! {
                        <li style=format!("--agent:{}", p.color)>
                            <AgentAvatar avatar=p.avatar.clone() color=p.color.clone() size=28 />
                            <strong>{p.name.clone()}</strong>
                            <span class="muted">{p.model.clone().unwrap_or_else(|| "default model".into())}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
