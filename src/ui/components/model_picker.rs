use crate::model::provider::ModelRegistry;
use leptos::prelude::*;

/// The name and provider logo of model `id` ("Choose a model" when it is
/// not on offer).
pub fn label_of(registry: &ModelRegistry, id: Option<i64>) -> (String, Option<String>) {
    registry
        .providers
        .iter()
        .find_map(|p| {
            p.models
                .iter()
                .find(|m| Some(m.id) == id)
                .map(|m| (m.name.clone(), p.image_url.clone()))
        })
        .unwrap_or_else(|| ("Choose a model".to_string(), None))
}

/// Models grouped by provider, with logos. Radio inputs inside a
/// `<details>`, so it also works in a plain form without JavaScript;
/// hydrated, it updates its label and closes on choice.
#[component]
pub fn ModelMenu(
    registry: ModelRegistry,
    selected: RwSignal<Option<i64>>,
    name: String,
    /// Offers "no model" (the value `""`) under this label.
    #[prop(optional_no_strip)]
    none_label: Option<String>,
) -> impl IntoView {
    let root = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
    let initial = selected.get_untracked();
    let registry = StoredValue::new(registry);
    if registry.with_value(|r| r.providers.is_empty()) {
        return view! {
            <p class="model-picker-empty muted">
                "No models are configured yet. An admin can add providers in Settings › Providers."
            </p>
        }
        .into_any();
    }
    let none = StoredValue::new(none_label);
    let label = move || match (selected.get(), none.get_value()) {
        (None, Some(text)) => (text, None),
        (id, _) => registry.with_value(|r| label_of(r, id)),
    };
    let close = move || {
        if let Some(el) = root.get_untracked() {
            el.set_open(false);
        }
    };
    view! {
        <details class="model-picker" node_ref=root>
            <summary aria-label="Model">
                {move || {
                    let (text, logo) = label();
                    view! {
                        {logo.map(|src| view! { <img src=src alt="" width="20" height="20" /> })}
                        <span class="model-picker-label">{text}</span>
                    }
                }}
            </summary>
            <div class="model-picker-menu" role="radiogroup">
                {none
                    .get_value()
                    .map(|text| {
                        view! {
                            <label class="model-option model-option-none">
                                <input
                                    type="radio"
                                    name=name.clone()
                                    value=""
                                    checked=initial.is_none()
                                    on:change=move |_| {
                                        selected.set(None);
                                        close();
                                    }
                                />
                                <span>{text}</span>
                            </label>
                        }
                    })}
                {registry
                    .get_value()
                    .providers
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let name = name.clone();
                        // The caller's own keys come last, under a heading.
                        let first_own = p.own_key
                            && registry
                                .with_value(|r| i == 0 || !r.providers[i - 1].own_key);
                        view! {
                            {first_own
                                .then(|| view! { <div class="model-section">"Your keys"</div> })}
                            <div class="model-group">
                                <div class="model-group-head">
                                    {p
                                        .image_url
                                        .clone()
                                        .map(|src| view! { <img src=src alt="" width="18" height="18" /> })}
                                    <span>{p.name.clone()}</span>
                                </div>
                                {p
                                    .models
                                    .into_iter()
                                    .map(|m| {
                                        let id = m.id;
                                        let pick = move |_| {
                                            selected.set(Some(id));
                                            close();
                                        };
                                        view! {
                                            <label class="model-option">
                                                <input
                                                    type="radio"
                                                    name=name.clone()
                                                    value=id.to_string()
                                                    checked=initial == Some(id)
                                                    on:change=pick
                                                />
                                                <span>{m.name.clone()}</span>
                                                {m
                                                    .vision
                                                    .then(|| view! { <span class="badge badge-vision" title="Sees pictures">"sees pictures"</span> })}
                                                {m
                                                    .is_default
                                                    .then(|| view! { <span class="badge">"default"</span> })}
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </details>
    }
    .into_any()
}

/// A stand-alone model picker: the global default preselected, or, given
/// `none_label`, "no model" (the default at call time) as a choice of its own.
#[island]
pub fn ModelPicker(
    registry: ModelRegistry,
    selected: Option<i64>,
    name: String,
    none_label: Option<String>,
) -> impl IntoView {
    let chosen = RwSignal::new(if none_label.is_some() {
        selected
    } else {
        selected.or(registry.default_model_id)
    });
    view! { <ModelMenu registry=registry selected=chosen name=name none_label=none_label /> }
}
