//! The thread's options: model, temperature and reply length.

use super::FormErrors;
use crate::model::provider::ModelRegistry;
use crate::serverfns::chat::save_thread_settings;
use crate::text::format::{decimal, tenths};
use crate::ui::components::model_picker::ModelMenu;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The options as set on the page. An agent's thread follows the agent's
/// settings until the user changes them here (`touched`).
#[derive(Clone, Copy)]
pub(super) struct Settings {
    pub thread_id: Option<i64>,
    pub model: RwSignal<Option<i64>>,
    pub temp: RwSignal<f32>,
    pub tokens: RwSignal<i32>,
    pub touched: RwSignal<bool>,
}

impl Settings {
    /// Remembers a change for the thread (a new thread sends them with its
    /// first message).
    pub fn save(self) {
        self.touched.set(true);
        if let Some(id) = self.thread_id {
            let t = self.tokens.get_untracked();
            let (model, temp) = (self.model, self.temp);
            spawn_local(async move {
                let _ = save_thread_settings(
                    id,
                    model.get_untracked(),
                    Some(temp.get_untracked()),
                    (t > 0).then_some(t),
                )
                .await;
            });
        }
    }

    /// What a message sends along: the options the user set here, if any
    /// (model, temperature, max tokens; a 0 slider is the model's default).
    pub fn own(self) -> (Option<i64>, Option<f32>, Option<i32>) {
        let t = self.tokens.get_untracked();
        let own = self.touched.get_untracked();
        (
            self.model.get_untracked().filter(|_| own),
            Some(self.temp.get_untracked()).filter(|_| own),
            (t > 0 && own).then_some(t),
        )
    }
}

/// The "Options" drawer of the composer; each input is also a field of the
/// plain form.
#[component]
pub(super) fn ChatOptions(
    settings: Settings,
    registry: ModelRegistry,
    errors: FormErrors,
) -> impl IntoView {
    let Settings { temp, tokens, .. } = settings;
    view! {
        <details class="chat-options" id="chat-options">
            <summary class="btn btn-small">"Options"</summary>
            <div class="chat-options-body">
                <ModelMenu registry=registry selected=settings.model name="model_id".to_string() />
                <label class="field">
                    <span>{move || format!("Temperature {}", tenths(temp.get()))}</span>
                    <input
                        type="range"
                        name="temperature"
                        min="0"
                        max="2"
                        step="0.1"
                        value=tenths(temp.get_untracked())
                        prop:value=move || tenths(temp.get())
                        on:input=move |ev| temp.set(decimal(&event_target_value(&ev)).unwrap_or(1.0))
                        on:change=move |_| settings.save()
                    />
                    {errors.at("temperature")}
                </label>
                <label class="field">
                    <span>
                        {move || match tokens.get() {
                            0 => "Max tokens: model default".to_string(),
                            n => format!("Max tokens {n}"),
                        }}
                    </span>
                    <input
                        type="range"
                        name="max_tokens"
                        min="0"
                        max="16384"
                        step="256"
                        value=tokens.get_untracked().to_string()
                        prop:value=move || tokens.get().to_string()
                        on:input=move |ev| tokens.set(event_target_value(&ev).parse().unwrap_or(0))
                        on:change=move |_| settings.save()
                    />
                    {errors.at("max_tokens")}
                </label>
            </div>
        </details>
    }
}
