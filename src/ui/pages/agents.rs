use crate::model::agent::{is_image, AgentTemplate, AgentView};
use crate::model::attachment::AttachmentView;
use crate::model::provider::ModelRegistry;
use crate::serverfns::agents::{
    load_agent, load_agent_templates, load_agents, load_knowledge, SaveAgent,
};
use crate::serverfns::providers::load_model_registry;
use crate::text::format::{percent, tenths, tokens_label};
use crate::ui::components::agent_card::{model_label, AgentCard};
use crate::ui::components::agent_editor::{AgentEditor, Preview};
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::attachment_list::file_url;
use crate::ui::components::flash::{field_error, form_error, typed, FlashNotice};
use crate::ui::components::model_picker::ModelPicker;
use crate::ui::page_context;
use crate::ui::raw_text::raw_text;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The emoji picker's choices (any other emoji can be typed).
const EMOJIS: &[&str] = &[
    "🤖",
    "🧠",
    "💻",
    "🦉",
    "✂️",
    "🧭",
    "🖥️",
    "✨",
    "🐙",
    "🦊",
    "🐱",
    "🐉",
    "🦄",
    "👽",
    "👻",
    "🧙",
    "🧑‍🚀",
    "🕵️",
    "🎭",
    "🎨",
    "📚",
    "🔬",
    "⚖️",
    "🌙",
    "🔥",
    "🌊",
    "🍄",
    "🎲",
];

