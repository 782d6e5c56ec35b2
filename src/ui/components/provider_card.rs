use super::connection_test::ConnectionTester;
use super::flash::{field_error, form_error, typed};
use super::model_import::ModelImporter;
use crate::model::provider::{
    upstream_id, ApiFormat, ModelView, ProviderPreset, ProviderView, PRESETS,
};
use crate::serverfns::providers::{
    CreateModel, CreateProvider, DeleteProvider, ModelAction, UpdateProvider,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn key_status(p: &ProviderView) -> String {
    match (&p.api_key_error, &p.api_key_last4) {
        (Some(e), _) => e.clone(),
        (None, Some(last4)) => format!("Key ••••{last4}"),
        (None, None) => "No API key".to_string(),
    }
}

/// The hidden field that sends a form to the caller's own keys.
fn own_field(own: bool) -> Option<impl IntoView> {
    own.then(|| view! { <input type="hidden" name="own" value="1" /> })
}

/// One provider on Settings > Providers, or one of Your keys (`own`):
/// what it is, its actions and its models.
#[component]
pub fn ProviderCard(
    provider: ProviderView,
    models: Vec<ModelView>,
    #[prop(optional)] own: bool,
) -> impl IntoView {
    let id = provider.id;
    let edit = format!("edit-{id}");
    let logo = provider
        .image_url
        .clone()
        .unwrap_or_else(|| "/logos/custom.svg".into());
    let existing: Vec<String> = models
        .iter()
        .map(|m| upstream_id(&m.model_sdk_id).to_string())
        .collect();
    let model_count = models.len();
    let key_problem = provider.api_key_error.is_some();
    view! {
        <section
            class="panel provider-card"
            id=format!("provider-{id}")
            data-provider=provider.provider_sdk_id.clone()
        >
            <header class="provider-head">
                <img class="provider-logo" src=logo alt="" width="40" height="40" />
                <div class="provider-title">
                    <h2>{provider.name.clone()}</h2>
                    <p class="muted provider-meta">
                        <span class="badge">{provider.api_format.as_str()}</span>
                        " "
                        <span class=if key_problem { "key-status key-error" } else { "key-status" }>
                            {key_status(&provider)}
                        </span>
                        {(!provider.is_enabled).then(|| view! { " " <span class="badge">"disabled"</span> })}
                    </p>
                    <p class="muted provider-url">
                        {provider
                            .base_url
                            .clone()
                            .unwrap_or_else(|| {
                                format!("{} (default)", provider.api_format.default_base_url())
                            })}
                    </p>
                </div>
            </header>
            {form_error(&edit, &["name", "provider_sdk_id", "api_format", "base_url", "api_key", "image_url"])}
            {form_error(&format!("delete-{id}"), &[])}
            <div class="provider-actions">
                <ConnectionTester provider_id=id own=own />
                <ModelImporter provider_id=id existing=existing own=own />
            </div>
            <details class="provider-edit" open=page_flash_is(&edit)>
                <summary class="btn">"Edit"</summary>
                <ProviderForm
                    action=UpdateProvider::url()
                    form=edit.clone()
                    submit="Save"
                    provider=Some(provider.clone())
                    own=own
                />
            </details>
            <details class="confirm">
                <summary class="btn btn-danger-outline">"Delete…"</summary>
                <form method="post" action=DeleteProvider::url() class="confirm-box">
                    <input type="hidden" name="id" value=id />
                    {own_field(own)}
                    {(model_count > 0).then(|| view! { <input type="hidden" name="cascade" value="true" /> })}
                    <p>
                        {if model_count > 0 {
                            format!("Delete {} and its {model_count} model(s)?", provider.name)
                        } else {
                            format!("Delete {}?", provider.name)
                        }}
                    </p>
                    <button type="submit" class="btn btn-danger">"Delete provider"</button>
                </form>
            </details>
            <h3>"Models"</h3>
            {if models.is_empty() {
                view! { <p class="muted">"No models yet: import them or add one by id."</p> }.into_any()
            } else {
                view! {
                    <ul class="model-list">
                        {models.into_iter().map(|m| view! { <ModelRow model=m own=own /> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <AddModelForm provider_id=id own=own />
        </section>
    }
}

/// "Price" or what is set ("$0.15 / $0.60"), per million tokens.
fn price_label(m: &ModelView) -> String {
    match (m.input_price, m.output_price) {
        (None, None) => "Price".to_string(),
        (i, o) => format!(
            "${} / ${} per M",
            i.map_or("–".to_string(), |x| x.to_string()),
            o.map_or("–".to_string(), |x| x.to_string())
        ),
    }
}

fn price_value(p: Option<f64>) -> String {
    p.map(|x| x.to_string()).unwrap_or_default()
}

fn page_flash_is(form: &str) -> bool {
    crate::ui::page_context().flash.form.as_deref() == Some(form)
}

#[component]
fn ModelRow(model: ModelView, own: bool) -> impl IntoView {
    let id = model.id;
    let pid = model.provider_id;
    let form = format!("model-{id}");
    let action = move |act: &'static str, label: &'static str, class: &'static str| {
        view! {
            <form method="post" action=ModelAction::url()>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="provider_id" value=pid />
                <input type="hidden" name="action" value=act />
                {own_field(own)}
                <button type="submit" class=class>{label}</button>
            </form>
        }
    };
    view! {
        <li class="model-row" class:disabled=!model.is_enabled data-model=model.model_sdk_id.clone()>
            <div class="model-main">
                <span class="model-name">{model.name.clone()}</span>
                {model
                    .is_default
                    .then(|| {
                        view! {
                            <span class="badge badge-default" title="Global default">
                                "★ default"
                            </span>
                        }
                    })}
                {model
                    .vision
                    .then(|| view! { <span class="badge badge-vision" title="Sees pictures">"sees pictures"</span> })}
                <code class="model-id">{model.model_sdk_id.clone()}</code>
            </div>
            {form_error(&form, &[])}
            <div class="model-actions">
                {(!own && !model.is_default && model.is_enabled)
                    .then(|| action("default", "Set as global default", "btn btn-small"))}
                {if model.is_enabled {
                    action("disable", "Disable", "btn btn-small")
                } else {
                    action("enable", "Enable", "btn btn-small")
                }}
                {if model.vision {
                    action("blind", "Does not see pictures", "btn btn-small")
                } else {
                    action("vision", "Sees pictures", "btn btn-small")
                }}
                <details class="confirm">
                    <summary class="btn btn-small">"Rename"</summary>
                    <form method="post" action=ModelAction::url() class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="provider_id" value=pid />
                        <input type="hidden" name="action" value="rename" />
                        {own_field(own)}
                        <input name="name" value=typed(&form, "name", &model.name) maxlength="128" required aria-label="Model name" />
                        <button type="submit" class="btn btn-small">"Save"</button>
                    </form>
                </details>
                <details class="confirm" open=page_flash_is(&form)>
                    <summary class="btn btn-small">{price_label(&model)}</summary>
                    <form method="post" action=ModelAction::url() class="inline-form price-form">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="provider_id" value=pid />
                        <input type="hidden" name="action" value="price" />
                        {own_field(own)}
                        <label class="field">
                            <span>"Input, USD per million tokens"</span>
                            <input
                                name="input_price"
                                type="number"
                                min="0"
                                max="10000"
                                step="any"
                                inputmode="decimal"
                                value=typed(&form, "input_price", &price_value(model.input_price))
                            />
                        </label>
                        <label class="field">
                            <span>"Output, USD per million tokens"</span>
                            <input
                                name="output_price"
                                type="number"
                                min="0"
                                max="10000"
                                step="any"
                                inputmode="decimal"
                                value=typed(&form, "output_price", &price_value(model.output_price))
                            />
                        </label>
                        <button type="submit" class="btn btn-small">"Save price"</button>
                    </form>
                </details>
                <details class="confirm">
                    <summary class="btn btn-small btn-danger-outline">"Delete…"</summary>
                    <div class="confirm-box">
                        <p>{format!("Delete {}?", model.name)}</p>
                        {action("delete", "Delete model", "btn btn-small btn-danger")}
                    </div>
                </details>
            </div>
        </li>
    }
}

#[component]
fn AddModelForm(provider_id: i64, own: bool) -> impl IntoView {
    let form = format!("model-add-{provider_id}");
    view! {
        <form method="post" action=CreateModel::url() class="add-model">
            <input type="hidden" name="provider_id" value=provider_id />
            {own_field(own)}
            <label class="field">
                <span>"Model id"</span>
                <input
                    name="model_sdk_id"
                    placeholder="e.g. gpt-4o-mini"
                    required
                    maxlength="300"
                    value=typed(&form, "model_sdk_id", "")
                />
                {field_error(&form, "model_sdk_id")}
            </label>
            <label class="field">
                <span>"Display name (optional)"</span>
                <input name="name" maxlength="128" value=typed(&form, "name", "") />
                {field_error(&form, "name")}
            </label>
            {form_error(&form, &["model_sdk_id", "name"])}
            <button type="submit" class="btn">"Add model"</button>
        </form>
    }
}

/// The provider fields, for adding (with a preset) and for editing.
#[component]
pub fn ProviderForm(
    action: &'static str,
    form: String,
    submit: &'static str,
    provider: Option<ProviderView>,
    #[prop(optional)] preset: Option<&'static crate::model::provider::ProviderPreset>,
    /// One of the caller's own keys.
    #[prop(optional)]
    own: bool,
) -> impl IntoView {
    let f = form.clone();
    let initial = |field: &str, from_provider: Option<String>, from_preset: &str| {
        typed(
            &f,
            field,
            &from_provider.unwrap_or_else(|| from_preset.to_string()),
        )
    };
    let p = provider.clone();
    let name = initial(
        "name",
        p.as_ref().map(|p| p.name.clone()),
        preset.map_or("", |x| x.name),
    );
    let slug = initial(
        "provider_sdk_id",
        p.as_ref().map(|p| p.provider_sdk_id.clone()),
        preset.map_or("", |x| x.provider_sdk_id),
    );
    let format = initial(
        "api_format",
        p.as_ref().map(|p| p.api_format.as_str().to_string()),
        preset.map_or("openai", |x| x.api_format.as_str()),
    );
    let base_url = initial(
        "base_url",
        p.as_ref().map(|p| p.base_url.clone().unwrap_or_default()),
        preset.map_or("", |x| x.base_url),
    );
    let image_url = initial(
        "image_url",
        p.as_ref().map(|p| p.image_url.clone().unwrap_or_default()),
        preset.map_or("/logos/custom.svg", |x| x.image_url),
    );
    let editing = provider.is_some();
    let has_key = provider.as_ref().is_some_and(|p| p.has_api_key);
    view! {
        <form method="post" action=action class="stack provider-form">
            {provider.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id /> })}
            {preset.map(|x| view! { <input type="hidden" name="preset" value=x.key /> })}
            {own_field(own)}
            <label class="field">
                <span>"Name"</span>
                <input name="name" required maxlength="64" value=name />
                {field_error(&form, "name")}
            </label>
            <label class="field">
                <span>"Id (slug used in model ids)"</span>
                <input
                    name="provider_sdk_id"
                    required
                    maxlength="32"
                    pattern="[a-z0-9][a-z0-9_\\-]*"
                    autocapitalize="none"
                    value=slug
                />
                {field_error(&form, "provider_sdk_id")}
            </label>
            <label class="field">
                <span>"API format"</span>
                <select name="api_format">
                    <option value="openai" selected=format == "openai">
                        "OpenAI-compatible"
                    </option>
                    <option value="anthropic" selected=format == "anthropic">
                        "Anthropic Messages"
                    </option>
                </select>
                {field_error(&form, "api_format")}
            </label>
            <label class="field">
                <span>"Base URL"</span>
                <input
                    name="base_url"
                    type="url"
                    maxlength="2048"
                    placeholder=ApiFormat::Openai.default_base_url()
                    value=base_url
                />
                {field_error(&form, "base_url")}
            </label>
            <label class="field">
                <span>{if has_key { "API key (leave blank to keep)" } else { "API key" }}</span>
                <input
                    name="api_key"
                    type="password"
                    autocomplete="off"
                    maxlength="4096"
                    placeholder=if has_key { "••••••••" } else { "" }
                />
                {field_error(&form, "api_key")}
            </label>
            {has_key
                .then(|| {
                    view! {
                        <label class="check">
                            <input type="checkbox" name="clear_key" value="on" />
                            <span>"Remove the stored key"</span>
                        </label>
                    }
                })}
            <label class="field">
                <span>"Logo URL"</span>
                <input name="image_url" maxlength="2048" value=image_url />
                {field_error(&form, "image_url")}
            </label>
            {editing
                .then(|| {
                    let on = provider.as_ref().is_some_and(|p| p.is_enabled);
                    view! {
                        <label class="check">
                            <input type="checkbox" name="is_enabled" value="on" checked=on />
                            <span>"Enabled (offered in model pickers)"</span>
                        </label>
                    }
                })}
            <button type="submit" class="btn btn-primary">{submit}</button>
        </form>
    }
}

/// "Add a provider": the presets, and the form of the one picked
/// (`?add=key`). The same for the admin's providers and for own keys.
#[component]
pub fn AddProvider(preset: Option<&'static ProviderPreset>, own: bool) -> impl IntoView {
    view! {
        <section class="panel" id="add">
            <h2>"Add a provider"</h2>
            <div class="preset-grid">
                {PRESETS
                    .iter()
                    .map(|p| {
                        let current = preset.is_some_and(|x| x.key == p.key);
                        view! {
                            <a
                                class="preset"
                                class:current=current
                                href=format!("?add={}#add", p.key)
                                data-preset=p.key
                            >
                                <img src=p.image_url alt="" width="32" height="32" />
                                <span>{p.name}</span>
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
            {preset
                .map(|p| {
                    view! {
                        <h3>{format!("New {} provider", p.name)}</h3>
                        {form_error("add", &["name", "provider_sdk_id", "api_format", "base_url", "api_key", "image_url"])}
                        <ProviderForm
                            action=CreateProvider::url()
                            form="add".to_string()
                            submit="Add provider"
                            provider=None
                            preset=p
                            own=own
                        />
                    }
                })}
        </section>
    }
}
