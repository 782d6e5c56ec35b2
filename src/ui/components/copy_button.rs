//! "Copy": puts a text on the clipboard and says so. It shows once the
//! page has JavaScript; without, the text sits in a read-only field to
//! select.

use crate::ui::browser;
use leptos::prelude::*;

#[island]
pub fn CopyButton(text: String, label: String) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    let copied = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let text = StoredValue::new(text);
    view! {
        <span class="copy-button" data-hydrated=move || hydrated.get().then_some("true")>
            <button
                type="button"
                class="btn btn-small"
                hidden=move || !hydrated.get()
                aria-label=label
                on:click=move |_| {
                    browser::copy_text(&text.get_value());
                    copied.set(true);
                    set_timeout(move || copied.set(false), std::time::Duration::from_secs(3));
                }
            >
                {move || if copied.get() { "Copied ✓" } else { "Copy" }}
            </button>
            <span class="visually-hidden" role="status">{move || copied.get().then_some("Copied to the clipboard")}</span>
        </span>
    }
}