/// `/agents`: the user's agents and those shared with everyone.
#[component]
pub fn AgentsPage() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| async { (load_agents().await, load_model_registry().await) },
    );
    view! {
        <AppShell title="Agents">
            <FlashNotice />
            <div class="page-actions">
                <p class="muted">"Personalities with their own prompt, model and settings."</p>
                <a class="btn btn-primary" href="/agents/new">"+ New agent"</a>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading agents…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        (Ok(agents), _) if agents.is_empty() => {
                            view! { <p class="muted empty">"No agents yet. Make one from a template."</p> }
                                .into_any()
                        }
                        (Ok(agents), registry) => {
                            let registry = registry.unwrap_or_default();
                            view! {
                                <div class="agent-grid">
                                    {agents
                                        .into_iter()
                                        .map(|a| {
                                            let model = model_label(&a, |id| registry.name_of(id));
                                            view! { <AgentCard agent=a model=model /> }
                                        })
                                        .collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                        (Err(e), _) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AppShell>
    }
}

/// `/agents/new` (from `?template=`) and `/agents/{id}`: the editor.
#[component]
pub fn AgentEditorPage() -> impl IntoView {
    // `/agents/new` has no id; `/agents/x` has one that matches no agent
    // (-1), so it answers 404 rather than a New agent form.
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .map(|s| s.parse::<i64>().unwrap_or(-1));
    let template = use_query_map().get_untracked().get("template");
    let data = Resource::new(
        || (),
        move |_| async move {
            let (agent, shelf) = match id {
                Some(id) => (Some(load_agent(id).await), load_knowledge(id).await.ok()),
                None => (None, None),
            };
            (
                agent.transpose(),
                load_agent_templates().await,
                load_model_registry().await,
                shelf.unwrap_or_default(),
            )
        },
    );
    let title = if id.is_some() {
        "Edit agent"
    } else {
        "New agent"
    };
    view! {
        <AppShell title=title>
            <FlashNotice />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let template = template.clone();
                    Suspend::new(async move {
                        match data.await {
                            (Ok(agent), Ok(templates), Ok(registry), shelf) if agent.as_ref().is_none_or(|a| a.mine) => {
                                let from = template
                                    .as_deref()
                                    .and_then(|t| templates.iter().find(|x| x.id == t).cloned());
                                view! { <Editor agent=agent template=from templates=templates registry=registry shelf=shelf /> }
                                    .into_any()
                            }
                            _ => {
                                crate::ui::set_status(404);
                                view! { <p class="notice notice-error">"This agent does not exist or is not yours to edit."</p> }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </AppShell>
    }
}

/// The form's starting values: the agent, with a picked template's
/// personality laid over it.
fn starting_point(agent: Option<&AgentView>, template: Option<&AgentTemplate>) -> AgentView {
    let mut v = agent.cloned().unwrap_or(AgentView {
        id: 0,
        name: String::new(),
        description: String::new(),
        avatar: "🤖".into(),
        color: "#6366f1".into(),
        system_prompt: String::new(),
        model_id: None,
        model_missing: false,
        temperature: 1.0,
        max_tokens: None,
        talkativeness: 0.5,
        shared: false,
        mine: true,
        created_at: 0,
        updated_at: 0,
    });
    if let Some(t) = template {
        if agent.is_none() {
            v.name = t.name.clone();
        }
        v.description = t.description.clone();
        v.avatar = t.avatar.clone();
        v.color = t.color.clone();
        v.system_prompt = t.system_prompt.clone();
        v.temperature = t.temperature;
        v.talkativeness = t.talkativeness;
    }
    v
}

#[component]
fn Editor(
    agent: Option<AgentView>,
    template: Option<AgentTemplate>,
    templates: Vec<AgentTemplate>,
    registry: ModelRegistry,
    /// The agent's knowledge shelf.
    shelf: Vec<AttachmentView>,
) -> impl IntoView {
    let is_admin = page_context().user.is_some_and(|u| u.is_admin());
    let v = starting_point(agent.as_ref(), template.as_ref());
    let id = agent.as_ref().map(|a| a.id);
    let f = |name: &str, fallback: &str| typed("agent", name, fallback);
    let name = f("name", &v.name);
    let avatar = f("avatar", &v.avatar);
    let color = f("color", &v.color);
    let mut choices: Vec<String> = EMOJIS.iter().map(|e| e.to_string()).collect();
    if !choices.contains(&avatar) {
        choices.insert(0, avatar.clone());
    }
    let preview = Preview {
        name: name.clone(),
        description: f("description", &v.description),
        avatar: avatar.clone(),
        color: color.clone(),
        model_id: v.model_id,
        temperature: v.temperature,
        max_tokens: v.max_tokens.unwrap_or(0),
        talkativeness: v.talkativeness,
        models: registry.models(),
        default_model: "Default model".into(),
    };
    let picked_template = template.as_ref().map(|t| t.id.clone()).unwrap_or_default();
    view! {
        <form method="get" class="template-picker">
            <label class="field">
                <span>"Start from a template"</span>
                <select name="template">
                    {templates
                        .iter()
                        .map(|t| {
                            view! {
                                <option value=t.id.clone() selected=t.id == picked_template>
                                    {format!("{} {} — {}", t.avatar, t.name, t.description)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit" class="btn btn-small">"Use template"</button>
        </form>
        <AgentEditor preview=preview>
            {form_error("agent", &["name", "description", "avatar", "color", "system_prompt", "model_id", "temperature", "max_tokens", "talkativeness", "shared"])}
            <form id="agent-form" method="post" action=SaveAgent::url() class="agent-form">
                {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                <label class="field">
                    <span>"Name"</span>
                    <input name="name" value=name required maxlength="80" autocomplete="off" />
                    {field_error("agent", "name")}
                </label>
                <label class="field">
                    <span>"Description"</span>
                    <input name="description" value=f("description", &v.description) maxlength="500" autocomplete="off" />
                    {field_error("agent", "description")}
                </label>
                <fieldset class="field emoji-picker">
                    <legend>"Avatar"</legend>
                    <div class="emoji-grid" role="radiogroup">
                        {choices
                            .into_iter()
                            .map(|e| {
                                let checked = e == avatar;
                                let face = if is_image(&e) {
                                    view! { <img src=e.clone() alt="Uploaded image" width="28" height="28" /> }.into_any()
                                } else {
                                    view! { <span>{e.clone()}</span> }.into_any()
                                };
                                view! {
                                    <label class="emoji-option" title=e.clone()>
                                        <input type="radio" name="avatar" value=e.clone() checked=checked />
                                        {face}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <label class="field inline-field">
                        <span>"Or type any emoji"</span>
                        <input name="avatar_custom" maxlength="16" autocomplete="off" aria-label="Custom emoji" />
                    </label>
                    {field_error("agent", "avatar")}
                </fieldset>
                <label class="field inline-field">
                    <span>"Colour"</span>
                    <input type="color" name="color" value=color />
                    {field_error("agent", "color")}
                </label>
                <label class="field">
                    <span>"System prompt"</span>
                    <textarea
                        name="system_prompt"
                        rows="10"
                        maxlength="32768"
                        inner_html=raw_text(&f("system_prompt", &v.system_prompt))
                    ></textarea>
                    <small class="muted">"Up to 32 KB. The agent's personality and instructions."</small>
                    {field_error("agent", "system_prompt")}
                </label>
                <div class="field">
                    <span>"Model"</span>
                    <ModelPicker
                        registry=registry.clone()
                        selected=v.model_id
                        name="model_id".to_string()
                        none_label=Some("Default model (whichever is default when it speaks)".to_string())
                    />
                    {v.model_missing.then(|| view! {
                        <small class="field-warn" role="status">"This agent's model was deleted; it uses the default model until you pick another."</small>
                    })}
                    {field_error("agent", "model_id")}
                </div>
                <label class="field">
                    <span>"Temperature " <output class="range-value" id="temperature-value">{tenths(v.temperature)}</output></span>
                    <input type="range" name="temperature" min="0" max="2" step="0.1" value=v.temperature.to_string() />
                    {field_error("agent", "temperature")}
                </label>
                <label class="field">
                    <span>"Max tokens " <output class="range-value" id="max_tokens-value">{tokens_label(v.max_tokens.unwrap_or(0))}</output></span>
                    <input type="range" name="max_tokens" min="0" max="16384" step="256" value=v.max_tokens.unwrap_or(0).to_string() />
                    {field_error("agent", "max_tokens")}
                </label>
                <label class="field">
                    <span>"Talkativeness " <output class="range-value" id="talkativeness-value">{percent(v.talkativeness)}</output> <small class="muted">"(how often it speaks up in backrooms)"</small></span>
                    <input type="range" name="talkativeness" min="0" max="1" step="0.05" value=v.talkativeness.to_string() />
                    {field_error("agent", "talkativeness")}
                </label>
                {is_admin.then(|| view! {
                    <label class="check">
                        <input type="checkbox" name="shared" value="on" checked=v.shared />
                        <span>"Shared: every user can chat with it and duplicate it"</span>
                    </label>
                })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">{if id.is_some() { "Save agent" } else { "Create agent" }}</button>
                    <a class="btn" href="/agents">"Cancel"</a>
                    {id.map(|id| view! { <a class="btn" href=format!("/?new=1&agent={id}")>"Chat with this agent"</a> })}
                </div>
            </form>
            <AvatarUpload id=id />
        </AgentEditor>
        {id.map(|id| view! { <Knowledge id=id shelf=shelf /> })}
    }
}

/// Uploading an image avatar: a plain multipart form. On a new agent it
/// creates the agent from the picture first.
#[component]
fn AvatarUpload(id: Option<i64>) -> impl IntoView {
    let action = match id {
        Some(id) => format!("/agents/{id}/avatar"),
        None => "/agents/new/avatar".to_string(),
    };
    let label = if id.is_some() {
        "Or upload an image (PNG, JPEG, WebP or GIF, up to 512 KB)"
    } else {
        "Or start from an image (PNG, JPEG, WebP or GIF, up to 512 KB); you name the agent next"
    };
    view! {
        <form
            class="avatar-upload"
            method="post"
            action=action
            enctype="multipart/form-data"
        >
            <label class="field">
                <span>{label}</span>
                <input type="file" name="avatar" accept="image/png,image/jpeg,image/webp,image/gif" required />
            </label>
            {field_error("avatar", "avatar")}
            <button type="submit" class="btn btn-small">"Upload image"</button>
        </form>
    }
}

/// The agent's knowledge shelf: documents it searches in every thread
/// with it and in its backroom turns. Plain forms: add one, take one off.
#[component]
fn Knowledge(id: i64, shelf: Vec<AttachmentView>) -> impl IntoView {
    let files = (!shelf.is_empty()).then(|| {
        view! {
            <ul class="knowledge-files">
                {shelf
                    .into_iter()
                    .map(|f| {
                        let pages = f.pages.map(|p| format!(" · {p} pages")).unwrap_or_default();
                        view! {
                            <li>
                                <a class="attachment-doc" href=file_url(f.id, None)>
                                    <span class="attachment-name">{f.name.clone()}</span>
                                    <span class="muted">{pages}</span>
                                </a>
                                <form method="post" action=format!("/agents/{id}/knowledge/{}/remove", f.id)>
                                    <button type="submit" class="btn btn-small" aria-label=format!("Remove {}", f.name)>"Remove"</button>
                                </form>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let empty = files.is_none();
    view! {
        <section class="knowledge" id="knowledge" aria-labelledby="knowledge-title">
            <h3 id="knowledge-title">"Knowledge"</h3>
            <p class="muted">
                "Documents this agent searches in every thread with it and in its backroom turns; "
                "the parts that match each message go into its prompt, cited as [1], [2]…"
            </p>
            {form_error("knowledge", &["file"])}
            {files}
            {empty.then(|| view! { <p class="muted">"No documents yet."</p> })}
            <form class="knowledge-upload" method="post" action=format!("/agents/{id}/knowledge") enctype="multipart/form-data">
                <label class="field">
                    <span>"Add a document (PDF, text, Markdown, code, CSV, JSON or HTML, up to 20 MB)"</span>
                    <input type="file" name="file" required accept="application/pdf,.pdf,.txt,.md,.markdown,.csv,.json,.html,.htm,.xml,.yaml,.yml,.toml,.rs,.py,.js,.ts,.go,.java,.c,.h,.cpp,.rb,.sh,.sql,.css" />
                </label>
                {field_error("knowledge", "file")}
                <button type="submit" class="btn btn-small">"Add to knowledge"</button>
            </form>
        </section>
    }
}
