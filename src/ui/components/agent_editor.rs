use super::agent_card::AgentAvatar;
use crate::text::format::{decimal, percent, tenths, tokens_label};
use crate::ui::browser;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the live preview starts from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub name: String,
    pub description: String,
    pub avatar: String,
    pub color: String,
    pub model_id: Option<i64>,
    pub temperature: f32,
    pub max_tokens: i32,
    pub talkativeness: f32,
    /// Model ids and names, for the preview's model line.
    pub models: Vec<(i64, String)>,
    pub default_model: String,
}

/// The agent editor: the server-rendered form (its children, a plain form
/// that works without JavaScript) and a preview card that follows every
/// change typed or picked in it.
#[island]
pub fn AgentEditor(preview: Preview, children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
    let name = RwSignal::new(preview.name);
    let description = RwSignal::new(preview.description);
    let picked = RwSignal::new(preview.avatar);
    let custom = RwSignal::new(String::new());
    let color = RwSignal::new(preview.color);
    let model = RwSignal::new(preview.model_id);
    let temperature = RwSignal::new(preview.temperature);
    let max_tokens = RwSignal::new(preview.max_tokens);
    let talk = RwSignal::new(preview.talkativeness);
    let models = StoredValue::new(preview.models);
    let default_model = StoredValue::new(preview.default_model);

    let on_change = move |ev: leptos::ev::Event| {
        let field = crate::ui::browser::input_name(&ev);
        let value = event_target_value(&ev);
        match field.as_str() {
            "name" => name.set(value),
            "description" => description.set(value),
            "avatar" => {
                picked.set(value);
                custom.set(String::new());
            }
            "avatar_custom" => custom.set(value),
            "color" => color.set(value),
            "model_id" => model.set(value.parse().ok()),
            "temperature" => {
                temperature.set(decimal(&value).unwrap_or(1.0));
                browser::set_text_of("temperature-value", &tenths(temperature.get_untracked()));
            }
            "max_tokens" => {
                max_tokens.set(value.parse().unwrap_or(0));
                browser::set_text_of(
                    "max_tokens-value",
                    &tokens_label(max_tokens.get_untracked()),
                );
            }
            "talkativeness" => {
                talk.set(decimal(&value).unwrap_or(0.5));
                browser::set_text_of("talkativeness-value", &percent(talk.get_untracked()));
            }
            _ => {}
        }
    };
    let avatar = move || {
        let c = custom.get();
        if c.trim().is_empty() {
            picked.get()
        } else {
            c.trim().to_string()
        }
    };
    let model_name = move || match model.get() {
        Some(id) => models.with_value(|ms| {
            ms.iter()
                .find(|(m, _)| *m == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        }),
        None => default_model.get_value(),
    };
    view! {
        <div class="agent-editor" node_ref=root on:input=on_change on:change=on_change>
            <div class="agent-editor-form">{children()}</div>
            <aside class="agent-preview" aria-label="Preview">
                <div class="agent-card" style=move || format!("--agent:{}", color.get())>
                    <header class="agent-card-head">
                        {move || view! { <AgentAvatar avatar=avatar() color=color.get() size=48 /> }}
                        <div>
                            <h3 class="agent-name">
                                {move || {
                                    let n = name.get();
                                    if n.trim().is_empty() { "Unnamed agent".to_string() } else { n }
                                }}
                            </h3>
                            <p class="agent-model muted">{model_name}</p>
                        </div>
                    </header>
                    <p class="agent-description">{move || description.get()}</p>
                    <dl class="agent-settings">
                        <dt>"Temperature"</dt>
                        <dd data-setting="temperature">{move || tenths(temperature.get())}</dd>
                        <dt>"Max tokens"</dt>
                        <dd data-setting="max_tokens">
                            {move || match max_tokens.get() {
                                0 => "model default".to_string(),
                                n => n.to_string(),
                            }}
                        </dd>
                        <dt>"Talkativeness"</dt>
                        <dd data-setting="talkativeness">{move || format!("{}%", (talk.get() * 100.0 + 0.5) as i32)}</dd>
                    </dl>
                </div>
            </aside>
        </div>
    }
}
