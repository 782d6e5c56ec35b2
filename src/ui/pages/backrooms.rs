use crate::model::agent::AgentView;
use crate::model::backroom::{BackroomState, Guards, ParticipantView, TurnOrder};
use crate::serverfns::agents::load_agents;
use crate::serverfns::backrooms::{
    load_backroom, load_backrooms, load_publication, DeleteRoom, ImportTemplate, PublishRoom,
    RoomEnter, RoomLeave, SetRoomGuards, UnpublishRoom,
};
use crate::serverfns::providers::load_model_registry;
use crate::ui::components::agent_card::AgentAvatar;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::{field_error, form_error, typed, FlashNotice};
use crate::ui::components::fork_with::ForkWith;
use crate::ui::components::room_view::{Cast, RoomView};
use crate::ui::components::run_schedule::RunSchedule;
use crate::ui::raw_text::{raw_text, PageTitle};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

/// `/backrooms`: the user's runs, newest first.
#[component]
pub fn BackroomsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_backrooms());
    view! {
        <AppShell title="Backrooms">
            <FlashNotice />
            <div class="page-actions">
                <p class="muted">"Agents talking to each other, live, on the server."</p>
                <a class="btn btn-primary" href="/backrooms/new">"+ New backroom"</a>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted empty">"No backrooms yet. Open one with two or more agents."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="room-list">
                                    {list
                                        .into_iter()
                                        .map(|b| {
                                            view! {
                                                <li>
                                                    <a href=format!("/backrooms/{}", b.id) class="room-row">
                                                        <span class="room-faces">
                                                            {b.participants
                                                                .into_iter()
                                                                .map(|p| view! { <AgentAvatar avatar=p.avatar color=p.color size=28 /> })
                                                                .collect_view()}
                                                        </span>
                                                        <span class="room-title">{b.title}</span>
                                                        <span class="badge" data-state=b.state.as_str()>{b.state.as_str()}</span>
                                                        <span class="muted">{format!("{} / {} turns", b.turns, b.max_turns)}</span>
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <details class="panel import-template">
                <summary>"Import a UniversalBackrooms template"</summary>
                {form_error("room", &[])}
                <form method="post" action=ImportTemplate::url() class="stack">
                    <label class="field">
                        <span>"Title"</span>
                        <input name="title" required maxlength="200" />
                    </label>
                    <label class="field">
                        <span>"Template (JSONL: one line per participant with system_prompt and context)"</span>
                        <textarea name="template" rows="6" required></textarea>
                    </label>
                    <button type="submit" class="btn">"Import"</button>
                </form>
            </details>
        </AppShell>
    }
}

/// `/backrooms/new`: title, scenario, participants and rules.
#[component]
pub fn NewBackroomPage() -> impl IntoView {
    let agents = Resource::new(
        || (),
        |_| async {
            (
                load_agents().await,
                crate::serverfns::providers::load_model_registry()
                    .await
                    .ok(),
            )
        },
    );
    let f = |name: &str, fallback: &str| typed("backroom", name, fallback);
    let order = f("turn_order", "round_robin");
    view! {
        <AppShell title="New backroom">
            <FlashNotice />
            {form_error("backroom", &["title", "scenario", "participants", "turn_order", "max_turns", "min_turns", "stop_patterns", "token_budget", "loop_overlap", "seat_token_cap", "cost_cap_usd"])}
            <form method="post" action="/backrooms/new" class="backroom-form">
                <label class="field">
                    <span>"Title"</span>
                    <input name="title" required maxlength="200" value=f("title", "") />
                    {field_error("backroom", "title")}
                </label>
                <label class="field">
                    <span>"Scenario (what every agent is told first)"</span>
                    <textarea name="scenario" rows="4" maxlength="32768" inner_html=raw_text(&f("scenario", ""))></textarea>
                    {field_error("backroom", "scenario")}
                </label>
                <fieldset class="field">
                    <legend>"Participants (2 to 8)"</legend>
                    <p class="muted field-hint">"Tick who takes part. They speak in the order of the numbers beside them (those without one follow, top to bottom)."</p>
                    <Suspense fallback=|| view! { <p class="muted">"Loading agents…"</p> }>
                        {move || Suspend::new(async move {
                            let (list, registry) = agents.await;
                            let list = list.unwrap_or_default();
                            let model_of = move |id: Option<i64>| {
                                registry
                                    .as_ref()
                                    .and_then(|r| id.and_then(|id| r.providers.iter().flat_map(|p| &p.models).find(|m| m.id == id)))
                                    .map(|m| m.name.clone())
                                    .unwrap_or_else(|| "default model".to_string())
                            };
                            view! {
                                <div class="participant-picker">
                                    {list
                                        .into_iter()
                                        .map(|a| {
                                            let seat = format!("seat_{}", a.id);
                                            let seat_label = format!("Speaking position of {}", a.name);
                                            view! {
                                                <div class="participant-option" style=format!("--agent:{}", a.color)>
                                                    <label class="participant-pick">
                                                        <input type="checkbox" name="participants" value=a.id />
                                                        <AgentAvatar avatar=a.avatar.clone() color=a.color.clone() size=40 />
                                                        <span class="participant-who">
                                                            <span class="participant-name">{a.name.clone()}</span>
                                                            <span class="muted participant-model">{model_of(a.model_id)}</span>
                                                        </span>
                                                    </label>
                                                    <input
                                                        type="number"
                                                        class="seat-input"
                                                        name=seat
                                                        min="1"
                                                        max="8"
                                                        inputmode="numeric"
                                                        placeholder="#"
                                                        aria-label=seat_label
                                                    />
                                                </div>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            }
                        })}
                    </Suspense>
                    {field_error("backroom", "participants")}
                </fieldset>
                <div class="rule-grid">
                    <label class="field">
                        <span>"Turn order"</span>
                        <select name="turn_order">
                            {TurnOrder::ALL
                                .iter()
                                .map(|o| {
                                    let word = o.as_str();
                                    view! {
                                        <option value=word selected=order == word>
                                            {o.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        {field_error("backroom", "turn_order")}
                    </label>
                    <label class="field">
                        <span>"Max turns"</span>
                        <input type="number" name="max_turns" min="1" max="500" required value=f("max_turns", "20") />
                        {field_error("backroom", "max_turns")}
                    </label>
                    <label class="field">
                        <span>"Min turns"</span>
                        <input type="number" name="min_turns" min="0" max="500" value=f("min_turns", "0") />
                        {field_error("backroom", "min_turns")}
                    </label>
                    <label class="field">
                        <span>"Token budget (optional)"</span>
                        <input type="number" name="token_budget" min="1" value=f("token_budget", "") />
                        {field_error("backroom", "token_budget")}
                    </label>
                    <label class="field">
                        <span>"Loop detection (% alike; 0 = off)"</span>
                        <input type="number" name="loop_overlap" min="0" max="100" value=f("loop_overlap", "80") />
                        {field_error("backroom", "loop_overlap")}
                    </label>
                    <label class="field">
                        <span>"Token cap per seat (optional)"</span>
                        <input type="number" name="seat_token_cap" min="1" value=f("seat_token_cap", "") />
                        {field_error("backroom", "seat_token_cap")}
                    </label>
                    <label class="field">
                        <span>"Cost cap in dollars (optional)"</span>
                        <input type="number" name="cost_cap_usd" min="0" step="any" value=f("cost_cap_usd", "") />
                        {field_error("backroom", "cost_cap_usd")}
                    </label>
                </div>
                <label class="field">
                    <span>"Stop patterns (one per line; a turn containing one ends the run)"</span>
                    <textarea name="stop_patterns" rows="2" inner_html=raw_text(&f("stop_patterns", "^C^C"))></textarea>
                    {field_error("backroom", "stop_patterns")}
                </label>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">"Create backroom"</button>
                    <a class="btn" href="/backrooms">"Cancel"</a>
                </div>
            </form>
        </AppShell>
    }
}

/// The fields whose errors the room page's panels show themselves.
const ROOM_PANEL_FIELDS: &[&str] = &[
    "agent_id",
    "loop_overlap",
    "seat_token_cap",
    "cost_cap_usd",
    "schedule",
    "changes",
    "turn",
];

/// `/backrooms/{id}`: the run, live.
#[component]
pub fn BackroomPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1);
    let data = Resource::new(
        || (),
        move |_| async move {
            (
                load_backroom(id).await,
                load_publication(id).await,
                load_agents().await,
                load_model_registry().await,
            )
        },
    );
    view! {
        <AppShell title="Backroom">
            <FlashNotice />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        (Ok(b), publication, agents, registry) => {
                            let publication = publication.ok().flatten();
                            let agents = agents.unwrap_or_default();
                            let open = !matches!(b.state, BackroomState::Finished | BackroomState::Stopped);
                            let title = b.title.clone();
                            let scenario = b.scenario.clone();
                            let cast = b.participants.clone();
                            let guards = b.guards.clone();
                            let schedule = b.schedule.clone();
                            let turns = b.turns.len();
                            let running = b.state == BackroomState::Running;
                            view! {
                                <PageTitle text=title.clone() />
                                <div class="thread-head room-head">
                                    <h2 class="thread-title">{title}</h2>
                                    <div class="room-exports">
                                        <a class="btn btn-small" href=format!("/api/backrooms/{id}/export?format=md") download>"Markdown"</a>
                                        <a class="btn btn-small" href=format!("/api/backrooms/{id}/export?format=json") download>"JSON"</a>
                                        <a class="btn btn-small" href=format!("/api/backrooms/{id}/export?format=txt") download>"Transcript"</a>
                                        <a class="btn btn-small" href=format!("/backrooms/{id}/analytics")>"Analytics"</a>
                                    </div>
                                </div>
                                {(!scenario.is_empty()).then(|| view! { <p class="room-scenario muted">{scenario}</p> })}
                                {b.forked_from.map(|from| view! {
                                    <p class="room-fork muted">
                                        "A fork. "
                                        <a href=format!("/backrooms/{from}/compare/{id}")>"Compare with the original side by side"</a>
                                    </p>
                                })}
                                // Errors of a panel's own fields show in that panel.
                                {form_error("room", ROOM_PANEL_FIELDS)}
                                <RoomView view=b public=None />
                                {open.then(|| view! { <Recast id=id seats=cast.clone() agents=agents /> })}
                                <Cast participants=cast.clone() />
                                <PublicLink id=id publication=publication />
                                <RunGuards id=id guards=guards />
                                <RunSchedule id=id schedule=schedule />
                                {(!running).then(|| view! {
                                    <ForkWith id=id turns=turns seats=cast registry=registry.ok() />
                                })}
                                <details class="confirm room-delete">
                                    <summary class="btn btn-small">"Delete…"</summary>
                                    <form method="post" action=DeleteRoom::url() class="confirm-box">
                                        <input type="hidden" name="id" value=id />
                                        <p>"Delete this backroom and its transcript for good?"</p>
                                        <button type="submit" class="btn btn-danger">"Delete backroom"</button>
                                    </form>
                                </details>
                            }
                                .into_any()
                        }
                        (Err(_), _, _, _) => {
                            crate::ui::set_status(404);
                            view! { <p class="notice notice-error">"This backroom does not exist."</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </AppShell>
    }
}

/// The cast changing mid-run: a seat leaves, or an agent enters, from the
/// next turn on. Plain forms.
#[component]
fn Recast(id: i64, seats: Vec<ParticipantView>, agents: Vec<AgentView>) -> impl IntoView {
    let here: Vec<ParticipantView> = seats.iter().filter(|p| !p.left).cloned().collect();
    let outside: Vec<AgentView> = agents
        .into_iter()
        .filter(|a| !here.iter().any(|p| p.agent_id == Some(a.id)))
        .collect();
    view! {
        <section class="room-recast" id="cast" aria-labelledby="recast-title">
            <h3 id="recast-title">"Who is in the room"</h3>
            {field_error("room", "agent_id")}
            <ul class="recast-seats">
                {here
                    .into_iter()
                    .map(|p| view! {
                        <li>
                            <span>{p.name.clone()}</span>
                            <form method="post" action=RoomLeave::url()>
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="participant_id" value=p.id />
                                <button type="submit" class="btn btn-small">{format!("{} leaves", p.name)}</button>
                            </form>
                        </li>
                    })
                    .collect_view()}
            </ul>
            {(!outside.is_empty()).then(|| view! {
                <form method="post" action=RoomEnter::url() class="recast-enter">
                    <input type="hidden" name="id" value=id />
                    <label class="field">
                        <span>"Bring in"</span>
                        <select name="agent_id">
                            {outside
                                .into_iter()
                                .map(|a| view! { <option value=a.id>{a.name}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="btn btn-small">"Enter the room"</button>
                </form>
            })}
        </section>
    }
}

/// What pauses the run, saying why: loop detection and the caps, with
/// what the run has cost so far. A plain form.
#[component]
fn RunGuards(id: i64, guards: Guards) -> impl IntoView {
    let overlap = guards
        .loop_overlap
        .map_or("0".to_string(), |p| p.to_string());
    let cap = guards
        .seat_token_cap
        .map(|t| t.to_string())
        .unwrap_or_default();
    let cost_cap = guards
        .cost_cap_usd
        .map(|c| c.to_string())
        .unwrap_or_default();
    view! {
        <section class="room-guards" id="guards" aria-labelledby="guards-title">
            <h3 id="guards-title">"Guards"</h3>
            <p class="muted">
                {format!("The run pauses, saying why, when it loops or reaches a cap. So far it cost ${:.4}.", guards.cost_usd)}
            </p>
            {field_error("room", "loop_overlap")}
            {field_error("room", "seat_token_cap")}
            {field_error("room", "cost_cap_usd")}
            <form method="post" action=SetRoomGuards::url() class="room-guards-form">
                <input type="hidden" name="id" value=id />
                <label class="field">
                    <span>"Loop detection: pause when a turn repeats a recent one by (%; 0 = off)"</span>
                    <input type="number" name="loop_overlap" min="0" max="100" value=overlap />
                </label>
                <label class="field">
                    <span>"Token cap per seat (blank: none)"</span>
                    <input type="number" name="seat_token_cap" min="1" value=cap />
                </label>
                <label class="field">
                    <span>"Cost cap in dollars (blank: none)"</span>
                    <input type="number" name="cost_cap_usd" min="0" step="any" value=cost_cap />
                </label>
                <button type="submit" class="btn btn-small">"Save guards"</button>
            </form>
        </section>
    }
}

/// Publishing the run: a link anyone can watch it with, signed in or not;
/// revoking it ends it at once. Plain forms.
#[component]
fn PublicLink(id: i64, publication: Option<(String, bool)>) -> impl IntoView {
    let details = publication.as_ref().is_some_and(|(_, d)| *d);
    let link = publication.map(|(path, _)| path);
    view! {
        <section class="room-public" id="public" aria-labelledby="public-title">
            <h3 id="public-title">"Public link"</h3>
            {match link.clone() {
                Some(path) => view! {
                    <p>
                        "Anyone with this link can watch the run live, without an account: "
                        <a class="public-link" href=path.clone()>{path.clone()}</a>
                        " (compact view for other sites: "
                        <a href=format!("{path}/embed")>{format!("{path}/embed")}</a>
                        ")."
                    </p>
                }
                .into_any(),
                None => view! {
                    <p class="muted">
                        "Publish the run to let anyone with the link watch it live: names, avatars and the transcript, with no controls."
                    </p>
                }
                .into_any(),
            }}
            <form method="post" action=PublishRoom::url() class="room-publish">
                <input type="hidden" name="id" value=id />
                <label class="check">
                    <input type="checkbox" name="show_details" value="on" checked=details />
                    <span>"Show the models, prompts and scenario too"</span>
                </label>
                <button type="submit" class="btn btn-small">{if link.is_some() { "Save" } else { "Publish" }}</button>
            </form>
            {link.is_some().then(|| view! {
                <form method="post" action=UnpublishRoom::url()>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="btn btn-small btn-danger">"Revoke link"</button>
                </form>
            })}
        </section>
    }
}
