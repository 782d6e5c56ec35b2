//! "Fork with a change": a new branch of the run from a turn, one seat on
//! another model, prompt or temperature. A plain form.

use crate::model::backroom::ParticipantView;
use crate::model::provider::ModelRegistry;
use crate::serverfns::backrooms::ForkRoom;
use crate::ui::components::flash::field_error;
use crate::ui::components::model_picker::ModelPicker;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn ForkWith(
    id: i64,
    turns: usize,
    seats: Vec<ParticipantView>,
    registry: Option<ModelRegistry>,
) -> impl IntoView {
    view! {
        <section class="room-fork-with" id="fork-with" aria-labelledby="fork-with-title">
            <h3 id="fork-with-title">"Fork with a change"</h3>
            <p class="muted">
                "A new branch with the transcript up to a turn, where one seat goes on with another model, prompt or temperature. Empty fields keep the seat's own; compare the branches side by side from the fork's page."
            </p>
            {field_error("room", "changes")}
            {field_error("room", "turn")}
            <form method="post" action=ForkRoom::url() class="room-fork-with-form">
                <input type="hidden" name="id" value=id />
                <label class="field">
                    <span>"Keep the turns up to"</span>
                    <input type="number" name="turn" min="0" max=turns value=turns />
                </label>
                <label class="field">
                    <span>"Change"</span>
                    <select name="participant">
                        {seats
                            .into_iter()
                            .filter(|p| !p.left)
                            .map(|p| view! { <option value=p.id>{p.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                {registry.map(|registry| view! {
                    <div class="field">
                        <span>"Model"</span>
                        <ModelPicker
                            registry=registry
                            selected=None
                            name="model_id".to_string()
                            none_label=Some("Keep the seat's model".to_string())
                        />
                    </div>
                })}
                <label class="field">
                    <span>"System prompt (empty: keep)"</span>
                    <textarea name="system_prompt" rows="4" maxlength="32768"></textarea>
                </label>
                <label class="field">
                    <span>"Temperature, 0 to 2 (empty: keep)"</span>
                    <input type="number" name="temperature" min="0" max="2" step="0.1" />
                </label>
                <button type="submit" class="btn btn-small">"Fork with this change"</button>
            </form>
        </section>
    }
}
