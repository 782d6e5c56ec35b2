//! `/b/{token}`: a backroom's run published by its owner, live for anyone
//! with the link, signed in or not: the room and the transcript with a
//! viewer count and no controls. `/b/{token}/embed` is the same, compact,
//! for other sites to frame. Without JavaScript the page reloads itself
//! every few seconds while the run goes on.

use crate::model::backroom::BackroomState;
use crate::serverfns::backrooms::load_public_room;
use crate::ui::components::room_view::RoomView;
use crate::ui::pages::shared::{LinkGone, PublicHead};
use crate::ui::raw_text::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Seconds between reloads of the page without JavaScript.
const REFRESH_SECS: u32 = 5;

#[component]
fn PublicRoom(embed: bool) -> impl IntoView {
    let token = use_params_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default();
    let data = Resource::new(|| (), {
        let token = token.clone();
        move |_| load_public_room(token.clone())
    });
    let token = StoredValue::new(token);
    view! {
        <main class="public-room" class:embed=embed>
            {(!embed).then(|| view! { <PublicHead label="Live room" /> })}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(b) => {
                            let title = b.title.clone();
                            let live = matches!(b.state, BackroomState::Running | BackroomState::Paused | BackroomState::Draft);
                            let scenario = b.scenario.clone();
                            view! {
                                <PageTitle text=title.clone() />
                                {live.then(|| view! {
                                    <noscript>
                                        <meta http-equiv="refresh" content=REFRESH_SECS.to_string() />
                                    </noscript>
                                })}
                                <h1 class="shared-title">{title}</h1>
                                {(!scenario.is_empty()).then(|| view! { <p class="room-scenario muted">{scenario}</p> })}
                                <RoomView view=b public=Some(token.get_value()) />
                            }
                                .into_any()
                        }
                        Err(_) => view! { <LinkGone message="This room is not public, or its link was revoked." /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn PublicRoomPage() -> impl IntoView {
    view! { <PublicRoom embed=false /> }
}

#[component]
pub fn EmbeddedRoomPage() -> impl IntoView {
    view! { <PublicRoom embed=true /> }
}
